// Token fields: booleans (OverDataLimit, Congested, RefreshProvisioning, ActivationComplete) and PlanType.
import type { BooleanField, PlanTypeField } from '../model/messages.ts';
import type { PlanType } from '../model/plans.ts';

/** The tokens of a token list attribute ("A token list of true Booleans"): whitespace-separated, case-sensitive. */
function tokens(list: string | readonly string[] | undefined): string[] {
  if (list === undefined) return [];
  return (typeof list === 'string' ? [list] : list).flatMap((t) => t.split(/\s+/)).filter(Boolean);
}

/**
 * The value of a boolean field: the captured group compared with TrueToken and FalseToken lists; when the field
 * has no Group, the group captured nothing, or no token matches, Default (default false).
 */
export function readFlag(field: BooleanField, captured: string | undefined): boolean {
  const fallback = field.Default ?? false;
  if (field.Group === undefined || captured === undefined) return fallback;
  const value = captured.trim();
  if (tokens(field.TrueToken).includes(value)) return true;
  if (tokens(field.FalseToken).includes(value)) return false;
  return fallback;
}

/**
 * The plan type of a PlanType field: the captured group compared with UnrestrictedTokens, FixedTokens and
 * VariableTokens (in that order); when nothing matches, Default; undefined when there is no Default either.
 */
export function readPlanType(field: PlanTypeField, captured: string | undefined): PlanType | undefined {
  if (field.Group !== undefined && captured !== undefined) {
    const value = captured.trim();
    if (tokens(field.UnrestrictedTokens).includes(value)) return 'Unrestricted';
    if (tokens(field.FixedTokens).includes(value)) return 'Fixed';
    if (tokens(field.VariableTokens).includes(value)) return 'Variable';
  }
  return field.Default;
}
