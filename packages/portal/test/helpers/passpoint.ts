// The Passpoint network of the hotspot tests: Contoso's, in the realm and with the RADIUS server name and CA given.
import type { WifiConfig } from '../../src/config/schema.ts';

/** A passpoint entry of operator.wifi: domain and NAI realm `realm`, two OIs, the RADIUS server and its CA file. */
export function contosoPasspoint(realm: string, radiusServerName: string, radiusCaFile: string): WifiConfig {
  return {
    name: 'Contoso Passpoint',
    ssids: ['Contoso Passpoint'],
    kind: 'passpoint',
    domainName: realm,
    naiRealm: realm,
    roamingConsortiumOis: ['5A03BA0000', '004096'],
    radiusServerNames: [radiusServerName],
    radiusCaFile,
  };
}
