import type { Code } from '../errors/codes.ts';
import type { Received } from '../model/spec.ts';
import type { WLANProfile } from '../model/wlan-profiles.ts';
import { readEapConfig, type TtlsInnerMethod } from './eap-config.ts';
import { ROOT, type Rule, step } from './rule.ts';
import { isTrustedDomain } from './wlan-rules.ts';

/**
 * EAP method types (IANA) Windows Passpoint supports (*Passpoint*, credential table): TLS 13, SIM 18, TTLS 21,
 * PEAP 25, AKA 23, AKA' 50, TEAP 55. The inner method is checked for EAP-TTLS ({@link PASSPOINT_TTLS_INNER}).
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

/**
 * The inner methods of EAP-TTLS in the Passpoint table: "EAP-TTLS with MS-CHAP-V2" (the non-EAP MS-CHAP-V2 of
 * Windows' TTLS, or EAP-MSCHAPv2, type 26, through an inner EapHostConfig) and "EAP-TTLS with EAP-TLS" (type 13).
 * PAP, CHAP, MS-CHAP and any other inner EAP method are not Passpoint credentials Windows supports.
 */
export const PASSPOINT_TTLS_INNER = 'MS-CHAP-V2, EAP-MSCHAPv2 (26) or EAP-TLS (13)';

/** Whether Windows Passpoint supports an EAP-TTLS inner method. */
function passpointTtlsInner(inner: TtlsInnerMethod): boolean {
  if (inner.kind === 'MSCHAPv2') return true;
  return inner.kind === 'EAP' && (inner.type === 26 || inner.type === 13);
}

/** How a message names an inner method. */
function innerName(inner: TtlsInnerMethod): string {
  if (inner.kind === 'EAP')
    return inner.type === undefined ? 'an inner EAP method without a Type' : `EAP type ${inner.type}`;
  return inner.kind === 'other' ? `an unknown ${inner.element} element` : inner.kind;
}

/** One Passpoint finding: a code, a message and a path relative to the profile (`/MSM/security/Hotspot2/...`). */
export interface PasspointFinding {
  code: Code;
  message: string;
  path: string;
}

/** xs:hexBinary of 3 to 5 octets, as the native schema's OUI restriction says. */
const OUI = /^(?:[0-9A-Fa-f]{2}){3,5}$/;
const PLMN = /^[0-9]{5,6}$/;

/** maxOccurs of NAIRealm/name, Network3GPP/PLMNID and RoamingConsortium/OUI in the native WLAN profile schema. */
export const HOTSPOT2_LIST_MAX = 256;

/** A DNS name of 1 to 255 characters: a TrustedDomain that is not a `.domain` wildcard. */
function isDnsName(name: string): boolean {
  return name.length <= 255 && !name.startsWith('.') && isTrustedDomain(name);
}

/** The outer EAP method type of a OneX configuration (EapHostConfig EapMethod/Type), if it names one. */
export function eapMethodType(oneX: string): number | undefined {
  return readEapConfig(oneX).method;
}

/**
 * The Passpoint problems of one profile, as Windows' WLAN profile reader would refuse them (errors) or store them
 * to no effect (warnings). Element order and repeated children are the reader's (MBPROV_PASSPOINT_ELEMENT_ORDER,
 * MBPROV_PASSPOINT_DUPLICATE_ELEMENT): the model keeps no order and one of each.
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
  for (const [list, child, entries] of [
    ['NAIRealm', 'name', hs.NAIRealm?.name],
    ['Network3GPP', 'PLMNID', hs.Network3GPP?.PLMNID],
    ['RoamingConsortium', 'OUI', hs.RoamingConsortium?.OUI],
  ] as const) {
    if (entries && entries.length > HOTSPOT2_LIST_MAX)
      out.push({
        code: 'MBPROV_PASSPOINT_TOO_MANY',
        message: `Hotspot2 ${list} has ${entries.length} ${child} elements; the native WLAN profile schema allows ${HOTSPOT2_LIST_MAX}.`,
        path: `${at}/${list}`,
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
    const path = `${at}/RoamingConsortium/${step('OUI', i, ouis.length)}`;
    if (!OUI.test(oui)) {
      out.push({
        code: 'MBPROV_PASSPOINT_OUI_FORMAT',
        message: `RoamingConsortium OUI "${oui}" is not 3 to 5 octets of hex (6, 8 or 10 hex digits).`,
        path,
      });
    } else if (oui.length === 8) {
      // The schema's hexBinary 3..5 lets Windows store it; no IEEE assignment has 4 octets (docs/validation.md).
      out.push({
        code: 'MBPROV_PASSPOINT_OUI_LENGTH',
        message: `RoamingConsortium OUI "${oui}" has 4 octets: IEEE assigns organization identifiers of 3 (OUI, CID) or 5 octets (OUI-36), so no network advertises it.`,
        path,
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
    const eap = readEapConfig(security.OneX);
    const type = eap.method;
    if (type !== undefined && !PASSPOINT_EAP_METHODS.has(type)) {
      out.push({
        code: 'MBPROV_PASSPOINT_EAP_METHOD',
        message: `Profile "${profile.name}" uses EAP method type ${type}; Windows Passpoint supports ${[...PASSPOINT_EAP_METHODS].map(([t, n]) => `${n} (${t})`).join(', ')}.`,
        path: '/MSM/security/OneX',
      });
    }
    const inner = type === 21 ? eap.ttlsInner : undefined;
    if (inner && !passpointTtlsInner(inner)) {
      out.push({
        code: 'MBPROV_PASSPOINT_TTLS_INNER_METHOD',
        message: `Profile "${profile.name}" uses EAP-TTLS with ${innerName(inner)} inside; Windows Passpoint supports EAP-TTLS with ${PASSPOINT_TTLS_INNER}.`,
        path: '/MSM/security/OneX',
      });
    }
    // "Partial" in the table for web and app provisioning: the document cannot carry or install the certificate.
    if (type === 13 || (inner?.kind === 'EAP' && inner.type === 13)) {
      out.push({
        code: 'MBPROV_PASSPOINT_CERTIFICATE_ELSEWHERE',
        message: `Profile "${profile.name}" authenticates with a certificate (${type === 13 ? 'EAP-TLS' : 'EAP-TTLS with EAP-TLS'}); a provisioning document cannot install it: the profile works only where the user's certificate is installed another way.`,
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
