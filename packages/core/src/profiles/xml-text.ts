/** What XML 1.0 can carry in text, and escaping for the profiles' XML (the plist and the PPS-MO). */

import { escapeText } from '../document/write.ts';
import { MbprovError } from '../errors/mbprov-error.ts';

/**
 * XML 1.0 cannot carry C0 controls other than tab, newline and carriage return, U+FFFE/U+FFFF, or unpaired
 * surrogates (not even as character references): a value holding one cannot be written into a plist or PPS-MO.
 */
const NOT_XML_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find the control characters XML refuses
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether XML 1.0 can carry a string (as text, escaped or not). */
export function isXmlText(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}

/** Escapes a text value for an element's content; MBPROV_MODEL_BAD_VALUE when XML cannot carry it (`what` names it). */
export function xmlTextValue(value: string, what: string): string {
  if (!isXmlText(value))
    throw new MbprovError('MBPROV_MODEL_BAD_VALUE', `${what} holds a character XML cannot carry.`);
  return escapeText(value);
}
