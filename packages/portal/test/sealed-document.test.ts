// The stored form of a document (security/sealed-document.ts): compressed against a dictionary, then encrypted;
// rows written before compression (v1) still read; decompression is bounded; anything else is refused by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateRawSync } from 'node:zlib';
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

/** A text row of the v2 format (before migration 0014), as the migration keeps it: its UTF-8 bytes. */
function v2Row(xml: string): Buffer {
  const marker = `v2.${dictionary.id}.`;
  const compressed = deflateRawSync(Buffer.from(xml, 'utf8'), { dictionary: dictionary.bytes });
  return Buffer.from(`${marker}${secrets.seal(compressed, marker).toString('base64')}`, 'utf8');
}

const text = (s: string) => Buffer.from(s, 'utf8');

describe('sealed documents', () => {
  it('round trip: v3 names its dictionary, hides the XML, and opens to the same text', () => {
    const sealed = sealDocument(secrets, XML, dictionary);
    assert.equal(sealed[0], 3);
    assert.equal(sealed[1], dictionary.id.length);
    assert.equal(dictionaryIdOf(sealed), dictionary.id);
    assert.ok(!sealed.includes('CarrierProvisioning'));
    assert.equal(openDocument(secrets, sealed, dictionary.bytes), XML);
    // Against a dictionary of the same shape only the differences are stored: far less than the v1 form, and in
    // bytes a quarter less than the same content in base64 (v2).
    assert.ok(sealed.length < secrets.encrypt(XML).length / 2, `${sealed.length} bytes`);
    assert.ok(sealed.length < v2Row(XML).length * 0.85, `${sealed.length} bytes, v2 ${v2Row(XML).length}`);
    const texts = 'ünïcødé 日本語 ✓';
    assert.equal(openDocument(secrets, sealDocument(secrets, texts, dictionary), dictionary.bytes), texts);
    // A view into a larger buffer (as a driver may hand one) reads the same.
    const framed = Buffer.concat([Buffer.from('xx'), sealed, Buffer.from('yy')]);
    const view = framed.subarray(2, 2 + sealed.length);
    assert.equal(dictionaryIdOf(view), dictionary.id);
    assert.equal(openDocument(secrets, view, dictionary.bytes), XML);
  });

  it('rows stored as text before migration 0014 still open: v2 with its dictionary, v1 without one', () => {
    assert.equal(dictionaryIdOf(v2Row(XML)), dictionary.id);
    assert.equal(openDocument(secrets, v2Row(XML), dictionary.bytes), XML);
    assert.equal(dictionaryIdOf(text(V1_ROW)), undefined);
    assert.equal(openDocument(secrets, text(V1_ROW)), XML);
    assert.equal(openDocument(secrets, text(secrets.encrypt(XML))), XML);
  });

  it('decompression is bounded: a value that inflates beyond MAX_DOCUMENT_BYTES is refused', () => {
    const bomb = sealDocument(secrets, 'a'.repeat(MAX_DOCUMENT_BYTES + 1), dictionary);
    assert.ok(bomb.length < 20_000, `the bomb is small at rest: ${bomb.length} bytes`);
    unreadable(
      () => openDocument(secrets, bomb, dictionary.bytes),
      /decompresses to more than 4194304 bytes/,
    );
    unreadable(
      () => openDocument(secrets, v2Row('a'.repeat(MAX_DOCUMENT_BYTES + 1)), dictionary.bytes),
      /v2 document decompresses to more than/,
    );
    const atLimit = sealDocument(secrets, 'a'.repeat(MAX_DOCUMENT_BYTES), dictionary);
    assert.equal(openDocument(secrets, atLimit, dictionary.bytes).length, MAX_DOCUMENT_BYTES);
  });

  it('refuses another key, an altered value, a moved marker, a wrong or missing dictionary, an unknown format', () => {
    const sealed = sealDocument(secrets, XML, dictionary);
    unreadable(() => openDocument(other, sealed, dictionary.bytes), /v3 document does not decrypt/);
    unreadable(() => openDocument(other, text(V1_ROW)), /v1 document does not decrypt/);
    unreadable(() => openDocument(other, v2Row(XML), dictionary.bytes), /v2 document does not decrypt/);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    unreadable(() => openDocument(secrets, flipped, dictionary.bytes), /does not decrypt/);
    // The header is authenticated: the same ciphertext under another dictionary id does not open.
    const header = 2 + dictionary.id.length;
    const moved = Buffer.concat([Buffer.from([3, 7]), Buffer.from('another'), sealed.subarray(header)]);
    assert.equal(dictionaryIdOf(moved), 'another');
    unreadable(() => openDocument(secrets, moved, dictionary.bytes), /does not decrypt/);
    unreadable(() => openDocument(secrets, sealed, Buffer.from('another dictionary')), /does not decompress/);
    unreadable(() => openDocument(secrets, sealed), /dictionary .* is missing/);
    unreadable(() => openDocument(secrets, text('v9.abc')), /unknown stored format "v9\."/);
    unreadable(() => openDocument(secrets, Buffer.from([9, 1, 2])), /unknown stored format \(first byte 9\)/);
    unreadable(() => openDocument(secrets, Buffer.alloc(0)), /unknown stored format \(first byte none\)/);
    // A header longer than the value, and a value that ends right after its header: refused, never read past.
    unreadable(
      () => openDocument(secrets, Buffer.from([3, 200, 65]), dictionary.bytes),
      /unknown stored format/,
    );
    unreadable(
      () => openDocument(secrets, sealed.subarray(0, header), dictionary.bytes),
      /v3 document does not decrypt/,
    );
  });

  it('never throws anything but the named refusal on random or truncated values', () => {
    const sealed = sealDocument(secrets, XML, dictionary);
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const value =
        i % 2 === 0
          ? sealed.subarray(0, next() % (sealed.length + 1))
          : Buffer.from(Array.from({ length: next() % 80 }, () => next() % 256));
      if (i % 4 === 1) value[0] = 3;
      try {
        openDocument(secrets, value, dictionary.bytes);
      } catch (error) {
        assert.ok(error instanceof MbprovError, String(error));
        assert.equal(error.code, 'MBPROV_DOCUMENT_UNREADABLE');
      }
    }
  });
});
