// Benchmark inputs: a typical ~4 KB activation document and a WLAN document with 100 SSIDs.
import { buildDocument, type CarrierProvisioning } from '@mbprov/core';

const global = { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '310150123456789' };
const plan = {
  Name: 'Monthly 10GB',
  Description: {
    PlanType: 'Fixed' as const,
    BillingCycle: { StartDate: '2026-11-01T00:00:00Z', Duration: 'P30D' },
    DataLimitInMegabytes: 10240,
  },
  Usage: { CurrentUsage: 512, UsageTimestamp: '2026-11-21T10:00:00Z' },
};

/** What the portal sends after a purchase: profiles, an SMS rule, Wi-Fi hotspots, the plan, refresh. */
export function typicalDocument(): string {
  const model: CarrierProvisioning = {
    Global: global,
    Activation: { ReconnectToNetwork: { Delay: 'PT5S', RetryCount: 3, RetryInterval: 'PT1M' } },
    MBNProfiles: {
      DefaultProfile: {
        Name: 'Contoso Internet',
        AssociatedPlan: plan.Name,
        HomeProviderName: 'Contoso',
        Context: { AccessString: 'internet.contoso.com', AuthProtocol: 'NONE' },
      },
      PurchaseProfile: {
        Name: 'Contoso Purchase',
        AssociatedPlan: plan.Name,
        Context: { AccessString: 'purchase.contoso.com' },
      },
      Messages: {
        Message: [
          {
            RuleId: 'usage',
            SMSBearer: [{ Sender: '+18005551212' }],
            Pattern: 'Used (\\d+) ?(MB|GB) of (\\d+) ?(MB|GB) on (\\d\\d/\\d\\d/\\d{4})',
            Units: { M: ['MB'], G: ['GB'] },
            Fields: {
              Usage: { Group: 1, UnitGroup: 2 },
              DataLimit: { Group: 3, UnitGroup: 4 },
              UsageTimestamp: { Format: '%m/%d/%Y', Group: 5 },
            },
          },
        ],
      },
    },
    WLANProfiles: {
      WLANProfile: ['Contoso Wi-Fi', 'Contoso Lounge'].map((name) => ({
        name,
        AssociatedPlan: plan.Name,
        SSIDConfig: { SSID: [{ name }] },
        MSM: {
          security: {
            authEncryption: { authentication: 'open' as const, encryption: 'none' as const, useOneX: false },
            HotspotProfile: {
              BasicAuth: { UserName: 'sub-310150123456789', Password: 'f3a9c1d2e8b7a6f5' },
              TrustedDomains: { TrustedDomain: ['hotspot.contoso.com'] },
            },
          },
        },
      })),
    },
    Plans: { Plan: [plan] },
    Provisioning: {
      TrustedCertificates: {
        TrustedCertificate: [
          {
            SubjectName: 'CN=Contoso Provisioning, O=Contoso, C=US',
            IssuerName: 'CN=Contoso EV Root, O=Contoso, C=US',
          },
        ],
      },
      RefreshParameters: {
        DelayInDays: 30,
        RefreshURL: 'https://portal.contoso.com/refresh/7f3e9a',
        UserName: 'r-7f3e9a',
        Password: 'b64c0ffee0ddf00d',
      },
    },
  };
  return buildDocument(model);
}

/** One open hotspot profile carrying 100 SSIDs (25 in the v1 namespace, 75 in v2). */
export function wlan100Document(): string {
  const names = Array.from({ length: 100 }, (_, i) => ({
    name: `Contoso-Hotspot-${String(i).padStart(3, '0')}`,
  }));
  const model: CarrierProvisioning = {
    Global: global,
    WLANProfiles: {
      WLANProfile: [
        {
          name: 'Contoso Hotspots',
          SSIDConfig: { SSID: names.slice(0, 25), v2SSID: names.slice(25) },
          MSM: {
            security: { authEncryption: { authentication: 'open', encryption: 'none', useOneX: false } },
          },
        },
      ],
    },
  };
  return buildDocument(model);
}
