import { NS } from '../xml/namespaces.ts';
import { type ElementSpec, leaf, type XmlFragment } from './spec.ts';

/** Global: who authored the document and whom it is for. Required in every document. */
export interface Global {
  /** GUID in braces identifying the organization that authored the file, e.g. {00000000-1111-2222-3333-444444444444}. */
  CarrierId: string;
  /** Identifies the customer: IMSI or ICCID range for GSM, provider id for CDMA, or any unique string (max 20 word characters). */
  SubscriberId: string;
  /** Optional device the document applies to: 15–16 digits or a MAC address. */
  DeviceId?: string;
  /** Elements of other namespaces (schema extension point). */
  any?: XmlFragment[];
}

/** How the Global section is written and read: its elements, attributes and their order (see spec.ts). */
export const globalSpec: ElementSpec = {
  name: 'Global',
  ns: NS.cc,
  children: [
    leaf('CarrierId', NS.cc, 'token'),
    leaf('SubscriberId', NS.cc, 'token'),
    leaf('DeviceId', NS.cc, 'token'),
  ],
  wildcard: 'any',
};
