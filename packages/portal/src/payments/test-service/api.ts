/**
 * The test payment service's API as data: the request and answer schemas (TypeBox, so the service validates what it
 * receives and the provider what it is answered with one definition), the webhook event, and how a stored record is
 * presented.
 */
import { type Static, Type } from '@sinclair/typebox';
import type { TestPayment } from '../../storage/test-payments.ts';

/** The idempotency key header of `POST /v1/payments`: the checkout id. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

const HttpsUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 2048 });
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' });

/** The body of `POST /v1/payments`: a payments/provider.ts PaymentRequest as JSON. */
export const CreatePaymentBody = Type.Object(
  {
    checkoutId: Id,
    // Fits the database's 32-bit integer column.
    amountMinor: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    description: Type.String({ minLength: 1, maxLength: 200 }),
    returnUrl: HttpsUrl,
    cancelUrl: HttpsUrl,
    expiresAt: Type.String({ format: 'date-time' }),
    lang: Type.Union([Type.Literal('en'), Type.Literal('ja')]),
    account: Type.Object(
      {
        iccid: Type.Union([Type.String({ pattern: '^\\d{19,20}$' }), Type.Null()]),
        imsi: Type.Union([Type.String({ pattern: '^\\d{6,15}$' }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

/** A payment as the API answers it and webhooks carry it. */
export const PaymentAnswer = Type.Object({
  id: Id,
  checkoutId: Id,
  status: Type.Union([
    Type.Literal('open'),
    Type.Literal('captured'),
    Type.Literal('canceled'),
    Type.Literal('refunded'),
  ]),
  /** The hosted page. */
  url: Type.String(),
  amountMinor: Type.Integer(),
  currency: Type.String(),
  /** The capture's id, once captured: what a refund names. */
  reference: Type.Optional(Type.String()),
  method: Type.Optional(
    Type.Object({
      kind: Type.Literal('card'),
      brand: Type.String(),
      last4: Type.String({ pattern: '^\\d{4}$' }),
    }),
  ),
});
export type PaymentAnswer = Static<typeof PaymentAnswer>;

/** `GET /v1/payments?checkoutId=`: the checkout's payment, if any (zero or one). */
export const PaymentList = Type.Object({ data: Type.Array(PaymentAnswer, { maxItems: 1 }) });

/** What a webhook says happened. */
export type PaymentEventType = 'payment.captured' | 'payment.canceled' | 'payment.refunded';

/** A webhook delivery's JSON body. */
export const WebhookEvent = Type.Object({
  /** Unique per event; redeliveries of one event keep it. */
  id: Type.String({ minLength: 1, maxLength: 100 }),
  type: Type.String({ maxLength: 100 }),
  /** Unix seconds. */
  created: Type.Integer(),
  data: PaymentAnswer,
});
export type WebhookEvent = Static<typeof WebhookEvent>;

/** The API's view of a stored payment; `baseUrl` is the service's origin (its hosted pages). */
export function presentPayment(payment: TestPayment, baseUrl: string): PaymentAnswer {
  return {
    id: payment.id,
    checkoutId: payment.checkout_id,
    // An expired payment is one the customer can no longer pay: canceled, as far as the portal is concerned.
    status: (payment.status === 'expired' ? 'canceled' : payment.status) as PaymentAnswer['status'],
    url: `${baseUrl}/pay/${payment.id}`,
    amountMinor: Number(payment.amount_minor),
    currency: payment.currency,
    ...(payment.reference ? { reference: payment.reference } : {}),
    ...(payment.method_brand && payment.method_last4
      ? { method: { kind: 'card' as const, brand: payment.method_brand, last4: payment.method_last4 } }
      : {}),
  };
}
