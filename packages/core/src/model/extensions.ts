import { NS } from '../xml/namespaces.ts';
import { type Context, contextChildren } from './mbn-profiles.ts';
import { attrs, type ElementSpec, leaf, type XmlFragment } from './spec.ts';

/** DNS retries on the mobile broadband link. */
export interface DNSRetrySettings {
  /** 1–4 seconds. */
  DNSRetryIntervalInSeconds: number;
  /** 1–4. */
  DNSRetryCount: number;
}

/** Link settings of the operator network. */
export interface NetworkSettings {
  /** 1280–1500. */
  IPv4LinkMTU?: number;
  /** 1280–1500. */
  IPv6LinkMTU?: number;
  DNSRetrySettings?: DNSRetrySettings;
}

/** Names shown for each data class (at most 15 characters each). */
export interface DataClassFriendlyNames {
  NONE?: string;
  GPRS?: string;
  EDGE?: string;
  UMTS?: string;
  HSDPA?: string;
  HSUPA?: string;
  LTE?: string;
  ONEXRTT?: string;
  ONEXEVDO?: string;
  ONEXEVDO_REVA?: string;
  ONEXEVDV?: string;
  THREEXRTT?: string;
  ONEXEVDO_REVB?: string;
  UMB?: string;
  CUSTOM?: string;
}

/** A named context with the apps allowed to use it. */
export interface PDPContextPolicy {
  Name: string;
  Context: Context;
  AppIDList: { AppID?: string[] };
}

/** CarrierControl v2 additions, carried inside the v1 Extensions element. */
export interface ExtensionsV2 {
  CarrierNetworkMetadata?: {
    NetworkSettings?: NetworkSettings;
    DataClassFriendlyNames?: DataClassFriendlyNames;
    CustomerSupportPhoneNumber?: string;
  };
  AdditionalPDPContexts?: {
    MultiplePDPContextPolicies?: {
      MultiplePDPContextSupport?: boolean;
      PDPContextPolicy?: PDPContextPolicy[];
    };
    TetheringSettings?: {
      TetheringProfile?: { Name: string; Context: Context };
      MaxNumberOfDevices?: number;
    };
  };
}

/** Extensions: the v2 additions and any other namespace's elements. */
export interface Extensions {
  Extensions_v2?: ExtensionsV2;
  any?: XmlFragment[];
}

const dataClasses = [
  'NONE',
  'GPRS',
  'EDGE',
  'UMTS',
  'HSDPA',
  'HSUPA',
  'LTE',
  'ONEXRTT',
  'ONEXEVDO',
  'ONEXEVDO_REVA',
  'ONEXEVDV',
  'THREEXRTT',
  'ONEXEVDO_REVB',
  'UMB',
  'CUSTOM',
];

const apnContext: ElementSpec = { name: 'Context', ns: NS.cc2, children: contextChildren(NS.cc2) };

/** How the Extensions section is written and read: its elements, attributes and their order (see spec.ts). */
export const extensionsSpec: ElementSpec = {
  name: 'Extensions',
  ns: NS.cc,
  children: [
    {
      name: 'Extensions_v2',
      ns: NS.cc2,
      children: [
        {
          name: 'CarrierNetworkMetadata',
          ns: NS.cc2,
          children: [
            {
              name: 'NetworkSettings',
              ns: NS.cc2,
              children: [
                leaf('IPv4LinkMTU', NS.cc2, 'integer'),
                leaf('IPv6LinkMTU', NS.cc2, 'integer'),
                {
                  name: 'DNSRetrySettings',
                  ns: NS.cc2,
                  children: [
                    leaf('DNSRetryIntervalInSeconds', NS.cc2, 'integer'),
                    leaf('DNSRetryCount', NS.cc2, 'integer'),
                  ],
                },
              ],
            },
            {
              name: 'DataClassFriendlyNames',
              ns: NS.cc2,
              children: dataClasses.map((n) => leaf(n, NS.cc2, 'token')),
            },
            leaf('CustomerSupportPhoneNumber', NS.cc2, 'token'),
          ],
        },
        {
          name: 'AdditionalPDPContexts',
          ns: NS.cc2,
          children: [
            {
              name: 'MultiplePDPContextPolicies',
              ns: NS.cc2,
              attrs: attrs({ MultiplePDPContextSupport: 'boolean' }),
              children: [
                {
                  name: 'PDPContextPolicy',
                  ns: NS.cc2,
                  many: true,
                  children: [
                    leaf('Name', NS.cc2, 'token'),
                    apnContext,
                    {
                      name: 'AppIDList',
                      ns: NS.cc2,
                      children: [leaf('AppID', NS.cc2, 'string', { many: true })],
                    },
                  ],
                },
              ],
            },
            {
              name: 'TetheringSettings',
              ns: NS.cc2,
              children: [
                {
                  name: 'TetheringProfile',
                  ns: NS.cc2,
                  children: [leaf('Name', NS.cc2, 'token'), apnContext],
                },
                leaf('MaxNumberOfDevices', NS.cc2, 'integer'),
              ],
            },
          ],
        },
      ],
    },
  ],
  wildcard: 'any',
};
