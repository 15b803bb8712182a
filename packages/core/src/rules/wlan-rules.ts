import type { Received } from '../model/spec.ts';
import type { Security, SSID, WLANProfile } from '../model/wlan-profiles.ts';
import { type Report, ROOT, type Rule, step } from './rule.ts';

/** SSID limits from the WLAN schema documentation. */
export const SSID_LIMITS = { v1: 25, v2: 10_000, v2Prefix: 32, maxBytes: 32, minPrefixBytes: 4 } as const;

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

/** A TrustedDomain: a host name, or `.domain` for every host under it. */
const TRUSTED_DOMAIN =
  /^\.?(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

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
      if (!TRUSTED_DOMAIN.test(domain)) {
        report(
          'MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT',
          `TrustedDomain "${domain}" must be a host name (hotspot.contoso.com) or a wildcard (.contoso.com).`,
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
