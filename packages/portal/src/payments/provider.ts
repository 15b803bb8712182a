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
 * A payment service provider. Implementations must be idempotent per key: a capture retried after a crash or a
 * double click returns the first result. A real provider (a PSP's API) implements the same two calls.
 */
export interface PaymentProvider {
  readonly name: string;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  /** Refunds a capture; idempotent per capture reference. */
  refund(reference: string): Promise<void>;
}
