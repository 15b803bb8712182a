import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { MbprovError } from '@mbprov/core';
import type { Secrets } from './secrets.ts';

/**
 * How a signed document is kept at rest (the `sealed` column, binary on both engines): a format marker, then what
 * the format holds.
 *
 * - `0x03, n, <n bytes: dictionary id>, <AES-256-GCM>` (v3, written now): the UTF-8 XML compressed with raw deflate
 *   against a preset dictionary (a document of the same deployment, see activation/documents-at-rest.ts), then
 *   sealed with AES-256-GCM with the marker and dictionary id as authenticated data. Encryption comes last because
 *   ciphertext does not compress.
 * - Text rows of the `xml_encrypted` column before migration 0014, kept as their UTF-8 bytes (first byte `v`):
 *   `v2.<dictionary id>.<base64>` (v3's content in base64 text) and `v1.<base64>` (Secrets.encrypt of the XML, before
 *   compression). Still read; base64 cost a third more bytes than the binary form.
 *
 * The dictionary is what makes the difference: most of a document is the same in every document of a deployment
 * (namespaces, the operator's networks, the signing certificate), and deflate with the dictionary stores only what
 * differs. Measured on the demo deployment's documents: a 7.5 KB full document deflates to 3.0 KB alone and to
 * 0.54 KB against the dictionary; brotli, which Node cannot give a custom dictionary, reaches 2.9 KB at quality 6.
 */

/** What a stored document may decompress to at most: far above any real document, and bounded so that a corrupt or forged row cannot exhaust memory. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** A preset dictionary of the compression, named by a keyed hash of its content (Secrets.contentId). */
export interface CompressionDictionary {
  id: string;
  bytes: Buffer;
}

const V2 = /^v2\.([A-Za-z0-9_-]+)\./;
const V3 = 3;
/** The first byte of the text formats ("v"). */
const TEXT = 0x76;

function unreadable(why: string): MbprovError {
  return new MbprovError('MBPROV_DOCUMENT_UNREADABLE', why);
}

/** The stored (v3) form of a document's XML: compressed against `dictionary`, then encrypted. */
export function sealDocument(secrets: Secrets, xml: string, dictionary: CompressionDictionary): Buffer {
  const id = Buffer.from(dictionary.id, 'latin1');
  if (id.length > 255 || !/^[A-Za-z0-9_-]+$/.test(dictionary.id))
    throw new Error(`dictionary id ${dictionary.id} cannot be stored`);
  const header = Buffer.concat([Buffer.from([V3, id.length]), id]);
  const compressed = deflateRawSync(Buffer.from(xml, 'utf8'), { dictionary: dictionary.bytes });
  return Buffer.concat([header, secrets.seal(compressed, header.toString('latin1'))]);
}

/** `stored` as a Buffer over the same memory (a driver may hand a Uint8Array or a view into a larger buffer). */
const view = (stored: Uint8Array) => Buffer.from(stored.buffer, stored.byteOffset, stored.length);

/** The header of a v3 value (marker, id length, id) and the dictionary id it names; undefined when it is no v3 value. */
function v3Header(stored: Uint8Array): { header: Buffer; id: string } | undefined {
  if (stored[0] !== V3 || stored.length < 2) return undefined;
  const end = 2 + (stored[1] as number);
  if (stored.length < end) return undefined;
  const header = view(stored).subarray(0, end);
  return { header, id: header.subarray(2).toString('latin1') };
}

/** The id of the dictionary a stored document was compressed against; undefined for a v1 document, which needs none. */
export function dictionaryIdOf(stored: Uint8Array): string | undefined {
  if (stored[0] === TEXT) return V2.exec(view(stored).toString('latin1', 0, 64))?.[1];
  return v3Header(stored)?.id;
}

/** Inflates what a v2 or v3 value held, within {@link MAX_DOCUMENT_BYTES}. */
function inflated(compressed: Buffer, dictionary: Buffer, format: string): string {
  try {
    return inflateRawSync(compressed, { dictionary, maxOutputLength: MAX_DOCUMENT_BYTES }).toString('utf8');
  } catch (error) {
    throw unreadable(
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
        ? `a ${format} document decompresses to more than ${MAX_DOCUMENT_BYTES} bytes`
        : `a ${format} document does not decompress: ${(error as Error).message}`,
    );
  }
}

/** Opens what {@link Secrets.seal} made with `context`, or refuses by name. */
function opened(secrets: Secrets, sealed: Buffer, context: string, format: string): Buffer {
  try {
    return secrets.open(sealed, context);
  } catch {
    throw unreadable(`a ${format} document does not decrypt with the secret key (another key, or altered)`);
  }
}

/** The XML of a text-format row (v1 or v2, from before migration 0014). */
function openText(secrets: Secrets, stored: string, dictionary?: Buffer): string {
  if (stored.startsWith('v1.')) {
    try {
      return secrets.decrypt(stored);
    } catch {
      throw unreadable('a v1 document does not decrypt with the secret key (another key, or altered)');
    }
  }
  const v2 = V2.exec(stored);
  if (!v2) throw unreadable(`unknown stored format "${stored.slice(0, 3)}"`);
  if (!dictionary) throw unreadable(`the compression dictionary ${v2[1]} is missing`);
  const marker = v2[0];
  const compressed = opened(secrets, Buffer.from(stored.slice(marker.length), 'base64'), marker, 'v2');
  return inflated(compressed, dictionary, 'v2');
}

/**
 * The XML of a stored document, of any format; `dictionary` is the content of the one {@link dictionaryIdOf}
 * names. Throws MBPROV_DOCUMENT_UNREADABLE for an unknown format, a value that does not decrypt (another key, or
 * altered), or one that does not decompress within {@link MAX_DOCUMENT_BYTES}.
 */
export function openDocument(secrets: Secrets, stored: Uint8Array, dictionary?: Buffer): string {
  if (stored[0] === TEXT) return openText(secrets, view(stored).toString('utf8'), dictionary);
  const v3 = v3Header(stored);
  if (!v3) throw unreadable(`unknown stored format (first byte ${stored[0] ?? 'none'})`);
  if (!dictionary) throw unreadable(`the compression dictionary ${v3.id} is missing`);
  const sealed = view(stored).subarray(v3.header.length);
  return inflated(opened(secrets, sealed, v3.header.toString('latin1'), 'v3'), dictionary, 'v3');
}
