/**
 * The e-mail address a customer types for the receipt, checked on the server as the browser's `type=email` checks it
 * (the WHATWG HTML "valid e-mail address": one @, no spaces, control characters, quotes, commas or angle brackets,
 * a domain of dot-separated labels) and at most 254 characters (the longest address SMTP carries, RFC 5321). What
 * passes can go into a To header and an RCPT TO command as it is: it can name no second recipient and no header.
 */

/** The longest address accepted: a forward path of RFC 5321 (256 octets) without its angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

const LOCAL = "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const ADDRESS = new RegExp(`^${LOCAL}@${LABEL}(?:\\.${LABEL})*$`);

/**
 * The receipt address of a posted form: undefined when the field is empty (no e-mail wanted), 'invalid' when it is
 * not an address, else the address without the spaces around it (a browser trims them too).
 */
export function parseReceiptEmail(value: string): string | 'invalid' | undefined {
  const address = value.trim();
  if (address === '') return undefined;
  return address.length <= MAX_EMAIL_LENGTH && ADDRESS.test(address) ? address : 'invalid';
}
