// The seeds the mutations start from: the reference fixtures (full documents), built models, the same documents
// signed by every fuzz signer (mbprov's signModel/signDocument), and signatures xmlsec1 made from templates in shapes
// the strict profile refuses or must still accept. Built once per run in the main thread and handed to the workers,
// so every worker and the main thread (which re-creates a hung input from its index) see the same seeds.
import { readFileSync } from 'node:fs';
import {
  buildDocument,
  C14N,
  type Canonicalization,
  type DigestName,
  MbprovError,
  NS,
  signDocument,
} from '../../src/index.ts';
import { fullModel, minimalModel } from '../helpers/samples.ts';
import { ENVELOPED, RSA_SHA256, SHA256, Xmlsec } from '../helpers/signing.ts';
import { type FuzzSigner, fuzzCertificates, GOOD_SIGNERS } from './certificates.ts';

/** An unsigned seed. */
export interface DocumentSeed {
  name: string;
  text: string;
}

/** A signed seed. */
export interface SignedSeed {
  name: string;
  text: string;
  /** The signer (a key of the fuzz certificate set). */
  signer: string;
  /** True when a correct strict verifier must accept the seed as it is (good signer, profile shape). */
  verifies: boolean;
}

/** Everything the generators start from; plain data, so it crosses to a worker unchanged. */
export interface Corpus {
  documents: DocumentSeed[];
  signed: SignedSeed[];
  /** The trusted root, PEM. */
  trustPem: string;
  /** Signers usable to re-sign a mutated document (RSA: deterministic signatures). */
  resigners: Record<string, FuzzSigner>;
  /** A small document with a comment, a PI and CDATA: truncated and edited at every position. */
  small: string;
  /** A small signed document: edited at every tag boundary. */
  smallSigned: string;
  /** Templates xmlsec1 could not sign (the seed is then missing; reported, not fatal). */
  skipped: string[];
}

const referenceDir = new URL('../fixtures/reference/', import.meta.url);

interface ManifestEntry {
  file: string;
  wrapped: string | null;
}

/** The reference fixtures as full documents (a fragment is taken in its wrapped form). */
export function referenceDocuments(): DocumentSeed[] {
  const manifest = JSON.parse(
    readFileSync(new URL('manifest.json', referenceDir), 'utf8'),
  ) as ManifestEntry[];
  return manifest.map((m) => {
    const file = m.wrapped ?? m.file;
    return {
      name: `reference:${file.replace(/\.xml$/, '')}`,
      text: readFileSync(new URL(file, referenceDir), 'utf8'),
    };
  });
}

/** The small document of the position sweeps. */
export const SMALL_DOCUMENT =
  '<?xml version="1.0" encoding="utf-8"?>\n' +
  `<CarrierProvisioning xmlns="${NS.cc}"><Global><!---->` +
  '<CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><?p?>' +
  '<SubscriberId>12345<![CDATA[6]]>7890</SubscriberId></Global></CarrierProvisioning>\n';

interface TemplateSpec {
  name: string;
  /** Edits of the standard skeleton and document before signing. */
  edit?: (skeleton: string) => string;
  /** Where the skeleton goes: before the root end tag (default), as the first child, or inside Global. */
  place?: 'last' | 'first' | 'nested';
  signer?: string;
  root?: (doc: string) => string;
  /** True when the strict profile must accept the result. */
  verifies: boolean;
}

const DS = NS.ds;
const skeleton = (c14n: string = C14N.c14n, sig = RSA_SHA256, digest = SHA256) =>
  `<Signature xmlns="${DS}"><SignedInfo>` +
  `<CanonicalizationMethod Algorithm="${c14n}"/>` +
  `<SignatureMethod Algorithm="${sig}"/>` +
  `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED}"/></Transforms>` +
  `<DigestMethod Algorithm="${digest}"/><DigestValue></DigestValue></Reference>` +
  '</SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>';

const TEMPLATES: TemplateSpec[] = [
  { name: 'plain', verifies: true },
  { name: 'exc-c14n', edit: () => skeleton(C14N.excC14n), verifies: true },
  {
    name: 'exc-c14n-with-comments',
    edit: () =>
      skeleton(C14N.excC14nWithComments).replace('<SignedInfo>', '<SignedInfo><!-- signed comment -->'),
    verifies: true,
  },
  {
    name: 'c14n-with-comments',
    edit: () => skeleton(C14N.c14nWithComments).replace('<SignatureMethod', '<!--c--><SignatureMethod'),
    verifies: true,
  },
  {
    name: 'ds-prefix',
    edit: (s) => s.replace(/<(\/?)(?=[A-Z])/g, '<$1ds:').replace(`xmlns="${DS}"`, `xmlns:ds="${DS}"`),
    verifies: true,
  },
  { name: 'pi-in-x509data', edit: (s) => s.replace('<X509Data>', '<X509Data><?fz x?>'), verifies: true },
  {
    name: 'pi-in-signedinfo',
    edit: (s) => s.replace('<SignedInfo>', '<SignedInfo><?fz x?>'),
    verifies: true,
  },
  {
    name: 'comment-in-signedinfo',
    edit: (s) => s.replace('<SignatureMethod', '<!-- c --><SignatureMethod'),
    verifies: true,
  },
  { name: 'whitespace', edit: (s) => s.replace(/></g, '>\n  <'), verifies: true },
  {
    name: 'ids',
    edit: (s) =>
      s
        .replace('<Signature ', '<Signature Id="sig" ')
        .replace(
          '<Reference URI=""',
          '<Reference Id="r" URI="" Type="http://www.w3.org/2000/09/xmldsig#Object"',
        ),
    verifies: true,
  },
  {
    name: 'namespace-char-ref',
    edit: (s) => s.replace(`xmlns="${DS}"`, `xmlns="${DS.replace('#', '&#x23;')}"`),
    verifies: true,
  },
  {
    name: 'rsa-sha512',
    edit: () =>
      skeleton(
        C14N.c14n,
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
        'http://www.w3.org/2001/04/xmlenc#sha512',
      ),
    verifies: true,
  },
  {
    name: 'ecdsa',
    signer: 'ecdsa',
    edit: () => skeleton(C14N.c14n, 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'),
    verifies: true,
  },
  {
    name: 'intermediate',
    signer: 'intermediate',
    edit: (s) => s.replace('<X509Certificate/>', '<X509Certificate/><X509Certificate/>'),
    verifies: true,
  },
  { name: 'prefixed-root', root: (d) => prefixRoot(d), verifies: true },
  {
    name: 'xml-lang-root',
    root: (d) =>
      d.replace(
        `<CarrierProvisioning xmlns="${NS.cc}"`,
        `<CarrierProvisioning xml:lang="en" xmlns="${NS.cc}"`,
      ),
    verifies: true,
  },
  {
    name: 'sha1-digest',
    edit: () => skeleton(C14N.c14n, RSA_SHA256, 'http://www.w3.org/2000/09/xmldsig#sha1'),
    verifies: false,
  },
  {
    name: 'rsa-sha1',
    edit: () => skeleton(C14N.c14n, 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'),
    verifies: false,
  },
  { name: 'c14n11', edit: () => skeleton('http://www.w3.org/2006/12/xml-c14n11'), verifies: false },
  {
    name: 'two-references',
    edit: (s) => s.replace(/(<Reference[\s\S]*<\/Reference>)/, '$1$1'),
    verifies: false,
  },
  {
    name: 'extra-transform',
    edit: (s) => s.replace('</Transforms>', `<Transform Algorithm="${C14N.c14n}"/></Transforms>`),
    verifies: false,
  },
  {
    name: 'xpath-transform',
    edit: (s) =>
      s.replace(
        '</Transforms>',
        `<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath xmlns:dsig="${DS}">not(ancestor-or-self::dsig:Signature)</XPath></Transform></Transforms>`,
      ),
    verifies: false,
  },
  { name: 'no-transforms', edit: (s) => s.replace(/<Transforms>.*<\/Transforms>/, ''), verifies: false },
  { name: 'missing-uri', edit: (s) => s.replace('<Reference URI="">', '<Reference>'), verifies: false },
  { name: 'first-child', place: 'first', verifies: false },
  { name: 'nested', place: 'nested', verifies: false },
  {
    name: 'keyname',
    edit: (s) => s.replace('<KeyInfo>', '<KeyInfo><KeyName>fuzz</KeyName>'),
    verifies: false,
  },
  { name: 'keyvalue', edit: (s) => s.replace('<KeyInfo>', '<KeyInfo><KeyValue/>'), verifies: false },
  {
    name: 'issuer-serial',
    edit: (s) => s.replace('<X509Data>', '<X509Data><X509IssuerSerial/>'),
    verifies: false,
  },
  {
    name: 'object',
    edit: (s) => s.replace('</KeyInfo>', '</KeyInfo><Object Id="o">data</Object>'),
    verifies: false,
  },
];

function prefixRoot(doc: string): string {
  return doc
    .replace(/<(\/?)(?=(CarrierProvisioning|Global|CarrierId|SubscriberId)\b)/g, '<$1cc:')
    .replace(`<cc:CarrierProvisioning xmlns="${NS.cc}"`, `<cc:CarrierProvisioning xmlns:cc="${NS.cc}"`);
}

function placeSkeleton(doc: string, sk: string, place: TemplateSpec['place']): string {
  if (place === 'first') return doc.replace(/(<(?:\w+:)?CarrierProvisioning[^>]*>)/, `$1${sk}`);
  if (place === 'nested') return doc.replace(/(<\/(?:\w+:)?Global>)/, `${sk}$1`);
  return doc.replace(/(<\/(?:[\w-]+:)?CarrierProvisioning>)\s*$/, `${sk}$1\n`);
}

/** Builds the corpus (xmlsec1 signs the templates; about a second). */
export function buildCorpus(): Corpus {
  const certs = fuzzCertificates();
  const documents: DocumentSeed[] = [
    ...referenceDocuments(),
    { name: 'model:full', text: buildDocument(fullModel()) },
    { name: 'model:minimal', text: buildDocument(minimalModel()) },
    { name: 'small', text: SMALL_DOCUMENT },
  ];
  const signed: SignedSeed[] = [];
  const xmlsec = new Xmlsec();
  // signDocument refuses signers it would not accept (weak keys, ...); xmlsec1 signs those, so verification still
  // meets them.
  const sign = (
    text: string,
    signerName: string,
    c14n: Canonicalization = 'c14n',
    digest: DigestName = 'sha256',
  ) => {
    const s = certs.signers[signerName] as FuzzSigner;
    try {
      return signDocument(text, {
        key: s.privateKeyPem,
        certificate: s.certificatePem,
        chain: s.chain,
        canonicalization: c14n,
        digest,
        allowSha1: digest === 'sha1',
      });
    } catch (error) {
      if (!(error instanceof MbprovError) || !error.code.startsWith('MBPROV_CERT_')) throw error;
      const template = placeSkeleton(
        text,
        skeleton(C14N[c14n]).replace('<X509Certificate/>', '<X509Certificate/>'.repeat(1 + s.chain.length)),
        'last',
      );
      return xmlsec.sign(template, s.privateKeyPem, [s.certificatePem, ...s.chain]);
    }
  };
  const good = new Set<string>(GOOD_SIGNERS);
  const full = buildDocument(fullModel());
  for (const name of Object.keys(certs.signers)) {
    signed.push({
      name: `signed:full:${name}`,
      text: sign(full, name),
      signer: name,
      verifies: good.has(name),
    });
  }
  const minimal = buildDocument(minimalModel());
  const smallSigned = sign(minimal, 'rsa');
  signed.push({ name: 'signed:minimal:rsa', text: smallSigned, signer: 'rsa', verifies: true });
  for (const c14n of ['c14nWithComments', 'excC14n', 'excC14nWithComments'] as const) {
    signed.push({
      name: `signed:full:rsa:${c14n}`,
      text: sign(full, 'rsa', c14n),
      signer: 'rsa',
      verifies: true,
    });
  }
  signed.push({
    name: 'signed:full:rsa:sha512',
    text: sign(full, 'rsa', 'c14n', 'sha512'),
    signer: 'rsa',
    verifies: true,
  });
  for (const ref of [
    'reference:seed-004--wlan-wispr.wrapped',
    'reference:account-provisioning--mbn-default-profile.wrapped',
    'reference:mobile-operator-notification--sms-filtering-rules',
  ]) {
    const doc = documents.find((d) => d.name === ref);
    if (doc)
      signed.push({
        name: `signed:${ref}:intermediate`,
        text: sign(doc.text, 'intermediate'),
        signer: 'intermediate',
        verifies: true,
      });
  }

  const skipped: string[] = [];
  try {
    const base = buildDocument(fullModel());
    for (const t of TEMPLATES) {
      const signerName = t.signer ?? 'rsa';
      const s = certs.signers[signerName] as FuzzSigner;
      const sk = t.edit ? t.edit(skeleton()) : skeleton();
      const doc = t.root ? t.root(base) : base;
      try {
        const text = xmlsec.sign(placeSkeleton(doc, sk, t.place), s.privateKeyPem, [
          s.certificatePem,
          ...s.chain,
        ]);
        signed.push({ name: `xmlsec:${t.name}`, text, signer: signerName, verifies: t.verifies });
      } catch (error) {
        skipped.push(`xmlsec:${t.name}: ${(error as Error).message.split('\n').slice(0, 3).join(' ')}`);
      }
    }
  } finally {
    xmlsec.dispose();
  }
  const resigners: Record<string, FuzzSigner> = {};
  for (const name of [
    'rsa',
    'intermediate',
    'no-ev',
    'rsa-1024',
    'critical-extension',
    'non-repudiation-only',
  ]) {
    resigners[name] = certs.signers[name] as FuzzSigner;
  }
  return {
    documents,
    signed,
    trustPem: certs.root.certificatePem,
    resigners,
    small: SMALL_DOCUMENT,
    smallSigned,
    skipped,
  };
}

/** The corpus of a run over explicit inputs (regression fixtures): only the trust anchor matters, no seeds. */
export function inputsOnlyCorpus(): Corpus {
  return {
    documents: [],
    signed: [],
    trustPem: fuzzCertificates().root.certificatePem,
    resigners: {},
    small: SMALL_DOCUMENT,
    smallSigned: '',
    skipped: [],
  };
}
