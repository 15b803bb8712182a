import type {
  CarrierProvisioning,
  Extensions,
  MBNProfile,
  Messages,
  PlanDescription,
  PlanUsage,
  TrustedCertificate,
  WLANProfile,
} from '@mbprov/core';
import { MbprovError } from '@mbprov/core';
import type { ResultsVersion } from './results.ts';

/** What hardware and services the PC has. */
export interface Capabilities {
  /** A mobile broadband modem (embedded or USB). */
  mobileBroadband: boolean;
  /** The SIM in that modem, if any. */
  sim?: { iccid: string; imsi: string };
  /** A Wi-Fi adapter. */
  wifi: boolean;
  /** The WLAN AutoConfig service is running. */
  wlanServiceRunning: boolean;
}

/** A certificate named by distinguished names, as TrustedCertificates and the COSA database name them. */
export interface CertificateName {
  SubjectName: string;
  IssuerName: string;
}

/** A plan on the PC, with the profiles' current usage. */
export interface MachinePlan {
  Description?: PlanDescription;
  Usage?: PlanUsage;
}

/** The refresh Windows will perform for a carrier. */
export interface RefreshSchedule {
  RefreshURL: string;
  UserName?: string;
  Password?: string;
  DelayInDays?: number;
  /** When the next timed refresh is due (ISO); absent when only SMS triggers refresh. */
  dueAt?: string;
  /** Set by an SMS RefreshProvisioning trigger. */
  triggered?: boolean;
  /** ETag of the last document fetched, sent back in If-None-Match. */
  etag?: string;
  /** The last attempt, for inspection. */
  lastAttempt?: { at: string; status?: number; error?: string };
}

/** Everything one operator (CarrierId) has provisioned on the PC. */
export interface CarrierState {
  SubscriberId: string;
  DefaultProfile?: MBNProfile;
  PurchaseProfile?: MBNProfile;
  Messages?: Messages;
  WLANProfiles: WLANProfile[];
  Plans: Record<string, MachinePlan>;
  /** Certificates whose signatures this carrier's later documents may carry (Provisioning/TrustedCertificates). */
  TrustedCertificates: TrustedCertificate[];
  refresh?: RefreshSchedule;
  Extensions?: Extensions;
}

/** A device action recorded by an Activation directive, on the virtual clock. */
export interface ActivationEvent {
  carrierId: string;
  kind: 'ReregisterToNetwork' | 'ReconnectToNetwork' | 'ServiceActivation';
  /** When the first attempt runs (clock at provisioning + Delay). */
  at: string;
  retryCount: number;
  /** xs:duration between retries. */
  retryInterval: string;
  /** ServiceActivation data handed to the device (base64), as IMbnVendorSpecificOperation::SetVendorSpecific would. */
  carrierSpecificData?: string;
}

/** An operator message the PC received and what it raised. */
export interface ReceivedMessage {
  at: string;
  bearer: 'sms' | 'ussd';
  sender?: string;
  text: string;
  carrierId?: string;
  ruleId?: string;
  events: string[];
}

/** The simulated PC, serializable to JSON. */
export interface MachineState {
  /** Virtual clock (ISO 8601, UTC). */
  now: string;
  /** The PC's time zone, used to read SMS timestamps. */
  timeZoneOffsetMinutes: number;
  capabilities: Capabilities;
  /** Root certificates of the PC's trust store (PEM). */
  trustedRoots: string[];
  /** Operator certificates tied to the mobile broadband hardware by the COSA/APN database or experience metadata. */
  hardwareCertificates: CertificateName[];
  /** SHA-1 thumbprints of certificates the user agreed to trust when prompted. */
  consentedCertificates: string[];
  /** Wi-Fi profiles the user made (not owned by any carrier): provisioning may not overwrite or delete them. */
  userWlanProfiles: string[];
  carriers: Record<string, CarrierState>;
  activations: ActivationEvent[];
  messages: ReceivedMessage[];
  /**
   * The ResultsSchema this PC's Windows writes (v1: Windows 8; v2: 8.1 and later), learnt from the last
   * provision() that asked for one; later answers, refreshes included, use it. Absent: v2.
   */
  resultsVersion?: ResultsVersion;
}

/** Options of {@link createMachineState}; everything defaults to a PC with a modem, a SIM and Wi-Fi. */
export interface MachineOptions {
  now?: Date | string;
  timeZoneOffsetMinutes?: number;
  capabilities?: Partial<Capabilities>;
  trustedRoots?: string[];
  hardwareCertificates?: CertificateName[];
  userWlanProfiles?: string[];
}

/** A fresh PC. */
export function createMachineState(options: MachineOptions = {}): MachineState {
  const now = options.now === undefined ? new Date() : new Date(options.now);
  if (Number.isNaN(now.getTime()))
    throw new MbprovError('MBPROV_SIM_STATE_INVALID', `"${options.now}" is not a date.`);
  return {
    now: now.toISOString(),
    timeZoneOffsetMinutes: options.timeZoneOffsetMinutes ?? 0,
    capabilities: {
      mobileBroadband: true,
      sim: { iccid: '8901260123456789012', imsi: '310260123456789' },
      wifi: true,
      wlanServiceRunning: true,
      ...options.capabilities,
    },
    trustedRoots: options.trustedRoots ?? [],
    hardwareCertificates: options.hardwareCertificates ?? [],
    consentedCertificates: [],
    userWlanProfiles: options.userWlanProfiles ?? [],
    carriers: {},
    activations: [],
    messages: [],
  };
}

/** Reads a state from JSON, checking its shape enough to give a clear error instead of a crash later. */
export function parseMachineState(json: string): MachineState {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new MbprovError(
      'MBPROV_SIM_STATE_INVALID',
      `The machine state is not JSON: ${(error as Error).message}`,
    );
  }
  const state = value as Partial<MachineState>;
  const missing = (['now', 'capabilities', 'trustedRoots', 'carriers', 'activations'] as const).filter(
    (k) => state?.[k] === undefined,
  );
  if (typeof value !== 'object' || value === null || missing.length) {
    throw new MbprovError(
      'MBPROV_SIM_STATE_INVALID',
      `The machine state lacks ${missing.join(', ') || 'an object'}; create one with "mbprov sim init".`,
    );
  }
  if (Number.isNaN(Date.parse(state.now as string)))
    throw new MbprovError('MBPROV_SIM_STATE_INVALID', `The machine clock "${state.now}" is not a date.`);
  if (state.resultsVersion !== undefined && state.resultsVersion !== 'v1' && state.resultsVersion !== 'v2')
    throw new MbprovError(
      'MBPROV_SIM_STATE_INVALID',
      `The machine's resultsVersion "${String(state.resultsVersion)}" is not v1 or v2.`,
    );
  // Defaults for fields added after a state file was written.
  const defaults: Partial<MachineState> = {
    timeZoneOffsetMinutes: 0,
    hardwareCertificates: [],
    consentedCertificates: [],
    userWlanProfiles: [],
    messages: [],
  };
  const complete = { ...state } as Record<string, unknown>;
  for (const [key, value] of Object.entries(defaults)) complete[key] ??= value;
  return complete as unknown as MachineState;
}

/** The carrier's state, created empty on first use. */
export function carrierState(state: MachineState, doc: CarrierProvisioning): CarrierState {
  const id = doc.Global.CarrierId.toLowerCase();
  let carrier = state.carriers[id];
  if (!carrier) {
    carrier = { SubscriberId: doc.Global.SubscriberId, WLANProfiles: [], Plans: {}, TrustedCertificates: [] };
    state.carriers[id] = carrier;
  }
  carrier.SubscriberId = doc.Global.SubscriberId;
  return carrier;
}
