import { type Static, Type } from '@sinclair/typebox';
import type { Subscriber } from '../../../storage/subscribers.ts';
import { Nullable } from '../nullable.ts';

/** A subscriber as the back office may see it: these fields and nothing else (never its credential hash). */
export const SubscriberAnswer = Type.Object({
  id: Type.String(),
  simId: Nullable(
    Type.String({ description: 'The inventory row; null for a Wi-Fi-only customer (no SIM).' }),
  ),
  iccid: Nullable(Type.String()),
  imsi: Nullable(Type.String()),
  min: Nullable(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
  deviceId: Nullable(Type.String({ description: 'The DevId of the last visit.' })),
  refreshUser: Type.String({ description: 'HTTP Basic user name of the RefreshURL.' }),
  credentialVersion: Type.Integer(),
  status: Type.String({ description: 'active, or suspended by the operator.' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  refreshUrl: Type.String(),
});
/** A subscriber as the API answers it. */
export type SubscriberAnswer = Static<typeof SubscriberAnswer>;

/** The API shape of a stored subscriber, with the RefreshURL its documents carry. */
export function presentSubscriber(subscriber: Subscriber, refreshUrl: string): SubscriberAnswer {
  return {
    id: subscriber.id,
    simId: subscriber.sim_id,
    iccid: subscriber.iccid,
    imsi: subscriber.imsi,
    min: subscriber.min,
    deviceId: subscriber.device_id,
    refreshUser: subscriber.refresh_user,
    credentialVersion: subscriber.credential_version,
    status: subscriber.status,
    createdAt: subscriber.created_at,
    updatedAt: subscriber.updated_at,
    refreshUrl,
  };
}
