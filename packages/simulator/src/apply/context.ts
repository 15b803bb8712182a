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
  /**
   * WLAN profiles (0-based, in document order) whose Passpoint settings are out of schema order: the model keeps
   * no order, so the reader's finding says it, and Windows' profile reader refuses such a profile.
   */
  misorderedWlanProfiles: Set<number>;
}

/** The plan a profile names is defined in the document ("the plans section must also be included"). */
export function planDefined(ctx: ApplyContext, plan: string | undefined): boolean {
  return plan === undefined || ctx.documentPlans.has(plan);
}
