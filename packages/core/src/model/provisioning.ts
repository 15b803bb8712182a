import { NS } from '../xml/namespaces.ts';
import { type ElementSpec, leaf } from './spec.ts';

/** A certificate whose signatures Windows trusts on later documents, by Subject and Issuer distinguished names. */
export interface TrustedCertificate {
  SubjectName: string;
  IssuerName: string;
}

/** When and where Windows fetches an updated document. */
export interface RefreshParameters {
  /** Days before a refresh is attempted, 1–730. */
  DelayInDays?: number;
  /** https:// URL of the subscriber's newest document. */
  RefreshURL: string;
  /** HTTP Basic credentials for the RefreshURL (Windows stores them encrypted). */
  UserName?: string;
  Password?: string;
}

/** Provisioning: trust and refresh for later documents. */
export interface Provisioning {
  TrustedCertificates?: { TrustedCertificate: TrustedCertificate[] };
  RefreshParameters?: RefreshParameters;
}

/** How the Provisioning section is written and read: its elements, attributes and their order (see spec.ts). */
export const provisioningSpec: ElementSpec = {
  name: 'Provisioning',
  ns: NS.cc,
  children: [
    {
      name: 'TrustedCertificates',
      ns: NS.cc,
      children: [
        {
          name: 'TrustedCertificate',
          ns: NS.cc,
          many: true,
          always: true,
          // base:CertificateDetails declares its children locally in the Base namespace (elementFormDefault qualified).
          children: [leaf('SubjectName', NS.base, 'string'), leaf('IssuerName', NS.base, 'string')],
        },
      ],
    },
    {
      name: 'RefreshParameters',
      ns: NS.cc,
      children: [
        leaf('DelayInDays', NS.cc, 'integer'),
        leaf('RefreshURL', NS.cc, 'token'),
        leaf('UserName', NS.cc, 'token'),
        leaf('Password', NS.cc, 'token'),
      ],
    },
  ],
};
