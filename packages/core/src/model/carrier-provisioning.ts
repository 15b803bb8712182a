import { NS } from '../xml/namespaces.ts';
import { type Activation, activationSpec } from './activation.ts';
import { type Extensions, extensionsSpec } from './extensions.ts';
import { type Global, globalSpec } from './global.ts';
import { type MBNProfiles, mbnProfilesSpec } from './mbn-profiles.ts';
import { type Plans, plansSpec } from './plans.ts';
import { type Provisioning, provisioningSpec } from './provisioning.ts';
import type { ElementSpec, XmlFragment } from './spec.ts';
import { type WLANProfiles, wlanProfilesSpec } from './wlan-profiles.ts';

/**
 * A CarrierProvisioning document: the account provisioning XML that Windows applies.
 * Sections appear in this order; only Global is required by the schema.
 */
export interface CarrierProvisioning {
  Global: Global;
  Activation?: Activation;
  MBNProfiles?: MBNProfiles;
  /** Omitted: Wi-Fi profiles untouched. Present: the complete set (unlisted ones deleted). Empty: all deleted. */
  WLANProfiles?: WLANProfiles;
  Plans?: Plans;
  Provisioning?: Provisioning;
  Extensions?: Extensions;
  /** The enveloped XML-DSig signature, kept as XML. */
  Signature?: XmlFragment;
}

/** The spec of the root element, in schema order. */
export const carrierProvisioningSpec: ElementSpec = {
  name: 'CarrierProvisioning',
  ns: NS.cc,
  children: [
    globalSpec,
    activationSpec,
    mbnProfilesSpec,
    wlanProfilesSpec,
    plansSpec,
    provisioningSpec,
    extensionsSpec,
    { name: 'Signature', ns: NS.ds, opaque: true },
  ],
};
