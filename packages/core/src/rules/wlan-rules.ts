import { domainToASCII } from 'node:url';
import type { Received } from '../model/spec.ts';
import type { Security, SSID, WLANProfile } from '../model/wlan-profiles.ts';
import { decodePunycode } from './punycode.ts';
import { type Report, ROOT, type Rule, step } from './rule.ts';

/**
 * SSID limits from the WLAN schema documentation and *Handling large numbers of SSIDs*: 25 v1 SSIDs, 10,000 v2
 * SSIDs, 32 prefixes. `total` is that page's "up to 10,000 SSIDs in total", which the schema's "up to additional
 * 10000 SSIDs in the v2 namespace" contradicts: beyond it is only a warning (docs/validation.md).
 */
export const SSID_LIMITS = {
  v1: 25,
  v2: 10_000,
  total: 10_000,
  v2Prefix: 32,
  maxBytes: 32,
  minPrefixBytes: 4,
} as const;

/** "You can have a maximum of ten profiles" (*Handling large numbers of SSIDs*): Wi-Fi profiles in one WLANProfiles. */
export const MAX_WLAN_PROFILES = 10;

/** Length of an SSID in bytes: UTF-8 of the name, or the hex digits / 2. */
export function ssidBytes(ssid: Received<SSID>): number {
  if (ssid.hex !== undefined) return Math.ceil(ssid.hex.length / 2);
  return Buffer.byteLength(ssid.name ?? '', 'utf8');
}

interface AuthRule {
  encryption: string[];
  oneX: 'required' | 'forbidden' | 'optional';
  key: 'required' | 'forbidden' | 'optional';
}

/**
 * The authentication/encryption pairs Windows WLAN profiles accept, and whether each needs 802.1X. A Map, not
 * an object literal: the authentication comes from the document, and `constructor` or `__proto__` must not
 * find Object.prototype's members.
 */
const AUTH = new Map<string, AuthRule>([
  ['open', { encryption: ['none', 'WEP'], oneX: 'optional', key: 'optional' }],
  ['shared', { encryption: ['WEP'], oneX: 'forbidden', key: 'required' }],
  ['WPA', { encryption: ['TKIP', 'AES'], oneX: 'required', key: 'forbidden' }],
  ['WPA2', { encryption: ['TKIP', 'AES'], oneX: 'required', key: 'forbidden' }],
  ['WPAPSK', { encryption: ['TKIP', 'AES'], oneX: 'forbidden', key: 'required' }],
  ['WPA2PSK', { encryption: ['TKIP', 'AES'], oneX: 'forbidden', key: 'required' }],
]);

/** A DNS name in A-labels (LDH labels of 1 to 63 characters, at most 253 in all), without a trailing dot. */
const LDH_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * A host name in LDH labels (letters, digits, hyphens; 1 to 63 characters a label, at most 253 in all), no trailing
 * dot, every `xn--` label valid punycode: the FQDN of protocols that take no Unicode (an SM-DP+ address).
 */
export function isLdhName(name: string): boolean {
  return LDH_NAME.test(name) && name.split('.').every(validALabel);
}

/**
 * A TrustedDomain: a host name, or `.domain` for every host under it. Internationalized names are domain names
 * too: U-labels (`bücher.example`) and A-labels (`xn--bcher-kva.example`) are accepted when node's
 * `domainToASCII` (UTS #46, as WHATWG URL) gives an LDH name and every A-label is the encoding of its U-label; one
 * trailing dot (the DNS root) is allowed. A scheme, a path, a port, spaces, an empty label or anything
 * `domainToASCII` refuses is not a domain name.
 */
export function isTrustedDomain(domain: string): boolean {
  let name = domain.startsWith('.') ? domain.slice(1) : domain;
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '' || name.startsWith('.') || name.endsWith('.')) return false;
  if (!name.split('.').every(validALabel)) return false;
  if (LDH_NAME.test(name)) return true;
  // Only letters, digits, hyphens and dots of any script: no scheme, path, port, space or other punctuation.
  if (!/^[\p{L}\p{M}\p{N}.-]+$/u.test(name)) return false;
  const ascii = domainToASCII(name);
  return ascii !== '' && LDH_NAME.test(ascii);
}

/**
 * A label that is not an A-label, or an A-label whose punycode decodes to a U-label that `domainToASCII` (UTS #46)
 * encodes back to the same A-label: "xn--" followed by what is not punycode, or by the punycode of a name IDNA
 * refuses, is not a domain name.
 */
function validALabel(label: string): boolean {
  if (!/^xn--/i.test(label)) return true;
  const unicode = decodePunycode(label.slice(4));
  return unicode !== undefined && unicode !== '' && domainToASCII(unicode) === label.toLowerCase();
}

function checkKey(security: Received<Security>, at: string, report: Report): void {
  const { authentication, encryption } = security.authEncryption ?? {};
  const key = security.sharedKey;
  if (!key) return;
  if (key.protected) {
    report(
      'MBPROV_WLAN_KEY_PROTECTED',
      'sharedKey is protected (encrypted for one PC); provision the key in clear with protected=false.',
      `${at}/sharedKey/protected`,
    );
    return;
  }
  const m = key.keyMaterial;
  if (m === undefined) return; // the schema requires keyMaterial
  let ok = true;
  let expected = '';
  if (encryption === 'WEP') {
    ok = /^[\x20-\x7e]{5}$|^[\x20-\x7e]{13}$/.test(m) || /^([0-9a-fA-F]{10}|[0-9a-fA-F]{26})$/.test(m);
    expected = 'a WEP key of 5 or 13 characters or 10 or 26 hex digits';
  } else if (key.keyType === 'passPhrase') {
    ok = /^[\x20-\x7e]{8,63}$/.test(m);
    expected = 'a passphrase of 8 to 63 printable ASCII characters';
  } else {
    ok = /^[0-9a-fA-F]{64}$/.test(m);
    expected = 'a network key of 64 hex digits';
  }
  if (!ok)
    report(
      'MBPROV_WLAN_KEY_FORMAT',
      `sharedKey keyMaterial for ${authentication}/${encryption} must be ${expected}.`,
      `${at}/sharedKey/keyMaterial`,
    );
}

function checkSecurity(profile: Received<WLANProfile>, at: string, report: Report): void {
  const security = profile.MSM?.security;
  // Without authEncryption (the schema requires it) no combination can be checked.
  if (!security?.authEncryption) return;
  const { authentication, encryption, useOneX } = security.authEncryption;
  const rule = authentication === undefined ? undefined : AUTH.get(authentication);
  const sAt = `${at}/MSM/security`;
  if (!rule) return; // XSD reports unknown enumerations and a missing authentication
  if (encryption !== undefined && !rule.encryption.includes(encryption)) {
    report(
      'MBPROV_WLAN_AUTH_COMBINATION',
      `Profile "${profile.name}": ${authentication} authentication needs ${rule.encryption.join(' or ')} encryption, not ${encryption}.`,
      `${sAt}/authEncryption`,
    );
  }
  if (rule.oneX === 'required' && useOneX !== true) {
    report(
      'MBPROV_WLAN_AUTH_COMBINATION',
      `Profile "${profile.name}": ${authentication} (enterprise) authentication needs useOneX true and a OneX configuration.`,
      `${sAt}/authEncryption`,
    );
  }
  if (rule.oneX === 'forbidden' && useOneX === true) {
    report(
      'MBPROV_WLAN_AUTH_COMBINATION',
      `Profile "${profile.name}": ${authentication} authentication cannot use 802.1X (useOneX true).`,
      `${sAt}/authEncryption/useOneX`,
    );
  }
  if (useOneX === true && security.OneX === undefined) {
    report(
      'MBPROV_WLAN_ONEX_MISSING',
      `Profile "${profile.name}" sets useOneX true but has no OneX element with the EAP configuration.`,
      `${sAt}/authEncryption/useOneX`,
    );
  }
  if (rule.key === 'required' && !security.sharedKey) {
    report(
      'MBPROV_WLAN_KEY_REQUIRED',
      `Profile "${profile.name}": ${authentication} authentication needs a sharedKey.`,
      sAt,
    );
  }
  if ((rule.key === 'forbidden' || encryption === 'none') && security.sharedKey) {
    report(
      'MBPROV_WLAN_AUTH_COMBINATION',
      `Profile "${profile.name}": ${authentication}/${encryption} does not use a sharedKey.`,
      `${sAt}/sharedKey`,
    );
  }
  checkKey(security, sAt, report);

  const hotspot = security.HotspotProfile;
  if (hotspot) {
    const hAt = `${sAt}/HotspotProfile`;
    if (authentication !== 'open') {
      report(
        'MBPROV_WLAN_HOTSPOT_NOT_OPEN',
        `Profile "${profile.name}" has a HotspotProfile (WISPr) but ${authentication} authentication; WISPr applies to open networks.`,
        hAt,
      );
    }
    if (hotspot.UserName !== undefined || hotspot.Password !== undefined) {
      report(
        'MBPROV_WLAN_HOTSPOT_DIRECT_CREDENTIALS',
        `Profile "${profile.name}" puts UserName/Password directly in HotspotProfile; prefer BasicAuth.`,
        hAt,
      );
    }
    const domains = hotspot.TrustedDomains?.TrustedDomain ?? [];
    domains.forEach((domain, i) => {
      if (!isTrustedDomain(domain)) {
        report(
          'MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT',
          `TrustedDomain "${domain}" must be a host name (hotspot.contoso.com, bücher.example) or a wildcard (.contoso.com).`,
          `${hAt}/TrustedDomains/${step('TrustedDomain', i, domains.length)}`,
        );
      }
    });
  }
}

function checkSsids(profile: Received<WLANProfile>, at: string, report: Report): void {
  const config = profile.SSIDConfig;
  if (!config) return;
  const v1 = config.SSID ?? [];
  const v2 = config.v2SSID ?? [];
  const prefixes = config.v2SSIDPrefix ?? [];
  const cAt = `${at}/SSIDConfig`;
  if (v1.length > SSID_LIMITS.v1 || v2.length > SSID_LIMITS.v2 || prefixes.length > SSID_LIMITS.v2Prefix) {
    report(
      'MBPROV_WLAN_TOO_MANY_SSIDS',
      `Profile "${profile.name}" has ${v1.length} v1 SSIDs (max 25), ${v2.length} v2 SSIDs (max 10,000) and ${prefixes.length} SSID prefixes (max 32).`,
      cAt,
    );
  }
  // Within both namespace limits (else the error above says it), more than 10,000 together is allowed by the schema
  // ("additional 10000") but not by handling-large-numbers-of-ssids ("10,000 SSIDs in total"): a warning.
  if (
    v1.length <= SSID_LIMITS.v1 &&
    v2.length <= SSID_LIMITS.v2 &&
    v1.length + v2.length > SSID_LIMITS.total
  ) {
    report(
      'MBPROV_WLAN_TOO_MANY_SSIDS_IN_TOTAL',
      `Profile "${profile.name}" has ${v1.length + v2.length} SSIDs (${v1.length} v1 and ${v2.length} v2): the WLAN schema allows 25 v1 and "additional" 10,000 v2 SSIDs, but handling-large-numbers-of-ssids says "up to 10,000 SSIDs in total"; keep to 10,000 for Windows that reads it so.`,
      cAt,
    );
  }
  // v1 and v2 SSID elements share the name "SSID", so their paths share one index.
  const all = [...v1, ...v2];
  all.forEach((ssid, i) => {
    const bytes = ssidBytes(ssid);
    if (bytes > SSID_LIMITS.maxBytes) {
      report(
        'MBPROV_WLAN_SSID_TOO_LONG',
        `SSID "${ssid.name ?? ssid.hex}" is ${bytes} bytes; an SSID is at most 32 bytes.`,
        `${cAt}/${step('SSID', i, all.length)}`,
      );
    }
  });
  prefixes.forEach((prefix, i) => {
    const bytes = ssidBytes(prefix);
    if (bytes < SSID_LIMITS.minPrefixBytes || bytes > SSID_LIMITS.maxBytes) {
      report(
        bytes < SSID_LIMITS.minPrefixBytes
          ? 'MBPROV_WLAN_SSID_PREFIX_TOO_SHORT'
          : 'MBPROV_WLAN_SSID_TOO_LONG',
        `SSIDPrefix "${prefix.name ?? prefix.hex}" is ${bytes} bytes; a prefix is 4 to 32 bytes.`,
        `${cAt}/${step('SSIDPrefix', i, prefixes.length)}`,
      );
    }
  });
}

/** Wi-Fi profiles. */
export const wlanRules: Rule = (doc, report) => {
  const section = doc.WLANProfiles;
  if (!section) return;
  const profiles = section.WLANProfile ?? [];
  if (profiles.length === 0) {
    report(
      'MBPROV_WLAN_EMPTY_DELETES_ALL',
      'WLANProfiles is empty: applying this document deletes every Wi-Fi profile the operator provisioned on the PC.',
      `${ROOT}/WLANProfiles`,
    );
  }
  if (profiles.length > MAX_WLAN_PROFILES) {
    report(
      'MBPROV_WLAN_TOO_MANY_PROFILES',
      `WLANProfiles has ${profiles.length} profiles; Windows takes at most ${MAX_WLAN_PROFILES} (group SSIDs that share their settings in one profile).`,
      `${ROOT}/WLANProfiles`,
    );
  }
  const seen = new Set<string>();
  profiles.forEach((profile, i) => {
    const at = `${ROOT}/WLANProfiles/${step('WLANProfile', i, profiles.length)}`;
    if (profile.name !== undefined) {
      if (seen.has(profile.name))
        report('MBPROV_WLAN_DUPLICATE_NAME', `Two WLAN profiles are named "${profile.name}".`, `${at}/name`);
      seen.add(profile.name);
    }
    checkSsids(profile, at, report);
    checkSecurity(profile, at, report);
  });
};
