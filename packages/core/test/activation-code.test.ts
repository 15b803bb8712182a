// The SGP.22 section 4.1 Activation Code: the examples of the specification's text, every refusal by name, the QR
// prefix only in QR text, and generated codes that round-trip (parse after build gives the parts back, build after
// parse gives the text back) while random text is either parsed into parts that build back or refused by code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ACTIVATION_CODE_MAX_LENGTH,
  type ActivationCode,
  activationCodeQrText,
  buildActivationCode,
  MbprovError,
  parseActivationCode,
  parseActivationCodeQrText,
} from '../src/index.ts';
import { randomStrings, seededRandom } from './helpers/random.ts';

const refused = (f: () => unknown, why: RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MbprovError);
    assert.equal(e.code, 'MBPROV_ACTIVATION_CODE_INVALID');
    assert.match(e.message, why);
    return true;
  });

describe('eSIM Activation Code (SGP.22 4.1)', () => {
  it('parses the forms of the specification', () => {
    assert.deepEqual(parseActivationCode('1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '04386-AGYFT-A74Y8-3F815',
    });
    assert.deepEqual(parseActivationCode('1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815$$1'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '04386-AGYFT-A74Y8-3F815',
      confirmationCodeRequired: true,
    });
    assert.deepEqual(parseActivationCode('1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815$1.3.6.1.4.1.31746$1'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '04386-AGYFT-A74Y8-3F815',
      smdpOid: '1.3.6.1.4.1.31746',
      confirmationCodeRequired: true,
    });
    assert.deepEqual(parseActivationCode('1$SMDP.EXAMPLE.COM$$1.3.6.1.4.1.31746'), {
      smdpAddress: 'SMDP.EXAMPLE.COM',
      matchingId: '',
      smdpOid: '1.3.6.1.4.1.31746',
    });
  });

  it('builds the canonical text, with LPA: only in QR text', () => {
    const code = { smdpAddress: 'smdp.example.net', matchingId: 'KL14XA-8C7RLY' };
    assert.equal(buildActivationCode(code), '1$smdp.example.net$KL14XA-8C7RLY');
    assert.equal(activationCodeQrText(code), 'LPA:1$smdp.example.net$KL14XA-8C7RLY');
    assert.equal(
      buildActivationCode({ ...code, confirmationCodeRequired: true }),
      '1$smdp.example.net$KL14XA-8C7RLY$$1',
    );
    assert.deepEqual(parseActivationCodeQrText('LPA:1$smdp.example.net$KL14XA-8C7RLY'), code);
    refused(() => parseActivationCode('LPA:1$smdp.example.net$KL14XA'), /QR codes only/);
    refused(() => parseActivationCodeQrText('1$smdp.example.net$KL14XA'), /must start with LPA:/);
  });

  it('refuses each malformed part by name', () => {
    refused(() => parseActivationCode(''), /format/);
    refused(() => parseActivationCode('2$SMDP.EXAMPLE.COM$ABC'), /format/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM'), /needs the format/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$ABC$1.2$1$X'), /more than 5/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$ABC$1.2$0'), /flag must be 1/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$abc'), /matching ID/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$A_B'), /matching ID/);
    refused(() => parseActivationCode('1$smdp.example.com:8443$ABC'), /SM-DP\+ address/);
    refused(() => parseActivationCode('1$$ABC'), /SM-DP\+ address/);
    refused(() => parseActivationCode('1$bücher.example$ABC'), /SM-DP\+ address/);
    refused(() => parseActivationCode('1$xn--zz.example$ABC'), /SM-DP\+ address/);
    refused(() => parseActivationCode('1$smdp.example.$ABC'), /SM-DP\+ address/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$ABC$3.1'), /OID/);
    refused(() => parseActivationCode('1$SMDP.EXAMPLE.COM$ABC$1.02'), /OID/);
    refused(() => buildActivationCode({ smdpAddress: 'a.example', matchingId: 'x' }), /matching ID/);
    const long = `1$a.example$${'A'.repeat(ACTIVATION_CODE_MAX_LENGTH)}`;
    refused(() => parseActivationCode(long), /longer than 255/);
    refused(() => buildActivationCode({ smdpAddress: 'a.example', matchingId: 'A'.repeat(250) }), /longer/);
    // A megabyte of delimiters is refused on its length, before it is split.
    refused(() => parseActivationCode('$'.repeat(1 << 20)), /longer than 255/);
    refused(() => parseActivationCodeQrText(`LPA:${'$'.repeat(1 << 20)}`), /longer than 255/);
  });

  it('round-trips generated codes', () => {
    const random = seededRandom(0x5e1d);
    const pick = (chars: string, max: number) =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => chars[Math.floor(random() * chars.length)],
      ).join('');
    const label = () => `a${pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-', 20)}z`;
    for (let i = 0; i < 2000; i++) {
      const code: ActivationCode = {
        smdpAddress: Array.from({ length: 1 + Math.floor(random() * 4) }, label).join('.'),
        matchingId: pick('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-', 60),
        ...(random() < 0.5 ? { smdpOid: `1.3.${Math.floor(random() * 1e9)}.4` } : {}),
        ...(random() < 0.3 ? { confirmationCodeRequired: true } : {}),
      };
      const text = buildActivationCode(code);
      assert.deepEqual(parseActivationCode(text), code, text);
      assert.equal(buildActivationCode(parseActivationCode(text)), text);
      assert.deepEqual(parseActivationCodeQrText(activationCodeQrText(code)), code);
    }
  });

  it('parses random text into parts that build back, or refuses it by code', () => {
    const random = seededRandom(0xac);
    const alphabet = ['1', '$', '$', 'A', 'z', '.', '-', '0', 'LPA:', ':', ' ', 'é', 'xn--', '\u0000'];
    let parsed = 0;
    for (const tail of randomStrings(random, alphabet, 20_000)) {
      // Most inputs start like a code, so that the parts after the format are exercised too.
      const text = random() < 0.8 ? `1$a.example$${tail}` : tail;
      let code: ActivationCode;
      try {
        code = parseActivationCode(text);
      } catch (e) {
        assert.ok(e instanceof MbprovError && e.code === 'MBPROV_ACTIVATION_CODE_INVALID', String(e));
        continue;
      }
      parsed++;
      assert.deepEqual(parseActivationCode(buildActivationCode(code)), code, text);
    }
    assert.ok(parsed > 0, 'some random codes parse');
  });
});
