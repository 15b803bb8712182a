/**
 * The Apple and Android profiles of a subscriber, rendered by core from one hotspot description that this file builds
 * from the operator's Wi-Fi networks (operator.wifi) and the subscriber's hotspot credentials, the same ones the
 * Windows document, the Passpoint sign-in and RADIUS use (docs/hotspot.md, "Apple devices", "Android devices").
 */

import {
  buildMobileconfig,
  type HotspotDescription,
  type ProfileSigner,
  signMobileconfig,
} from '@mbprov/core';
import type { Signer } from '../activation/signer.ts';
import type { Config, WifiConfig } from '../config/schema.ts';
import { radiusCa } from './radius-ca.ts';

/** The platforms the completion page offers a profile for. */
export type DevicePlatform = 'windows' | 'apple' | 'android';

/** A subscriber's hotspot credentials: the user name (without realm) and the derived password. */
export interface HotspotCredentials {
  userName: string;
  password: string;
}

/**
 * The reverse-DNS identifier of the operator's profiles: operator.profileIdentifier, or the portal's host reversed
 * (`portal.example.net` gives `net.example.portal.hotspot`). Apple replaces an installed profile of the same
 * identifier, so a renewal's profile replaces the last one instead of adding another.
 */
export function profileIdentifier(config: Config): string {
  if (config.operator.profileIdentifier) return config.operator.profileIdentifier;
  const host = new URL(config.server.publicUrl).hostname.replace(/^\[|\]$/g, '');
  const labels = host
    .split(/[.:]/)
    .filter((l) => l !== '')
    .reverse()
    .map((l) => l.replace(/[^A-Za-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'x');
  return [...labels, 'hotspot'].join('.');
}

/**
 * The hotspot description of a subscriber: the first passpoint network of operator.wifi (devices hold one Passpoint
 * credential per provider) and the SSIDs of every wispr network. Undefined when the operator has neither: no device
 * profile is offered then.
 */
export function hotspotDescriptionOf(
  config: Config,
  credentials: HotspotCredentials,
): HotspotDescription | undefined {
  const { operator } = config;
  const { passpoint, wispr } = profileNetworks(config);
  if (!passpoint && wispr.length === 0) return undefined;
  const wisprSsids = wispr.flatMap((w) => w.ssids);
  const name = passpoint?.name ?? wispr[0]?.name ?? operator.name;
  return {
    name,
    identifier: profileIdentifier(config),
    organization: operator.name,
    wisprSsids,
    credentials: { ...credentials },
    ...(passpoint
      ? {
          passpoint: {
            domainName: passpoint.domainName as string,
            naiRealm: passpoint.naiRealm as string,
            roamingConsortiumOis: passpoint.roamingConsortiumOis ?? [],
            friendlyName: operator.name,
            radiusServerNames: passpoint.radiusServerNames ?? [],
            caCertificatePem: radiusCa(passpoint.radiusCaFile as string).toString(),
          },
        }
      : {}),
  };
}

/** The networks of operator.wifi a device profile holds: the first passpoint network, and every wispr one. */
function profileNetworks(config: Config): { passpoint: WifiConfig | undefined; wispr: WifiConfig[] } {
  const { wifi } = config.operator;
  return {
    passpoint: wifi.find((w) => w.kind === 'passpoint'),
    wispr: wifi.filter((w) => w.kind === 'wispr'),
  };
}

/**
 * The platforms the operator's networks have a profile for: Apple with any passpoint or wispr network, Android with a
 * passpoint one (Android installs Passpoint credentials only). Empty when no profile is offered.
 */
export function profilePlatforms(config: Config): Array<'apple' | 'android'> {
  const { passpoint, wispr } = profileNetworks(config);
  if (passpoint) return ['apple', 'android'];
  return wispr.length > 0 ? ['apple'] : [];
}

/** The portal's signer as the Apple profile signer (the same key and chain that sign the Windows documents). */
export function profileSignerOf(signer: Signer): ProfileSigner {
  return {
    privateKeyPem: signer.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: signer.certificate.toString(),
    chainPems: signer.chain.map((c) => c.toString()),
  };
}

/** The signed `.mobileconfig` of a description (DER CMS SignedData, served as MOBILECONFIG_MIME_TYPE). */
export function signedMobileconfig(description: HotspotDescription, signer: ProfileSigner): Uint8Array {
  return signMobileconfig(buildMobileconfig(description).plist, signer);
}
