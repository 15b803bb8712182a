import type { CarrierProvisioning } from '../../src/index.ts';

/** Global section used by the samples. */
export const sampleGlobal = {
  CarrierId: '{00000000-1111-2222-3333-444444444444}',
  SubscriberId: '310150123456789',
};

const oneX =
  '<OneX xmlns="http://www.microsoft.com/networking/OneX/v1"><EAPConfig><EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><EapMethod><Type xmlns="http://www.microsoft.com/provisioning/EapCommon">18</Type><VendorId xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorId><VendorType xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorType><AuthorId xmlns="http://www.microsoft.com/provisioning/EapCommon">311</AuthorId></EapMethod></EapHostConfig></EAPConfig></OneX>';

/** A document that uses every section and most optional elements; valid and free of warnings except Branding. */
export function fullModel(): CarrierProvisioning {
  return {
    Global: { ...sampleGlobal, DeviceId: '490154203237518' },
    Activation: { ReconnectToNetwork: { Delay: 'PT30S', RetryCount: 3, RetryInterval: 'PT1M' } },
    MBNProfiles: {
      DefaultProfile: {
        Priority: 1,
        Name: 'Contoso Internet',
        Description: 'Contoso mobile broadband',
        AssociatedPlan: 'Daily 1GB',
        HomeProviderName: 'Contoso',
        Context: {
          AccessString: 'internet.contoso.com',
          UserLogonCred: { UserName: 'mbuser', Password: 's3cret & <safe>' },
          Compression: 'DISABLE',
          AuthProtocol: 'CHAP',
        },
        DataRoamingPartners: { Provider: [{ ProviderID: '310260', ProviderName: 'Fabrikam' }] },
      },
      PurchaseProfile: {
        Name: 'Contoso Purchase',
        AssociatedPlan: 'Daily 1GB',
        Context: { AccessString: 'purchase.contoso.com' },
      },
      Messages: {
        Message: [
          {
            RuleId: 'usage',
            Silent: true,
            SMSBearer: [{ Sender: '+18005551212', ClassZeroOnly: false }],
            Pattern:
              'You have used (\\d+(?:\\.\\d+)?) ?(MB|GB) of (\\d+) ?(MB|GB) as of (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)',
            Locale: 'English_United States.1252',
            Units: { M: ['MB'], G: ['GB', 'gb'] },
            Fields: {
              Usage: { Group: 1, UnitGroup: 2 },
              UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 5 },
              DataLimit: { Group: 3, UnitGroup: 4, DefaultUnit: 'M' },
            },
          },
          {
            RuleId: 'refresh',
            USSDBearer: {},
            Pattern: 'REFRESH',
            Fields: { RefreshProvisioning: { Default: true } },
          },
        ],
      },
    },
    WLANProfiles: {
      WLANProfile: [
        {
          name: 'Contoso Wi-Fi',
          AssociatedPlan: 'Daily 1GB',
          SSIDConfig: {
            SSID: [{ name: 'Contoso Wi-Fi' }, { hex: '436F6E746F736F' }],
            v2SSID: [{ name: 'Contoso-2' }],
            v2SSIDPrefix: [{ name: 'CONTOSO_' }],
          },
          MSM: {
            security: {
              authEncryption: { authentication: 'open', encryption: 'none', useOneX: false },
              HotspotProfile: {
                BasicAuth: { UserName: 'wispr-user', Password: 'wispr-pass' },
                TrustedDomains: { TrustedDomain: ['hotspot.contoso.com', '.contoso.net'] },
                UserAgent: 'contoso',
              },
            },
          },
        },
        {
          Priority: 2,
          name: 'Contoso Secure',
          AssociatedPlan: 'Daily 1GB',
          SSIDConfig: { SSID: [{ name: 'Contoso Secure' }] },
          MSM: {
            security: {
              authEncryption: { authentication: 'WPA2', encryption: 'AES', useOneX: true },
              FIPSMode: true,
              OneX: oneX,
              // Passpoint on the EAP-SIM profile, so that every test of the full sample exercises Hotspot2.
              Hotspot2: {
                DomainName: 'contoso.com',
                NAIRealm: { name: ['contoso.com', 'wlan.mnc150.mcc310.3gppnetwork.org'] },
                Network3GPP: { PLMNID: ['310150', '31026'] },
                RoamingConsortium: { OUI: ['5A03BA', '001BC50460'] },
              },
            },
          },
        },
        {
          name: 'Contoso Lounge',
          AssociatedPlan: 'Daily 1GB',
          SSIDConfig: { SSID: [{ name: 'Contoso Lounge' }] },
          MSM: {
            security: {
              authEncryption: { authentication: 'WPA2PSK', encryption: 'AES', useOneX: false },
              sharedKey: { keyType: 'passPhrase', protected: false, keyMaterial: 'correct horse battery' },
            },
          },
        },
      ],
    },
    Plans: {
      Plan: [
        {
          Name: 'Daily 1GB',
          Description: {
            PlanType: 'Fixed',
            BillingCycle: { StartDate: '2026-11-21T00:00:00Z', Duration: 'P1D', Resets: false },
            DataLimitInMegabytes: 1024,
            InboundBandwidthInKbps: 50_000,
            OutboundBandwidthInKbps: 10_000,
            MaxTransferSizeInMegabytes: 100,
            SecurityUpdatesExempt: true,
            DataUsageInMobileOperatorNotificationEnabled: true,
            UserSMSEnabled: false,
          },
          Usage: {
            OverLimit: false,
            Congested: false,
            CurrentUsage: 12,
            UsageTimestamp: '2026-11-21T10:00:00Z',
          },
        },
      ],
    },
    Provisioning: {
      TrustedCertificates: {
        TrustedCertificate: [
          { SubjectName: 'CN=Contoso Provisioning, O=Contoso', IssuerName: 'CN=Contoso Root CA, O=Contoso' },
        ],
      },
      RefreshParameters: {
        DelayInDays: 30,
        RefreshURL: 'https://portal.contoso.com/refresh/abc',
        UserName: 'refresh-user',
        Password: 'refresh-pass',
      },
    },
    Extensions: {
      Extensions_v2: {
        CarrierNetworkMetadata: {
          NetworkSettings: {
            IPv4LinkMTU: 1400,
            IPv6LinkMTU: 1380,
            DNSRetrySettings: { DNSRetryIntervalInSeconds: 2, DNSRetryCount: 3 },
          },
          DataClassFriendlyNames: { LTE: '4G', UMTS: '3G' },
          CustomerSupportPhoneNumber: '+1 800 555 1212',
        },
        AdditionalPDPContexts: {
          TetheringSettings: {
            TetheringProfile: { Name: 'Tether', Context: { AccessString: 'tether.contoso.com' } },
            MaxNumberOfDevices: 5,
          },
        },
      },
    },
  };
}

/** The smallest valid document. */
export function minimalModel(): CarrierProvisioning {
  return { Global: { ...sampleGlobal } };
}
