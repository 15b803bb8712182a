/** Namespace URIs of the CarrierProvisioning document family, with the prefixes used in messages. */
export const NS = {
  cc: 'http://www.microsoft.com/networking/CarrierControl/v1',
  cc2: 'http://www.microsoft.com/networking/CarrierControl/v2',
  base: 'http://www.microsoft.com/networking/CarrierControl/Base/v1',
  wwan: 'http://www.microsoft.com/networking/CarrierControl/WWAN/v1',
  wlan: 'http://www.microsoft.com/networking/CarrierControl/WLAN/v1',
  wlan2: 'http://www.microsoft.com/networking/CarrierControl/WLAN/v2',
  hotspot: 'http://www.microsoft.com/networking/WLAN/HotspotProfile/v1',
  plans: 'http://www.microsoft.com/networking/CarrierControl/Plans/v1',
  dusm: 'http://www.microsoft.com/networking/CarrierControl/DUSM/v1',
  onex: 'http://www.microsoft.com/networking/OneX/v1',
  /** The native WLAN profile schema (Passpoint Hotspot2 comes from it). */
  wlanProfile: 'http://www.microsoft.com/networking/WLAN/profile/v1',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** Short prefix for a namespace URI, for readable messages ("wlan:WLANProfile"). */
export function prefixFor(uri: string): string | undefined {
  for (const [prefix, value] of Object.entries(NS)) if (value === uri) return prefix;
  return undefined;
}

/** Rewrites libxml2's `{uri}Name` notation into `prefix:Name` for every known namespace. */
export function shortenQualifiedNames(text: string): string {
  return text.replace(/\{([^}]+)\}([\w.-]+)/g, (whole, uri: string, local: string) => {
    const prefix = prefixFor(uri);
    return prefix ? `${prefix}:${local}` : whole;
  });
}
