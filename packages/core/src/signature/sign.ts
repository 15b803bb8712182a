import { createHash, sign as cryptoSign } from 'node:crypto';
import { XmlC14NMode } from 'libxml2-wasm';
import { keyProblem } from '../certificates/profile.ts';
import { escapeAttr, writeElement } from '../document/write.ts';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { type CarrierProvisioning, carrierProvisioningSpec } from '../model/carrier-provisioning.ts';
import { NS } from '../xml/namespaces.ts';
import { type ParseLimits, readXmlSafely } from '../xml/safe-parse.ts';
import {
  C14N,
  type Canonicalization,
  curveHash,
  type DigestName,
  digestUri,
  ENVELOPED,
  signatureUri,
} from './algorithms.ts';
import { type CanonicalText, scanCanonicalText } from './canonical-text.ts';
import {
  type AncestorContext,
  c14nOptions,
  canonicalFragment,
  contextOf,
  digestCanonicalDocument,
} from './canonicalize.ts';
import {
  type CertificateInput,
  certificateBase64,
  keyKind,
  keyMatchesCertificate,
  type PrivateKeyInput,
  toCertificate,
  toPrivateKey,
} from './keys.ts';

/** Options of {@link signDocument}. */
export interface SignOptions {
  /** The signer's private key (RSA, or ECDSA P-256/P-384). */
  key: PrivateKeyInput;
  /** Passphrase of an encrypted PEM key. */
  passphrase?: string;
  /** The signer's certificate (an EV certificate for Wi-Fi providers without a SIM). */
  certificate: CertificateInput;
  /** Intermediate certificates to include after the signer in KeyInfo/X509Data. */
  chain?: CertificateInput[];
  /** SignedInfo canonicalization: C14N 1.0 (default) or exclusive C14N, with or without comments. */
  canonicalization?: Canonicalization;
  /** Digest and signature hash: sha256 (default). sha1 needs `allowSha1`. ECDSA keys use their curve's hash. */
  digest?: DigestName;
  /** Opt in to RSA-SHA1 (weak; Windows 8-era tooling only). */
  allowSha1?: boolean;
  /** Receives warnings, such as the use of SHA-1. */
  onWarning?: (warning: Diagnostic) => void;
  limits?: ParseLimits;
}

/** The signer, checked once per call: key, certificate, algorithms. */
interface Signer {
  key: ReturnType<typeof toPrivateKey>;
  kind: 'rsa' | 'ec';
  hash: DigestName;
  c14nUri: string;
  sigUri: string;
  keyInfo: string;
}

/** What signing computed before the private-key operation. */
interface Prepared {
  signer: Signer;
  /** Output up to where the Signature goes, and from there on. */
  before: string;
  after: string;
  /** SignedInfo as written in the document, and its canonical octets (what is signed). */
  signedInfo: string;
  canonicalSignedInfo: Buffer;
}

function signerOf(options: SignOptions): Signer {
  const key = toPrivateKey(options.key, options.passphrase);
  const certificate = toCertificate(options.certificate);
  const chain = (options.chain ?? []).map(toCertificate);
  // What verification refuses is not signed in the first place (an RSA-1024 or P-521 signer, for example).
  const weak = keyProblem(certificate);
  if (weak) throw new MbprovError('MBPROV_CERT_WEAK_KEY', `The signer certificate has ${weak}.`);
  const { kind, curve } = keyKind(key);
  if (!keyMatchesCertificate(key, certificate)) {
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      `The private key does not belong to the certificate ${certificate.subject.replace(/\n/g, ', ')}.`,
    );
  }
  const hash: DigestName = kind === 'ec' ? curveHash(curve) : (options.digest ?? 'sha256');
  if (hash === 'sha1') {
    if (!options.allowSha1) {
      throw new MbprovError(
        'MBPROV_SIG_SHA1_NOT_ALLOWED',
        'RSA-SHA1 was asked for without allowSha1; use SHA-256.',
      );
    }
    const warn = options.onWarning ?? ((d: Diagnostic) => process.emitWarning(d.message, { code: d.code }));
    warn(
      diagnostic(
        'MBPROV_SIG_SHA1_NOT_ALLOWED',
        'Signing with SHA-1: it is weak and newer Windows releases may refuse it.',
        {},
      ),
    );
  }
  const sigUri = signatureUri(kind, hash);
  if (!sigUri) throw new MbprovError('MBPROV_SIG_ALGORITHM', `No signature method for ${kind} with ${hash}.`);
  const certificates = [certificate, ...chain].map(
    (c) => `<X509Certificate>${certificateBase64(c)}</X509Certificate>`,
  );
  return {
    key,
    kind,
    hash,
    c14nUri: C14N[options.canonicalization ?? 'c14n'],
    sigUri,
    keyInfo: `<KeyInfo><X509Data>${certificates.join('')}</X509Data></KeyInfo>`,
  };
}

/** SignedInfo with empty elements self-closed (as written in the document) or as start and end tags (canonical). */
function signedInfoXml(signer: Signer, digestValue: string, canonical: boolean): string {
  const empty = (name: string, algorithm: string) =>
    canonical ? `<${name} Algorithm="${algorithm}"></${name}>` : `<${name} Algorithm="${algorithm}"/>`;
  return (
    `<SignedInfo>${empty('CanonicalizationMethod', signer.c14nUri)}${empty('SignatureMethod', signer.sigUri)}` +
    `<Reference URI=""><Transforms>${empty('Transform', ENVELOPED)}</Transforms>${empty('DigestMethod', digestUri(signer.hash))}` +
    `<DigestValue>${digestValue}</DigestValue></Reference></SignedInfo>`
  );
}

/**
 * The canonical octets of our SignedInfo inside `<Signature xmlns=ds>` inside a root with context `root`.
 * Canonical XML 1.0 gives a subtree's apex every namespace in scope (the root's prefixed ones; the default is
 * the ds namespace) and the ancestors' xml:* attributes, namespaces first (default, then by prefix) and attributes
 * sorted; exclusive C14N gives it only the ds namespace it uses. SignedInfo is built by us, so this is computed
 * directly; the interoperability tests check it against xmlsec1.
 */
function canonicalSignedInfo(signedInfo: string, root: AncestorContext, c14nUri: string): Buffer {
  let apex = `<SignedInfo xmlns="${NS.ds}"`;
  if (c14nOptions(c14nUri).mode === XmlC14NMode.XML_C14N_1_0) {
    const prefixed = root.namespaces.filter(([p]) => p !== '').sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [prefix, uri] of prefixed) apex += ` xmlns:${prefix}="${escapeAttr(uri)}"`;
    const xmlAttrs = [...root.xmlAttributes].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [name, value] of xmlAttrs) apex += ` xml:${name}="${escapeAttr(value)}"`;
  }
  return Buffer.from(apex + signedInfo.slice('<SignedInfo'.length), 'utf8');
}

function digestOf(signer: Signer, canonical: string): string {
  return createHash(signer.hash).update(canonical).digest('base64');
}

function prepared(
  signer: Signer,
  before: string,
  after: string,
  digestValue: string,
  root: AncestorContext,
): Prepared {
  const signedInfo = signedInfoXml(signer, digestValue, false);
  return {
    signer,
    before,
    after,
    signedInfo,
    canonicalSignedInfo: canonicalSignedInfo(signedInfoXml(signer, digestValue, true), root, signer.c14nUri),
  };
}

/** What a root with no prefixed namespace declaration or xml:* attribute gives SignedInfo in canonical form. */
const NO_CONTEXT: AncestorContext = { namespaces: [], xmlAttributes: [] };

/**
 * Text path: read the document safely (libxml2 parses it unless the plain reader proves it well-formed and the scan
 * proves it canonical), digest its canonical form with the Signature's surrounding whitespace.
 */
function prepareText(xml: string | Uint8Array, options: SignOptions): Prepared {
  const signer = signerOf(options);
  // Canonical text is digested as it stands: then a plain document needs no tree (safe-parse.ts, plain-xml.ts).
  let canonical: CanonicalText | undefined;
  const parsed = readXmlSafely(xml, options.limits, (checked) => {
    canonical = scanCanonicalText(checked);
    return canonical.document !== undefined && canonical.signatureTags === 0;
  });
  if (!parsed.ok) {
    const d = parsed.diagnostics[0] as Diagnostic;
    throw new MbprovError(d.code, `The document cannot be signed: ${d.message}`);
  }
  const { text } = parsed.xml;
  try {
    const scanned = canonical ?? scanCanonicalText(text);
    if (scanned.signatureTags > 0 && parsed.xml.doc.find('//ds:Signature', { ds: NS.ds }).length) {
      throw new MbprovError(
        'MBPROV_SIG_ALREADY_SIGNED',
        'The document already has a Signature; sign the unsigned document.',
      );
    }
    // The signature goes last in the root, on its own indented line; the whitespace around it is signed content.
    // The verifier digests the final document minus the Signature: this one plus that whitespace before the
    // root's end tag, added here instead of parsing the document again.
    const end = scanned.rootEndTag;
    // Only text libxml2 never accepts leaves the scan without the root's end tag: refuse rather than guess.
    if (end < 0) {
      throw new MbprovError(
        'MBPROV_XML_MALFORMED',
        "The document cannot be signed: the root element's end tag was not found in the text.",
      );
    }
    let digestValue: string;
    let root: AncestorContext;
    if (scanned.document) {
      // The text is canonical already (its last piece is the root's end tag). Canonical text has no prefixed
      // namespace declaration or xml:* attribute, so the root gives SignedInfo no context.
      const pieces = scanned.document;
      const body = pieces.slice(0, -1).join('');
      digestValue = digestOf(signer, `${body}  \n${pieces[pieces.length - 1]}`);
      root = NO_CONTEXT;
    } else {
      const element = parsed.xml.doc.root;
      element.addText('  \n');
      digestValue = digestCanonicalDocument(parsed.xml.doc, signer.hash).toString('base64');
      root = contextOf(element);
    }
    return prepared(signer, `${text.slice(0, end)}  `, `\n${text.slice(end)}`, digestValue, root);
  } finally {
    parsed.xml.dispose();
  }
}
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n';
const ROOT_END = '</CarrierProvisioning>';

/**
 * Model path: the document is written in its canonical form, so the digest needs no parsing. Opaque fragments
 * (OneX, extensions) are normalized to exclusive canonical form, which is also their form inside the document.
 */
function prepareModel(model: CarrierProvisioning, options: SignOptions & { indent?: string }): Prepared {
  const signer = signerOf(options);
  if (model.Signature !== undefined) {
    throw new MbprovError(
      'MBPROV_SIG_ALREADY_SIGNED',
      'The model already has a Signature; sign the unsigned document.',
    );
  }
  const body = writeElement(carrierProvisioningSpec, model, null, {
    indent: options.indent ?? '  ',
    canonical: { fragment: canonicalFragment },
  });
  const end = body.lastIndexOf(ROOT_END);
  const before = `${body.slice(0, end)}  `;
  const after = `\n${ROOT_END}`;
  const digestValue = digestOf(signer, before + after);
  return prepared(signer, DECLARATION + before, `${after}\n`, digestValue, NO_CONTEXT);
}

function assemble(p: Prepared, signature: Buffer): string {
  return `${p.before}<Signature xmlns="${NS.ds}">${p.signedInfo}<SignatureValue>${signature.toString('base64')}</SignatureValue>${p.signer.keyInfo}</Signature>${p.after}`;
}

/** XML-DSig wants ECDSA signatures as r||s, not DER. */
function keyFor(signer: Signer) {
  return signer.kind === 'ec' ? { key: signer.key, dsaEncoding: 'ieee-p1363' as const } : signer.key;
}

function signNow(p: Prepared): string {
  return assemble(p, cryptoSign(p.signer.hash, p.canonicalSignedInfo, keyFor(p.signer)));
}

async function signOnPool(p: Prepared): Promise<string> {
  const signature = await new Promise<Buffer>((resolve, reject) =>
    cryptoSign(p.signer.hash, p.canonicalSignedInfo, keyFor(p.signer), (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  return assemble(p, signature);
}

/**
 * Signs a provisioning document with an enveloped XML-DSig signature in the strict CarrierControlSignature
 * profile: the last child of the root, one Reference with URI="", the enveloped-signature transform, and the
 * signer certificate (plus optional chain) in KeyInfo/X509Data. Synchronous: use {@link signDocumentAsync} on servers.
 */
export function signDocument(xml: string | Uint8Array, options: SignOptions): string {
  return signNow(prepareText(xml, options));
}

/** Like {@link signDocument}, but the private-key operation runs on libuv's thread pool, off the event loop. */
export function signDocumentAsync(xml: string | Uint8Array, options: SignOptions): Promise<string> {
  return signOnPool(prepareText(xml, options));
}

/**
 * Builds and signs a document from a model in one step: the document is written in canonical form, so nothing
 * is parsed (the fastest way for a server that signs documents it builds). The result equals what
 * {@link signDocument} accepts and {@link verifyDocument} verifies; empty elements are written as start and end tags.
 */
export function signModel(model: CarrierProvisioning, options: SignOptions & { indent?: string }): string {
  return signNow(prepareModel(model, options));
}

/** Like {@link signModel}, with the private-key operation on libuv's thread pool. */
export function signModelAsync(
  model: CarrierProvisioning,
  options: SignOptions & { indent?: string },
): Promise<string> {
  return signOnPool(prepareModel(model, options));
}
