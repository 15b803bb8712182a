import type { Messages } from '@mbprov/core';

/** The SMS rules of the demo operator: a usage message and a refresh trigger, from the operator short code. */
export const demoSmsRules: Messages = {
  Message: [
    {
      RuleId: 'usage',
      Silent: true,
      SMSBearer: [{ Sender: '+15550100', ClassZeroOnly: false }],
      Pattern:
        'Contoso: you have used (\\d+(?:\\.\\d+)?) ?(MB|GB) of (\\d+(?:\\.\\d+)?) ?(MB|GB) as of (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)\\.',
      Units: { M: ['MB'], G: ['GB'] },
      Fields: {
        Usage: { Group: 1, UnitGroup: 2 },
        DataLimit: { Group: 3, UnitGroup: 4 },
        UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 5 },
      },
    },
    {
      RuleId: 'refresh',
      Silent: true,
      SMSBearer: [{ Sender: '+15550100', ClassZeroOnly: false }],
      Pattern: 'Contoso: update your settings\\.',
      Fields: { RefreshProvisioning: { Default: true } },
    },
  ],
};

/**
 * The embedded demo: an operator, a plan catalog, Wi-Fi hotspots and a SIM inventory, so that `npm start` on a
 * fresh clone shows every scenario. The CarrierId is a fixed demo GUID; replace everything in a real deployment.
 */
export function demoConfig(): Record<string, unknown> {
  return {
    server: {},
    signing: {},
    operator: {
      carrierId: '{6a8c1f0e-5d2b-4c7e-9a31-0f4e2b7c9d15}',
      name: 'Contoso Mobile (demo)',
      nameJa: 'コントソ モバイル（デモ）',
      homeProviderName: 'Contoso',
      internetApn: { accessString: 'internet.contoso.example' },
      purchaseApn: { accessString: 'purchase.contoso.example' },
      usbModemTacs: ['35847011'],
      wifi: [
        {
          name: 'Contoso Hotspot',
          ssids: ['Contoso Wi-Fi'],
          kind: 'wispr',
          trustedDomains: ['hotspot.contoso.example'],
        },
        { name: 'Contoso Secure', ssids: ['Contoso Secure'], kind: 'eap-sim' },
      ],
      smsRules: demoSmsRules,
      supportPhone: '+1 555 0100',
      supportUrl: 'https://support.contoso.example/',
      termsUrl: 'https://www.contoso.example/legal/terms',
      privacyUrl: 'https://www.contoso.example/legal/privacy',
      refundUrl: 'https://www.contoso.example/legal/refunds',
      logoUrl: '/static/demo-logo.svg',
    },
    plans: [
      {
        id: 'day-1gb',
        name: '1 GB Day Pass',
        nameJa: '1GB デイパス',
        planType: 'Fixed',
        dataLimitMb: 1000,
        durationDays: 1,
        priceMinor: 299,
        currency: 'USD',
      },
      {
        id: 'month-10gb',
        name: '10 GB Monthly',
        nameJa: '10GB マンスリー',
        planType: 'Fixed',
        dataLimitMb: 10000,
        durationDays: 30,
        priceMinor: 1999,
        currency: 'USD',
      },
      {
        id: 'week-unlimited',
        name: 'Unlimited Week',
        nameJa: '使い放題 1週間',
        planType: 'Unrestricted',
        durationDays: 7,
        bandwidthKbps: 10000,
        priceMinor: 1499,
        currency: 'USD',
      },
      // Sold to customers without a SIM (/wifi): the Contoso Hotspot networks only (docs/hotspot.md).
      {
        id: 'wifi-day',
        name: 'Wi-Fi Day Pass',
        nameJa: 'Wi-Fi デイパス',
        planType: 'Unrestricted',
        durationDays: 1,
        priceMinor: 399,
        currency: 'USD',
        kind: 'wifi',
      },
      {
        id: 'wifi-month-20gb',
        name: 'Wi-Fi 20 GB Monthly',
        nameJa: 'Wi-Fi 20GB マンスリー',
        planType: 'Fixed',
        dataLimitMb: 20000,
        durationDays: 30,
        priceMinor: 1499,
        currency: 'USD',
        kind: 'wifi',
      },
    ],
    sims: [
      ...demoSims.map(({ iccid, imsi }) => ({ iccid, imsi })),
      ...demoCdmaSubscribers.map(({ min, devId }) => ({ min, esnMeid: devId })),
    ],
    payments: {},
    mobilePlans: { enabled: true },
    rateLimits: {},
  };
}

/** The demo SIMs and the scenario each one shows (the demo seeds history for the renewal and active ones). */
export const demoSims = [
  {
    iccid: '8901260000000000018',
    imsi: '310260000000001',
    devId: '358470110000011',
    scenario: 'first-use-usb',
  },
  {
    iccid: '8901260000000000026',
    imsi: '310260000000002',
    devId: '490154203237518',
    scenario: 'first-use-embedded',
  },
  {
    iccid: '8901260000000000034',
    imsi: '310260000000003',
    devId: '490154203237526',
    scenario: 'renewal-expired',
  },
  {
    iccid: '8901260000000000042',
    imsi: '310260000000004',
    devId: '490154203237534',
    scenario: 'renewal-exhausted',
  },
  { iccid: '8901260000000000059', imsi: '310260000000005', devId: '490154203237542', scenario: 'active' },
] as const;

/**
 * The demo CDMA subscriber: no SIM (no ICCID, no IMSI); the network knows it by its MIN and binds its device's
 * MEID. Windows opens the portal with SubId = the MIN and DevId = the MEID, and no IccId.
 */
export const demoCdmaSubscribers = [
  { min: '3125550123', devId: 'A1000000BEEF01', scenario: 'first-use-cdma' },
] as const;
