import { createHash } from 'node:crypto';
import { escapeXmlText, type Security } from '@mbprov/core';
import type { WifiConfig } from '../config/schema.ts';
import { radiusCa } from '../hotspot/radius-ca.ts';

/** `a1 b2 c3 …`: the hex bytes of a digest, space-separated, as Windows' own TTLS profiles write them. */
const spaced = (digest: Buffer) => digest.toString('hex').replace(/(..)(?!$)/g, '$1 ');

/**
 * The TrustedRootCAHash values of the CA that issued the RADIUS server's certificate: its SHA-1 thumbprint (what the
 * EapTtlsConnectionPropertiesV1 schema describes) and its SHA-256 one (what Windows 10 is reported to compare).
 */
function caThumbprints(file: string): string[] {
  const der = radiusCa(file).raw;
  return [spaced(createHash('sha1').update(der).digest()), spaced(createHash('sha256').update(der).digest())];
}

/**
 * The OneX configuration of Passpoint username/password credentials as Windows supports them from a web site
 * (*Passpoint*, credential table): EAP-TTLS (type 21) with non-EAP MS-CHAP-V2 inside, the server validated by name
 * and by the CA that issued its certificate, no prompt for an untrusted server, and an anonymous outer identity in
 * the NAI realm (the inner one is the user's). The document cannot carry the password: Windows asks for it at the
 * first connection (docs/hotspot.md).
 */
export function passpointOneX(wifi: WifiConfig): string {
  const realm = wifi.naiRealm as string;
  const hashes = caThumbprints(wifi.radiusCaFile as string)
    .map((h) => `<TrustedRootCAHash>${h}</TrustedRootCAHash>`)
    .join('');
  return (
    '<OneX xmlns="http://www.microsoft.com/networking/OneX/v1"><EAPConfig>' +
    '<EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig">' +
    '<EapMethod><Type xmlns="http://www.microsoft.com/provisioning/EapCommon">21</Type>' +
    '<VendorId xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorId>' +
    '<VendorType xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorType>' +
    '<AuthorId xmlns="http://www.microsoft.com/provisioning/EapCommon">311</AuthorId></EapMethod>' +
    '<Config xmlns="http://www.microsoft.com/provisioning/EapHostConfig">' +
    '<EapTtls xmlns="http://www.microsoft.com/provisioning/EapTtlsConnectionPropertiesV1">' +
    `<ServerValidation><ServerNames>${escapeXmlText((wifi.radiusServerNames ?? []).join(';'))}</ServerNames>${hashes}` +
    '<DisablePrompt>true</DisablePrompt></ServerValidation>' +
    '<Phase2Authentication><MSCHAPv2Authentication><UseWinlogonCredentials>false</UseWinlogonCredentials>' +
    '</MSCHAPv2Authentication></Phase2Authentication>' +
    `<Phase1Identity><IdentityPrivacy>true</IdentityPrivacy><AnonymousIdentity>anonymous@${escapeXmlText(realm)}</AnonymousIdentity>` +
    '</Phase1Identity></EapTtls></Config></EapHostConfig></EAPConfig></OneX>'
  );
}

/** The security settings of a passpoint network: WPA2-Enterprise, the EAP-TTLS OneX and the Hotspot2 identifiers. */
export function passpointSecurity(wifi: WifiConfig): Security {
  return {
    authEncryption: { authentication: 'WPA2', encryption: 'AES', useOneX: true },
    OneX: passpointOneX(wifi),
    Hotspot2: {
      DomainName: wifi.domainName as string,
      NAIRealm: { name: [wifi.naiRealm as string] },
      ...(wifi.roamingConsortiumOis?.length ? { RoamingConsortium: { OUI: wifi.roamingConsortiumOis } } : {}),
    },
  };
}
