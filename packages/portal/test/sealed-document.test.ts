// The stored form of a document (security/sealed-document.ts): compressed against a dictionary, then encrypted;
// rows written before compression (v1) still read; decompression is bounded; anything else is refused by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MbprovError } from '@mbprov/core';
import {
  type CompressionDictionary,
  dictionaryIdOf,
  MAX_DOCUMENT_BYTES,
  openDocument,
  sealDocument,
} from '../src/security/sealed-document.ts';
import { loadSecrets } from '../src/security/secrets.ts';

const secrets = loadSecrets(Buffer.alloc(32, 7).toString('base64'), '/nonexistent');
const other = loadSecrets(Buffer.alloc(32, 8).toString('base64'), '/nonexistent');

const XML =
  '<?xml version="1.0" encoding="utf-8"?>\n<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1">' +
  '<Global><CarrierId>{6a8c1f0e-5d2b-4c7e-9a31-0f4e2b7c9d15}</CarrierId><SubscriberId>310260000000001</SubscriberId></Global>' +
  '</CarrierProvisioning>\n';

/** What the code before compression stored for XML with the test key (Secrets.encrypt at commit ff659f5). */
const V1_ROW =
  'v1.b+S2ZTF/zMxsnucB8NzcprQQDBAj1AyTlZG6VStorvVd198sqPkw7mcf45J8D8RNfATO9KVQripYSpXF0PPcpDkCM5kqPlsDXFi3aSLUvqpIyBPDzm5+kk1zSmqkAUWHFlHoaS4VVLeWHJTg6IN2ZyRgUtzFbPzlkY7si9k/XYDNPXftTyJWZHiWQVnYao2BCQ3N6RpR5F5aLdJmx4gcxpOnh1NfNUy95IZMBTF7xQyCw2qWbsEsoH1l47uumizTwNVsn6Db3GKumvZTDUfJi7bGvMSvT9063YJgnMKL4Eu0vDD0CX7WccTQaXjfJKtvY6gMXd4/g4jm38jmPMdHa/8gR3u5Z/KZmX0duIuds27PNhfEdya39dsZjVVoRbQV+nGJ8lB4pQ==';

/** A dictionary made of a document of the same shape, as the portal's is. */
const dictionary: CompressionDictionary = {
  id: secrets.contentId(XML.replace('310260000000001', '001010000000000')),
  bytes: Buffer.from(XML.replace('310260000000001', '001010000000000'), 'utf8'),
};

/** Asserts that `run` throws MBPROV_DOCUMENT_UNREADABLE with a message matching `why`. */
function unreadable(run: () => unknown, why: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof MbprovError, String(e));
    assert.equal(e.code, 'MBPROV_DOCUMENT_UNREADABLE');
    assert.match(e.message, why);
    return true;
  });
}

describe('sealed documents', () => {
  it('round trip: v2 names its dictionary, hides the XML, and opens to the same text', () => {
    const sealed = sealDocument(secrets, XML, dictionary);
    assert.match(sealed, /^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9+/=]+$/);
    assert.equal(dictionaryIdOf(sealed), dictionary.id);
    assert.doesNotMatch(sealed, /CarrierProvisioning/);
    assert.equal(openDocument(secrets, sealed, dictionary.bytes), XML);
    // Against a dictionary of the same shape only the differences are stored: far less than the v1 form.
    assert.ok(sealed.length < secrets.encrypt(XML).length / 2, `${sealed.length} characters`);
    const texts = 'ünïcødé 日本語 ✓';
    assert.equal(openDocument(secrets, sealDocument(secrets, texts, dictionary), dictionary.bytes), texts);
  });

  it('a row stored before compression (v1) still opens, without a dictionary', () => {
    assert.equal(dictionaryIdOf(V1_ROW), undefined);
    assert.equal(openDocument(secrets, V1_ROW), XML);
    assert.equal(openDocument(secrets, secrets.encrypt(XML)), XML);
  });

  it('decompression is bounded: a value that inflates beyond MAX_DOCUMENT_BYTES is refused', () => {
    const bomb = sealDocument(secrets, 'a'.repeat(MAX_DOCUMENT_BYTES + 1), dictionary);
    assert.ok(bomb.length < 20_000, `the bomb is small at rest: ${bomb.length} characters`);
    unreadable(
      () => openDocument(secrets, bomb, dictionary.bytes),
      /decompresses to more than 4194304 bytes/,
    );
    const atLimit = sealDocument(secrets, 'a'.repeat(MAX_DOCUMENT_BYTES), dictionary);
    assert.equal(openDocument(secrets, atLimit, dictionary.bytes).length, MAX_DOCUMENT_BYTES);
  });

  it('refuses another key, an altered value, a moved marker, a wrong or missing dictionary, an unknown format', () => {
    const sealed = sealDocument(secrets, XML, dictionary);
    unreadable(() => openDocument(other, sealed, dictionary.bytes), /does not decrypt/);
    unreadable(() => openDocument(other, V1_ROW), /v1 document does not decrypt/);
    const body = sealed.slice(sealed.lastIndexOf('.') + 1);
    const flipped = Buffer.from(body, 'base64');
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    unreadable(
      () => openDocument(secrets, `v2.${dictionary.id}.${flipped.toString('base64')}`, dictionary.bytes),
      /does not decrypt/,
    );
    // The marker is authenticated: the same ciphertext under another dictionary id does not open.
    unreadable(() => openDocument(secrets, `v2.another.${body}`, dictionary.bytes), /does not decrypt/);
    unreadable(() => openDocument(secrets, sealed, Buffer.from('another dictionary')), /does not decompress/);
    unreadable(() => openDocument(secrets, sealed), /dictionary .* is missing/);
    unreadable(() => openDocument(secrets, `v9.${body}`), /unknown stored format "v9\."/);
  });
});
