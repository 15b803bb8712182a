import { createHash, createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { BoundedMemo } from '../certificates/cache.ts';
import { MbprovError } from '../errors/mbprov-error.ts';

/** A private key as a KeyObject or PEM text. */
export type PrivateKeyInput = KeyObject | string | Buffer;
/** A certificate as an X509Certificate, PEM text or DER bytes. */
export type CertificateInput = X509Certificate | string | Buffer;

// Keys and certificates given as PEM text (or DER bytes) are parsed once per text: a server passes the same text on
// every call, and parsing it (with what follows from a new object: the key-certificate match, the facts memoized
// per object) cost three quarters of a signature. The memo's key is the whole text (a string: the caller's own
// string, whose hash V8 keeps, so a hit costs no hashing of the text) or the SHA-256 of the bytes (a Buffer, which
// may change after the call), so two different texts never share an entry; a passphrase is part of the key; only
// successful parses are remembered; the memos are bounded (oldest entry dropped first). KeyObject and
// X509Certificate are immutable, so handing the same object to every caller is safe.
const privateKeysByText = new BoundedMemo<KeyObject>(32);
const privateKeys = new BoundedMemo<KeyObject>(32);
const certificatesByText = new BoundedMemo<X509Certificate>(256);
const certificates = new BoundedMemo<X509Certificate>(256);

/** The memo key of bytes, or of text with a passphrase; `extra` (the passphrase) is appended without ambiguity. */
function memoKey(input: string | Buffer, extra?: string): string {
  const text =
    typeof input === 'string' ? `s${input}` : `b${createHash('sha256').update(input).digest('base64')}`;
  // The length prefix keeps (text, passphrase) pairs apart that would concatenate to the same string.
  return extra === undefined ? `n${text}` : `p${text.length}:${text}${extra}`;
}

/** Loads a private key; a clear error when it is not one. PEM text is parsed once (see the memo above). */
export function toPrivateKey(key: PrivateKeyInput, passphrase?: string): KeyObject {
  if (key instanceof KeyObject) return key;
  try {
    if (typeof key !== 'string' && !Buffer.isBuffer(key)) return createPrivateKey(key);
    if (typeof key === 'string' && passphrase === undefined)
      return privateKeysByText.get(key, () => createPrivateKey({ key }));
    return privateKeys.get(memoKey(key, passphrase), () =>
      createPrivateKey(passphrase === undefined ? { key } : { key, passphrase }),
    );
  } catch (error) {
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      `The private key cannot be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Loads one certificate; PEM text or DER bytes are parsed once (see the memo above). */
export function toCertificate(cert: CertificateInput): X509Certificate {
  if (cert instanceof X509Certificate) return cert;
  try {
    if (typeof cert !== 'string' && !Buffer.isBuffer(cert)) return new X509Certificate(cert);
    if (typeof cert === 'string') return certificatesByText.get(cert, () => new X509Certificate(cert));
    return certificates.get(memoKey(cert), () => new X509Certificate(cert));
  } catch (error) {
    throw new MbprovError(
      'MBPROV_CERT_INVALID',
      `The certificate cannot be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The key type and ECDSA curve of a key, refusing what the profile does not sign with. */
export function keyKind(key: KeyObject): { kind: 'rsa' | 'ec'; curve?: string } {
  if (key.asymmetricKeyType === 'rsa') return { kind: 'rsa' };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1'))
    return { kind: 'ec', curve };
  throw new MbprovError(
    'MBPROV_SIG_KEY_MISMATCH',
    `Keys of type ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''} are not supported; use RSA (2048 bits or more) or ECDSA P-256/P-384.`,
  );
}

const matches = new WeakMap<KeyObject, WeakMap<X509Certificate, boolean>>();

/** True when the private key is the certificate's key (remembered per key and certificate object). */
export function keyMatchesCertificate(key: KeyObject, cert: X509Certificate): boolean {
  let known = matches.get(key);
  if (!known) {
    known = new WeakMap();
    matches.set(key, known);
  }
  let match = known.get(cert);
  if (match === undefined) {
    const a = createPublicKey(key).export({ type: 'spki', format: 'der' });
    const b = cert.publicKey.export({ type: 'spki', format: 'der' });
    match = a.equals(b);
    known.set(cert, match);
  }
  return match;
}

/** The base64 DER body of a certificate, for X509Certificate elements. */
export function certificateBase64(cert: X509Certificate): string {
  return cert.raw.toString('base64');
}
