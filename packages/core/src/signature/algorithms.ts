/** Algorithm URIs of the CarrierControlSignature profile and what node:crypto calls them. */

/** The enveloped-signature transform: the only Transform the profile allows. */
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Canonicalization methods allowed for SignedInfo. */
export const C14N = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  excC14nWithComments: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
} as const;

/** A canonicalization choice by name. */
export type Canonicalization = keyof typeof C14N;

/** Signature methods the verifier accepts; HMAC and anything else is refused by name. */
export const SIGNATURE_METHODS = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { key: 'rsa', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { key: 'rsa', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { key: 'rsa', hash: 'sha512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { key: 'ec', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { key: 'ec', hash: 'sha384' },
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { key: 'rsa', hash: 'sha1' },
} as const satisfies Record<string, { key: 'rsa' | 'ec'; hash: string }>;

/** Digest methods the verifier accepts. */
export const DIGEST_METHODS = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
} as const satisfies Record<string, string>;

/** Digest choices by name for signing. */
export type DigestName = 'sha256' | 'sha384' | 'sha512' | 'sha1';

/** The URI of a digest. */
export function digestUri(name: DigestName): string {
  return Object.entries(DIGEST_METHODS).find(([, v]) => v === name)?.[0] as string;
}

/** The URI of a signature method for a key type and hash. */
export function signatureUri(key: 'rsa' | 'ec', hash: DigestName): string | undefined {
  return Object.entries(SIGNATURE_METHODS).find(([, v]) => v.key === key && v.hash === hash)?.[0];
}

/** The hash of an ECDSA curve size, as XML-DSig pairs them (P-256 with SHA-256, P-384 with SHA-384). */
export function curveHash(namedCurve: string | undefined): DigestName {
  return namedCurve === 'secp384r1' ? 'sha384' : 'sha256';
}
