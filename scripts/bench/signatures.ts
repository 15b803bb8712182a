// Signing and verification throughput for a typical ~4 KB document with RSA-2048, beside raw node:crypto
// sign/verify of the same bytes (the physical limit) and xml-crypto (a pure-JavaScript XML-DSig library).
import { createPrivateKey, sign, verify } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import {
  createTestEvChain,
  parseDocument,
  signDocument,
  signModel,
  verifyDocument,
} from '../../packages/core/src/index.ts';
import { typicalDocument } from './documents.ts';
import { compareRates, type SuiteResult } from './measure.ts';

export async function runSignatures(): Promise<SuiteResult> {
  const chain = await createTestEvChain({ keyType: 'rsa' });
  const key = createPrivateKey(chain.signer.privateKeyPem);
  const certificate = chain.signer.certificate;
  const xml = typicalDocument();
  const bytes = Buffer.from(xml);

  const signed = signDocument(xml, { key, certificate });
  const model = parseDocument(xml).model;
  if (!model) throw new Error('benchmark document does not parse');
  if (
    !verifyDocument(signModel(model, { key, certificate }), { trustAnchors: [chain.root.certificate] }).valid
  ) {
    throw new Error('signModel output does not verify');
  }
  const check = verifyDocument(signed, { trustAnchors: [chain.root.certificate], requireEv: true });
  if (!check.valid) throw new Error(`benchmark signature does not verify: ${JSON.stringify(check.errors)}`);
  const signatureXml = /<Signature[\s\S]*<\/Signature>/.exec(signed)?.[0] as string;
  const xmlCryptoVerify = () => {
    const v = new SignedXml({ publicCert: chain.signer.certificatePem });
    v.loadSignature(signatureXml);
    if (!v.checkSignature(signed)) throw new Error('xml-crypto rejected the document');
  };
  xmlCryptoVerify();
  const xmlCryptoSign = () => {
    const s = new SignedXml({
      privateKey: chain.signer.privateKeyPem,
      publicCert: chain.signer.certificatePem,
    });
    s.addReference({
      xpath: '/*',
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: [
        'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
        'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
      ],
    });
    s.canonicalizationAlgorithm = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
    s.signatureAlgorithm = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
    s.computeSignature(xml);
    return s.getSignedXml();
  };
  xmlCryptoSign();

  const signing = compareRates({
    raw: () => sign('sha256', bytes, key),
    mbprov: () => signDocument(xml, { key, certificate }),
    mbprovModel: () => signModel(model, { key, certificate }),
    xmlCrypto: () => xmlCryptoSign(),
  });
  const rawSignature = sign('sha256', bytes, key);
  const verifying = compareRates({
    raw: () => verify('sha256', bytes, certificate.publicKey, rawSignature),
    mbprov: () => verifyDocument(signed, { trustAnchors: [chain.root.certificate], requireEv: true }),
    xmlCrypto: () => xmlCryptoVerify(),
  });
  const { raw: rawSign, mbprov: mbprovSign, mbprovModel: modelSign, xmlCrypto: xcSign } = signing;
  const { raw: rawVerify, mbprov: mbprovVerify, xmlCrypto: xcVerify } = verifying;

  const signTarget = modelSign / rawSign;
  const verifyTarget = mbprovVerify / xcVerify;
  return {
    title: 'Signatures (RSA-2048, SHA-256)',
    description:
      `Signing and verifying the typical ${(bytes.length / 1024).toFixed(1)} KB document. Raw node:crypto signs/verifies the same bytes with no XML work (the physical limit). ` +
      'mbprov verification is complete: strict profile, digest, signature value, chain to the root with dates, key usage and EV. ' +
      'xml-crypto checks the signature only (no chain). mbprov signs with a loaded KeyObject, as the portal does; signModel writes the document from the model in canonical form (no parsing), signDocument parses the given text safely first.',
    rows: [
      { name: 'raw crypto.sign', value: rawSign, unit: 'signatures/s', baseline: 'baseline', ratio: 1 },
      {
        name: 'mbprov signModel (build + sign: the portal path)',
        value: modelSign,
        unit: 'signatures/s',
        baseline: 'raw sign',
        ratio: signTarget,
      },
      {
        name: 'mbprov signDocument (safe parse of the text + sign)',
        value: mbprovSign,
        unit: 'signatures/s',
        baseline: 'raw sign',
        ratio: mbprovSign / rawSign,
      },
      {
        name: 'xml-crypto computeSignature',
        value: xcSign,
        unit: 'signatures/s',
        baseline: 'raw sign',
        ratio: xcSign / rawSign,
      },
      {
        name: 'raw crypto.verify',
        value: rawVerify,
        unit: 'verifications/s',
        baseline: 'baseline',
        ratio: 1,
      },
      {
        name: 'xml-crypto checkSignature',
        value: xcVerify,
        unit: 'verifications/s',
        baseline: 'baseline',
        ratio: 1,
      },
      {
        name: 'mbprov verifyDocument (with chain and EV)',
        value: mbprovVerify,
        unit: 'verifications/s',
        baseline: 'xml-crypto',
        ratio: verifyTarget,
      },
    ],
    notes: [
      `Targets: signing (signModel) at least 0.80x raw signing (measured ${signTarget.toFixed(2)}x: ${signTarget >= 0.8 ? 'met' : 'NOT met'}); ` +
        `verification at least 15x xml-crypto (measured ${verifyTarget.toFixed(1)}x: ${verifyTarget >= 15 ? 'met' : 'NOT met'}).`,
    ],
  };
}
