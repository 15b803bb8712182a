import { randomUUID } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import { hashToken, randomToken } from '../security/tokens.ts';
import type { PlanKind } from '../storage/plans.ts';
import type { Sim } from '../storage/sims.ts';
import {
  ensureEidSubscriber,
  ensureSubscriber,
  type NewSubscriber,
  recordDevice,
  type Subscriber,
} from '../storage/subscribers.ts';

/**
 * A new subscriber's row without its SIM identifiers: its RefreshURL credentials (a random user name, which is also
 * the WISPr user name, and a password derived from the secret key, only its SHA-256 stored).
 */
export function newSubscriberRow(ctx: PortalContext, id: string, now: string): NewSubscriber {
  return {
    id,
    sim_id: null,
    iccid: null,
    imsi: null,
    min: null,
    device_id: null,
    refresh_user: `r${randomToken(12)}`,
    refresh_password_hash: hashToken(ctx.secrets.refreshPassword(id, 1)),
    credential_version: 1,
    created_at: now,
    updated_at: now,
  };
}

/** The subscriber of a SIM, created on its first visit with its RefreshURL credentials. Records the latest DevId. */
export async function subscriberForSim(
  ctx: PortalContext,
  sim: Sim,
  deviceId: string | undefined,
): Promise<Subscriber> {
  const now = ctx.clock().toISOString();
  const subscriber = await ensureSubscriber(ctx.store.db, {
    ...newSubscriberRow(ctx, randomUUID(), now),
    sim_id: sim.id,
    iccid: sim.iccid,
    imsi: sim.imsi,
    min: sim.min,
    device_id: deviceId ?? null,
  });
  if (deviceId && subscriber.device_id !== deviceId) {
    await recordDevice(ctx.store.db, subscriber.id, deviceId, now);
    subscriber.device_id = deviceId;
  }
  return subscriber;
}

/**
 * Whether a subscriber has no SIM at all: neither an inventory row nor an eSIM (an EID the Mobile Plans app gave).
 * Such a customer buys Wi-Fi plans and gets a Wi-Fi-only document.
 */
export function isWifiOnly(subscriber: Pick<Subscriber, 'sim_id' | 'eid'>): boolean {
  return subscriber.sim_id === null && subscriber.eid === null;
}

/** The plans a subscriber may buy: Wi-Fi plans without a SIM, mobile plans with one (an eSIM's too). */
export function planKindFor(subscriber: Pick<Subscriber, 'sim_id' | 'eid'>): PlanKind {
  return isWifiOnly(subscriber) ? 'wifi' : 'mobile';
}

/**
 * The subscriber of an eSIM the portal does not know yet (Mobile Plans, docs/mobile-plans.md), created when its
 * purchase starts: one row per EID, with RefreshURL credentials like a SIM's.
 */
export async function subscriberForEid(ctx: PortalContext, eid: string): Promise<Subscriber> {
  const now = ctx.clock().toISOString();
  return ensureEidSubscriber(ctx.store.db, { ...newSubscriberRow(ctx, randomUUID(), now), eid });
}
