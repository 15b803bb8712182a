import { NS } from '../xml/namespaces.ts';
import { attrs, type ElementSpec, leaf, type XmlFragment } from './spec.ts';

/** An SSID given by name (1–32 characters) or by hex bytes; exactly one is set. */
export interface SSID {
  hex?: string;
  name?: string;
}

/** SSIDConfig: up to 25 v1 SSIDs, plus up to 10,000 WLAN v2 SSIDs and 32 v2 SSID prefixes (Windows 8.1+). */
export interface SSIDConfig {
  SSID: SSID[];
  /** `SSID` elements of the WLAN/v2 namespace. */
  v2SSID?: SSID[];
  /** `SSIDPrefix` elements of the WLAN/v2 namespace: networks whose SSID starts with these 4–32 bytes. */
  v2SSIDPrefix?: SSID[];
  any?: XmlFragment[];
}

/** Authentication and encryption of the network. */
export interface AuthEncryption {
  authentication: 'open' | 'shared' | 'WPA' | 'WPAPSK' | 'WPA2' | 'WPA2PSK';
  encryption: 'none' | 'WEP' | 'TKIP' | 'AES';
  useOneX?: boolean;
  any?: XmlFragment[];
}

/** Pre-shared key or WEP key. */
export interface SharedKey {
  keyType: 'networkKey' | 'passPhrase';
  /** true when keyMaterial is encrypted for one machine; such keys cannot be provisioned elsewhere. */
  protected: boolean;
  keyMaterial: string;
  any?: XmlFragment[];
}

/** An extra SSID for a hotspot profile: by name, hex, or as a prefix. */
export interface HotspotSSID {
  hex?: string;
  hexPrefix?: string;
  name?: string;
  namePrefix?: string;
}

/** WISPr hotspot authentication (HotspotProfile/v1). */
export interface HotspotProfile {
  /** Static WISPr credentials. */
  BasicAuth?: { UserName: string; Password: string };
  /** An app (package family name) supplies credentials. */
  ExtAuth?: { ExtensionId: string };
  /** Legacy direct credentials, as the account provisioning page's WISPr example shows. */
  UserName?: string;
  Password?: string;
  /** Hosts trusted to receive credentials over HTTPS: host names or `.domain` wildcards. */
  TrustedDomains?: { TrustedDomain: string[] };
  UserAgent?: string;
  /** Up to 250 extra SSIDs handled by this profile (no auto-connect until the user connects once). */
  SSIDConfig?: { SSID: HotspotSSID[] };
  any?: XmlFragment[];
}

/**
 * Passpoint (Hotspot 2.0): the native WLAN profile schema's `Hotspot2` element (namespace WLAN/profile/v1), with
 * its children in schema order. The CarrierControl WLAN schema has no element for it; it is carried in `security`
 * through the schema's `##other` extension point (docs/validation.md).
 */
export interface Hotspot2 {
  /** Domain name of the home network provider (1–255 characters). */
  DomainName?: string;
  /** NAI realms (usually `user@domain`), up to 256 (maxOccurs). */
  NAIRealm?: { name: string[] };
  /** PLMN ids (MCC and MNC digits) of the home 3GPP networks, up to 256 (maxOccurs). */
  Network3GPP?: { PLMNID: string[] };
  /** Roaming consortium organization identifiers (hex, 3 to 5 octets; IEEE assigns 3 or 5), up to 256 (maxOccurs). */
  RoamingConsortium?: { OUI: string[] };
}

/** Security settings of the MSM section. */
export interface Security {
  authEncryption: AuthEncryption;
  sharedKey?: SharedKey;
  keyIndex?: number;
  PMKCacheMode?: 'disabled' | 'enabled';
  PMKCacheTTL?: number;
  PMKCacheSize?: number;
  preAuthMode?: 'disabled' | 'enabled';
  preAuthThrottle?: number;
  /** FIPS 140-2 mode (WLAN/v2 namespace). */
  FIPSMode?: boolean;
  /** 802.1X / EAP configuration (OneX/v1), kept intact as XML. */
  OneX?: XmlFragment;
  HotspotProfile?: HotspotProfile;
  /** Passpoint settings (native WLAN profile Hotspot2 element). */
  Hotspot2?: Hotspot2;
  /** Other extension elements. */
  any?: XmlFragment[];
}

/** A Wi-Fi profile (WLAN CarrierWLANProfile). */
export interface WLANProfile {
  /** 0–9, default 5. */
  Priority?: number;
  name: string;
  /** Name of a Plan in the Plans section. */
  AssociatedPlan?: string;
  SSIDConfig: SSIDConfig;
  MSM?: { security?: Security; any?: XmlFragment[] };
}

/** WLANProfiles: when present, the complete set of the operator's Wi-Fi profiles (unlisted ones are deleted). */
export interface WLANProfiles {
  WLANProfile: WLANProfile[];
}

const ssid = (ns: string, name: string, key?: string): ElementSpec => ({
  name,
  ns,
  many: true,
  ...(key ? { key } : { always: true }),
  children: [leaf('hex', ns, 'token'), leaf('name', ns, 'string')],
});

const hotspotSpec: ElementSpec = {
  name: 'HotspotProfile',
  ns: NS.hotspot,
  children: [
    {
      name: 'BasicAuth',
      ns: NS.hotspot,
      children: [leaf('UserName', NS.hotspot, 'token'), leaf('Password', NS.hotspot, 'token')],
    },
    { name: 'ExtAuth', ns: NS.hotspot, children: [leaf('ExtensionId', NS.hotspot, 'token')] },
    leaf('UserName', NS.hotspot, 'token'),
    leaf('Password', NS.hotspot, 'token'),
    {
      name: 'TrustedDomains',
      ns: NS.hotspot,
      children: [leaf('TrustedDomain', NS.hotspot, 'token', { many: true, always: true })],
    },
    leaf('UserAgent', NS.hotspot, 'token'),
    {
      name: 'SSIDConfig',
      ns: NS.hotspot,
      children: [
        {
          name: 'SSID',
          ns: NS.hotspot,
          many: true,
          always: true,
          children: ['hex', 'hexPrefix', 'name', 'namePrefix'].map((n) =>
            leaf(n, NS.hotspot, n.startsWith('hex') ? 'token' : 'string'),
          ),
        },
      ],
    },
  ],
  wildcard: 'any',
};

/**
 * Hotspot2 children in schema order, each at most once (an xs:sequence of elements without maxOccurs); Windows refuses
 * them out of order (a NAIRealm after Network3GPP) or repeated.
 */
const hotspot2Spec: ElementSpec = {
  name: 'Hotspot2',
  ns: NS.wlanProfile,
  ordered: 'MBPROV_PASSPOINT_ELEMENT_ORDER',
  once: 'MBPROV_PASSPOINT_DUPLICATE_ELEMENT',
  children: [
    leaf('DomainName', NS.wlanProfile, 'token'),
    {
      name: 'NAIRealm',
      ns: NS.wlanProfile,
      children: [leaf('name', NS.wlanProfile, 'token', { many: true, always: true })],
    },
    {
      name: 'Network3GPP',
      ns: NS.wlanProfile,
      children: [leaf('PLMNID', NS.wlanProfile, 'token', { many: true, always: true })],
    },
    {
      name: 'RoamingConsortium',
      ns: NS.wlanProfile,
      children: [leaf('OUI', NS.wlanProfile, 'token', { many: true, always: true })],
    },
  ],
};

const securitySpec: ElementSpec = {
  name: 'security',
  ns: NS.wlan,
  children: [
    {
      name: 'authEncryption',
      ns: NS.wlan,
      children: [
        leaf('authentication', NS.wlan, 'token'),
        leaf('encryption', NS.wlan, 'token'),
        leaf('useOneX', NS.wlan, 'boolean'),
      ],
      wildcard: 'any',
    },
    {
      name: 'sharedKey',
      ns: NS.wlan,
      children: [
        leaf('keyType', NS.wlan, 'token'),
        leaf('protected', NS.wlan, 'boolean'),
        leaf('keyMaterial', NS.wlan, 'string'),
      ],
      wildcard: 'any',
    },
    leaf('keyIndex', NS.wlan, 'integer'),
    leaf('PMKCacheMode', NS.wlan, 'token'),
    leaf('PMKCacheTTL', NS.wlan, 'integer'),
    leaf('PMKCacheSize', NS.wlan, 'integer'),
    leaf('preAuthMode', NS.wlan, 'token'),
    leaf('preAuthThrottle', NS.wlan, 'integer'),
    leaf('FIPSMode', NS.wlan2, 'boolean'),
    { name: 'OneX', ns: NS.onex, opaque: true },
    hotspotSpec,
    hotspot2Spec,
  ],
  wildcard: 'any',
};

/** How the WLANProfiles section is written and read: its elements, attributes and their order (see spec.ts). */
export const wlanProfilesSpec: ElementSpec = {
  name: 'WLANProfiles',
  ns: NS.cc,
  children: [
    {
      name: 'WLANProfile',
      ns: NS.wlan,
      many: true,
      always: true,
      attrs: attrs({ Priority: 'integer' }),
      children: [
        leaf('name', NS.wlan, 'token'),
        leaf('AssociatedPlan', NS.wlan, 'string'),
        {
          name: 'SSIDConfig',
          ns: NS.wlan,
          children: [
            ssid(NS.wlan, 'SSID'),
            ssid(NS.wlan2, 'SSID', 'v2SSID'),
            ssid(NS.wlan2, 'SSIDPrefix', 'v2SSIDPrefix'),
          ],
          wildcard: 'any',
        },
        { name: 'MSM', ns: NS.wlan, children: [securitySpec], wildcard: 'any' },
      ],
    },
  ],
};
