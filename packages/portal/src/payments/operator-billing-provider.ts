import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../context.ts';
import { readTlsFiles } from '../security/tls.ts';
import {
  type BillingAnswer,
  BillingClient,
  type BillingClientOptions,
} from './operator-billing/billing-client.ts';
import {
  CHARGE_ID_PATTERN,
  type Charge,
  ChargeRequest,
  ERROR_CODES,
  ErrorAnswer,
  readCharge,
  wireProblem,
} from './operator-billing/wire.ts';
import type { PaymentProvider, PaymentRequest, PaymentStart, PaymentState } from './provider.ts';

/** The shortest signing secret accepted: 32 characters, as an HMAC-SHA256 key should hold 256 bits. */
export const MIN_SIGNING_SECRET_LENGTH = 32;

/** Options of {@link OperatorBillingProvider}: the billing system and a log for its failures. */
export interface OperatorBillingOptions extends BillingClientOptions {
  /** Where failed calls are reported (operation, charge id, HTTP status, the API's error code; never a secret). */
  log?: Logger;
}

type Operation = 'start' | 'status' | 'cancel' | 'refund';

/**
 * Charges the subscriber's own account (carrier billing, prepaid balance) through the operator's billing system, by
 * the versioned HTTPS API of docs/payments-operator-billing.md. The charge id is the checkout id, so every call is
 * idempotent and the billing system finds a charge after a portal crash. No hosted page: `origins` is empty and
 * `start` answers `settled`, `open` when the charge is pending or the call ran out of time (the portal asks `status`
 * later). Every answer is checked against the wire schema; anything else is `MBPROV_PAYMENT_PROVIDER_UNAVAILABLE`.
 */
export class OperatorBillingProvider implements PaymentProvider {
  readonly name = 'operator-billing';
  readonly origins: readonly string[] = [];
  private readonly client: BillingClient;
  private readonly log: Logger | undefined;

  constructor(options: OperatorBillingOptions) {
    this.client = new BillingClient(options);
    this.log = options.log;
  }

  async start(request: PaymentRequest): Promise<PaymentStart> {
    const chargeId = this.chargeIdOf('start', request.checkoutId);
    const body: ChargeRequest = {
      chargeId,
      account: { iccid: request.account.iccid, imsi: request.account.imsi },
      amountMinor: request.amountMinor,
      currency: request.currency,
      // The wire's 200 UTF-16 units, without splitting a character in two.
      description: request.description.slice(0, 200).replace(/[\uD800-\uDBFF]$/, ''),
      expiresAt: request.expiresAt.toISOString(),
    };
    const problem = wireProblem(ChargeRequest, body);
    if (problem) throw this.failure('start', chargeId, `the request cannot be sent: ${problem}`);
    const answer = await this.call('start', chargeId, 'POST', '/v1/charges', body);
    // The charge may or may not have been taken: `open` makes the portal ask again with the same charge id.
    if (answer === 'timeout') {
      this.log?.warn({ provider: this.name, operation: 'start', chargeId }, 'operator billing timed out');
      return { kind: 'settled', paymentId: chargeId, state: { status: 'open' } };
    }
    const charge = this.chargeOf('start', chargeId, answer, [200, 201]);
    return { kind: 'settled', paymentId: chargeId, state: stateOf(charge) };
  }

  async status(payment: { checkoutId: string; paymentId: string | null }): Promise<PaymentState | undefined> {
    const chargeId = this.chargeIdOf('status', payment.checkoutId);
    const answer = await this.send('status', chargeId, 'GET', `/v1/charges/${chargeId}`);
    // Only the API's own "never received" counts as no payment: a 404 of a proxy or a wrong baseUrl does not.
    if (answer.status === 404 && errorCodeOf(answer) === ERROR_CODES.chargeNotFound) return undefined;
    return stateOf(this.chargeOf('status', chargeId, answer, [200]));
  }

  async cancel(payment: { checkoutId: string; paymentId: string }): Promise<void> {
    const chargeId = this.chargeIdOf('cancel', payment.checkoutId);
    const answer = await this.send('cancel', chargeId, 'POST', `/v1/charges/${chargeId}/cancel`, {});
    const charge = this.chargeOf('cancel', chargeId, answer, [200]);
    // A charge that settled before the cancel arrived stays as it is; the portal learns it from `status`.
    if (charge.status === 'pending') throw this.failure('cancel', chargeId, 'the charge is still pending');
  }

  async refund(capture: { checkoutId: string; reference: string }): Promise<void> {
    const chargeId = this.chargeIdOf('refund', capture.checkoutId);
    const answer = await this.send('refund', chargeId, 'POST', `/v1/charges/${chargeId}/refund`, {
      reference: capture.reference,
    });
    const charge = this.chargeOf('refund', chargeId, answer, [200]);
    if (charge.status !== 'charged' || charge.reference !== capture.reference || !charge.refund)
      throw this.failure('refund', chargeId, `the answer does not show charge ${capture.reference} refunded`);
  }

  /** Closes the connections to the billing system. */
  close(): void {
    this.client.close();
  }

  private chargeIdOf(operation: Operation, checkoutId: string): string {
    if (!new RegExp(CHARGE_ID_PATTERN).test(checkoutId))
      throw this.failure(operation, checkoutId.slice(0, 64), 'the checkout id cannot be a charge id');
    return checkoutId;
  }

  /** Sends a call; a failure to get an answer (other than running out of time) is logged and thrown. */
  private call(
    operation: Operation,
    chargeId: string,
    method: 'GET' | 'POST',
    path: string,
    body?: object,
  ): Promise<BillingAnswer | 'timeout'> {
    return this.client.send(method, path, body).catch((error: unknown) => {
      throw this.failure(operation, chargeId, (error as Error).message, { cause: error });
    });
  }

  /** Sends a call whose outcome must be known: running out of time is a failure too. */
  private async send(
    operation: Operation,
    chargeId: string,
    method: 'GET' | 'POST',
    path: string,
    body?: object,
  ): Promise<BillingAnswer> {
    const answer = await this.call(operation, chargeId, method, path, body);
    if (answer === 'timeout')
      throw this.failure(operation, chargeId, 'the billing system did not answer in time');
    return answer;
  }

  /** The charge an answer holds, when it has an expected status, is a valid charge and is about `chargeId`. */
  private chargeOf(
    operation: Operation,
    chargeId: string,
    answer: BillingAnswer,
    statuses: number[],
  ): Charge {
    if (!statuses.includes(answer.status)) {
      const code = errorCodeOf(answer);
      throw this.failure(operation, chargeId, `HTTP ${answer.status}${code ? ` ${code}` : ''}`, {
        status: answer.status,
        ...(code ? { code } : {}),
      });
    }
    const charge = readCharge(answer.body);
    if (typeof charge === 'string') throw this.failure(operation, chargeId, `not a valid charge: ${charge}`);
    if (charge.chargeId !== chargeId)
      throw this.failure(operation, chargeId, `the answer is about another charge (${charge.chargeId})`);
    return charge;
  }

  /** The one error path: logs the failure (never a secret or a body) and gives the error to throw. */
  private failure(
    operation: Operation,
    chargeId: string,
    problem: string,
    details: { status?: number; code?: string; cause?: unknown } = {},
  ): MbprovError {
    const { cause, ...fields } = details;
    this.log?.warn(
      { provider: this.name, operation, chargeId, ...fields, problem },
      'operator billing failed',
    );
    return new MbprovError(
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
      `operator billing ${operation} of ${chargeId}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The API's error code of an error answer, when it has one. */
function errorCodeOf(answer: BillingAnswer): string | undefined {
  return wireProblem(ErrorAnswer, answer.body) ? undefined : (answer.body as ErrorAnswer).error.code;
}

/** What the portal makes of a charge: a refunded charge still names its capture, as card providers do. */
function stateOf(charge: Charge): PaymentState {
  switch (charge.status) {
    case 'pending':
      return { status: 'open' };
    case 'refused':
      return { status: 'declined', reason: 'account-refused' };
    case 'canceled':
      return { status: 'canceled' };
    case 'charged':
      return {
        status: 'captured',
        reference: charge.reference,
        amountMinor: charge.amountMinor,
        currency: charge.currency,
        method: {
          kind: 'account',
          ...(charge.account?.label ? { label: charge.account.label } : {}),
          ...(charge.account?.last4 ? { last4: charge.account.last4 } : {}),
        },
      };
  }
}

/** The part of the configuration the provider reads. */
export type OperatorBillingConfig = { payments: Pick<Config['payments'], 'operatorBilling'> };

/**
 * The operator-billing provider as configured in `payments.operatorBilling`: the token and the signing secret from
 * the environment variables it names, the CA and client certificate files read and checked now, so that a mistake
 * stops the start with a named error (MBPROV_CONFIG_INVALID, MBPROV_IO_ERROR, MBPROV_TLS_INVALID) rather than
 * failing the first purchase.
 */
export function openOperatorBillingProvider(
  config: OperatorBillingConfig,
  env: Record<string, string | undefined> = process.env,
  log?: Logger,
): OperatorBillingProvider {
  const settings = config.payments.operatorBilling;
  if (!settings)
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      'the operator-billing provider needs payments.operatorBilling',
    );
  const secretOf = (key: 'tokenEnv' | 'signingSecretEnv', minLength: number) => {
    const name = settings[key];
    const value = env[name];
    if (!value || value.length < minLength || !/^[\x21-\x7e]+$/.test(value))
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        `the environment variable ${name} (payments.operatorBilling.${key}) must hold at least ${minLength} ` +
          'printable ASCII characters without spaces',
      );
    return value;
  };
  const options: OperatorBillingOptions = {
    baseUrl: settings.baseUrl,
    token: secretOf('tokenEnv', 1),
    signingSecret: secretOf('signingSecretEnv', MIN_SIGNING_SECRET_LENGTH),
    timeoutMs: settings.timeoutMs,
    ...(log ? { log } : {}),
  };
  if (settings.caFile) options.ca = readCa(settings.caFile);
  if (settings.clientCertFile && settings.clientKeyFile) {
    const { cert, key } = readTlsFiles(settings.clientCertFile, settings.clientKeyFile);
    Object.assign(options, { cert, key });
  }
  return new OperatorBillingProvider(options);
}

/** Reads the CA file trusted for the billing server and checks that TLS can load it. */
function readCa(file: string): string {
  let ca: string;
  try {
    ca = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    createSecureContext({ ca });
  } catch (error) {
    throw new MbprovError(
      'MBPROV_TLS_INVALID',
      `${file} holds no usable CA certificate: ${(error as Error).message}`,
    );
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    throw new MbprovError('MBPROV_TLS_INVALID', `${file} holds no PEM certificate`);
  return ca;
}
