import { MbprovError } from '../errors/mbprov-error.ts';
import { isLdhName } from '../rules/wlan-rules.ts';

/**
 * The eSIM Activation Code of GSMA SGP.22 section 4.1, AC_Format "1":
 * `1$<SM-DP+ address>$<matching ID>[$<SM-DP+ OID>[$<confirmation code required flag>]]`. A person types it or the
 * Mobile Plans app hands it to the LPA as it is; only a QR code carries it behind `LPA:` ({@link activationCodeQrText}).
 */
export interface ActivationCode {
  /** The SM-DP+ address: a fully qualified domain name in LDH labels, no port, no trailing dot. */
  smdpAddress: string;
  /** The matching ID (the AC_Token): `0-9`, `A-Z` and `-`; may be empty (the SM-DP+ then matches by EID). */
  matchingId: string;
  /** The SM-DP+'s object identifier in dotted decimal (`1.3.6.1.4.1.31746`), when the code names it. */
  smdpOid?: string;
  /** Whether the user must type a confirmation code (the flag `1`). */
  confirmationCodeRequired?: boolean;
}

/** The longest Activation Code SGP.22 allows (the whole string, without the QR prefix). */
export const ACTIVATION_CODE_MAX_LENGTH = 255;
/** The prefix of an Activation Code in a QR code, and only there. */
export const ACTIVATION_CODE_QR_PREFIX = 'LPA:';
/** The characters of a matching ID (SGP.22 4.1: upper case letters, digits and hyphen). */
export const MATCHING_ID_PATTERN = /^[0-9A-Z-]*$/;

const DELIMITER = '$';
/** Dotted decimal: a first arc 0 to 2, then at least one arc, no leading zeros. */
const OID = /^[0-2](\.(0|[1-9][0-9]{0,19}))+$/;

const refuse = (why: string): never => {
  throw new MbprovError('MBPROV_ACTIVATION_CODE_INVALID', `Activation Code: ${why}`);
};

/** Refuses a part that is not what SGP.22 allows there; the parts a code is built from and parsed into alike. */
function checkParts(code: ActivationCode): void {
  if (!isLdhName(code.smdpAddress))
    refuse('the SM-DP+ address must be a domain name of letters, digits, hyphens and dots (no port)');
  if (!MATCHING_ID_PATTERN.test(code.matchingId)) refuse('the matching ID may only hold 0-9, A-Z and -');
  if (code.smdpOid !== undefined && !OID.test(code.smdpOid))
    refuse('the SM-DP+ OID must be dotted decimal, such as 1.3.6.1.4.1.31746');
}

/** Builds the Activation Code of SGP.22 4.1 from its parts; throws MBPROV_ACTIVATION_CODE_INVALID for a bad part. */
export function buildActivationCode(code: ActivationCode): string {
  checkParts(code);
  const fields = ['1', code.smdpAddress, code.matchingId];
  if (code.smdpOid !== undefined || code.confirmationCodeRequired) fields.push(code.smdpOid ?? '');
  if (code.confirmationCodeRequired) fields.push('1');
  const text = fields.join(DELIMITER);
  if (text.length > ACTIVATION_CODE_MAX_LENGTH)
    refuse(`longer than ${ACTIVATION_CODE_MAX_LENGTH} characters`);
  return text;
}

/**
 * Parses an Activation Code (without the QR prefix: {@link parseActivationCodeQrText} reads that). Length is checked
 * before anything else, so a hostile input costs at most 255 characters of work. An empty OID field followed by the
 * flag (`1$A$B$$1`) is an absent OID; a flag other than `1`, a sixth field, or any other format than `1` is refused.
 */
export function parseActivationCode(text: string): ActivationCode {
  if (text.length > ACTIVATION_CODE_MAX_LENGTH)
    refuse(`longer than ${ACTIVATION_CODE_MAX_LENGTH} characters`);
  if (text.startsWith(ACTIVATION_CODE_QR_PREFIX))
    refuse('the LPA: prefix belongs to QR codes only; read QR text with parseActivationCodeQrText');
  const fields = text.split(DELIMITER);
  if (fields[0] !== '1') refuse('the format (before the first $) must be 1');
  if (fields.length < 3) refuse('needs the format, the SM-DP+ address and the matching ID, separated by $');
  if (fields.length > 5) refuse('has more than 5 fields');
  const [, smdpAddress = '', matchingId = '', oid = '', flag] = fields;
  if (flag !== undefined && flag !== '1')
    refuse('the confirmation code required flag must be 1 when present');
  const code: ActivationCode = {
    smdpAddress,
    matchingId,
    ...(oid ? { smdpOid: oid } : {}),
    ...(flag === '1' ? { confirmationCodeRequired: true } : {}),
  };
  checkParts(code);
  return code;
}

/** The text of the QR code of an Activation Code: `LPA:` followed by the code (SGP.22 4.1). */
export function activationCodeQrText(code: ActivationCode): string {
  return ACTIVATION_CODE_QR_PREFIX + buildActivationCode(code);
}

/** Parses the text of an Activation Code QR code: `LPA:` then the code; refuses text without the prefix. */
export function parseActivationCodeQrText(text: string): ActivationCode {
  if (text.length > ACTIVATION_CODE_QR_PREFIX.length + ACTIVATION_CODE_MAX_LENGTH)
    refuse(`longer than ${ACTIVATION_CODE_MAX_LENGTH} characters after LPA:`);
  if (!text.startsWith(ACTIVATION_CODE_QR_PREFIX)) refuse('QR text must start with LPA:');
  return parseActivationCode(text.slice(ACTIVATION_CODE_QR_PREFIX.length));
}
