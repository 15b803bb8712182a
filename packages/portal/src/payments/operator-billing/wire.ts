import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { wireProblem } from '../../http/wire-problem.ts';

export { wireProblem };

/**
 * The operator-billing API, version 1 (docs/payments-operator-billing.md): what the portal sends to the operator's
 * billing system and what it accepts back. The version is in every path (`/v1/...`) and in the
 * `Mbprov-Billing-Version` header of every request and answer. Answers may carry fields this version does not name
 * (they are ignored); the fields it names must have exactly these types.
 */

/** The API version this portal speaks. */
export const API_VERSION = '1';

/** Header names (lower case, as node gives them). */
export const HEADERS = {
  version: 'mbprov-billing-version',
  timestamp: 'mbprov-billing-timestamp',
  signature: 'mbprov-billing-signature',
} as const;

/** A charge id is the portal's checkout id: the idempotency key, safe in a URL path segment. */
export const CHARGE_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

const ChargeId = Type.String({ pattern: CHARGE_ID_PATTERN });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const AmountMinor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** A reference of the billing system: printable ASCII, as it may end up on a receipt and in logs. */
const Reference = Type.String({ pattern: '^[\\x21-\\x7e]{1,100}$' });
/** An RFC 3339 instant with an offset (TypeBox leaves the `date-time` format to its caller, so a pattern it is). */
const Timestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
});

/** POST /v1/charges: charge the subscriber's account, once per chargeId. */
export const ChargeRequest = Type.Object(
  {
    chargeId: ChargeId,
    account: Type.Object(
      {
        iccid: Type.Union([Type.String({ pattern: '^\\d{19,20}$' }), Type.Null()]),
        imsi: Type.Union([Type.String({ pattern: '^\\d{6,15}$' }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
    amountMinor: AmountMinor,
    currency: Currency,
    description: Type.String({ minLength: 1, maxLength: 200 }),
    /** After this instant the billing system must not charge (it answers `canceled`). */
    expiresAt: Timestamp,
  },
  { additionalProperties: false },
);
/** The body of POST /v1/charges. */
export type ChargeRequest = Static<typeof ChargeRequest>;

/** POST /v1/charges/{chargeId}/refund: give back the whole charge that `reference` names. */
export const RefundRequest = Type.Object({ reference: Reference }, { additionalProperties: false });
/** The body of POST /v1/charges/{chargeId}/refund. */
export type RefundRequest = Static<typeof RefundRequest>;

/** Why the billing system refused to charge the account. */
export const REFUSAL_REASONS = [
  'barred',
  'insufficient-balance',
  'limit-reached',
  'unknown-account',
  'not-allowed',
  'other',
] as const;

const Account = Type.Object({
  /** What the subscriber knows the account as: "Prepaid balance", "Monthly bill". */
  label: Type.String({ minLength: 1, maxLength: 60 }),
  last4: Type.Optional(Type.String({ pattern: '^\\d{4}$' })),
});

const Charged = Type.Object({
  chargeId: ChargeId,
  status: Type.Literal('charged'),
  reference: Reference,
  amountMinor: AmountMinor,
  currency: Currency,
  account: Type.Optional(Account),
  /** Present once the charge was refunded (in full). */
  refund: Type.Optional(Type.Object({ reference: Reference, refundedAt: Timestamp })),
});
const Pending = Type.Object({ chargeId: ChargeId, status: Type.Literal('pending') });
const Refused = Type.Object({
  chargeId: ChargeId,
  status: Type.Literal('refused'),
  refusal: Type.Object({
    reason: Type.Union(REFUSAL_REASONS.map((reason) => Type.Literal(reason))),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  }),
});
const Canceled = Type.Object({ chargeId: ChargeId, status: Type.Literal('canceled') });

/** The answer of every charge call: the charge as the billing system keeps it, by its status. */
export const Charge = Type.Union([Charged, Pending, Refused, Canceled]);
/** A charge as the billing system answers it. */
export type Charge = Static<typeof Charge>;

const CHARGE_BY_STATUS: Record<Charge['status'], TSchema> = {
  charged: Charged,
  pending: Pending,
  refused: Refused,
  canceled: Canceled,
};

/** The answer of a refused call (4xx, 5xx): a stable code for programs, a message for people. */
export const ErrorAnswer = Type.Object({
  error: Type.Object({
    code: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  }),
});
/** The body of an answer with an error status. */
export type ErrorAnswer = Static<typeof ErrorAnswer>;

/** Error codes of the API that change what the portal concludes (the others only explain a failure). */
export const ERROR_CODES = {
  /** 404 on a charge: the billing system never received a charge with this id. */
  chargeNotFound: 'charge-not-found',
} as const;

/**
 * Reads an answer as a charge: the charge, or the first problem. The variant is chosen by `status` first, so that
 * the problem names the field that is wrong rather than "no variant of the union matches".
 */
export function readCharge(value: unknown): Charge | string {
  const status = (value as { status?: unknown } | null)?.status;
  const schema =
    typeof status === 'string' && Object.hasOwn(CHARGE_BY_STATUS, status)
      ? CHARGE_BY_STATUS[status as Charge['status']]
      : undefined;
  if (!schema) return `/status: not one of ${Object.keys(CHARGE_BY_STATUS).join(', ')}`;
  return wireProblem(schema, value) ?? (value as Charge);
}
