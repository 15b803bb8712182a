// The punycode decoder the TrustedDomain rule uses (rules/punycode.ts) against node's own punycode module (RFC 3492),
// on the RFC's sample strings, on the encodings of random Unicode labels and on random ASCII text, so that a label is
// an A-label for mbprov exactly when it is valid punycode, on every Node version.
import assert from 'node:assert/strict';
import punycode from 'node:punycode';
import { describe, it } from 'node:test';
import { decodePunycode } from '../src/rules/punycode.ts';
import { isTrustedDomain } from '../src/rules/wlan-rules.ts';
import { seededRandom } from './helpers/random.ts';

/** node's decoder, with undefined for what it refuses. */
function reference(input: string): string | undefined {
  try {
    return punycode.decode(input);
  } catch {
    return undefined;
  }
}

describe('punycode decoding', () => {
  it('decodes the RFC 3492 samples and common A-labels', () => {
    for (const [encoded, decoded] of [
      ['bcher-kva', 'bücher'],
      ['egbpdaj6bu4bxfgehfvwxn', 'ليهمابتكلموشعربي؟'],
      ['ihqwcrb4cv8a8dqg056pqjye', '他们为什么不说中文'],
      ['hxargifdar', 'ελληνικά'],
      ['-> $1.00 <--', '-> $1.00 <-'],
    ] as const) {
      assert.equal(decodePunycode(encoded), decoded, encoded);
    }
  });

  it('refuses what is not punycode: cut short, non-basic, beyond U+10FFFF', () => {
    for (const bad of ['zz', 'a-é', '99999999999', 'bcher-kv']) {
      assert.equal(decodePunycode(bad), reference(bad), bad);
    }
    assert.equal(decodePunycode('zz'), undefined);
  });

  it('agrees with node:punycode on encodings of random labels and on random ASCII text', () => {
    const random = seededRandom(20261207);
    const pick = (s: string) => s[Math.floor(random() * s.length)] as string;
    const pool = 'abcxyz09-äöüßéñçøåæœ漢字かなカナ한글ابتثαβγδабвгд';
    for (let n = 0; n < 2000; n++) {
      const length = 1 + Math.floor(random() * 12);
      const label = Array.from({ length }, () => pick(pool)).join('');
      const encoded = punycode.encode(label);
      assert.equal(decodePunycode(encoded), label, encoded);
      const noise = Array.from({ length }, () => pick('abcz09-AZ')).join('');
      assert.equal(decodePunycode(noise), reference(noise), noise);
    }
  });

  it('makes the TrustedDomain verdict of an invalid A-label the same on every Node version', () => {
    assert.equal(isTrustedDomain('xn--zz.example'), false);
    assert.equal(isTrustedDomain('xn--bcher-kva.example'), true);
    assert.equal(isTrustedDomain('XN--BCHER-KVA.example'), true);
  });
});
