import type { Code } from '../errors/codes.ts';
import type { Received } from '../model/spec.ts';
import type { WLANProfile } from '../model/wlan-profiles.ts';
import { ROOT, type Rule, step } from './rule.ts';
import { isTrustedDomain } from './wlan-rules.ts';

/**
 * EAP method types (IANA) Windows Passpoint supports (*Passpoint*, credential table): TLS 13, SIM 18, TTLS 21,
 * PEAP 25, AKA 23, AKA' 50, TEAP 55. The inner method (MS-CHAP-V2 or TLS inside TTLS, PEAP or TEAP) is not checked.
 */
export const PASSPOINT_EAP_METHODS: ReadonlyMap<number, string> = new Map([
  [13, 'EAP-TLS'],
  [18, 'EAP-SIM'],
  [21, 'EAP-TTLS'],
  [23, 'EAP-AKA'],
  [25, 'PEAP'],
  [50, "EAP-AKA'"],
  [55, 'TEAP'],
]);

/** One Passpoint finding: a code, a message and a path relative to the profile (`/MSM/security/Hotspot2/...`). */
export interface PasspointFinding {
  code: Code;
  message: string;
  path: string;
}

const OUI = /^(?:[0-9A-Fa-f]{6}|[0-9A-Fa-f]{10})$/;
const PLMN = /^[0-9]{5,6}$/;

/** A DNS name of 1 to 255 characters: a TrustedDomain that is not a `.domain` wildcard. */
function isDnsName(name: string): boolean {
  return name.length <= 255 && !name.startsWith('.') && isTrustedDomain(name);
}

/** The outer EAP method type of a OneX configuration (EapHostConfig EapMethod/Type), if it names one. */
export function eapMethodType(oneX: string): number | undefined {
  const m = /<(?:[\w.-]+:)?EapMethod\b[^>]*>\s*<(?:[\w.-]+:)?Type\b[^>]*>\s*([0-9]+)\s*</.exec(oneX);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/**
 * The Passpoint problems of one profile, as Windows' WLAN profile reader would refuse them. Element order is the
 * reader's (MBPROV_PASSPOINT_ELEMENT_ORDER): the model keeps no order.
 */
export function passpointFindings(profile: Received<WLANProfile>): PasspointFinding[] {
  const security = profile.MSM?.security;
  const hs = security?.Hotspot2;
  if (!security || !hs) return [];
  const out: PasspointFinding[] = [];
  const at = '/MSM/security/Hotspot2';
  if (hs.DomainName !== undefined && !isDnsName(hs.DomainName)) {
    out.push({
      code: 'MBPROV_PASSPOINT_DOMAIN_NAME',
      message: `Hotspot2 DomainName "${hs.DomainName}" is not a DNS name.`,
      path: `${at}/DomainName`,
    });
  }
  const realms = hs.NAIRealm?.name ?? [];
  realms.forEach((realm, i) => {
    const domain = realm.slice(realm.lastIndexOf('@') + 1);
    if (realm.length > 255 || !isDnsName(domain)) {
      out.push({
        code: 'MBPROV_PASSPOINT_NAI_REALM',
        message: `NAIRealm name "${realm}" is not a realm (a DNS name, optionally after user@).`,
        path: `${at}/NAIRealm/${step('name', i, realms.length)}`,
      });
    }
  });
  const plmns = hs.Network3GPP?.PLMNID ?? [];
  plmns.forEach((plmn, i) => {
    if (!PLMN.test(plmn)) {
      out.push({
        code: 'MBPROV_PASSPOINT_PLMN_ID',
        message: `PLMNID "${plmn}" is not a PLMN id: 3 MCC digits then 2 or 3 MNC digits.`,
        path: `${at}/Network3GPP/${step('PLMNID', i, plmns.length)}`,
      });
    }
  });
  const ouis = hs.RoamingConsortium?.OUI ?? [];
  ouis.forEach((oui, i) => {
    if (!OUI.test(oui)) {
      out.push({
        code: 'MBPROV_PASSPOINT_OUI_FORMAT',
        message: `RoamingConsortium OUI "${oui}" is not 3 or 5 octets of hex (6 or 10 hex digits).`,
        path: `${at}/RoamingConsortium/${step('OUI', i, ouis.length)}`,
      });
    }
  });
  const auth = security.authEncryption;
  if (
    auth &&
    (auth.authentication !== 'WPA2' ||
      auth.encryption !== 'AES' ||
      auth.useOneX !== true ||
      security.OneX === undefined)
  ) {
    out.push({
      code: 'MBPROV_PASSPOINT_NOT_ENTERPRISE',
      message: `Profile "${profile.name}" has Passpoint settings but is ${auth.authentication}/${auth.encryption}${auth.useOneX ? '' : ' without 802.1X'}; Passpoint uses WPA2-Enterprise (WPA2, AES, useOneX and a OneX configuration).`,
      path: '/MSM/security/authEncryption',
    });
  }
  if (security.OneX !== undefined) {
    const type = eapMethodType(security.OneX);
    if (type !== undefined && !PASSPOINT_EAP_METHODS.has(type)) {
      out.push({
        code: 'MBPROV_PASSPOINT_EAP_METHOD',
        message: `Profile "${profile.name}" uses EAP method type ${type}; Windows Passpoint supports ${[...PASSPOINT_EAP_METHODS].map(([t, n]) => `${n} (${t})`).join(', ')}.`,
        path: '/MSM/security/OneX',
      });
    }
  }
  return out;
}

/** Passpoint (Hotspot2) settings of the Wi-Fi profiles. */
export const passpointRules: Rule = (doc, report) => {
  const profiles = doc.WLANProfiles?.WLANProfile ?? [];
  profiles.forEach((profile, i) => {
    const at = `${ROOT}/WLANProfiles/${step('WLANProfile', i, profiles.length)}`;
    for (const f of passpointFindings(profile)) report(f.code, f.message, `${at}${f.path}`);
  });
};
