import type { ActivationTiming } from '@mbprov/core';
import { addDuration } from '../duration.ts';
import { HRESULT } from '../hresult.ts';
import type { ItemResult } from '../results.ts';
import type { ApplyContext } from './context.ts';

const KINDS = ['ReregisterToNetwork', 'ReconnectToNetwork', 'ServiceActivation'] as const;

/**
 * Records the activation directive on the virtual clock: first attempt at provisioning time + Delay (default PT0S),
 * RetryCount (default 0) retries every RetryInterval (default PT1M). ServiceActivation hands CarrierSpecificData to
 * the device. Needs the mobile broadband device.
 */
export function applyActivation(ctx: ApplyContext): ItemResult | undefined {
  const activation = ctx.doc.Activation;
  if (!activation) return undefined;
  const kind = KINDS.find((k) => activation[k] !== undefined);
  if (!kind) return undefined;
  if (!ctx.state.capabilities.mobileBroadband) {
    return { name: kind, errorCode: HRESULT.DEVICE_NOT_CONNECTED, reason: 'no mobile broadband device' };
  }
  const directive = activation[kind] as ActivationTiming & { CarrierSpecificData?: string };
  ctx.state.activations.push({
    carrierId: ctx.carrierId,
    kind,
    at: addDuration(ctx.now, directive.Delay ?? 'PT0S').toISOString(),
    retryCount: directive.RetryCount ?? 0,
    retryInterval: directive.RetryInterval ?? 'PT1M',
    ...(directive.CarrierSpecificData !== undefined
      ? { carrierSpecificData: directive.CarrierSpecificData }
      : {}),
  });
  return { name: kind, errorCode: HRESULT.S_OK };
}
