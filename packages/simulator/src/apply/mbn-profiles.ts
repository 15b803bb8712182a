import { compilePattern, type MBNProfile } from '@mbprov/core';
import { HRESULT } from '../hresult.ts';
import type { ItemResult, MBNProfilesResult } from '../results.ts';
import { type ApplyContext, planDefined } from './context.ts';

function applyProfile(
  ctx: ApplyContext,
  kind: 'DefaultProfile' | 'PurchaseProfile',
  profile: MBNProfile | undefined,
): ItemResult | undefined {
  if (!profile) return undefined;
  if (!planDefined(ctx, profile.AssociatedPlan)) {
    return {
      name: profile.Name,
      errorCode: HRESULT.NOT_FOUND,
      reason: `plan "${profile.AssociatedPlan}" is not in this document`,
    };
  }
  ctx.carrier[kind] = profile;
  return { name: profile.Name, errorCode: HRESULT.S_OK };
}

/**
 * MBNProfiles: needs the modem and a SIM (mobile broadband profiles belong to the SIM's subscription). Each profile
 * present replaces the carrier's profile of that kind; one that names a plan the document does not define fails.
 * Messages replace the carrier's SMS rules (all patterns must compile). Branding is ignored (Windows 10 1709+).
 */
export function applyMbnProfiles(ctx: ApplyContext): { result?: MBNProfilesResult; messages?: ItemResult } {
  const mbn = ctx.doc.MBNProfiles;
  if (!mbn) return {};
  const caps = ctx.state.capabilities;
  if (!caps.mobileBroadband)
    return { result: { errorCode: HRESULT.DEVICE_NOT_CONNECTED, reason: 'no mobile broadband device' } };
  if (!caps.sim)
    return { result: { errorCode: HRESULT.NOT_READY, reason: 'no SIM in the mobile broadband device' } };
  const result: MBNProfilesResult = {};
  const def = applyProfile(ctx, 'DefaultProfile', mbn.DefaultProfile);
  const purchase = applyProfile(ctx, 'PurchaseProfile', mbn.PurchaseProfile);
  if (def) result.DefaultProfile = def;
  if (purchase) result.PurchaseProfile = purchase;
  let messages: ItemResult | undefined;
  if (mbn.Messages) {
    const broken = mbn.Messages.Message.find((m) => 'error' in compilePattern(m.Pattern));
    if (broken) {
      messages = {
        name: 'Messages',
        errorCode: HRESULT.INVALID_ARG,
        reason: `pattern "${broken.Pattern}" does not compile`,
      };
    } else {
      ctx.carrier.Messages = mbn.Messages;
      messages = { name: 'Messages', errorCode: HRESULT.S_OK };
    }
  }
  return { result, ...(messages ? { messages } : {}) };
}
