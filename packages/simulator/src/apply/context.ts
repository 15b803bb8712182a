import type { CarrierProvisioning } from '@mbprov/core';
import type { CarrierState, MachineState } from '../state.ts';

/** What each section applier works on. */
export interface ApplyContext {
  state: MachineState;
  carrierId: string;
  carrier: CarrierState;
  doc: CarrierProvisioning;
  now: Date;
  /** Plan names this document defines (profiles may only name these). */
  documentPlans: Set<string>;
}

/** The plan a profile names is defined in the document ("the plans section must also be included"). */
export function planDefined(ctx: ApplyContext, plan: string | undefined): boolean {
  return plan === undefined || ctx.documentPlans.has(plan);
}
