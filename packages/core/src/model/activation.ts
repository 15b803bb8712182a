import { NS } from '../xml/namespaces.ts';
import { attrs, type ElementSpec, leaf } from './spec.ts';

/** Timing shared by every activation directive (WWAN ActivationMethodType). */
export interface ActivationTiming {
  /** xs:duration before the first attempt, PT0S (default) to under PT1H. */
  Delay?: string;
  /** Retries after a failure, 0 (default) to 10. */
  RetryCount?: number;
  /** xs:duration between retries, PT1M (default) to PT1H. */
  RetryInterval?: string;
}

/** Data handed as is to the device (IMbnVendorSpecificOperation::SetVendorSpecific). */
export interface ServiceActivation extends ActivationTiming {
  /** Base64 blob passed to the device. */
  CarrierSpecificData: string;
}

/** Activation: what the PC does after provisioning. The schema allows exactly one directive. */
export interface Activation {
  /** Cycle the radio and reconnect with the default profile. */
  ReregisterToNetwork?: ActivationTiming;
  /** Deactivate and reactivate the PDP context with the default profile. */
  ReconnectToNetwork?: ActivationTiming;
  ServiceActivation?: ServiceActivation;
}

const timing = attrs({ Delay: 'token', RetryCount: 'integer', RetryInterval: 'token' });

/** How the Activation section is written and read: its elements, attributes and their order (see spec.ts). */
export const activationSpec: ElementSpec = {
  name: 'Activation',
  ns: NS.cc,
  children: [
    { name: 'ReregisterToNetwork', ns: NS.wwan, attrs: timing },
    { name: 'ReconnectToNetwork', ns: NS.wwan, attrs: timing },
    {
      name: 'ServiceActivation',
      ns: NS.wwan,
      attrs: timing,
      children: [leaf('CarrierSpecificData', NS.wwan, 'token')],
    },
  ],
};
