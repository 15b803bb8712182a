import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { MbprovError } from '@mbprov/core';
import type { Secrets } from './secrets.ts';

/**
 * How a signed document is kept at rest: its format marker, then what the format holds.
 *
 * - `v1.<base64>`: AES-256-GCM of the UTF-8 XML (Secrets.encrypt). Written before compression; still read.
 * - `v2.<dictionary id>.<base64>`: the UTF-8 XML compressed with raw deflate against a preset dictionary (a
 *   document of the same deployment, see activation/document-dictionary.ts), then sealed with AES-256-GCM with the
 *   marker and dictionary id as authenticated data. Encryption comes last because ciphertext does not compress:
 *   PostgreSQL kept every v1 document at full size.
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

function unreadable(why: string): MbprovError {
  return new MbprovError('MBPROV_DOCUMENT_UNREADABLE', why);
}

/** The stored (v2) form of a document's XML: compressed against `dictionary`, then encrypted. */
export function sealDocument(secrets: Secrets, xml: string, dictionary: CompressionDictionary): string {
  const marker = `v2.${dictionary.id}.`;
  const compressed = deflateRawSync(Buffer.from(xml, 'utf8'), { dictionary: dictionary.bytes });
  return `${marker}${secrets.seal(compressed, marker).toString('base64')}`;
}

/** The id of the dictionary a stored document was compressed against; undefined for a v1 document, which needs none. */
export function dictionaryIdOf(stored: string): string | undefined {
  return V2.exec(stored)?.[1];
}

/**
 * The XML of a stored document, of either format; `dictionary` is the content of the one {@link dictionaryIdOf}
 * names. Throws MBPROV_DOCUMENT_UNREADABLE for an unknown format, a value that does not decrypt (another key, or
 * altered), or one that does not decompress within {@link MAX_DOCUMENT_BYTES}.
 */
export function openDocument(secrets: Secrets, stored: string, dictionary?: Buffer): string {
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
  let compressed: Buffer;
  try {
    compressed = secrets.open(Buffer.from(stored.slice(marker.length), 'base64'), marker);
  } catch {
    throw unreadable('a v2 document does not decrypt with the secret key (another key, or altered)');
  }
  try {
    return inflateRawSync(compressed, { dictionary, maxOutputLength: MAX_DOCUMENT_BYTES }).toString('utf8');
  } catch (error) {
    throw unreadable(
      (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
        ? `a v2 document decompresses to more than ${MAX_DOCUMENT_BYTES} bytes`
        : `a v2 document does not decompress: ${(error as Error).message}`,
    );
  }
}
