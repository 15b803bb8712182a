// The node-forge CMS signer mbprov used for Apple profiles before the @peculiar/asn1-cms one (RSA only), kept as the
// reference of the differential test: what openssl makes of its output, the new signer's output must match.
import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import type { ProfileSigner } from '../../src/index.ts';

/** Signs like the former signMobileconfig: forge pkcs7 SignedData, SHA-256, content attached, DER. */
export function forgeSignMobileconfig(plist: string, signer: ProfileSigner): Uint8Array {
  const key = createPrivateKey(signer.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(Buffer.from(plist, 'utf8').toString('binary'));
  const cert = forge.pki.certificateFromPem(signer.certificatePem);
  p7.addCertificate(cert);
  for (const pem of signer.chainPems ?? []) p7.addCertificate(forge.pki.certificateFromPem(pem));
  p7.addSigner({
    key: forge.pki.privateKeyFromPem(key),
    certificate: cert,
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
