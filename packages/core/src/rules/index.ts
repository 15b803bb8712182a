import type { Diagnostic } from '../errors/diagnostic.ts';
import { diagnostic } from '../errors/diagnostic.ts';
import { globalRules } from './global-rules.ts';
import { mbnRules } from './mbn-rules.ts';
import { messageRules } from './message-rules.ts';
import { passpointRules } from './passpoint-rules.ts';
import { planRules } from './plan-rules.ts';
import { provisioningRules } from './provisioning-rules.ts';
import type { Rule, RuleInput } from './rule.ts';
import { wlanRules } from './wlan-rules.ts';

/** Every semantic rule, in document order of the sections they check. */
export const rules: readonly Rule[] = [
  globalRules,
  mbnRules,
  messageRules,
  wlanRules,
  passpointRules,
  planRules,
  provisioningRules,
];

/**
 * Runs the semantic rules on a model, built in code or read from any document (missing parts included);
 * diagnostics carry element paths (locations are added by the caller).
 */
export function checkRules(doc: RuleInput): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) rule(doc, (code, message, path) => out.push(diagnostic(code, message, { path })));
  return out;
}
