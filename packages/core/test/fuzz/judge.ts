// Where mbprov's verdict must equal the independent implementation's, and the named places it may differ.
// mbprov may be stricter than xmlsec1 or xmllint only by design, only with the refusal codes listed here, each
// with its reason; it may never accept what they refuse.
import type { FuzzInput } from './inputs.ts';
import type { OracleVerdict } from './oracles.ts';
import type { Verdicts, VerifyVerdict, XsdVerdict } from './property.ts';

/** A disagreement with an oracle. */
export interface Disagreement {
  type: 'xmlsec1' | 'xmllint';
  property: string;
  message: string;
}

/**
 * Refusals of verifyDocument that xmlsec1 does not make, by design of the strict CarrierControlSignature profile
 * (docs/signatures.md) or of safe parsing (docs/validation.md).
 */
export const STRICTER_THAN_XMLSEC1: Readonly<Record<string, string>> = {
  MBPROV_SIG_REFERENCE_COUNT: 'exactly one Reference (xmlsec1 verifies every Reference)',
  MBPROV_SIG_REFERENCE_URI:
    'the Reference must say URI="" (xmlsec1 treats a missing URI as the whole document)',
  MBPROV_SIG_TRANSFORM: 'exactly the enveloped-signature transform (xmlsec1 runs any transform chain)',
  MBPROV_SIG_NOT_LAST_CHILD:
    "the Signature must be the root's last child element (xmlsec1 finds it anywhere)",
  MBPROV_SIG_MULTIPLE: 'exactly one Signature (xmlsec1 verifies the first it finds)',
  MBPROV_SIG_STRUCTURE: 'Signature = SignedInfo, SignatureValue, KeyInfo, no Object',
  MBPROV_SIG_KEYINFO:
    'KeyInfo = one X509Data of X509Certificates (no KeyName, KeyValue, X509IssuerSerial, ...)',
  MBPROV_SIG_C14N_ALGORITHM: 'C14N 1.0 or exclusive C14N only (xmlsec1 also has C14N 1.1)',
  MBPROV_SIG_ALGORITHM: 'RSA-SHA256/384/512 and ECDSA-SHA256/384 only',
  MBPROV_SIG_DIGEST_ALGORITHM: 'SHA-256/384/512 digests only',
  MBPROV_SIG_SHA1_NOT_ALLOWED: 'SHA-1 only with allowSha1',
  MBPROV_XML_WRONG_ROOT: 'the root must be CarrierProvisioning (xmlsec1 verifies any document)',
  MBPROV_CERT_KEY_USAGE: 'the signer must have digitalSignature (OpenSSL does not check key usage here)',
  MBPROV_CERT_SIGNER_IS_CA: 'the signer must not be a CA (OpenSSL accepts a CA leaf)',
  MBPROV_CERT_WEAK_KEY: 'RSA keys of at least 2048 bits (OpenSSL at this security level accepts RSA-1024)',
  MBPROV_CERT_EXTENDED_KEY_USAGE:
    'an extended key usage must leave a purpose that signs documents (xmlsec1 checks no purpose)',
  MBPROV_XML_TOO_DEEP: 'nesting limit 64 (libxml2: 256)',
  MBPROV_XML_DTD_FORBIDDEN: 'no DOCTYPE at all',
  MBPROV_XML_ENCODING_UNSUPPORTED: 'UTF-8 only',
  MBPROV_XML_TOO_LARGE: 'size limit 8 MiB',
  MBPROV_XML_NAMESPACE_INVALID: 'namespace names are URI references (see STRICTER_THAN_XMLLINT)',
};

/**
 * Refusals before or at parsing that xmllint does not make (docs/validation.md, *Safe parsing*): xmllint then
 * validates a document mbprov never reads.
 */
export const STRICTER_THAN_XMLLINT: Readonly<Record<string, string>> = {
  MBPROV_XML_ENCODING_UNSUPPORTED: 'UTF-8 only (libxml2 reads UTF-16, Latin-1, ...)',
  MBPROV_XML_DTD_FORBIDDEN: 'no DOCTYPE at all',
  MBPROV_XML_TOO_DEEP: 'nesting limit 64 (libxml2: 256)',
  MBPROV_XML_TOO_LARGE: 'size limit 8 MiB',
  MBPROV_XML_NAMESPACE_INVALID:
    "a namespace name is a URI reference (Namespaces in XML 1.0, section 2.2): libxml2-wasm's libxml2 makes it an error, Debian's 2.9 only warns (docs/validation.md)",
};

/**
 * MBPROV_XML_MALFORMED refusals of documents that break a namespace constraint (Namespaces in XML 1.0): libxml2
 * reports them as namespace errors but still builds the tree, so xmllint validates and xmlsec1 verifies; mbprov
 * refuses them, rightly. Matched by libxml2's message.
 */
export const NAMESPACE_CONSTRAINTS: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern:
      /xml namespace (prefix mapped to wrong URI|URI mapped to wrong prefix|URI cannot be the default namespace)/,
    reason: 'NSC Reserved Prefixes: xml is bound to its namespace only',
  },
  {
    pattern: /xmlns(:\S+)?: Empty XML namespace is not allowed/,
    reason: 'a prefix cannot be bound to the empty namespace name in XML 1.0',
  },
  {
    pattern: /(reuse of the xmlns namespace name|redefinition of the xmlns prefix) is forbidden/,
    reason: 'NSC Reserved Prefixes: xmlns',
  },
  { pattern: /Namespace prefix \S+ (for \S+ )?on \S+ is not defined/, reason: 'NSC Prefix Declared' },
  { pattern: /Namespaced Attribute \S+ in '\S+' redefined/, reason: 'NSC Attributes Unique' },
];

function namespaceConstraint(code: string | undefined, message: string | undefined): boolean {
  return code === 'MBPROV_XML_MALFORMED' && NAMESPACE_CONSTRAINTS.some((n) => n.pattern.test(message ?? ''));
}

/**
 * Mistakes of the oracle itself, by the message it prints: when every error xmllint reports for an input is one of
 * these, its "invalid" is no verdict (the run counts it with the oracle errors).
 */
export const XMLLINT_MISTAKES: ReadonlyArray<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /'[+-]?0*[0-9]{25,}' is not a valid value of the atomic type 'xs:\w*[Ii]nteger'/,
    reason:
      "Debian's libxml2 2.9 holds xs:integer values in 24 decimal digits; XSD integers are unbounded (libxml2-wasm, newer, is right)",
  },
  {
    // xmllint cuts its message inside a long value, before the type is named: digits to the end of the line.
    pattern: /attribute '\w+': '[+-]?[0-9]{25,}$/,
    reason:
      'the same 24-digit limit, for a value so long that xmllint cut its message before naming the type',
  },
];

/** True when an xmllint refusal consists only of known xmllint mistakes. */
export function xmllintMistaken(xl: OracleVerdict): boolean {
  const errors = (xl.errors ?? []).filter((e) => /validity error/.test(e));
  return errors.length > 0 && errors.every((e) => XMLLINT_MISTAKES.some((m) => m.pattern.test(e)));
}

/** Compares verifyDocument with xmlsec1 on a signature input. */
export function judgeSignature(mb: VerifyVerdict, xs: OracleVerdict): Disagreement | undefined {
  if (xs.error) return undefined;
  if (mb.valid && !xs.valid) {
    return {
      type: 'xmlsec1',
      property: 'xmlsec1:accepts-refused',
      message: `verifyDocument accepts what xmlsec1 refuses (${xs.detail})`,
    };
  }
  if (
    !mb.valid &&
    xs.valid &&
    !(mb.code && mb.code in STRICTER_THAN_XMLSEC1) &&
    !namespaceConstraint(mb.code, mb.message)
  ) {
    return {
      type: 'xmlsec1',
      property: `xmlsec1:refuses-accepted:${mb.code}`,
      message: `verifyDocument refuses with ${mb.code} (${mb.message}) what xmlsec1 accepts; ${mb.code} is not a named strict-profile refusal`,
    };
  }
  return undefined;
}

/** Compares mbprov's XSD verdict with xmllint's. */
export function judgeSchema(mb: XsdVerdict, xl: OracleVerdict): Disagreement | undefined {
  if (xl.error || (!xl.valid && xmllintMistaken(xl))) return undefined;
  if (mb.state === 'valid' && !xl.valid) {
    return {
      type: 'xmllint',
      property: 'xmllint:valid-vs-invalid',
      message: `mbprov's XSD check passes, xmllint says ${xl.detail}`,
    };
  }
  if (mb.state === 'invalid' && xl.valid) {
    return {
      type: 'xmllint',
      property: 'xmllint:invalid-vs-valid',
      message: `mbprov's XSD check fails (${mb.message}), xmllint validates`,
    };
  }
  if (
    mb.state === 'refused' &&
    xl.valid &&
    !(mb.code in STRICTER_THAN_XMLLINT) &&
    !namespaceConstraint(mb.code, mb.message)
  ) {
    return {
      type: 'xmllint',
      property: `xmllint:refused-vs-valid:${mb.code}`,
      message: `mbprov refuses with ${mb.code} (${mb.message}), xmllint validates; ${mb.code} is not a named pre-parse refusal`,
    };
  }
  return undefined;
}

/**
 * Which oracles an input needs. None for a string that is not XML text at all (it has no file form); and none where
 * mbprov's refusal is a named stricter one, since no answer of the oracle could make that a disagreement.
 */
export function oraclesFor(
  input: FuzzInput,
  verdicts: Verdicts,
  nonXml: boolean,
): { xmllint: boolean; xmlsec1: boolean } {
  if (nonXml) return { xmllint: false, xmlsec1: false };
  const xsd = verdicts.xsd;
  const verify = verdicts.verify;
  return {
    xmllint: xsd !== undefined && !(xsd.state === 'refused' && xsd.code in STRICTER_THAN_XMLLINT),
    xmlsec1:
      input.kind === 'signature' &&
      verify !== undefined &&
      !(!verify.valid && verify.code !== undefined && verify.code in STRICTER_THAN_XMLSEC1),
  };
}
