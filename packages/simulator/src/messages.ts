import {
  evaluateOperatorMessage,
  type OperatorMessageMatch,
  type OperatorMessageNoMatch,
} from '@mbprov/core';
import type { CarrierState, MachineState } from './state.ts';

/** An SMS or USSD message arriving at the PC. */
export interface IncomingMessage {
  bearer: 'sms' | 'ussd';
  sender?: string;
  text: string;
  classZero?: boolean;
}

/** What the PC did with a message. */
export type MessageOutcome =
  | {
      consumed: true;
      carrierId: string;
      match: OperatorMessageMatch;
      plan?: string;
      refreshTriggered: boolean;
    }
  | { consumed: false; noMatch: OperatorMessageNoMatch };

/**
 * The plan an operator message updates: the one the carrier's DefaultProfile names, else the carrier's only plan
 * (the documents tie usage messages to "the" plan of the subscription without saying which; this is the decision).
 */
function targetPlan(carrier: CarrierState): string | undefined {
  const named = carrier.DefaultProfile?.AssociatedPlan;
  if (named && carrier.Plans[named]) return named;
  const names = Object.keys(carrier.Plans);
  return names.length === 1 ? names[0] : undefined;
}

/** Applies what a matched rule read: usage and its flags, the data limit, plan type and bandwidths. */
function applyToPlan(carrier: CarrierState, plan: string, match: OperatorMessageMatch): void {
  const target = carrier.Plans[plan];
  if (!target) return;
  if (match.usageUpdate) target.Usage = { ...target.Usage, ...match.usageUpdate };
  const f = match.fields;
  if (target.Description) {
    if (f.dataLimit) target.Description.DataLimitInMegabytes = Math.max(1, Math.round(f.dataLimit.megabytes));
    if (f.planType) target.Description.PlanType = f.planType;
    if (f.inboundBandwidth) target.Description.InboundBandwidthInKbps = Math.round(f.inboundBandwidth.kbps);
    if (f.outboundBandwidth)
      target.Description.OutboundBandwidthInKbps = Math.round(f.outboundBandwidth.kbps);
  }
  if (target.Usage) {
    if (f.overDataLimit !== undefined) target.Usage.OverLimit = f.overDataLimit;
    if (f.congested !== undefined) target.Usage.Congested = f.congested;
  }
}

/**
 * Offers a message to the operator message rules of every carrier on the PC, in the order they were provisioned;
 * the first rule that accepts it consumes it. A consumed message updates the carrier's plan and may trigger a
 * refresh; every message is logged with the events it raised.
 */
export function receiveMessage(state: MachineState, message: IncomingMessage): MessageOutcome {
  const receivedAt = new Date(state.now);
  let lastNoMatch: OperatorMessageNoMatch = { matched: false, reason: 'no-rule', warnings: [] };
  for (const [carrierId, carrier] of Object.entries(state.carriers)) {
    if (!carrier.Messages) continue;
    const result = evaluateOperatorMessage(carrier.Messages, {
      ...message,
      receivedAt,
      timeZoneOffsetMinutes: state.timeZoneOffsetMinutes,
    });
    if (!result.matched) {
      lastNoMatch = result;
      continue;
    }
    const plan = targetPlan(carrier);
    if (plan) applyToPlan(carrier, plan, result);
    const refreshTriggered = result.refresh && carrier.refresh !== undefined;
    if (refreshTriggered && carrier.refresh) carrier.refresh.triggered = true;
    state.messages.push({
      at: state.now,
      bearer: message.bearer,
      ...(message.sender !== undefined ? { sender: message.sender } : {}),
      text: message.text,
      carrierId,
      ...(result.ruleId !== undefined ? { ruleId: result.ruleId } : {}),
      events: [...result.events],
    });
    return { consumed: true, carrierId, match: result, ...(plan ? { plan } : {}), refreshTriggered };
  }
  // Not an operator message: Windows delivers it as an ordinary SMS.
  state.messages.push({
    at: state.now,
    bearer: message.bearer,
    ...(message.sender !== undefined ? { sender: message.sender } : {}),
    text: message.text,
    events: message.bearer === 'sms' ? ['SmsMessageReceived'] : [],
  });
  return { consumed: false, noMatch: lastNoMatch };
}
