/**
 * One description of a hotspot network and a subscriber's credentials, from which every platform's profile is
 * rendered (the Apple `.mobileconfig`, Android's `application/x-wifi-config`; the Windows document is built from
 * the same portal configuration). Validation here refuses what no renderer can write at all; the cross-platform
 * mistakes a renderer could write but a device would reject or never match are lints (lints.ts).
 */

import { X509Certificate } from 'node:crypto';
import { MbprovError } from '../errors/mbprov-error.ts';
import { isXmlText } from './xml-text.ts';

/** The inner method of EAP-TTLS: MS-CHAP-V2 (every platform) or PAP (Apple and Android, not Windows Passpoint). */
export type HotspotInnerMethod = 'MSCHAPv2' | 'PAP';

/** The Passpoint (Hotspot 2.0) part of a hotspot: how devices find the network and check its RADIUS server. */
export interface PasspointNetwork {
  /** Home service provider domain (Hotspot2 DomainName, PPS-MO HomeSP/FQDN), e.g. `wifi.example.net`. */
  domainName: string;
  /** NAI realm of the credentials: users sign in as `<userName>@<naiRealm>`. */
  naiRealm: string;
  /** Roaming consortium OIs, hex of 3 or 5 octets (`5A03BA0000`); empty when only the realm and domain match. */
  roamingConsortiumOis: readonly string[];
  /** Operator friendly name shown on the device (Apple DisplayedOperatorName, PPS-MO HomeSP/FriendlyName). */
  friendlyName: string;
  /** EAP-TTLS inner method (default MS-CHAP-V2). */
  innerMethod?: HotspotInnerMethod;
  /** Names in the RADIUS server's certificate the device accepts (Apple TLSTrustedServerNames). */
  radiusServerNames: readonly string[];
  /** The root CA certificate (PEM) that issued the RADIUS server's certificate. */
  caCertificatePem: string;
  /** Apple ServiceProviderRoamingEnabled: join networks of roaming partners too (default true). */
  roamingEnabled?: boolean;
  /** Apple EncryptionType: WPA2 joins WPA2 and WPA3 networks, WPA3 only WPA3 (default WPA2). */
  encryption?: 'WPA2' | 'WPA3';
}

/** A hotspot network and the credentials of one subscriber on it. */
export interface HotspotDescription {
  /** Name shown for the profile, e.g. `Contoso Wi-Fi`. */
  name: string;
  /** Reverse-DNS identifier of the operator's profiles, e.g. `net.contoso.wifi` (Apple PayloadIdentifier). */
  identifier: string;
  /** The operator's name (Apple PayloadOrganization). */
  organization: string;
  /** Open SSIDs where the customer signs in through the captive portal (WISPr). */
  wisprSsids: readonly string[];
  /** The Passpoint network, when the operator runs one. */
  passpoint?: PasspointNetwork;
  /** The subscriber's credentials: the hotspot user name (without realm) and password. */
  credentials: { userName: string; password: string };
}

/** Reverse-DNS identifier: two or more dot-separated labels of letters, digits and hyphens. */
const REVERSE_DNS =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The most characters a description's text field holds: far above any real value, a bound on what is rendered. */
export const HOTSPOT_TEXT_MAX = 1024;

/** The most SSIDs, OIs or server names in one list (the native WLAN schema's 256 for OIs). */
export const HOTSPOT_LIST_MAX = 256;

function refuse(path: string, problem: string): never {
  throw new MbprovError('MBPROV_HOTSPOT_INVALID', `Hotspot description ${path}: ${problem}.`);
}

function text(value: unknown, path: string, options: { empty?: boolean; max?: number } = {}): string {
  if (typeof value !== 'string') refuse(path, 'must be a string');
  if (value === '' && !options.empty) refuse(path, 'must not be empty');
  const max = options.max ?? HOTSPOT_TEXT_MAX;
  if (value.length > max) refuse(path, `is longer than ${max} characters`);
  if (!isXmlText(value)) refuse(path, 'holds a control character or unpaired surrogate XML cannot carry');
  return value;
}

function list(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) refuse(path, 'must be a list of strings');
  if (value.length > HOTSPOT_LIST_MAX) refuse(path, `has more than ${HOTSPOT_LIST_MAX} entries`);
  return value.map((v, i) => text(v, `${path}[${i}]`));
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(path, 'must be an object');
  return value as Record<string, unknown>;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) refuse(path, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function passpointOf(value: unknown): PasspointNetwork {
  const p = record(value, 'passpoint');
  const roamingEnabled = p.roamingEnabled;
  if (roamingEnabled !== undefined && typeof roamingEnabled !== 'boolean')
    refuse('passpoint.roamingEnabled', 'must be true or false');
  const caCertificatePem = text(p.caCertificatePem, 'passpoint.caCertificatePem', {
    empty: true,
    max: 64 * 1024,
  });
  const network: PasspointNetwork = {
    domainName: text(p.domainName, 'passpoint.domainName'),
    naiRealm: text(p.naiRealm, 'passpoint.naiRealm'),
    roamingConsortiumOis: list(p.roamingConsortiumOis ?? [], 'passpoint.roamingConsortiumOis'),
    friendlyName: text(p.friendlyName, 'passpoint.friendlyName', { empty: true }),
    radiusServerNames: list(p.radiusServerNames ?? [], 'passpoint.radiusServerNames'),
    caCertificatePem,
  };
  const innerMethod = oneOf(p.innerMethod, ['MSCHAPv2', 'PAP'] as const, 'passpoint.innerMethod');
  if (innerMethod) network.innerMethod = innerMethod;
  const encryption = oneOf(p.encryption, ['WPA2', 'WPA3'] as const, 'passpoint.encryption');
  if (encryption) network.encryption = encryption;
  if (typeof roamingEnabled === 'boolean') network.roamingEnabled = roamingEnabled;
  return network;
}

/**
 * Checks an untrusted value is a hotspot description every renderer can write, and returns a copy holding only the
 * known fields. Throws MBPROV_HOTSPOT_INVALID naming the field: a missing or mistyped field, a value XML cannot
 * carry, a user name with `@` (the realm is added by the renderers), no network at all, or a CA that is not a
 * certificate. Lints (lints.ts) judge the rest.
 */
export function validateHotspot(input: unknown): HotspotDescription {
  const d = record(input, '(root)');
  const identifier = text(d.identifier, 'identifier', { max: 200 });
  if (!REVERSE_DNS.test(identifier))
    refuse('identifier', 'must be a reverse-DNS name such as net.example.wifi');
  const credentials = record(d.credentials, 'credentials');
  const userName = text(credentials.userName, 'credentials.userName');
  if (userName.includes('@'))
    refuse('credentials.userName', 'must not hold "@": the realm is added per platform');
  const description: HotspotDescription = {
    name: text(d.name, 'name'),
    identifier,
    organization: text(d.organization, 'organization'),
    wisprSsids: list(d.wisprSsids ?? [], 'wisprSsids'),
    credentials: { userName, password: text(credentials.password, 'credentials.password') },
  };
  if (d.passpoint !== undefined) {
    description.passpoint = passpointOf(d.passpoint);
    const pem = description.passpoint.caCertificatePem;
    if (pem !== '') caCertificateDer(pem);
  }
  if (description.wisprSsids.length === 0 && !description.passpoint)
    refuse('(root)', 'has neither WISPr SSIDs nor a Passpoint network');
  return description;
}

/** The DER of the CA certificate PEM; MBPROV_HOTSPOT_INVALID when it is not one certificate. */
export function caCertificateDer(pem: string): Buffer {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks !== 1)
    refuse('passpoint.caCertificatePem', `must hold exactly one PEM certificate (found ${blocks})`);
  try {
    return new X509Certificate(pem).raw;
  } catch (cause) {
    throw new MbprovError(
      'MBPROV_HOTSPOT_INVALID',
      'Hotspot description passpoint.caCertificatePem: is not a readable X.509 certificate.',
      { cause },
    );
  }
}

/** The identity the subscriber signs in with on Passpoint: `<userName>@<naiRealm>`. */
export function passpointIdentity(d: HotspotDescription, network: PasspointNetwork): string {
  return `${d.credentials.userName}@${network.naiRealm}`;
}

/** The outer (anonymous) identity of EAP-TTLS: `anonymous@<naiRealm>`, so the realm routes without the name. */
export function outerIdentity(network: PasspointNetwork): string {
  return `anonymous@${network.naiRealm}`;
}
