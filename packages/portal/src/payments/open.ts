import type { Config } from '../config/schema.ts';
import type { Logger } from '../context.ts';
import type { Secrets } from '../security/secrets.ts';
import type { Db } from '../storage/database.ts';
import { openOperatorBillingProvider } from './operator-billing-provider.ts';
import type { PaymentProvider } from './provider.ts';
import { openStripeProvider, STRIPE_CHECKOUT_HOSTS } from './stripe-provider.ts';
import { TestPaymentProvider } from './test-provider.ts';
import { startTestPaymentService } from './test-service/service.ts';

/** What openPayments needs of the portal being started. */
export interface PaymentsSetup {
  config: Config;
  secrets: Secrets;
  db: Db;
  /** The portal's HTTPS key and certificate: the test service serves with them on its own port. */
  tls: { key: string; cert: string };
  /** PEM to trust for the portal's and the test service's certificate (a development certificate); none in production. */
  ca?: string;
  env?: Record<string, string | undefined>;
  clock?: () => Date;
  log: Logger;
}

/** The configured payment provider, and what must be closed with the portal. */
export interface OpenPayments {
  provider: PaymentProvider;
  /** The built-in test payment service's origin, when it runs (provider `test`). */
  testServiceUrl?: string;
  close(): Promise<void>;
}

/**
 * The hosts of the configured provider's pages, for the walled garden, from the configuration alone (`mbprov cosa
 * walled-garden` starts nothing): Stripe Checkout's; none for operator billing (it charges server to server) and for
 * the test payment service (it runs on the portal's host name, which the walled garden lists anyway).
 */
export function configuredPaymentHosts(config: Config): readonly string[] {
  return config.payments.provider === 'stripe' ? STRIPE_CHECKOUT_HOSTS : [];
}

/**
 * Opens the provider of `payments.provider` (docs/payments.md). For `test`, the built-in test payment service starts
 * first on its own HTTPS port (payments.test.port), on the portal's host name, and posts its webhooks to the portal's
 * POST /payments/webhook.
 */
export async function openPayments(setup: PaymentsSetup): Promise<OpenPayments> {
  const { config, env = process.env } = setup;
  switch (config.payments.provider) {
    case 'stripe':
      return { provider: openStripeProvider(config, env), close: async () => {} };
    case 'operator-billing':
      return { provider: openOperatorBillingProvider(config, env, setup.log), close: async () => {} };
    default:
      return openTestPayments(setup);
  }
}

/** The test service's status delay (MBPROV_TEST_PAYMENT_DELAY_MS), a hook for tests that stop a portal mid-return. */
function testPaymentDelayMs(env: Record<string, string | undefined>): number {
  const ms = Number(env.MBPROV_TEST_PAYMENT_DELAY_MS ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

async function openTestPayments(setup: PaymentsSetup): Promise<OpenPayments> {
  const { config, secrets } = setup;
  const portal = new URL(config.server.publicUrl);
  const service = await startTestPaymentService({
    db: setup.db,
    tls: setup.tls,
    host: config.server.host,
    port: config.payments.test.port,
    apiKey: secrets.testPaymentsApiKey,
    webhookSecret: secrets.testPaymentsWebhookSecret,
    webhookUrl: new URL('/payments/webhook', portal).href,
    ...(setup.ca ? { webhookCa: setup.ca } : {}),
    ...(setup.clock ? { clock: setup.clock } : {}),
    log: setup.log,
    publicHost: portal.hostname,
    statusDelayMs: testPaymentDelayMs(setup.env ?? process.env),
  });
  const provider = new TestPaymentProvider({
    url: service.url,
    apiKey: secrets.testPaymentsApiKey,
    webhookSecret: secrets.testPaymentsWebhookSecret,
    ...(setup.ca ? { ca: setup.ca } : {}),
    ...(setup.clock ? { clock: setup.clock } : {}),
  });
  return {
    provider,
    testServiceUrl: service.url,
    close: async () => {
      provider.close();
      await service.close();
    },
  };
}
