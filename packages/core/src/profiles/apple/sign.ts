/**
 * Signs a `.mobileconfig` as iOS and macOS expect: CMS SignedData (RFC 5652) with the profile attached as content,
 * DER, SHA-256, the signer certificate and its chain included, signed attributes (content type, message digest,
 * signing time). Written with node-forge's pkcs7 module, already a dependency of core (PKCS#12), rather than a
 * second PKI stack: it signs with RSA keys only, so an ECDSA signer is refused (MBPROV_PROFILE_SIGNER_UNSUPPORTED).
 */

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { nodeForge } from '../../certificates/libraries.ts';
import { MbprovError } from '../../errors/mbprov-error.ts';

/** The operator's signer: its key, its certificate and the CAs between it and a root the device trusts. */
export interface ProfileSigner {
  /** The signer's private key, unencrypted PEM (PKCS#1 or PKCS#8). */
  privateKeyPem: string;
  /** The signer certificate, PEM. */
  certificatePem: string;
  /** Intermediate CA certificates (PEM), signer's issuer first; the root may be left out. */
  chainPems?: readonly string[];
}

function rsaCertificate(pem: string, what: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (cause) {
    throw new MbprovError('MBPROV_CERT_INVALID', `The ${what} is not a PEM certificate.`, { cause });
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa')
    throw new MbprovError(
      'MBPROV_PROFILE_SIGNER_UNSUPPORTED',
      `The ${what} has a ${cert.publicKey.asymmetricKeyType} key; Apple profiles are signed here with RSA keys only.`,
    );
  return cert;
}

/**
 * Signs the profile text (UTF-8) and returns the DER of the CMS SignedData, to serve as
 * `application/x-apple-aspen-config`. Refuses a signer whose key does not match its certificate
 * (MBPROV_SIG_KEY_MISMATCH), an unreadable certificate or key, or a non-RSA signer.
 */
export function signMobileconfig(plist: string, signer: ProfileSigner): Uint8Array {
  const forge = nodeForge();
  const cert = rsaCertificate(signer.certificatePem, 'signer certificate');
  const chain = (signer.chainPems ?? []).map((pem, i) => rsaCertificate(pem, `chain certificate ${i + 1}`));
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(signer.privateKeyPem);
  } catch (cause) {
    throw new MbprovError('MBPROV_KEY_INVALID', 'The signer key is not an unencrypted PEM private key.', {
      cause,
    });
  }
  if (!cert.checkPrivateKey(key))
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      'The signer key does not belong to the signer certificate.',
    );
  // forge reads PKCS#1 RSA keys; node:crypto converts whatever PEM form was given.
  const forgeKey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(Buffer.from(plist, 'utf8').toString('binary'));
  const forgeCert = forge.pki.certificateFromPem(cert.toString());
  p7.addCertificate(forgeCert);
  for (const c of chain) p7.addCertificate(forge.pki.certificateFromPem(c.toString()));
  p7.addSigner({
    key: forgeKey,
    certificate: forgeCert,
    digestAlgorithm: forge.pki.oids.sha256 as string,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType as string, value: forge.pki.oids.data as string },
      { type: forge.pki.oids.messageDigest as string },
      { type: forge.pki.oids.signingTime as string },
    ],
  });
  p7.sign();
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}
