/** Apple and Android profiles rendered from one hotspot description, and the lints across platforms. */

export {
  buildWifiConfig,
  CA_CERT_MIME_TYPE,
  PASSPOINT_PROFILE_MIME_TYPE,
  PPS_MO_URN,
  ppsMo,
  WIFI_CONFIG_MIME_TYPE,
  type WifiConfig,
  type WifiConfigOptions,
} from './android/passpoint.ts';
export {
  buildMobileconfig,
  MOBILECONFIG_MIME_TYPE,
  type Mobileconfig,
  type MobileconfigOptions,
} from './apple/mobileconfig.ts';
export { type PlistDict, type PlistValue, writePlist } from './apple/plist.ts';
export { type ProfileSigner, signMobileconfig } from './apple/sign.ts';
export {
  caCertificateDer,
  HOTSPOT_LIST_MAX,
  HOTSPOT_TEXT_MAX,
  type HotspotDescription,
  type HotspotInnerMethod,
  outerIdentity,
  type PasspointNetwork,
  passpointIdentity,
  validateHotspot,
} from './hotspot.ts';
export {
  ANDROID_PASSWORD_MAX_OCTETS,
  ANDROID_USERNAME_MAX_OCTETS,
  assertRenderable,
  FRIENDLY_NAME_MAX_OCTETS,
  isRealm,
  lintHotspot,
  SSID_MAX_OCTETS,
} from './lints.ts';
export { isXmlText, xmlTextValue } from './xml-text.ts';
