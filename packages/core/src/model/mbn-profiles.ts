import { NS } from '../xml/namespaces.ts';
import { type Messages, messagesSpec } from './messages.ts';
import { attrs, type ElementSpec, leaf, type XmlFragment } from './spec.ts';

/** Credentials for the packet data context. */
export interface UserLogonCred {
  UserName: string;
  Password?: string;
}

/** Packet data context: APN, credentials, compression, authentication protocol. */
export interface Context {
  /** The APN, 1–100 characters. */
  AccessString?: string;
  UserLogonCred?: UserLogonCred;
  Compression?: 'DISABLE' | 'ENABLE';
  AuthProtocol?: 'NONE' | 'PAP' | 'CHAP' | 'MsCHAPv2';
}

/** A roaming partner where data is allowed. */
export interface Provider {
  /** 1–6 digits (MCC+MNC). */
  ProviderID: string;
  ProviderName: string;
}

/** A mobile broadband profile (WWAN CarrierMBNProfile): DefaultProfile or PurchaseProfile. */
export interface MBNProfile {
  /** 0–9, default 5. */
  Priority?: number;
  Name: string;
  Description?: string;
  /** Name of a Plan in the Plans section. */
  AssociatedPlan?: string;
  /** At most 20 characters. */
  HomeProviderName?: string;
  Context?: Context;
  DataRoamingPartners?: { Provider: Provider[] };
  Extensions?: { any?: XmlFragment[] };
}

/** Branding: ignored since Windows 10 version 1709 (COSA Branding Name and Icon replace it). */
export interface Branding {
  /** Base64 PNG or BMP. */
  Logo?: string;
  /** At most 20 characters. */
  Name?: string;
  any?: XmlFragment[];
}

/** MBNProfiles: the mobile broadband section. */
export interface MBNProfiles {
  DefaultProfile?: MBNProfile;
  PurchaseProfile?: MBNProfile;
  Messages?: Messages;
  Branding?: Branding;
}

/** Children of the packet data context; shared with the CarrierControl v2 ApnContextType (same names, other namespace). */
export function contextChildren(ns: string): ElementSpec[] {
  return [
    leaf('AccessString', ns, 'token'),
    { name: 'UserLogonCred', ns, children: [leaf('UserName', ns, 'token'), leaf('Password', ns, 'string')] },
    leaf('Compression', ns, 'token'),
    leaf('AuthProtocol', ns, 'token'),
  ];
}

function profileSpec(name: string): ElementSpec {
  return {
    name,
    ns: NS.wwan,
    attrs: attrs({ Priority: 'integer' }),
    children: [
      leaf('Name', NS.wwan, 'token'),
      leaf('Description', NS.wwan, 'token'),
      leaf('AssociatedPlan', NS.wwan, 'string'),
      leaf('HomeProviderName', NS.wwan, 'token'),
      { name: 'Context', ns: NS.wwan, children: contextChildren(NS.wwan) },
      {
        name: 'DataRoamingPartners',
        ns: NS.wwan,
        children: [
          {
            name: 'Provider',
            ns: NS.wwan,
            many: true,
            always: true,
            children: [leaf('ProviderID', NS.base, 'token'), leaf('ProviderName', NS.base, 'token')],
          },
        ],
      },
      { name: 'Extensions', ns: NS.wwan, wildcard: 'any' },
    ],
  };
}

/** How the MBNProfiles section is written and read: its elements, attributes and their order (see spec.ts). */
export const mbnProfilesSpec: ElementSpec = {
  name: 'MBNProfiles',
  ns: NS.cc,
  children: [
    profileSpec('DefaultProfile'),
    profileSpec('PurchaseProfile'),
    messagesSpec,
    {
      name: 'Branding',
      ns: NS.wwan,
      children: [leaf('Logo', NS.wwan, 'token'), leaf('Name', NS.wwan, 'string')],
      wildcard: 'any',
    },
  ],
};
