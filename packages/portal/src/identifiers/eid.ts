/** An eUICC identifier (EID), as JSON Schema and ES2+ messages spell it: 32 digits. */
export const EID_PATTERN = '^[0-9]{32}$';

/** Matches an EID: 32 digits. */
export const EID = new RegExp(EID_PATTERN);
