import type { Signer } from './activation/signer.ts';
import type { Config } from './config/schema.ts';
import type { EsimOrders } from './esim/orders.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Mailer } from './mail/smtp-mailer.ts';
import type { PortalMetrics } from './metrics.ts';
import type { PaymentProvider } from './payments/provider.ts';
import type { Secrets } from './security/secrets.ts';
import type { Store } from './storage/database.ts';

/** The minimal logger the services use (pino's shape). Never give it secrets. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the portal's services share: configuration, storage, keys, payments, clock, log. */
export interface PortalContext {
  config: Config;
  store: Store;
  secrets: Secrets;
  signer: Signer;
  payments: PaymentProvider;
  /** The current time (tests move it). */
  clock: () => Date;
  log: Logger;
  /** Background jobs (document regeneration, expiry sweeps); absent in tests that do not need them. */
  queue?: JobQueue;
  /** Sends the receipt e-mails; present when `smtp` is configured (the plans page then offers the receipt field). */
  mailer?: Mailer;
  metrics?: PortalMetrics;
  /** eSIM profiles through the operator's SM-DP+; present when `esim` is configured (docs/mobile-plans.md). */
  esim?: EsimOrders;
}
