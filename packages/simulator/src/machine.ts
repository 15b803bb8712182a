import { type CarrierProvisioning, type Diagnostic, MbprovError, validateDocument } from '@mbprov/core';
import { applyActivation } from './apply/activation.ts';
import type { ApplyContext } from './apply/context.ts';
import { applyMbnProfiles } from './apply/mbn-profiles.ts';
import { applyPlans } from './apply/plans.ts';
import { applyProvisioning } from './apply/provisioning.ts';
import { applyWlanProfiles } from './apply/wlan-profiles.ts';
import { addDays } from './duration.ts';
import { HRESULT } from './hresult.ts';
import { type IncomingMessage, type MessageOutcome, receiveMessage } from './messages.ts';
import {
  checkRefreshedCarrier,
  nextDue,
  REFRESH_RETRY_DAYS,
  type RefreshAttempt,
  type RefreshFetch,
  refreshHeaders,
} from './refresh.ts';
import { fullySucceeded, type ProvisioningResult, type ResultsVersion, resultToXml } from './results.ts';
import {
  type CarrierState,
  carrierState,
  createMachineState,
  type MachineOptions,
  type MachineState,
  type RefreshSchedule,
} from './state.ts';
import { type AcceptedSigner, type ConsentPrompt, checkSignature, type Source } from './trust.ts';

/** Options of {@link Machine.provision}. */
export interface ProvisionOptions {
  source: Source;
  /** Asked when an unknown EV certificate signs the document; absent means the user declines. */
  consent?: ConsentPrompt;
  /**
   * The ResultsSchema of the answer: `v2` (what Windows 8.1 and later write) or `v1` (what Windows 8 writes: no
   * Plans element, a Signature element with the signer). The PC remembers it (state.resultsVersion) and answers
   * later documents and refreshes in it; absent, the remembered version, else v2. See docs/simulator.md.
   */
  results?: ResultsVersion;
}

/** The outcome of applying a document. */
export interface ProvisionOutcome {
  result: ProvisioningResult;
  /** The result as CarrierProvisioningResult XML (ResultsSchema v2, or v1 when asked). */
  xml: string;
  /** True when every section and item succeeded (warnings allowed). */
  ok: boolean;
  signer?: AcceptedSigner;
}

// What makes Windows reject a document whole: it is not XML it can read, or it does not conform to the schema.
// The semantic findings of validateDocument are not rejections; the engine reports their effects per section.
const REJECTING = /^MBPROV_(XML_|SCHEMA_|MODEL_)/;

/** The reader's Hotspot2 findings: children out of schema order, or repeated. */
const HOTSPOT2_READER_CODES: ReadonlySet<string> = new Set([
  'MBPROV_PASSPOINT_ELEMENT_ORDER',
  'MBPROV_PASSPOINT_DUPLICATE_ELEMENT',
]);

/** The WLAN profiles (0-based) whose Hotspot2 children the reader refused, with its messages. */
function unreadableHotspot2(errors: Diagnostic[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const d of errors) {
    if (!HOTSPOT2_READER_CODES.has(d.code)) continue;
    const m = /\/WLANProfiles\/WLANProfile(?:\[(\d+)\])?\//.exec(d.path ?? '');
    if (!m) continue;
    const index = Number(m[1] ?? 1) - 1;
    out.set(index, [...(out.get(index) ?? []), d.message]);
  }
  return out;
}

/** A simulated Windows PC applying provisioning documents as the provisioning engine does, on a virtual clock. */
export class Machine {
  constructor(public state: MachineState) {}

  /** A fresh PC (by default with a modem, a SIM, Wi-Fi and the WLAN service running). */
  static create(options: MachineOptions = {}): Machine {
    return new Machine(createMachineState(options));
  }

  /** The virtual clock. */
  get now(): Date {
    return new Date(this.state.now);
  }

  /** Moves the virtual clock forward. */
  advance(milliseconds: number): void {
    this.state.now = new Date(this.now.getTime() + milliseconds).toISOString();
  }

  /** Moves the virtual clock forward by whole days. */
  advanceDays(days: number): void {
    this.state.now = addDays(this.now, days).toISOString();
  }

  /**
   * Applies a provisioning document as Windows does (ProvisionFromXmlDocumentAsync / msProvisionNetworks).
   * Throws an MbprovError when the whole document is rejected: not readable, not schema-valid, or lacking a
   * signature its source needs. Otherwise applies every section it can and reports each one.
   */
  provision(xml: string | Uint8Array, options: ProvisionOptions): ProvisionOutcome {
    const validation = validateDocument(xml);
    const errors = validation.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
    const rejection = errors.find((d) => REJECTING.test(d.code));
    if (rejection || !validation.model || !validation.schemaValid) {
      // Not schema-valid although no schema error is listed: a rule's message stands for it on that element.
      const d = rejection ?? errors[0] ?? validation.diagnostics[0];
      const where = d?.line ? ` (line ${d.line})` : '';
      throw new MbprovError(
        rejection?.code ?? 'MBPROV_SCHEMA_INVALID',
        `The document is rejected: ${d?.message ?? 'unreadable'}${where}`,
      );
    }
    const doc = validation.model;
    const signer = checkSignature(this.state, xml, doc, options.source, options.consent);
    const result = this.apply(doc, unreadableHotspot2(errors));
    const signature = signer
      ? { errorCode: HRESULT.S_OK, subject: signer.signer.subject, signatureValue: signer.signatureValue }
      : { errorCode: HRESULT.S_OK };
    // One PC runs one Windows: the version asked for once is the version of every later answer.
    if (options.results) this.state.resultsVersion = options.results;
    const text = resultToXml(result, { version: this.state.resultsVersion ?? 'v2', signature });
    return { result, xml: text, ok: fullySucceeded(result), ...(signer ? { signer } : {}) };
  }

  /** An SMS or USSD message arrives: the operator message rules may consume it, update usage, trigger a refresh. */
  receiveMessage(message: IncomingMessage): MessageOutcome {
    return receiveMessage(this.state, message);
  }

  /** Carriers whose refresh is due now: the DelayInDays timer expired, or an SMS asked for it. */
  dueRefreshes(): Array<{ carrierId: string; reason: 'timer' | 'sms' }> {
    const due: Array<{ carrierId: string; reason: 'timer' | 'sms' }> = [];
    for (const [carrierId, carrier] of Object.entries(this.state.carriers)) {
      const r = carrier.refresh;
      if (!r) continue;
      if (r.triggered) due.push({ carrierId, reason: 'sms' });
      else if (r.dueAt && Date.parse(r.dueAt) <= this.now.getTime()) due.push({ carrierId, reason: 'timer' });
    }
    return due;
  }

  /**
   * Performs every due refresh: an HTTPS GET of the RefreshURL with the HTTP Basic credentials (and the last ETag),
   * then applies the answer as a document from source `refresh` (it must be signed by a certificate this carrier
   * trusts; the result is in the PC's ResultsSchema version), and schedules the next one DelayInDays later. A failure is recorded and retried a day later.
   */
  async runDueRefreshes(fetch: RefreshFetch): Promise<RefreshAttempt[]> {
    const attempts: RefreshAttempt[] = [];
    for (const { carrierId, reason } of this.dueRefreshes()) {
      const carrier = this.state.carriers[carrierId] as CarrierState;
      const schedule = carrier.refresh as RefreshSchedule;
      const attempt: RefreshAttempt = { carrierId, url: schedule.RefreshURL, reason };
      schedule.triggered = false;
      try {
        let response: Awaited<ReturnType<RefreshFetch>>;
        try {
          response = await fetch(schedule.RefreshURL, { method: 'GET', headers: refreshHeaders(schedule) });
        } catch (error) {
          throw new MbprovError(
            'MBPROV_SIM_REFRESH_FAILED',
            `GET ${schedule.RefreshURL} failed: ${(error as Error).message}`,
          );
        }
        attempt.status = response.status;
        if (response.status === 304) {
          attempt.notModified = true;
        } else if (response.status !== 200) {
          throw new MbprovError(
            'MBPROV_SIM_REFRESH_FAILED',
            `GET ${schedule.RefreshURL} answered HTTP ${response.status}.`,
          );
        } else {
          const body = await response.text();
          checkRefreshedCarrier(body, carrierId);
          attempt.outcome = this.provision(body, { source: 'refresh' });
          const etag = response.headers.get('etag');
          const current = carrier.refresh ?? schedule; // the document may have replaced RefreshParameters
          if (etag) current.etag = etag;
          carrier.refresh = current;
        }
        const current = carrier.refresh as RefreshSchedule;
        const next = nextDue(this.now, current);
        if (next) current.dueAt = next;
        else delete current.dueAt;
        current.lastAttempt = { at: this.state.now, ...(attempt.status ? { status: attempt.status } : {}) };
      } catch (error) {
        if (!(error instanceof MbprovError)) throw error;
        attempt.error = { code: error.code, message: error.message };
        schedule.dueAt = addDays(this.now, REFRESH_RETRY_DAYS).toISOString();
        schedule.lastAttempt = {
          at: this.state.now,
          ...(attempt.status ? { status: attempt.status } : {}),
          error: error.code,
        };
      }
      const due = carrier.refresh?.dueAt;
      if (due) attempt.nextDueAt = due;
      attempts.push(attempt);
    }
    return attempts;
  }

  /** Applies the sections of an accepted document, best effort, in the order Windows needs them. */
  private apply(doc: CarrierProvisioning, unreadable: Map<number, string[]>): ProvisioningResult {
    const carrierId = doc.Global.CarrierId.toLowerCase();
    const ctx: ApplyContext = {
      state: this.state,
      carrierId,
      carrier: carrierState(this.state, doc),
      doc,
      now: this.now,
      documentPlans: new Set((doc.Plans?.Plan ?? []).filter((p) => p.Description).map((p) => p.Name)),
      unreadableHotspot2: unreadable,
    };
    const result: ProvisioningResult = { Issuer: doc.Global.CarrierId, Subscriber: doc.Global.SubscriberId };
    const mbn = applyMbnProfiles(ctx);
    if (mbn.result) result.MBNProfiles = mbn.result;
    if (mbn.messages) result.Messages = mbn.messages;
    const wlan = applyWlanProfiles(ctx);
    if (wlan) result.WLANProfiles = wlan;
    const plans = applyPlans(ctx);
    if (plans) result.Plans = plans;
    const provisioning = applyProvisioning(ctx);
    if (provisioning) result.Provisioning = provisioning;
    if (doc.Extensions) ctx.carrier.Extensions = doc.Extensions;
    // Activation runs last: "If the default profile is updated in the same provisioning XML, the new profile
    // settings will be used."
    const activation = applyActivation(ctx);
    if (activation) result.Activation = activation;
    return result;
  }
}
