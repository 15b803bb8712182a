/**
 * The Apple configuration profile (`.mobileconfig`) of a hotspot description: a top-level `Configuration` payload
 * holding a `com.apple.wifi.managed` payload for the Passpoint network (WPA2/WPA3 Enterprise, EAP-TTLS, the
 * credentials, the Hotspot 2.0 keys), one open `com.apple.wifi.managed` payload per WISPr SSID, and a
 * `com.apple.security.root` payload with the RADIUS server's CA, which the EAP configuration names as its anchor.
 * Keys and values follow Apple's payload definitions (device-management repository, ../shared/reference/apple/).
 */

import { randomUUID } from 'node:crypto';
import type { Diagnostic } from '../../errors/diagnostic.ts';
import {
  caCertificateDer,
  type HotspotDescription,
  outerIdentity,
  type PasspointNetwork,
  passpointIdentity,
} from '../hotspot.ts';
import { assertRenderable } from '../lints.ts';
import { type PlistDict, writePlist } from './plist.ts';

/** MIME type Safari and iOS install a configuration profile from. */
export const MOBILECONFIG_MIME_TYPE = 'application/x-apple-aspen-config';

/** Options of {@link buildMobileconfig}. */
export interface MobileconfigOptions {
  /** Source of PayloadUUIDs (default: random UUIDs, upper case as Apple writes them). */
  uuid?: () => string;
  /** PayloadDescription of the profile. */
  description?: string;
}

/** An unsigned profile: the plist text, its payload UUIDs and the description's lint warnings. */
export interface Mobileconfig {
  /** The XML property list, UTF-8 text. */
  plist: string;
  /** PayloadUUID of the top-level Configuration payload. */
  uuid: string;
  /** Lint warnings of the description (errors refuse the build). */
  warnings: Diagnostic[];
}

function passpointPayload(
  d: HotspotDescription,
  p: PasspointNetwork,
  uuid: string,
  caUuid: string,
): PlistDict {
  return {
    PayloadType: 'com.apple.wifi.managed',
    PayloadVersion: 1,
    PayloadIdentifier: `${d.identifier}.wifi.passpoint`,
    PayloadUUID: uuid,
    PayloadDisplayName: `${d.name} (Passpoint)`,
    AutoJoin: true,
    IsHotspot: true,
    DomainName: p.domainName,
    NAIRealmNames: [p.naiRealm],
    RoamingConsortiumOIs: p.roamingConsortiumOis.length
      ? p.roamingConsortiumOis.map((oi) => oi.toUpperCase())
      : undefined,
    ServiceProviderRoamingEnabled: p.roamingEnabled ?? true,
    DisplayedOperatorName: p.friendlyName,
    EncryptionType: p.encryption ?? 'WPA2',
    EAPClientConfiguration: {
      AcceptEAPTypes: [21],
      TTLSInnerAuthentication: p.innerMethod ?? 'MSCHAPv2',
      UserName: passpointIdentity(d, p),
      UserPassword: d.credentials.password,
      OuterIdentity: outerIdentity(p),
      TLSTrustedServerNames: [...p.radiusServerNames],
      PayloadCertificateAnchorUUID: [caUuid],
    },
  };
}

function wisprPayload(d: HotspotDescription, ssid: string, index: number, uuid: string): PlistDict {
  return {
    PayloadType: 'com.apple.wifi.managed',
    PayloadVersion: 1,
    PayloadIdentifier: `${d.identifier}.wifi.ssid${index + 1}`,
    PayloadUUID: uuid,
    PayloadDisplayName: `${d.name} (${ssid})`,
    SSID_STR: ssid,
    HIDDEN_NETWORK: false,
    AutoJoin: true,
    EncryptionType: 'None',
  };
}

/**
 * Builds the unsigned `.mobileconfig` of a description (validated and linted first: MBPROV_HOTSPOT_INVALID or the
 * lint's code when refused). Sign it with signMobileconfig before serving it.
 */
export function buildMobileconfig(input: unknown, options: MobileconfigOptions = {}): Mobileconfig {
  const { description: d, warnings } = assertRenderable(input);
  const newUuid = options.uuid ?? (() => randomUUID().toUpperCase());
  const content: PlistDict[] = [];
  const p = d.passpoint;
  if (p) {
    const caUuid = newUuid();
    content.push(passpointPayload(d, p, newUuid(), caUuid));
    content.push({
      PayloadType: 'com.apple.security.root',
      PayloadVersion: 1,
      PayloadIdentifier: `${d.identifier}.radius-ca`,
      PayloadUUID: caUuid,
      PayloadDisplayName: `${d.name} RADIUS CA`,
      PayloadCertificateFileName: 'radius-ca.cer',
      PayloadContent: caCertificateDer(p.caCertificatePem),
    });
  }
  d.wisprSsids.forEach((ssid, i) => {
    content.push(wisprPayload(d, ssid, i, newUuid()));
  });
  const uuid = newUuid();
  const plist = writePlist({
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: d.identifier,
    PayloadUUID: uuid,
    PayloadDisplayName: d.name,
    PayloadOrganization: d.organization,
    PayloadDescription: options.description,
    PayloadContent: content,
  });
  return { plist, uuid, warnings };
}
