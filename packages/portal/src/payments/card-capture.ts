// The card-posting interface of the seed; it goes when the checkout runs on payments/provider.ts (issue 15).

/** Card details as the checkout form sends them (never stored, never logged). */
export interface Card {
  number: string;
  /** MM/YY as typed. */
  expiry: string;
  cvc: string;
  name: string;
}

/** One capture. The idempotency key makes retries safe: the same key never charges twice. */
export interface CaptureRequest {
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  card: Card;
  description: string;
}

/** Why a payment was declined, as the plans page explains it. */
export type DeclineReason = 'card-declined' | 'insufficient-funds' | 'expired-card' | 'invalid-card';

export type CaptureResult =
  | { status: 'captured'; reference: string }
  | { status: 'declined'; reason: DeclineReason };

/**
 * A payment service provider. Implementations must be idempotent per key and keep their answers beyond the
 * process: a capture retried after a crash, a restart or a double click returns the first result. A real provider
 * (a PSP's API) implements the same three calls.
 */
export interface CardCaptureProvider {
  readonly name: string;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  /** The first result of a capture with this idempotency key, if any: how the expiry sweep finds what to refund. */
  lookup(idempotencyKey: string): Promise<CaptureResult | undefined>;
  /** Refunds a capture; idempotent per capture reference. */
  refund(reference: string): Promise<void>;
}
