import { type Static, Type } from '@sinclair/typebox';
import type { Subscription } from '../../../storage/subscriptions.ts';
import { Nullable } from '../nullable.ts';

/**
 * A plan period of a subscriber. Usage and allowance are named as in the usage reports and the policy answer
 * (`usageMegabytes`, `dataLimitMegabytes`), which carry the same figures.
 */
export const SubscriptionAnswer = Type.Object({
  id: Type.String(),
  subscriberId: Type.String(),
  planId: Type.String(),
  status: Type.String({ description: 'active, expired, exhausted, replaced or suspended.' }),
  startsAt: Type.String({ format: 'date-time' }),
  endsAt: Type.String({ format: 'date-time' }),
  dataLimitMegabytes: Nullable(Type.Number({ description: 'The allowance of the period (Fixed plans).' })),
  usageMegabytes: Type.Number(),
  usageAt: Nullable(
    Type.String({ format: 'date-time', description: 'The time of the usage last reported.' }),
  ),
  checkoutId: Type.String({ description: 'The checkout that paid for it.' }),
  createdAt: Type.String({ format: 'date-time' }),
});
/** A subscription as the API answers it. */
export type SubscriptionAnswer = Static<typeof SubscriptionAnswer>;

/** The API shape of a stored subscription. */
export function presentSubscription(subscription: Subscription): SubscriptionAnswer {
  return {
    id: subscription.id,
    subscriberId: subscription.subscriber_id,
    planId: subscription.plan_id,
    status: subscription.status,
    startsAt: subscription.starts_at,
    endsAt: subscription.ends_at,
    dataLimitMegabytes: subscription.data_limit_mb,
    usageMegabytes: subscription.usage_mb,
    usageAt: subscription.usage_at,
    checkoutId: subscription.checkout_id,
    createdAt: subscription.created_at,
  };
}
