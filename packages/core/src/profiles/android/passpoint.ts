/**
 * Android's Passpoint R1 provisioning (AOSP, "Passpoint R1" in source.android.com/docs/core/connect/wifi-passpoint):
 * the PerProviderSubscription management object (PPS-MO, an OMA-DM `MgmtTree` in SyncML DDF 1.2 form) and the
 * `application/x-wifi-config` answer that carries it: base64 of a MIME multipart/mixed message whose parts are the
 * PPS-MO (`application/x-passpoint-profile`) and the RADIUS server's CA certificate (`application/x-x509-ca-cert`),
 * each base64, without Content-Disposition. Chrome on Android hands such an answer to the Wi-Fi installer.
 */

import { randomBytes } from 'node:crypto';
import type { Diagnostic } from '../../errors/diagnostic.ts';
import { MbprovError } from '../../errors/mbprov-error.ts';
import { caCertificateDer, type PasspointNetwork, passpointIdentity } from '../hotspot.ts';
import { assertRenderable } from '../lints.ts';
import { xmlTextValue } from '../xml-text.ts';

/** The HTTP Content-Type of the answer (with `Content-Transfer-Encoding: base64` and no Content-Disposition). */
export const WIFI_CONFIG_MIME_TYPE = 'application/x-wifi-config';
/** Content-Type of the PPS-MO part. */
export const PASSPOINT_PROFILE_MIME_TYPE = 'application/x-passpoint-profile';
/** Content-Type of the CA certificate part. */
export const CA_CERT_MIME_TYPE = 'application/x-x509-ca-cert';
/** DDF name of the Hotspot 2.0 PerProviderSubscription MO. */
export const PPS_MO_URN = 'urn:wfa:mo:hotspot2dot0-perprovidersubscription:1.0';

/** PPS-MO's names of the EAP-TTLS inner methods (AOSP's UserCredential accepts PAP, MS-CHAP, MS-CHAP-V2). */
const INNER_METHOD = { MSCHAPv2: 'MS-CHAP-V2', PAP: 'PAP' } as const;

/** One OMA-DM node: a leaf with a value or an interior node with children. */
type Node = { name: string; value: string } | { name: string; children: Node[] };

function writeNode(node: Node, indent: string): string {
  const name = `${indent}  <NodeName>${xmlTextValue(node.name, 'A PPS-MO node name')}</NodeName>\n`;
  const body =
    'value' in node
      ? `${indent}  <Value>${xmlTextValue(node.value, 'A PPS-MO value')}</Value>\n`
      : node.children.map((c) => writeNode(c, `${indent}  `)).join('');
  return `${indent}<Node>\n${name}${body}${indent}</Node>\n`;
}

/**
 * The PPS-MO XML of a Passpoint network and credentials: HomeSP (FriendlyName, FQDN, RoamingConsortiumOI as a
 * comma-separated list) and Credential (Realm, UsernamePassword with Username, Password in base64, EAPMethod with
 * EAPType 21 and the inner method). Give it a network that passed validateHotspot; a value XML cannot carry is
 * refused (MBPROV_MODEL_BAD_VALUE).
 */
export function ppsMo(network: PasspointNetwork, userName: string, password: string): string {
  const homeSp: Node[] = [
    { name: 'FriendlyName', value: network.friendlyName },
    { name: 'FQDN', value: network.domainName },
  ];
  // AOSP parses the OI list as comma-separated hex; an empty value would not parse, so the node is left out.
  if (network.roamingConsortiumOis.length)
    homeSp.push({
      name: 'RoamingConsortiumOI',
      value: network.roamingConsortiumOis.map((oi) => oi.toUpperCase()).join(','),
    });
  const credential: Node[] = [
    { name: 'Realm', value: network.naiRealm },
    {
      name: 'UsernamePassword',
      children: [
        { name: 'Username', value: userName },
        { name: 'Password', value: Buffer.from(password, 'utf8').toString('base64') },
        {
          name: 'EAPMethod',
          children: [
            { name: 'EAPType', value: '21' },
            { name: 'InnerMethod', value: INNER_METHOD[network.innerMethod ?? 'MSCHAPv2'] },
          ],
        },
      ],
    },
  ];
  const root: Node = {
    name: 'PerProviderSubscription',
    children: [
      {
        name: 'i001',
        children: [
          { name: 'HomeSP', children: homeSp },
          { name: 'Credential', children: credential },
        ],
      },
    ],
  };
  // RTProperties/Type/DDFName names the MO; it sits between NodeName and the children, so it is written by hand.
  const rt = `    <RTProperties>\n      <Type>\n        <DDFName>${PPS_MO_URN}</DDFName>\n      </Type>\n    </RTProperties>\n`;
  const pps = writeNode(root, '  ').replace('</NodeName>\n', `</NodeName>\n${rt}`);
  return `<MgmtTree xmlns="syncml:dmddf1.2">\n  <VerDTD>1.2</VerDTD>\n${pps}</MgmtTree>\n`;
}

/** Base64 in lines of 76 characters (RFC 2045 section 6.8), CRLF-terminated. */
function base64Body(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  return (b64.match(/.{1,76}/g) ?? ['']).join('\r\n');
}

/** The answer to serve: the body and the headers AOSP requires. */
export interface WifiConfig {
  /** The response body: base64 (76-character lines) of the MIME multipart message. */
  body: string;
  /** HTTP headers: Content-Type application/x-wifi-config and Content-Transfer-Encoding base64, nothing else. */
  headers: { 'Content-Type': string; 'Content-Transfer-Encoding': 'base64' };
  /** The PPS-MO inside, for display and tests. */
  ppsMo: string;
  /** Lint warnings of the description (errors refuse the build). */
  warnings: Diagnostic[];
}

/** Options of {@link buildWifiConfig}. */
export interface WifiConfigOptions {
  /** The multipart boundary (default: random): letters, digits, "-" and "_", with a "-" or "_" base64 never holds. */
  boundary?: string;
}

/**
 * Builds the `application/x-wifi-config` answer of a description with a Passpoint network (validated and linted
 * first: MBPROV_HOTSPOT_INVALID or the lint's code when refused).
 */
export function buildWifiConfig(input: unknown, options: WifiConfigOptions = {}): WifiConfig {
  const { description: d, warnings } = assertRenderable(input);
  const network = d.passpoint;
  if (!network)
    throw new MbprovError(
      'MBPROV_HOTSPOT_INVALID',
      'Hotspot description passpoint: Android profiles carry Passpoint networks only, and there is none.',
    );
  // Base64 holds no "-", so a boundary of "-" and hex never occurs inside a part.
  const boundary = options.boundary ?? `----mbprov-${randomBytes(12).toString('hex')}`;
  // A token (no quotes needed: AOSP's parser reads the parameter as is) with a character base64 lacks.
  if (!/^(?=.*[-_])[A-Za-z0-9_-]{1,70}$/.test(boundary))
    throw new MbprovError(
      'MBPROV_MODEL_BAD_VALUE',
      `"${boundary}" is not a MIME boundary of 1 to 70 letters, digits, "-" and "_" with a "-" or "_".`,
    );
  const mo = ppsMo(network, passpointIdentity(d, network), d.credentials.password);
  const part = (type: string, bytes: Uint8Array): string =>
    `--${boundary}\r\nContent-Type: ${type}\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Body(bytes)}\r\n`;
  const message =
    `Content-Type: multipart/mixed; boundary=${boundary}\r\n` +
    'Content-Transfer-Encoding: base64\r\n\r\n' +
    part(PASSPOINT_PROFILE_MIME_TYPE, Buffer.from(mo, 'utf8')) +
    part(CA_CERT_MIME_TYPE, caCertificateDer(network.caCertificatePem)) +
    `--${boundary}--\r\n`;
  return {
    body: base64Body(Buffer.from(message, 'utf8')),
    headers: { 'Content-Type': WIFI_CONFIG_MIME_TYPE, 'Content-Transfer-Encoding': 'base64' },
    ppsMo: mo,
    warnings,
  };
}
