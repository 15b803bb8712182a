import { type CarrierProvisioning, MbprovError, signModelAsync } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import type { PortalContext } from '../context.ts';
import {
  type CompressionDictionary,
  dictionaryIdOf,
  openDocument,
  sealDocument,
} from '../security/sealed-document.ts';
import type { Db } from '../storage/database.ts';
import { dictionaryContent, storeDictionary } from '../storage/document-dictionaries.ts';
import type { Signer } from './signer.ts';

/**
 * The documents a deployment's compression dictionary is made of: documents of a made-up subscriber, credentials
 * masked, built like the real ones (activation/issue.ts gives them).
 */
export type DictionarySamples = (ctx: PortalContext) => CarrierProvisioning[];

// A dictionary's content depends only on the configuration and the signer, so it is made once for each pair.
const current = new WeakMap<Signer, WeakMap<Config, Promise<CompressionDictionary>>>();
// Dictionaries by id, from any database: an id is a keyed hash of the content, so it names one content only.
const known = new Map<string, Buffer>();
// The dictionary ids each database handle is known to hold.
const stored = new WeakMap<Db, Set<string>>();

/**
 * The dictionary of the deployment as configured now: the sample documents signed by the current signer (the
 * certificate is a good part of every document), their signature values left out (they differ in every document).
 */
async function makeDictionary(
  ctx: PortalContext,
  samples: DictionarySamples,
): Promise<CompressionDictionary> {
  const { key, certificate, chain } = ctx.signer;
  const texts = await Promise.all(
    samples(ctx).map(async (model) =>
      (
        await signModelAsync(model, {
          key,
          certificate,
          chain,
          canonicalization: ctx.config.signing.canonicalization,
        })
      ).replace(/<SignatureValue>[^<]*</, '<SignatureValue><'),
    ),
  );
  const text = texts.join('');
  const dictionary = { id: ctx.secrets.contentId(text), bytes: Buffer.from(text, 'utf8') };
  known.set(dictionary.id, dictionary.bytes);
  return dictionary;
}

/** The current dictionary, stored in the database the first time this handle uses it (every process reads it there). */
async function currentDictionary(
  ctx: PortalContext,
  samples: DictionarySamples,
): Promise<CompressionDictionary> {
  let byConfig = current.get(ctx.signer);
  if (!byConfig) {
    byConfig = new WeakMap();
    current.set(ctx.signer, byConfig);
  }
  let made = byConfig.get(ctx.config);
  if (!made) {
    made = makeDictionary(ctx, samples);
    byConfig.set(ctx.config, made);
    // A failure is not kept: the next document tries again.
    made.catch(() => byConfig.delete(ctx.config));
  }
  const dictionary = await made;
  const { db } = ctx.store;
  let ids = stored.get(db);
  if (!ids) {
    ids = new Set();
    stored.set(db, ids);
  }
  if (!ids.has(dictionary.id)) {
    await storeDictionary(db, {
      id: dictionary.id,
      content_encrypted: ctx.secrets.encrypt(dictionary.bytes.toString('utf8')),
      created_at: ctx.clock().toISOString(),
    });
    ids.add(dictionary.id);
  }
  return dictionary;
}

/** The content of a stored dictionary, read once per process. */
async function dictionaryById(ctx: PortalContext, id: string): Promise<Buffer | undefined> {
  const cached = known.get(id);
  if (cached) return cached;
  const content = await dictionaryContent(ctx.store.db, id);
  if (content === undefined) return undefined;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(ctx.secrets.decrypt(content), 'utf8');
  } catch {
    throw new MbprovError(
      'MBPROV_DOCUMENT_UNREADABLE',
      `the compression dictionary ${id} does not decrypt with the secret key`,
    );
  }
  known.set(id, bytes);
  return bytes;
}

/** The stored form of a signed document: compressed against the deployment's dictionary, then encrypted. */
export async function sealForStorage(
  ctx: PortalContext,
  xml: string,
  samples: DictionarySamples,
): Promise<Buffer> {
  return sealDocument(ctx.secrets, xml, await currentDictionary(ctx, samples));
}

/** The XML of a stored document (either format; security/sealed-document.ts). Throws MBPROV_DOCUMENT_UNREADABLE. */
export async function openStoredDocument(ctx: PortalContext, storedValue: Uint8Array): Promise<string> {
  const id = dictionaryIdOf(storedValue);
  return openDocument(ctx.secrets, storedValue, id === undefined ? undefined : await dictionaryById(ctx, id));
}
