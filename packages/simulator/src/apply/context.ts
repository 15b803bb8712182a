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
   * WLAN profiles (0-based, in document order) whose Hotspot2 children are out of schema order or repeated, with
   * the reader's messages: the model keeps no order and one of each, so the reader's findings say it, and Windows'
   * profile reader refuses such a profile.
   */
  unreadableHotspot2: Map<number, string[]>;
}

/** The plan a profile names is defined in the document ("the plans section must also be included"). */
export function planDefined(ctx: ApplyContext, plan: string | undefined): boolean {
  return plan === undefined || ctx.documentPlans.has(plan);
}
