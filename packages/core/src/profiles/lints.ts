/**
 * Cross-platform lints of a hotspot description: mistakes a renderer could write but that a device refuses, or
 * that make the profile match no network, on Windows, Apple or Android. Each is a named diagnostic; the renderers
 * refuse a description with a lint error (assertRenderable) and let warnings through.
 */

import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { isTrustedDomain } from '../rules/wlan-rules.ts';
import { type HotspotDescription, passpointIdentity, validateHotspot } from './hotspot.ts';

/** A realm (RFC 7542 section 2.2): two or more LDH labels, at most 253 characters, ASCII (A-labels). */
const REALM_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Whether a string is an RFC 7542 realm in ASCII. */
export function isRealm(realm: string): boolean {
  const labels = realm.split('.');
  return realm.length <= 253 && labels.length >= 2 && labels.every((l) => REALM_LABEL.test(l));
}

/** ANQP's Operator Friendly Name holds at most 252 octets of UTF-8 (802.11u, Hotspot 2.0 section 4.3). */
export const FRIENDLY_NAME_MAX_OCTETS = 252;
/** An SSID is 1 to 32 octets (802.11). */
export const SSID_MAX_OCTETS = 32;
/** Android's UserCredential refuses a user name over 63 octets. */
export const ANDROID_USERNAME_MAX_OCTETS = 63;
/** Android's UserCredential refuses a password over 255 octets. */
export const ANDROID_PASSWORD_MAX_OCTETS = 255;

const octets = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The lints of one description, in field order. The description must have passed validateHotspot. */
export function lintHotspot(d: HotspotDescription): Diagnostic[] {
  const out: Diagnostic[] = [];
  d.wisprSsids.forEach((ssid, i) => {
    if (octets(ssid) > SSID_MAX_OCTETS)
      out.push(
        diagnostic(
          'MBPROV_PROFILE_SSID_LENGTH',
          `SSID "${ssid}" is ${octets(ssid)} octets of UTF-8; an SSID holds at most ${SSID_MAX_OCTETS}.`,
          { path: `/wisprSsids[${i}]` },
        ),
      );
  });
  const p = d.passpoint;
  if (!p) return out;
  if (!isTrustedDomain(p.domainName) || p.domainName.startsWith('.'))
    out.push(
      diagnostic('MBPROV_PROFILE_DOMAIN_NAME', `Passpoint domainName "${p.domainName}" is not a DNS name.`, {
        path: '/passpoint/domainName',
      }),
    );
  if (!isRealm(p.naiRealm))
    out.push(
      diagnostic(
        'MBPROV_PROFILE_REALM_SYNTAX',
        `NAI realm "${p.naiRealm}" is not a realm (RFC 7542): two or more labels of ASCII letters, digits and inner hyphens.`,
        { path: '/passpoint/naiRealm' },
      ),
    );
  p.roamingConsortiumOis.forEach((oi, i) => {
    const path = `/passpoint/roamingConsortiumOis[${i}]`;
    if (!/^(?:[0-9A-Fa-f]{2})+$/.test(oi) || oi.length < 6 || oi.length > 10) {
      out.push(
        diagnostic(
          'MBPROV_PROFILE_RCOI_FORMAT',
          `Roaming consortium OI "${oi}" is not 3 to 5 octets of hexadecimal (6, 8 or 10 hex digits).`,
          { path },
        ),
      );
      return;
    }
    if (oi.length === 8)
      out.push(
        diagnostic(
          'MBPROV_PROFILE_RCOI_LENGTH',
          `Roaming consortium OI "${oi}" has 4 octets; IEEE assigns 3 (OUI, CID) or 5 (OUI-36), so no network advertises it.`,
          { path },
        ),
      );
    if (oi !== oi.toUpperCase())
      out.push(
        diagnostic(
          'MBPROV_PROFILE_RCOI_CASE',
          `Roaming consortium OI "${oi}" is in lower case; the profiles write it as ${oi.toUpperCase()}, so write it so in the configuration too.`,
          { path },
        ),
      );
  });
  if (p.radiusServerNames.length === 0)
    out.push(
      diagnostic(
        'MBPROV_PROFILE_SERVER_NAMES_MISSING',
        'Passpoint has no RADIUS server names: devices would accept any server certificate the CA issued (Apple TLSTrustedServerNames, Windows ServerNames).',
        { path: '/passpoint/radiusServerNames' },
      ),
    );
  if (p.caCertificatePem === '')
    out.push(
      diagnostic(
        'MBPROV_PROFILE_CA_MISSING',
        "Passpoint has no CA certificate: Android refuses a user-name credential without one, and Apple and Windows would ask the user to trust the server's certificate.",
        { path: '/passpoint/caCertificatePem' },
      ),
    );
  const name = octets(p.friendlyName);
  if (name === 0 || name > FRIENDLY_NAME_MAX_OCTETS)
    out.push(
      diagnostic(
        'MBPROV_PROFILE_FRIENDLY_NAME_LENGTH',
        `Operator friendly name is ${name} octets of UTF-8; it must be 1 to ${FRIENDLY_NAME_MAX_OCTETS} (Android refuses an empty one, ANQP carries at most ${FRIENDLY_NAME_MAX_OCTETS}).`,
        { path: '/passpoint/friendlyName' },
      ),
    );
  if (p.innerMethod === 'PAP')
    out.push(
      diagnostic(
        'MBPROV_PROFILE_INNER_METHOD',
        "EAP-TTLS inner method PAP: Apple and Android take it, but Windows' Passpoint refuses it; MS-CHAP-V2 works on all three.",
        { path: '/passpoint/innerMethod' },
      ),
    );
  const identity = octets(passpointIdentity(d, p));
  if (identity > ANDROID_USERNAME_MAX_OCTETS || octets(d.credentials.password) > ANDROID_PASSWORD_MAX_OCTETS)
    out.push(
      diagnostic(
        'MBPROV_PROFILE_CREDENTIAL_LENGTH',
        `The Passpoint identity is ${identity} octets and the password ${octets(d.credentials.password)}; Android refuses more than ${ANDROID_USERNAME_MAX_OCTETS} and ${ANDROID_PASSWORD_MAX_OCTETS}.`,
        { path: '/credentials' },
      ),
    );
  return out;
}

/**
 * Validates an untrusted description and refuses it when a lint finds an error (MbprovError with the lint's code);
 * returns the description and its warnings. What every renderer calls first.
 */
export function assertRenderable(input: unknown): {
  description: HotspotDescription;
  warnings: Diagnostic[];
} {
  const description = validateHotspot(input);
  const findings = lintHotspot(description);
  const error = findings.find((f) => f.severity === 'error');
  if (error) throw new MbprovError(error.code, `${error.message} (${error.path})`);
  return { description, warnings: findings };
}
