/** Exit statuses shared by every command. */
export const EXIT = {
  /** Success: valid (warnings allowed). */
  ok: 0,
  /** The input was processed and found invalid or untrusted. */
  invalid: 1,
  /** Usage error, or a file could not be read or written. */
  usage: 2,
} as const;
