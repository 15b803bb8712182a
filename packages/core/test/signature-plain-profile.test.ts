// verifyDocument reads the strict profile from the text when the Signature is written plainly (plainProfile) and
// through the tree otherwise (checkProfile). The text reader must never accept what the tree refuses, nor read
// other values: every case here, and every fuzz input (fuzz/properties.ts), runs both and compares them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDocument, type SignOptions, signDocument, signModel, verifyDocument } from '../src/index.ts';
import { answers, profileDisagreement } from './helpers/profiles.ts';
import { seededRandom } from './helpers/random.ts';
import { fullModel, minimalModel } from './helpers/samples.ts';
import {
  CANONICALIZATIONS,
  ecdsaChain,
  intermediateChain,
  rsaChain,
  signatureElement,
} from './helpers/signing.ts';

async function signedDocuments(): Promise<string[]> {
  const rsa = await rsaChain();
  const ec = await ecdsaChain();
  const chained = await intermediateChain('rsa');
  const xml = buildDocument(fullModel());
  const out: string[] = [];
  for (const canonicalization of CANONICALIZATIONS) {
    out.push(
      signDocument(xml, {
        key: rsa.signer.privateKey,
        certificate: rsa.signer.certificate,
        canonicalization,
      }),
    );
  }
  for (const digest of ['sha384', 'sha512', 'sha1'] as const) {
    const options: SignOptions = { key: rsa.signer.privateKey, certificate: rsa.signer.certificate, digest };
    out.push(signDocument(xml, { ...options, allowSha1: true, onWarning: () => {} }));
  }
  out.push(signDocument(xml, { key: ec.signer.privateKey, certificate: ec.signer.certificate }));
  out.push(
    signDocument(xml, {
      key: chained.signer.privateKey,
      certificate: chained.signer.certificate,
      chain: [chained.intermediate.certificate],
    }),
  );
  out.push(signModel(minimalModel(), { key: rsa.signer.privateKey, certificate: rsa.signer.certificate }));
  return out;
}

/** Edits of the Signature that keep it near the plain form: each probes one condition of PLAIN_SIGNATURE. */
const EDITS: Array<[string, (signature: string) => string]> = [
  ['as written', (s) => s],
  ['line breaks between elements', (s) => s.replace(/></g, '>\n  <')],
  ['CRLF between elements', (s) => s.replace(/><(?!\/)/g, '>\r\n<')],
  [
    'self-closed algorithm elements expanded',
    (s) => s.replace(/<(\w+)( Algorithm="[^"]*")\/>/g, '<$1$2></$1>'),
  ],
  ['a ds prefix', (s) => s.replace(/<(\/?)(\w)/g, '<$1ds:$2').replace('xmlns=', 'xmlns:ds=')],
  ['single quotes', (s) => s.replace(/Algorithm="([^"]*)"/, "Algorithm='$1'")],
  ['an Id attribute', (s) => s.replace('<Signature ', '<Signature Id="s" ')],
  [
    'a second namespace declaration',
    (s) => s.replace('<SignedInfo>', `<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#">`),
  ],
  ['another namespace', (s) => s.replace('xmlns="http://www.w3.org/2000/09/xmldsig#"', 'xmlns="urn:other"')],
  ['a comment in SignedInfo', (s) => s.replace('<SignedInfo>', '<SignedInfo><!-- c -->')],
  ['a comment in a value', (s) => s.replace(/<DigestValue>(.)/, '<DigestValue>$1<!---->')],
  ['a processing instruction in KeyInfo', (s) => s.replace('<KeyInfo>', '<KeyInfo><?pi x?>')],
  ['CDATA in a value', (s) => s.replace(/<SignatureValue>([^<]{4})/, '<SignatureValue><![CDATA[$1]]>')],
  [
    'a character reference in a value',
    (s) => s.replace(/<DigestValue>([A-Za-z])/, (_, c: string) => `<DigestValue>&#${c.charCodeAt(0)};`),
  ],
  ['an entity in an algorithm', (s) => s.replace('xmldsig#enveloped', 'xmldsig&#x23;enveloped')],
  ['no-break space in a value', (s) => s.replace(/<SignatureValue>(.)/, '<SignatureValue>$1\u00a0')],
  ['bad base64 length', (s) => s.replace(/<DigestValue>(.)/, '<DigestValue>$1A')],
  ['padding inside', (s) => s.replace(/<DigestValue>(..)/, '<DigestValue>$1=')],
  ['a broken certificate', (s) => s.replace(/<X509Certificate>.{8}/, '<X509Certificate>AAAAAAAA')],
  [
    'a second certificate that is not one',
    (s) => s.replace('</X509Data>', '<X509Certificate>AAAA</X509Certificate></X509Data>'),
  ],
  ['an empty X509Data', (s) => s.replace(/<X509Data>[\s\S]*<\/X509Data>/, '<X509Data></X509Data>')],
  ['a KeyName', (s) => s.replace('<KeyInfo>', '<KeyInfo><KeyName>k</KeyName>')],
  ['an Object', (s) => s.replace('</KeyInfo>', '</KeyInfo><Object/>')],
  ['two References', (s) => s.replace(/(<Reference[\s\S]*<\/Reference>)/, '$1$1')],
  ['a URI', (s) => s.replace('URI=""', 'URI="#x"')],
  [
    'an XPath transform',
    (s) =>
      s.replace(
        '</Transforms>',
        '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/></Transforms>',
      ),
  ],
  [
    'an HMAC method',
    (s) =>
      s.replace(/xmldsig-more#rsa-sha\d+|xmldsig-more#ecdsa-sha\d+|xmldsig#rsa-sha1/, 'xmldsig#hmac-sha1'),
  ],
  [
    'a parameter of the method',
    (s) =>
      s.replace(
        /<SignatureMethod( [^>]*)\/>/,
        '<SignatureMethod$1><HMACOutputLength>8</HMACOutputLength></SignatureMethod>',
      ),
  ],
  ['whitespace in a start tag', (s) => s.replace('<SignedInfo>', '<SignedInfo >')],
  ['text in SignedInfo', (s) => s.replace('<SignedInfo>', '<SignedInfo>x')],
  [
    'SignatureValue and KeyInfo swapped',
    (s) => s.replace(/(<SignatureValue>[^<]*<\/SignatureValue>)(<KeyInfo>[\s\S]*<\/KeyInfo>)/, '$2$1'),
  ],
];

function withSignature(document: string, edit: (signature: string) => string): string {
  const signature = signatureElement(document);
  return document.replace(signature, edit(signature));
}

describe('the plain-text profile reader agrees with the tree reader', () => {
  it('on signed documents of every method and targeted edits of their Signature', async () => {
    const before = answers.count;
    for (const document of await signedDocuments()) {
      for (const [name, edit] of EDITS) {
        const edited = withSignature(document, edit);
        for (const allowSha1 of [false, true]) {
          assert.equal(profileDisagreement(edited, allowSha1), undefined, `${name}\n${edited}`);
        }
      }
    }
    // The plain forms (as written, line breaks, CRLF, expanded elements) and SHA-1 with allowSha1 are answered.
    assert.ok(answers.count - before >= 10 * 4, `the text reader answered ${answers.count - before} times`);
  });

  it('on random single-character edits anywhere in the Signature', async () => {
    const random = seededRandom(51405);
    const alphabet = [
      '<',
      '>',
      '/',
      '"',
      "'",
      '=',
      ' ',
      '\n',
      '\r',
      '\t',
      '&',
      ';',
      '#',
      ':',
      '-',
      '?',
      '!',
      '[',
      ']',
      'A',
      '+',
      'x',
    ];
    const documents = await signedDocuments();
    for (let n = 0; n < 1500; n++) {
      const document = documents[Math.floor(random() * documents.length)] as string;
      const start = document.lastIndexOf('<Signature');
      const end = document.lastIndexOf('</Signature>') + '</Signature>'.length;
      const at = start + Math.floor(random() * (end - start));
      const kind = random();
      const char = alphabet[Math.floor(random() * alphabet.length)] as string;
      const edited =
        kind < 0.4
          ? document.slice(0, at) + char + document.slice(at)
          : kind < 0.7
            ? document.slice(0, at) + document.slice(at + 1)
            : document.slice(0, at) + char + document.slice(at + 1);
      assert.equal(profileDisagreement(edited, random() < 0.5), undefined, `edit ${n}\n${edited}`);
    }
    console.log(`random edits: the text reader answered ${answers.count} times in all`);
  });

  it("keeps the verdicts: a plain document verifies, its edits are refused with the tree reader's code", async () => {
    const rsa = await rsaChain();
    const document = signDocument(buildDocument(fullModel()), {
      key: rsa.signer.privateKey,
      certificate: rsa.signer.certificate,
    });
    const options = { trustAnchors: [rsa.root.certificate] };
    assert.equal(verifyDocument(document, options).valid, true);
    assert.equal(
      verifyDocument(
        withSignature(document, (s) =>
          s.replace('</SignedInfo><SignatureValue>', '</SignedInfo>\n<SignatureValue>'),
        ),
        options,
      ).valid,
      true,
    );
    const refusals: Array<[string, (s: string) => string]> = [
      ['MBPROV_SIG_VALUE_FORMAT', (s) => s.replace(/<DigestValue>(.)/, '<DigestValue>$1A')],
      ['MBPROV_CERT_INVALID', (s) => s.replace(/<X509Certificate>.{8}/, '<X509Certificate>AAAAAAAA')],
      [
        'MBPROV_SIG_DIGEST_MISMATCH',
        (s) => s.replace(/<DigestValue>(.)/, (_, c: string) => `<DigestValue>${c === 'A' ? 'B' : 'A'}`),
      ],
    ];
    for (const [code, edit] of refusals) {
      const result = verifyDocument(withSignature(document, edit), options);
      assert.equal(result.valid, false, code);
      assert.equal(result.errors[0]?.code, code);
      assert.ok(
        code === 'MBPROV_SIG_DIGEST_MISMATCH' || (result.errors[0]?.line ?? 0) > 0,
        `${code} is located`,
      );
    }
  });
});
