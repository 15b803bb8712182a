/**
 * An XML property list writer (Apple's PropertyList-1.0 DTD): the text form of a `.mobileconfig`. Written here,
 * not taken from a library, because the profile needs only dict, array, string, integer, boolean and data, and the
 * escaping must be exact: a hostile value (an SSID with `<`, a name with `]]>`) must stay one string.
 */

import { MbprovError } from '../../errors/mbprov-error.ts';
import { xmlTextValue } from '../xml-text.ts';

/** A property list value. `Uint8Array` is written as `<data>` (base64). */
export type PlistValue = string | number | boolean | Uint8Array | readonly PlistValue[] | PlistDict;

/** A property list dictionary; keys are written in insertion order, undefined values are left out. */
export interface PlistDict {
  readonly [key: string]: PlistValue | undefined;
}

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  '<plist version="1.0">\n';

/** Base64 lines of 52 characters, Apple's own layout of `<data>`, so long certificates stay readable. */
function base64Lines(bytes: Uint8Array, indent: string): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,52}/g) ?? [''];
  return lines.map((l) => `${indent}${l}\n`).join('');
}

function write(value: PlistValue, indent: string, out: string[]): void {
  if (typeof value === 'string')
    out.push(`${indent}<string>${xmlTextValue(value, 'A plist string')}</string>\n`);
  else if (typeof value === 'boolean') out.push(`${indent}<${value ? 'true' : 'false'}/>\n`);
  else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new MbprovError(
        'MBPROV_MODEL_BAD_VALUE',
        `A plist integer must be a safe integer, not ${value}.`,
      );
    out.push(`${indent}<integer>${value}</integer>\n`);
  } else if (value instanceof Uint8Array) {
    out.push(`${indent}<data>\n${base64Lines(value, indent)}${indent}</data>\n`);
  } else if (Array.isArray(value)) {
    out.push(`${indent}<array>\n`);
    for (const item of value as readonly PlistValue[]) write(item, `${indent}\t`, out);
    out.push(`${indent}</array>\n`);
  } else {
    out.push(`${indent}<dict>\n`);
    for (const [key, item] of Object.entries(value as PlistDict)) {
      if (item === undefined) continue;
      out.push(`${indent}\t<key>${xmlTextValue(key, 'A plist key')}</key>\n`);
      write(item, `${indent}\t`, out);
    }
    out.push(`${indent}</dict>\n`);
  }
}

/** Writes a dictionary as an XML property list (UTF-8 text); MBPROV_MODEL_BAD_VALUE for a string XML cannot carry. */
export function writePlist(root: PlistDict): string {
  const out = [HEADER];
  write(root, '', out);
  out.push('</plist>\n');
  return out.join('');
}
