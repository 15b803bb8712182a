import { createHash, sign as cryptoSign } from 'node:crypto';
import type { XmlElement } from 'libxml2-wasm';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { NS } from '../xml/namespaces.ts';
import { type ParseLimits, parseXmlSafely } from '../xml/safe-parse.ts';
import {
  C14N,
  type Canonicalization,
  curveHash,
  type DigestName,
  digestUri,
  ENVELOPED,
  signatureUri,
} from './algorithms.ts';
import { canonicalDocument, canonicalInContext, contextOf } from './canonicalize.ts';
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

/** What signing computed before the private-key operation. */
interface Prepared {
  before: string;
  after: string;
  signedInfo: string;
  canonicalSignedInfo: Buffer;
  hash: DigestName;
  kind: 'rsa' | 'ec';
  keyInfo: string;
  key: ReturnType<typeof toPrivateKey>;
}

/**
 * Where the root element's end tag starts: the last `</qname>` in the text that is not inside a comment or
 * processing instruction after the root (their content is known exactly from the tree, so those are counted out).
 */
function rootEndTag(text: string, root: XmlElement, qname: string): number {
  const re = new RegExp(`</${qname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*>`, 'g');
  const ends = [...text.matchAll(re)].map((m) => m.index);
  let trailing = 0;
  for (const node of root.find('following-sibling::node()')) trailing += node.content.match(re)?.length ?? 0;
  return ends.at(-1 - trailing) ?? -1;
}

function prepare(xml: string | Uint8Array, options: SignOptions): Prepared {
  const key = toPrivateKey(options.key, options.passphrase);
  const certificate = toCertificate(options.certificate);
  const chain = (options.chain ?? []).map(toCertificate);
  const { kind, curve } = keyKind(key);
  if (!keyMatchesCertificate(key, certificate)) {
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      `The private key does not belong to the certificate ${certificate.subject.replace(/\n/g, ', ')}.`,
    );
  }
  const hash: DigestName = kind === 'ec' ? curveHash(curve) : (options.digest ?? 'sha256');
  if (hash === 'sha1') {
    if (!options.allowSha1)
      throw new MbprovError(
        'MBPROV_SIG_SHA1_NOT_ALLOWED',
        'RSA-SHA1 was asked for without allowSha1; use SHA-256.',
      );
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
  const c14nUri = C14N[options.canonicalization ?? 'c14n'];

  const parsed = parseXmlSafely(xml, options.limits);
  if (!parsed.ok) {
    const d = parsed.diagnostics[0] as Diagnostic;
    throw new MbprovError(d.code, `The document cannot be signed: ${d.message}`);
  }
  const { doc, text } = parsed.xml;
  let before: string;
  let after: string;
  let digestValue: string;
  const rootNs: Array<[string, string]> = [];
  const rootXmlAttrs: Array<[string, string]> = [];
  try {
    const root = doc.root;
    if (doc.find('//ds:Signature', { ds: NS.ds }).length) {
      throw new MbprovError(
        'MBPROV_SIG_ALREADY_SIGNED',
        'The document already has a Signature; sign the unsigned document.',
      );
    }
    const qname = root.prefix ? `${root.prefix}:${root.name}` : root.name;
    const end = rootEndTag(text, root, qname);
    if (end < 0) throw new MbprovError('MBPROV_XML_MALFORMED', `The end tag of ${qname} cannot be found.`);
    // The signature goes last in the root, on its own indented line; the whitespace around it is signed content.
    before = `${text.slice(0, end)}  `;
    after = `\n${text.slice(end)}`;
    const context = contextOf(root);
    rootNs.push(...context.namespaces);
    rootXmlAttrs.push(...context.xmlAttributes);
    // What the verifier will digest: the final document minus the Signature, i.e. this one plus the
    // whitespace that will surround the Signature (appended as text instead of parsing the document again).
    root.addText('  \n');
    digestValue = createHash(hash).update(canonicalDocument(doc)).digest('base64');
  } finally {
    parsed.xml.dispose();
  }

  const signedInfo =
    `<SignedInfo><CanonicalizationMethod Algorithm="${c14nUri}"/><SignatureMethod Algorithm="${sigUri}"/>` +
    `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED}"/></Transforms>` +
    `<DigestMethod Algorithm="${digestUri(hash)}"/><DigestValue>${digestValue}</DigestValue></Reference></SignedInfo>`;
  const keyInfo = `<KeyInfo><X509Data>${[certificate, ...chain].map((c) => `<X509Certificate>${certificateBase64(c)}</X509Certificate>`).join('')}</X509Data></KeyInfo>`;
  return {
    before,
    after,
    signedInfo,
    canonicalSignedInfo: canonicalInContext(
      signedInfo,
      [
        { namespaces: rootNs, xmlAttributes: rootXmlAttrs },
        { namespaces: [['', NS.ds]], xmlAttributes: [] },
      ],
      c14nUri,
    ),
    hash,
    kind,
    keyInfo,
    key,
  };
}

function assemble(p: Prepared, signature: Buffer): string {
  return `${p.before}<Signature xmlns="${NS.ds}">${p.signedInfo}<SignatureValue>${signature.toString('base64')}</SignatureValue>${p.keyInfo}</Signature>${p.after}`;
}

/** XML-DSig wants ECDSA signatures as r||s, not DER. */
function signOptions(p: Prepared) {
  return p.kind === 'ec' ? { key: p.key, dsaEncoding: 'ieee-p1363' as const } : p.key;
}

/**
 * Signs a provisioning document with an enveloped XML-DSig signature in the strict CarrierControlSignature
 * profile: the last child of the root, one Reference with URI="", the enveloped-signature transform, and the
 * signer certificate (plus optional chain) in KeyInfo/X509Data. Synchronous: use {@link signDocumentAsync} on servers.
 */
export function signDocument(xml: string | Uint8Array, options: SignOptions): string {
  const p = prepare(xml, options);
  return assemble(p, cryptoSign(p.hash, p.canonicalSignedInfo, signOptions(p)));
}

/** Like {@link signDocument}, but the private-key operation runs on libuv's thread pool, off the event loop. */
export async function signDocumentAsync(xml: string | Uint8Array, options: SignOptions): Promise<string> {
  const p = prepare(xml, options);
  const signature = await new Promise<Buffer>((resolve, reject) =>
    cryptoSign(p.hash, p.canonicalSignedInfo, signOptions(p), (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  return assemble(p, signature);
}
