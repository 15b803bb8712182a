// XML-DSig interoperability with xmlsec1 (libxmlsec1, OpenSSL backend) as the independent implementation, on real
// files: xmlsec1 verifies what mbprov signs, mbprov verifies what xmlsec1 signs, and both refuse the same tampering.
// No test asserts on elapsed time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  buildDocument,
  C14N,
  type Canonicalization,
  NS,
  signDocument,
  signDocumentAsync,
  signModel,
  signModelAsync,
  verifyDocument,
} from '../src/index.ts';
import { fullModel } from './helpers/samples.ts';
import {
  assertValid,
  CANONICALIZATIONS,
  ECDSA_SHA256,
  ecdsaChain,
  elementText,
  intermediateChain,
  once,
  RSA_SHA256,
  replaceOnce,
  rsaChain,
  SHA256,
  signingTemplate,
  Xmlsec,
} from './helpers/signing.ts';

const guard = { timeout: 60_000 };
const xmlsec = new Xmlsec();
after(() => xmlsec.dispose());

before(() => {
  assert.ok(Xmlsec.available(), 'xmlsec1 must be installed for the interoperability tests');
});

/** The full sample document (every section, attributes, nested default namespaces). */
const fullXml = () => buildDocument(fullModel());

/**
 * The full document whose root also declares prefixed namespaces and xml:* attributes: inclusive C14N copies them
 * into the canonical SignedInfo (exclusive C14N does not), so a signer that ignores them fails xmlsec1.
 */
const namespacedXml = () =>
  replaceOnce(
    fullXml(),
    `<CarrierProvisioning xmlns="${NS.cc}">`,
    `<CarrierProvisioning xmlns="${NS.cc}" xmlns:ext="urn:example:ext" xmlns:zz="urn:example:zz" xml:lang="en-GB" xml:space="default">`,
  );

/** A document whose root and elements are prefixed, and whose root declares another prefix and xml:lang. */
const prefixedXml = () =>
  [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<cp:CarrierProvisioning xmlns:cp="${NS.cc}" xmlns:ext="urn:example:ext" xml:lang="de">`,
    '  <cp:Global>',
    '    <cp:CarrierId>{00000000-1111-2222-3333-444444444444}</cp:CarrierId>',
    '    <cp:SubscriberId>310150123456789</cp:SubscriberId>',
    '  </cp:Global>',
    '</cp:CarrierProvisioning>',
    '',
  ].join('\n');

const documents: Array<[name: string, make: () => string]> = [
  ['the full sample document', fullXml],
  ['a root with extra prefixed namespaces and xml:lang', namespacedXml],
  ['a prefixed root element with xml:lang', prefixedXml],
];

interface Signer {
  label: string;
  keyPem: string;
  certPem: string;
  chainPems: string[];
  rootPem: string;
  /** Certificates from signer to root, as verification should report them. */
  pathLength: number;
  load(): Promise<void>;
}

/** The signers of the matrix, loaded lazily (certificate generation is async). */
function signer(label: string, make: () => Promise<Omit<Signer, 'label' | 'load'>>): Signer {
  const s = { label } as Signer;
  s.load = async () => {
    Object.assign(s, await make(), { label });
  };
  return s;
}

/** The signer of a test chain; an intermediate CA, when there is one, travels in the signature's KeyInfo. */
function fromChain(c: {
  signer: { privateKeyPem: string; certificatePem: string };
  root: { certificatePem: string };
  intermediate?: { certificatePem: string };
}): Omit<Signer, 'label' | 'load'> {
  const chainPems = c.intermediate ? [c.intermediate.certificatePem] : [];
  return {
    keyPem: c.signer.privateKeyPem,
    certPem: c.signer.certificatePem,
    chainPems,
    rootPem: c.root.certificatePem,
    pathLength: 2 + chainPems.length,
  };
}

const signers = [
  signer('an RSA-2048 signer issued by the root', async () => fromChain(await rsaChain())),
  signer('an ECDSA P-256 signer issued by the root', async () => fromChain(await ecdsaChain())),
  signer('an RSA-2048 signer under an intermediate CA', async () =>
    fromChain(await intermediateChain('rsa')),
  ),
  signer('an ECDSA P-256 signer under an intermediate CA', async () =>
    fromChain(await intermediateChain('ecdsa')),
  ),
];

const mbprovSign = (xml: string, s: Signer, canonicalization: Canonicalization = 'c14n') =>
  signDocument(xml, { key: s.keyPem, certificate: s.certPem, chain: s.chainPems, canonicalization });

/** Asserts xmlsec1 accepts a document (exit 0 and one good reference). */
function assertXmlsecVerifies(xml: string, rootPem: string): void {
  const run = xmlsec.verify(xml, rootPem);
  assert.equal(run.status, 0, `xmlsec1 refused the document:\n${run.output}`);
  assert.match(run.output, /SignedInfo References \(ok\/all\): 1\/1/);
}

/** Asserts xmlsec1 refuses a document (non-zero exit). */
function assertXmlsecRefuses(xml: string, rootPem: string): void {
  const run = xmlsec.verify(xml, rootPem);
  assert.notEqual(run.status, 0, 'xmlsec1 accepted a tampered document');
}

describe('xmlsec1 verifies documents mbprov signed', () => {
  before(async () => {
    for (const s of signers) await s.load();
  });

  for (const canonicalization of CANONICALIZATIONS) {
    for (const s of signers) {
      it(
        `${canonicalization} SignedInfo, ${s.label}: xmlsec1 and mbprov accept every sample document`,
        guard,
        () => {
          for (const [name, make] of documents) {
            const signed = mbprovSign(make(), s, canonicalization);
            assert.ok(signed.includes(`<CanonicalizationMethod Algorithm="${C14N[canonicalization]}"/>`));
            assert.equal(signed.split('<X509Certificate>').length - 1, 1 + s.chainPems.length, name);
            assertXmlsecVerifies(signed, s.rootPem);
            const result = verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true });
            assertValid(result);
            assert.equal(result.chain.length, s.pathLength, name);
          }
        },
      );
    }
  }

  it(
    'a comment and a processing instruction after the root that contain its end tag: the Signature still lands in the root',
    guard,
    () => {
      const s = signers[0] as Signer;
      const xml = `${fullXml().trimEnd()}<!-- </CarrierProvisioning> -->\n<?note </CarrierProvisioning><?x </CarrierProvisioning> ?>\n`;
      const signed = mbprovSign(xml, s);
      assert.ok(
        signed.endsWith(
          `</Signature>\n</CarrierProvisioning><!-- </CarrierProvisioning> -->\n<?note </CarrierProvisioning><?x </CarrierProvisioning> ?>\n`,
        ),
      );
      assertValid(verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true }));
      assertXmlsecVerifies(signed, s.rootPem);
    },
  );

  for (const canonicalization of CANONICALIZATIONS) {
    it(
      `signModel (canonical writing, no parsing), ${canonicalization}: xmlsec1 and mbprov accept it, with OneX and a non-canonical extension fragment`,
      guard,
      async () => {
        for (const s of signers) {
          const model = fullModel();
          // A fragment as an operator might configure it: odd spacing, attributes out of order, a self-closing tag.
          model.Global.any = ['<x:Tag   xmlns:x="urn:example:x"  b="2" a="1"><x:y/></x:Tag>'];
          const options = { key: s.keyPem, certificate: s.certPem, chain: s.chainPems, canonicalization };
          for (const signed of [signModel(model, options), await signModelAsync(model, options)]) {
            assertXmlsecVerifies(signed, s.rootPem);
            assertValid(verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true }));
          }
        }
      },
    );
  }

  it(
    'signModel and signDocument of the same model sign the same canonical content (equal DigestValue)',
    guard,
    () => {
      const s = signers[0] as Signer;
      const digest = (xml: string) => /<DigestValue>([^<]+)<\/DigestValue>/.exec(xml)?.[1];
      const model = fullModel();
      const options = { key: s.keyPem, certificate: s.certPem, chain: s.chainPems };
      assert.equal(digest(signModel(model, options)), digest(signDocument(buildDocument(model), options)));
    },
  );

  it('signDocumentAsync output verifies with xmlsec1 too', guard, async () => {
    const s = signers[0] as Signer;
    const signed = await signDocumentAsync(namespacedXml(), {
      key: s.keyPem,
      certificate: s.certPem,
      canonicalization: 'c14n',
    });
    assertXmlsecVerifies(signed, s.rootPem);
  });

  it(
    'xmlsec1 refuses an mbprov signature when trusting a different root (the trust check is real)',
    guard,
    async () => {
      const [rsa, ecdsa] = signers as [Signer, Signer];
      const signed = mbprovSign(fullXml(), rsa);
      assertXmlsecVerifies(signed, rsa.rootPem);
      assertXmlsecRefuses(signed, ecdsa.rootPem);
    },
  );
});

describe('mbprov verifies documents xmlsec1 signed from a strict-profile template', () => {
  const rsaSigners = () => [signers[0], signers[2]] as Signer[];
  before(async () => {
    for (const s of signers) await s.load();
  });

  for (const canonicalization of CANONICALIZATIONS) {
    it(
      `RSA-SHA256 with ${canonicalization}, signer with and without an intermediate, every sample document`,
      guard,
      () => {
        for (const s of rsaSigners()) {
          for (const [name, make] of documents) {
            const template = signingTemplate(make(), {
              canonicalization: C14N[canonicalization],
              signatureMethod: RSA_SHA256,
              digestMethod: SHA256,
            });
            const signed = xmlsec.sign(template, s.keyPem, [s.certPem, ...s.chainPems]);
            assert.notEqual(elementText(signed, 'SignatureValue'), '', 'xmlsec1 filled the SignatureValue');
            const result = verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true });
            assert.deepEqual(result.errors, [], `${s.label}, ${name}`);
            assert.equal(result.valid, true);
            assert.equal(result.chain.length, s.pathLength);
            assert.match(result.signer?.subject ?? '', /Leaf|CN=mbprov RSA/);
          }
        }
      },
    );
  }

  it('ECDSA P-256 (ecdsa-sha256) signed by xmlsec1 verifies in mbprov', guard, () => {
    const s = signers[1] as Signer;
    for (const canonicalization of ['c14n', 'excC14n'] as const) {
      const template = signingTemplate(namespacedXml(), {
        canonicalization: C14N[canonicalization],
        signatureMethod: ECDSA_SHA256,
        digestMethod: SHA256,
      });
      const signed = xmlsec.sign(template, s.keyPem, [s.certPem]);
      assertValid(verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true }));
    }
  });
});

/** A signed full document per origin (made once), for the tampering tests. */
const signedByBoth = once(async (): Promise<Array<[origin: string, signed: string, rootPem: string]>> => {
  const s = signers[0] as Signer;
  await s.load();
  const template = signingTemplate(fullXml(), {
    canonicalization: C14N.excC14n,
    signatureMethod: RSA_SHA256,
    digestMethod: SHA256,
  });
  return [
    ['mbprov (C14N 1.0)', mbprovSign(fullXml(), s, 'c14n'), s.rootPem],
    ['xmlsec1 (exclusive C14N)', xmlsec.sign(template, s.keyPem, [s.certPem]), s.rootPem],
  ];
});

/** Changes one base64 character in the middle of an element's text (keeps the length and the alphabet). */
function flipBase64(signed: string, element: 'SignatureValue' | 'DigestValue'): string {
  const value = elementText(signed, element);
  const at = Math.floor(value.replace(/\s/g, '').length / 3);
  let index = -1;
  for (let i = 0, seen = 0; i < value.length; i++) {
    if (/\s/.test(value[i] as string)) continue;
    if (seen++ === at) {
      index = i;
      break;
    }
  }
  const ch = value[index] as string;
  const changed = `${value.slice(0, index)}${ch === 'A' ? 'B' : 'A'}${value.slice(index + 1)}`;
  return replaceOnce(signed, `<${element}>${value}</${element}>`, `<${element}>${changed}</${element}>`);
}

const tamperings: Array<[what: string, edit: (signed: string) => string, code: string]> = [
  [
    'a text value (AccessString)',
    (x) => replaceOnce(x, '<AccessString>internet.contoso.com<', '<AccessString>internet.contoso.con<'),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  [
    'an attribute value (SMSBearer Sender)',
    (x) => replaceOnce(x, 'Sender="+18005551212"', 'Sender="+18005551213"'),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  [
    'the namespace URI of a section (Plans v1 to v2)',
    (x) => replaceOnce(x, 'CarrierControl/Plans/v1"', 'CarrierControl/Plans/v2"'),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  [
    'an element name in a section, start tag only (no longer well-formed)',
    (x) => replaceOnce(x, '<HomeProviderName>', '<HomeProviderNamf>'),
    'MBPROV_XML_MALFORMED',
  ],
  [
    'an element name in a section, renamed in start and end tag',
    (x) =>
      replaceOnce(
        x,
        '<HomeProviderName>Contoso</HomeProviderName>',
        '<HomeProviderNamf>Contoso</HomeProviderNamf>',
      ),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  [
    'indentation whitespace inside Global (a space becomes a tab)',
    (x) => replaceOnce(x, '\n    <CarrierId>', '\n   \t<CarrierId>'),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  [
    'whitespace inside a text value (a space becomes a tab)',
    (x) => replaceOnce(x, '<Name>Contoso Internet</Name>', '<Name>Contoso\tInternet</Name>'),
    'MBPROV_SIG_DIGEST_MISMATCH',
  ],
  ['one character of the DigestValue', (x) => flipBase64(x, 'DigestValue'), 'MBPROV_SIG_DIGEST_MISMATCH'],
  [
    'one character of the SignatureValue',
    (x) => flipBase64(x, 'SignatureValue'),
    'MBPROV_SIG_SIGNATURE_MISMATCH',
  ],
];

describe('changing signed bytes makes both mbprov and xmlsec1 refuse', () => {
  for (const [what, edit, code] of tamperings) {
    it(`changing ${what}: mbprov ${code}, xmlsec1 non-zero exit`, guard, async () => {
      for (const [origin, signed, rootPem] of await signedByBoth()) {
        assertValid(verifyDocument(signed, { trustAnchors: [rootPem] }));
        assertXmlsecVerifies(signed, rootPem);
        const tampered = edit(signed);
        const result = verifyDocument(tampered, { trustAnchors: [rootPem] });
        assert.equal(result.valid, false, `${origin}: mbprov accepted ${what}`);
        assert.equal(result.errors[0]?.code, code, `${origin}: ${JSON.stringify(result.errors)}`);
        assertXmlsecRefuses(tampered, rootPem);
      }
    });
  }

  it(
    'both accept byte changes that are not signed content (tag whitespace, attribute quotes, comments)',
    guard,
    async () => {
      for (const [origin, signed, rootPem] of await signedByBoth()) {
        let edited = replaceOnce(signed, '<Global>', '<Global  >');
        edited = replaceOnce(edited, 'Sender="+18005551212"', "Sender='+18005551212'");
        edited = replaceOnce(edited, '<Plans>', '<!-- not signed: URI="" drops comments --><Plans>');
        assertValid(verifyDocument(edited, { trustAnchors: [rootPem] }));
        const run = xmlsec.verify(edited, rootPem);
        assert.equal(run.status, 0, `${origin}: xmlsec1 refused:\n${run.output}`);
      }
    },
  );
});

// Found by trying as an attacker would: the text scan once took any `<?xml…?>` at offset 0 for the XML
// declaration (a slip-through), and the walks over children stopped at a processing instruction or read a
// namespace written with a character reference as it stands (over-refusals). Each verdict must be xmlsec1's.
describe('processing instructions and references agree with xmlsec1', () => {
  const declaration = /^<\?xml [^>]*\?>/;

  for (const pi of ['<?xml-stylesheet href="https://evil.example/x.xsl"?>', '<?xmlfoo bar?>']) {
    it(`${pi} in place of the XML declaration: both refuse (the PI is signed content)`, guard, async () => {
      for (const [origin, signed, rootPem] of await signedByBoth()) {
        const edited = signed.replace(declaration, pi);
        assert.notEqual(edited, signed, `${origin}: no XML declaration to replace`);
        const result = verifyDocument(edited, { trustAnchors: [rootPem] });
        assert.equal(result.valid, false, `${origin}: mbprov accepted a PI before the root`);
        assert.equal(result.errors[0]?.code, 'MBPROV_SIG_DIGEST_MISMATCH');
        assertXmlsecRefuses(edited, rootPem);
      }
    });
  }

  it(
    'a document that starts with a processing instruction is signed with it: both verify',
    guard,
    async () => {
      const s = signers[0] as Signer;
      await s.load();
      const xml = fullXml().replace(declaration, '<?xml-stylesheet href="style.xsl"?>');
      const signed = mbprovSign(xml, s);
      assert.ok(signed.startsWith('<?xml-stylesheet'));
      assertValid(verifyDocument(signed, { trustAnchors: [s.rootPem] }));
      assertXmlsecVerifies(signed, s.rootPem);
    },
  );

  it('both accept processing instructions inside Signature, KeyInfo and X509Data', guard, async () => {
    for (const [, signed, rootPem] of await signedByBoth()) {
      for (const tag of ['<SignedInfo>', '<KeyInfo>', '<X509Data>', '<X509Certificate>']) {
        const edited = replaceOnce(signed, tag, `<?mbprov-note x?>${tag}`);
        assertValid(verifyDocument(edited, { trustAnchors: [rootPem] }));
        assertXmlsecVerifies(edited, rootPem);
      }
    }
  });

  it('both accept the Signature namespace written with a character reference', guard, async () => {
    for (const [origin, signed, rootPem] of await signedByBoth()) {
      const edited = replaceOnce(signed, `xmlns="${NS.ds}"`, `xmlns="${NS.ds.replace('#', '&#x23;')}"`);
      const result = verifyDocument(edited, { trustAnchors: [rootPem] });
      assert.deepEqual(result.errors, [], origin);
      assertXmlsecVerifies(edited, rootPem);
    }
  });
});

describe('signDocumentAsync', () => {
  it(
    'verifies, and leaves the event loop free: a setImmediate callback runs while the signature is pending',
    guard,
    async () => {
      const s = signers[0] as Signer;
      await s.load();
      const xml = fullXml();
      // Deterministic, no timing: every libuv pool thread is parked in open() of a FIFO that has no writer yet, so
      // the private-key operation (queued to the same pool) cannot finish until the test releases them. A signer that
      // worked on the main thread would be done before setImmediate fires.
      const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;
      const fifos = Array.from({ length: poolSize }, (_, i) => join(xmlsec.dir, `pool-${i}.fifo`));
      execFileSync('mkfifo', fifos);
      const parked = fifos.map((f) => open(f, 'r'));
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        // Opening the write end completes the parked open() on the pool thread.
        for (const f of fifos) closeSync(openSync(f, 'w'));
        for (const handle of await Promise.all(parked)) await handle.close();
      };
      try {
        let settled = false;
        const signing = signDocumentAsync(xml, { key: s.keyPem, certificate: s.certPem }).finally(() => {
          settled = true;
        });
        const pendingWhenLoopTurned = await new Promise<boolean>((resolve) =>
          setImmediate(() => resolve(!settled)),
        );
        assert.equal(pendingWhenLoopTurned, true, 'the signature was computed before the event loop turned');
        await release();
        const signed = await signing;
        assertValid(verifyDocument(signed, { trustAnchors: [s.rootPem], requireEv: true }));
        assertXmlsecVerifies(signed, s.rootPem);
      } finally {
        await release();
      }
    },
  );
});
