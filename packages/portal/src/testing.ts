/**
 * @mbprov/portal/testing: what tests and benchmarks of the portal use beside its public API (the demo configuration,
 * the secrets loader, the reader of stored documents, the activation of a captured checkout and what prepares one, the API key check, the store opener, the server without its listener, the periodic jobs and
 * the statements of their pages, the rate counter the portal's limits count in, the test SM-DP+ and the ES2+ client). Not part of the portal's public entry.
 */
export { newCheckoutId } from './activation/checkout.ts';
export { openStoredDocument } from './activation/documents-at-rest.ts';
export { orderNumber } from './activation/order-number.ts';
export { activateCaptured } from './activation/payment-confirmation.ts';
export { subscriberForSim } from './activation/subscribers.ts';
export { authenticate } from './backoffice/api-keys.ts';
export { demoConfig } from './config/demo.ts';
export { Es2plusClient, type Es2plusClientOptions } from './esim/es2plus-client.ts';
export { createEsimOrders } from './esim/esim-orders.ts';
export { SmdpError } from './esim/smdp-error.ts';
export {
  type RecordedEs2Request,
  type SentNotification,
  startTestSmdp,
  type TestSmdp,
  type TestSmdpNotifications,
  type TestSmdpOptions,
} from './esim/test-smdp.ts';
export type { SmdpProfile, SmdpProfileState } from './esim/test-smdp-profiles.ts';
export { expireSweep, JOB_PAGE_SIZE, PRUNE_PAGE_SIZE } from './jobs/tasks.ts';
export { openRateCounter } from './rate-limits/open.ts';
export { loadSecrets, type Secrets } from './security/secrets.ts';
export { hashToken } from './security/tokens.ts';
export { buildServer } from './server.ts';
export { getCheckout, insertCheckout, markCaptured } from './storage/checkouts.ts';
export { openStore, type RanStatement } from './storage/database.ts';
export { pruneDocumentsPage } from './storage/documents.ts';
export { esimProfileByIccid, esimProfileCounts } from './storage/esim-profiles.ts';
export { findSim } from './storage/sims.ts';
export { activeSubscriptionsPage } from './storage/subscriptions.ts';
