import type { Diagnostic } from '../errors/diagnostic.ts';
import { diagnostic } from '../errors/diagnostic.ts';
import type { CarrierProvisioning } from '../model/carrier-provisioning.ts';
import { globalRules } from './global-rules.ts';
import { mbnRules } from './mbn-rules.ts';
import { messageRules } from './message-rules.ts';
import { planRules } from './plan-rules.ts';
import { provisioningRules } from './provisioning-rules.ts';
import type { Rule } from './rule.ts';
import { wlanRules } from './wlan-rules.ts';

/** Every semantic rule, in document order of the sections they check. */
export const rules: readonly Rule[] = [
  globalRules,
  mbnRules,
  messageRules,
  wlanRules,
  planRules,
  provisioningRules,
];

/** Runs the semantic rules on a model; diagnostics carry element paths (locations are added by the caller). */
export function checkRules(doc: CarrierProvisioning): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) rule(doc, (code, message, path) => out.push(diagnostic(code, message, { path })));
  return out;
}
