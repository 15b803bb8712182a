import { createHash, verify as cryptoVerify, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { XmlElement } from 'libxml2-wasm';
import { BoundedMemo } from '../certificates/cache.ts';
import { buildChain, type ChainProblem } from '../certificates/chain.ts';
import { hasEvPolicy, issuerName, subjectName } from '../certificates/facts.ts';
import { thumbprint } from '../certificates/inspect.ts';
import { keyProblem } from '../certificates/profile.ts';
import type { Code } from '../errors/codes.ts';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { childElements, lastChildElement } from '../xml/children.ts';
import { NS } from '../xml/namespaces.ts';
import { type ParseLimits, readXmlSafely, type SafeXml } from '../xml/safe-parse.ts';
import { C14N, DIGEST_METHODS, ENVELOPED, SIGNATURE_METHODS } from './algorithms.ts';
import { type CanonicalText, scanCanonicalText } from './canonical-text.ts';
import { canonicalInContext, contextOf, digestCanonicalDocument } from './canonicalize.ts';
import { type CertificateInput, keyKind, toCertificate } from './keys.ts';

/** Options of {@link verifyDocument}. */
export interface VerifyOptions {
  /** Root certificates the signer must chain to. */
  trustAnchors: CertificateInput[];
  /** Require the EV policy on the signer (Wi-Fi providers without a SIM; first use of a certificate). */
  requireEv?: boolean;
  /** Time of the validity check (default now). */
  now?: Date;
  /** Accept RSA-SHA1 and SHA-1 digests. */
  allowSha1?: boolean;
  limits?: ParseLimits;
}

/** Facts about a certificate, as Windows shows them. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  /** SHA-1 of the DER certificate, uppercase hex without separators (the Windows thumbprint). */
  thumbprint: string;
  ev: boolean;
  notAfter: Date;
}

/** Result of {@link verifyDocument}. */
export interface VerifyResult {
  /** True only when the signature has the strict profile's shape, verifies, and the signer is trusted. */
  valid: boolean;
  /** The signer certificate, when one could be read. */
  signer?: CertificateSummary;
  /** The path from the signer to the trust anchor (leaf first), when it could be built. */
  chain: CertificateSummary[];
  /**
   * The SignatureValue of a valid signature, as canonical base64 (no whitespace): what a ResultsSchema v1 result's
   * Thumbprint holds ("Contains the SignatureValue element of the Signature").
   */
  signatureValue?: string;
  /** Why the document was refused; the first is the deciding reason. */
  errors: Diagnostic[];
}

const summaries = new WeakMap<X509Certificate, CertificateSummary>();

/** Summarizes a certificate (computed once per certificate object; each call returns a fresh copy). */
export function summarizeCertificate(cert: X509Certificate): CertificateSummary {
  let summary = summaries.get(cert);
  if (!summary) {
    summary = {
      subject: subjectName(cert),
      issuer: issuerName(cert),
      thumbprint: thumbprint(cert),
      ev: hasEvPolicy(cert),
      notAfter: new Date(cert.validTo),
    };
    summaries.set(cert, summary);
  }
  return { ...summary, notAfter: new Date(summary.notAfter) };
}

/** A refusal raised while checking, carried to the result. */
class Refusal extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly element?: XmlElement,
  ) {
    super(message);
  }
}

/** Certificates met in KeyInfo, by their base64 text: the same signer signs many documents. */
const parsedCertificates = new BoundedMemo<X509Certificate>();

// XML Schema base64Binary: only XML whitespace (space, tab, CR, LF) may lie between the characters; JavaScript's
// \s would also let no-break and other Unicode spaces through, which xmlsec1 refuses.
const BASE64 = /^[A-Za-z0-9+/ \t\r\n]*={0,2}[ \t\r\n]*$/;
const XML_SPACE = /[ \t\r\n]/g;

function strictBase64(text: string, what: string, element?: XmlElement): Buffer {
  if (!BASE64.test(text) || text.replace(XML_SPACE, '').length % 4 !== 0) {
    throw new Refusal('MBPROV_SIG_VALUE_FORMAT', `${what} is not valid base64.`, element);
  }
  return Buffer.from(text.replace(XML_SPACE, ''), 'base64');
}

const isDs = (e: XmlElement, name: string) => e.namespaceUri === NS.ds && e.name === name;

/** Checks that `parent` has exactly the ds children `names`, in order; returns them. */
function expectChildren(
  parent: XmlElement,
  names: string[],
  code: Code = 'MBPROV_SIG_STRUCTURE',
  children = childElements(parent),
): XmlElement[] {
  names.forEach((name, i) => {
    const child = children[i];
    if (!child || !isDs(child, name)) {
      const found = child
        ? `${child.namespaceUri === NS.ds ? '' : `{${child.namespaceUri}}`}${child.name}`
        : 'nothing';
      throw new Refusal(
        code,
        `${parent.name} must contain ${names.join(', ')} in this order; found ${found} where ${name} belongs.`,
        child ?? parent,
      );
    }
  });
  const extra = children[names.length];
  if (extra)
    throw new Refusal(
      code,
      `${parent.name} must not contain ${extra.name}; the strict profile allows ${names.join(', ')} only.`,
      extra,
    );
  return children;
}

function algorithmOf(element: XmlElement): string {
  return element.attr('Algorithm')?.value ?? '';
}

/** The parts of a Signature that passed the strict profile check. */
export interface CheckedSignature {
  /** The Signature and SignedInfo elements (looked up in the tree when first needed). */
  readonly signature: XmlElement;
  readonly signedInfo: XmlElement;
  c14n: string;
  method: (typeof SIGNATURE_METHODS)[keyof typeof SIGNATURE_METHODS];
  digest: string;
  digestValue: Buffer;
  signatureValue: Buffer;
  certificates: X509Certificate[];
}

/**
 * The strict CarrierControlSignature profile read through the tree: everything else is a named refusal (thrown).
 * Exported for the differential tests of {@link plainProfile}.
 */
export function checkProfile(xml: SafeXml, text: CanonicalText, allowSha1: boolean): CheckedSignature {
  const root = xml.doc.root;
  if (root.name !== 'CarrierProvisioning' || root.namespaceUri !== NS.cc) {
    throw new Refusal(
      'MBPROV_XML_WRONG_ROOT',
      `The root element is ${root.name}; a signed provisioning document has CarrierProvisioning as root.`,
      root,
    );
  }
  const last = lastChildElement(root);
  // One start tag named Signature, and it is the root's last child in the ds namespace: the namespace-aware
  // search for others can only find that one.
  const signatures =
    text.signatureTags === 1 && last && isDs(last, 'Signature')
      ? [last]
      : (xml.doc.find('//ds:Signature', { ds: NS.ds }) as XmlElement[]);
  if (signatures.length === 0)
    throw new Refusal('MBPROV_SIG_MISSING', 'The document is not signed (no ds:Signature).', root);
  if (signatures.length > 1)
    throw new Refusal(
      'MBPROV_SIG_MULTIPLE',
      `The document has ${signatures.length} Signature elements; exactly one is allowed.`,
      signatures[1],
    );
  const signature = signatures[0] as XmlElement;
  if (!signature.parent?.isSameNode(root) || !last?.isSameNode(signature)) {
    throw new Refusal(
      'MBPROV_SIG_NOT_LAST_CHILD',
      'The Signature must be the last child element of the root (anything else allows signature wrapping).',
      signature,
    );
  }
  const children = childElements(signature);
  if (!children.some((c) => isDs(c, 'KeyInfo')))
    throw new Refusal(
      'MBPROV_SIG_KEYINFO',
      'The Signature has no KeyInfo with the signer certificate.',
      signature,
    );
  const [signedInfo, signatureValueEl, keyInfo] = expectChildren(
    signature,
    ['SignedInfo', 'SignatureValue', 'KeyInfo'],
    'MBPROV_SIG_STRUCTURE',
    children,
  ) as [XmlElement, XmlElement, XmlElement];

  const infoChildren = childElements(signedInfo);
  const references = infoChildren.filter((c) => isDs(c, 'Reference'));
  if (references.length !== 1)
    throw new Refusal(
      'MBPROV_SIG_REFERENCE_COUNT',
      `SignedInfo has ${references.length} Reference elements; exactly one is allowed.`,
      references[1] ?? signedInfo,
    );
  const [c14nEl, methodEl, reference] = expectChildren(
    signedInfo,
    ['CanonicalizationMethod', 'SignatureMethod', 'Reference'],
    'MBPROV_SIG_STRUCTURE',
    infoChildren,
  ) as [XmlElement, XmlElement, XmlElement];

  const c14n = algorithmOf(c14nEl);
  if (!Object.values(C14N).includes(c14n as never) || childElements(c14nEl).length) {
    throw new Refusal(
      'MBPROV_SIG_C14N_ALGORITHM',
      `CanonicalizationMethod "${c14n}" is not C14N 1.0 or exclusive C14N without parameters.`,
      c14nEl,
    );
  }
  const methodUri = algorithmOf(methodEl);
  const method = SIGNATURE_METHODS[methodUri as keyof typeof SIGNATURE_METHODS];
  if (!method || childElements(methodEl).length) {
    const what = /hmac/i.test(methodUri)
      ? 'an HMAC (shared secret) method'
      : 'not an accepted RSA or ECDSA method';
    throw new Refusal('MBPROV_SIG_ALGORITHM', `SignatureMethod "${methodUri}" is ${what}.`, methodEl);
  }

  if (reference.attr('URI')?.value !== '') {
    const uri = reference.attr('URI');
    throw new Refusal(
      'MBPROV_SIG_REFERENCE_URI',
      `The Reference URI is ${uri ? `"${uri.value}"` : 'missing'}; it must be "" (the whole document).`,
      reference,
    );
  }
  const [transforms, digestMethodEl, digestValueEl] = expectChildren(reference, [
    'Transforms',
    'DigestMethod',
    'DigestValue',
  ]) as [XmlElement, XmlElement, XmlElement];
  const transformList = childElements(transforms);
  const transform = transformList[0];
  if (
    transformList.length !== 1 ||
    !transform ||
    !isDs(transform, 'Transform') ||
    algorithmOf(transform) !== ENVELOPED ||
    childElements(transform).length
  ) {
    const found = transformList.map((t) => algorithmOf(t) || t.name).join(', ') || 'none';
    throw new Refusal(
      'MBPROV_SIG_TRANSFORM',
      `The Reference must have exactly the enveloped-signature transform; found ${found}.`,
      transform ?? transforms,
    );
  }
  const digestUri = algorithmOf(digestMethodEl);
  const digest = DIGEST_METHODS[digestUri as keyof typeof DIGEST_METHODS];
  if (!digest)
    throw new Refusal(
      'MBPROV_SIG_DIGEST_ALGORITHM',
      `DigestMethod "${digestUri}" is not accepted.`,
      digestMethodEl,
    );
  if (!allowSha1 && (digest === 'sha1' || method.hash === 'sha1')) {
    throw new Refusal(
      'MBPROV_SIG_SHA1_NOT_ALLOWED',
      'The signature uses SHA-1, which is not allowed here.',
      digest === 'sha1' ? digestMethodEl : methodEl,
    );
  }
  const digestValue = strictBase64(digestValueEl.content, 'DigestValue', digestValueEl);
  const signatureValue = strictBase64(signatureValueEl.content, 'SignatureValue', signatureValueEl);

  const keyChildren = childElements(keyInfo);
  const x509Data = keyChildren[0];
  if (keyChildren.length !== 1 || !x509Data || !isDs(x509Data, 'X509Data')) {
    const found = keyChildren.map((c) => c.name).join(', ') || 'nothing';
    throw new Refusal(
      'MBPROV_SIG_KEYINFO',
      `KeyInfo must hold exactly one X509Data with the signer certificate; found ${found}.`,
      keyChildren.find((c) => !isDs(c, 'X509Data')) ?? keyInfo,
    );
  }
  const certElements = childElements(x509Data);
  if (!certElements.length || certElements.some((c) => !isDs(c, 'X509Certificate'))) {
    throw new Refusal(
      'MBPROV_SIG_KEYINFO',
      'X509Data must hold X509Certificate elements only (signer first).',
      x509Data,
    );
  }
  const certificates = certElements.map((el) => {
    try {
      return keyInfoCertificate(el.content, () => el);
    } catch (error) {
      // Bad base64 here is an unreadable certificate too (MBPROV_SIG_VALUE_FORMAT is for the signature values).
      throw new Refusal(
        'MBPROV_CERT_INVALID',
        `An X509Certificate cannot be read: ${(error as Error).message.replace(/\.$/, '')}.`,
        el,
      );
    }
  });
  return { signature, signedInfo, c14n, method, digest, digestValue, signatureValue, certificates };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const anyOf = (uris: readonly string[]) => `(${uris.map(escapeRegExp).join('|')})`;
/** An empty element with one Algorithm attribute: self-closed, or a start tag and an end tag. */
const algorithmElement = (name: string, uris: readonly string[]) =>
  `<${name} Algorithm="${anyOf(uris)}"(?:/>|></${name}>)`;
const WS = '[ \\t\\r\\n]*';
const BASE64_TEXT = '([A-Za-z0-9+/= \\t\\r\\n]*)';

/**
 * The strict profile's Signature written plainly: no prefix, the ds namespace declared on Signature and nowhere
 * else, one attribute per element as written here, no comments, CDATA, processing instructions or references,
 * nothing but XML whitespace between elements, base64 characters and whitespace in values. Every Signature this
 * matches passes each structure and algorithm check of {@link checkProfile}, and its values read from the text
 * are those the tree holds (it contains no markup or reference that could make them differ).
 */
const PLAIN_SIGNATURE = new RegExp(
  `^<Signature xmlns="${escapeRegExp(NS.ds)}">${WS}` +
    `<SignedInfo>${WS}${algorithmElement('CanonicalizationMethod', Object.values(C14N))}${WS}` +
    `${algorithmElement('SignatureMethod', Object.keys(SIGNATURE_METHODS))}${WS}` +
    `<Reference URI="">${WS}<Transforms>${WS}${algorithmElement('Transform', [ENVELOPED])}${WS}</Transforms>${WS}` +
    `${algorithmElement('DigestMethod', Object.keys(DIGEST_METHODS))}${WS}<DigestValue>${BASE64_TEXT}</DigestValue>${WS}` +
    `</Reference>${WS}</SignedInfo>${WS}<SignatureValue>${BASE64_TEXT}</SignatureValue>${WS}` +
    `<KeyInfo>${WS}<X509Data>${WS}((?:<X509Certificate>[A-Za-z0-9+/= \\t\\r\\n]*</X509Certificate>${WS})+)</X509Data>${WS}</KeyInfo>${WS}` +
    '</Signature>$',
);
const X509_CERTIFICATE = /<X509Certificate>([^<]*)<\/X509Certificate>/g;

/** Parses a KeyInfo certificate once per base64 text (see {@link parsedCertificates}). */
function keyInfoCertificate(base64: string, element?: () => XmlElement): X509Certificate {
  return parsedCertificates.get(base64, () => {
    const certificate = new X509Certificate(strictBase64(base64, 'X509Certificate', element?.()));
    // node:crypto decodes the public key only when asked, and throws then: a key that cannot be read makes
    // the certificate unreadable here, not an exception wherever the key is first used.
    void certificate.publicKey;
    return certificate;
  });
}

/** A profile read from the text: its elements are looked up in the tree only when a refusal must name them. */
class PlainSignature implements CheckedSignature {
  private signatureNode: XmlElement | undefined;
  private signedInfoNode: XmlElement | undefined;

  constructor(
    private readonly xml: SafeXml,
    readonly c14n: string,
    readonly method: CheckedSignature['method'],
    readonly digest: string,
    readonly digestValue: Buffer,
    readonly signatureValue: Buffer,
    readonly certificates: X509Certificate[],
  ) {}

  get signature(): XmlElement {
    this.signatureNode ??= lastChildElement(this.xml.doc.root) as XmlElement;
    return this.signatureNode;
  }

  get signedInfo(): XmlElement {
    this.signedInfoNode ??= childElements(this.signature)[0] as XmlElement;
    return this.signedInfoNode;
  }
}

/**
 * The strict profile read from the text, when the scan has found exactly one Signature-named start tag and the
 * root's last child is written as {@link PLAIN_SIGNATURE}: what {@link checkProfile} would find, without walking
 * the tree. Undefined (then the tree decides, with its named refusal) for anything else, including any value the
 * tree check would refuse (SHA-1 without allowSha1, bad base64, an unreadable certificate). Whenever it answers,
 * {@link checkProfile} gives the same answer: the differential tests (signature-plain-profile.test.ts) and a fuzz
 * property hold it to that.
 */
export function plainProfile(
  xml: SafeXml,
  text: CanonicalText,
  allowSha1: boolean,
  root: { name: string; namespaceUri: string } = xml.doc.root,
): CheckedSignature | undefined {
  if (text.signatureTags !== 1 || !text.lastChild) return undefined;
  const written = xml.text.slice(text.lastChild.start, text.lastChild.end);
  const match = PLAIN_SIGNATURE.exec(written);
  if (!match) return undefined;
  const [, c14n, methodUri, transform, digestUri, digestText, signatureText, certificateTexts] =
    match as unknown as [
      string,
      string,
      keyof typeof SIGNATURE_METHODS,
      string,
      keyof typeof DIGEST_METHODS,
      string,
      string,
      string,
    ];
  const method = SIGNATURE_METHODS[methodUri];
  const digest = DIGEST_METHODS[digestUri];
  if (transform !== ENVELOPED || !method || !digest) return undefined;
  if (!allowSha1 && (digest === 'sha1' || method.hash === 'sha1')) return undefined;
  // The root's name and namespace come from the tree, or the plain reader (checkProfile's first refusal); the
  // Signature's position from the scan: it is the root's last child element, and no other element anywhere is
  // named Signature.
  if (root.name !== 'CarrierProvisioning' || root.namespaceUri !== NS.cc) return undefined;
  try {
    const digestValue = strictBase64(digestText, 'DigestValue');
    const signatureValue = strictBase64(signatureText, 'SignatureValue');
    const certificates: X509Certificate[] = [];
    for (const [, base64] of certificateTexts.matchAll(X509_CERTIFICATE))
      certificates.push(keyInfoCertificate(base64 as string));
    return new PlainSignature(xml, c14n, method, digest, digestValue, signatureValue, certificates);
  } catch {
    // A value the tree check refuses (bad base64, an unreadable certificate): it names the refusal and the element.
    return undefined;
  }
}

/**
 * Verifies a signed provisioning document as Windows must before applying it: the strict
 * CarrierControlSignature profile, the digest of the document, the signature value, and the signer's chain
 * to the trust anchors (dates, CA flags, key usage, EV when required). Never throws for bad input.
 */
export function verifyDocument(xml: string | Uint8Array, options: VerifyOptions): VerifyResult {
  // Where the canonical text serves for the digest and SignedInfo, a plain document is parsed by libxml2 only if a
  // check below needs its tree (safe-parse.ts, plain-xml.ts). The scan reads any text (it is total), but what it
  // proves is used only once the document is accepted.
  let scanned: CanonicalText | undefined;
  const parsed = readXmlSafely(xml, options.limits, (checked) => {
    scanned = scanCanonicalText(checked);
    return scanned.withoutLastChild !== undefined && scanned.lastChildFirstChild !== undefined;
  });
  if (!parsed.ok) return { valid: false, chain: [], errors: parsed.diagnostics };
  const safe = parsed.xml;
  let signer: CertificateSummary | undefined;
  try {
    const text = scanned ?? scanCanonicalText(safe.text);
    const checked =
      plainProfile(safe, text, options.allowSha1 === true, parsed.plain ?? safe.doc.root) ??
      checkProfile(safe, text, options.allowSha1 === true);
    const leaf = checked.certificates[0] as X509Certificate;
    signer = summarizeCertificate(leaf);
    // Before the key's kind is matched to the method, so that a P-521 or RSA-1024 signer is named for what it is.
    const weak = keyProblem(leaf);
    if (weak)
      throw new Refusal('MBPROV_CERT_WEAK_KEY', `The signer certificate has ${weak}.`, checked.signature);
    const leafKey = keyKind(leaf.publicKey);
    if (leafKey.kind !== checked.method.key) {
      throw new Refusal(
        'MBPROV_SIG_ALGORITHM',
        `The SignatureMethod is for ${checked.method.key.toUpperCase()} keys but the signer key is ${leafKey.kind.toUpperCase()}.`,
        checked.signedInfo,
      );
    }
    const expectedLength =
      leafKey.kind === 'rsa'
        ? (leaf.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8
        : leafKey.curve === 'secp384r1'
          ? 96
          : 64;
    if (checked.signatureValue.length !== expectedLength) {
      throw new Refusal(
        'MBPROV_SIG_VALUE_FORMAT',
        `SignatureValue is ${checked.signatureValue.length} bytes; the signer key makes ${expectedLength}.`,
        checked.signature,
      );
    }
    // Signature value over SignedInfo, canonicalized in place (before the Signature is detached); its text
    // when that is canonical already.
    const signedBytes =
      text.lastChildFirstChild !== undefined
        ? Buffer.from(text.lastChildFirstChild, 'utf8')
        : canonicalInContext(
            checked.signedInfo.toString({ format: false }),
            [contextOf(safe.doc.root), contextOf(checked.signature)],
            checked.c14n,
            contextOf(checked.signedInfo),
          );
    const key =
      leafKey.kind === 'ec' ? { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' as const } : leaf.publicKey;
    const signatureOk = cryptoVerify(checked.method.hash, signedBytes, key, checked.signatureValue);
    // Reference: the whole document without the Signature (enveloped transform), C14N 1.0 without comments;
    // its text when that is canonical already.
    let actual: Buffer;
    if (text.withoutLastChild) {
      actual = digestPieces(text.withoutLastChild, checked.digest);
    } else {
      checked.signature.remove();
      actual = digestCanonicalDocument(safe.doc, checked.digest);
    }
    if (actual.length !== checked.digestValue.length || !timingSafeEqual(actual, checked.digestValue)) {
      throw new Refusal(
        'MBPROV_SIG_DIGEST_MISMATCH',
        'The document was changed after it was signed (digest mismatch).',
        safe.doc.root,
      );
    }
    if (!signatureOk)
      throw new Refusal(
        'MBPROV_SIG_SIGNATURE_MISMATCH',
        `The SignatureValue does not verify with the key of ${signer.subject}.`,
        safe.doc.root,
      );

    const outcome = buildChain(leaf, {
      trustAnchors: options.trustAnchors.map(toCertificate),
      intermediates: checked.certificates.slice(1),
      now: options.now,
      requireEv: options.requireEv,
    });
    if ('code' in outcome) return { valid: false, signer, chain: [], errors: [chainDiagnostic(outcome)] };
    return {
      valid: true,
      signer,
      chain: outcome.chain.map(summarizeCertificate),
      errors: [],
      signatureValue: checked.signatureValue.toString('base64'),
    };
  } catch (error) {
    if (error instanceof MbprovError) {
      const refused = diagnostic(error.code, error.message);
      return { valid: false, ...(signer ? { signer } : {}), chain: [], errors: [refused] };
    }
    if (!(error instanceof Refusal)) throw error;
    const where = error.element ? locate(safe, error.element) : {};
    return {
      valid: false,
      ...(signer ? { signer } : {}),
      chain: [],
      errors: [diagnostic(error.code, error.message, where)],
    };
  } finally {
    safe.dispose();
  }
}

function digestPieces(pieces: string[], hash: string): Buffer {
  // One update of the joined text: each update call encodes and crosses into native code on its own.
  return createHash(hash).update(pieces.join(''), 'utf8').digest();
}

function chainDiagnostic(problem: ChainProblem): Diagnostic {
  return diagnostic(problem.code, problem.message);
}

function locate(xml: SafeXml, element: XmlElement): Partial<Diagnostic> {
  try {
    const path = xml.pathOf(element);
    return { ...(xml.locate(path) ?? { line: element.line }) };
  } catch {
    return {};
  }
}
