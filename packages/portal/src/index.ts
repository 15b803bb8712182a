/**
 * @mbprov/portal: the operator purchase and activation web site, RefreshURL and back office. `startPortal` runs it
 * from a configuration; the rest is what the `mbprov` command and embedders use around it (configuration, signer
 * checks, API keys, the COSA export, the demo inventory). Test helpers: `@mbprov/portal/testing`.
 */

export { checkSigner, loadSigner, type Signer, WARN_DAYS } from './activation/signer.ts';
export { createApiKey, revokeApiKey, SCOPES, type Scope } from './backoffice/api-keys.ts';
export {
  ESIM_INVENTORY_MAX_BYTES,
  type EsimImportSummary,
  importEsimInventory,
  readEsimInventory,
} from './backoffice/esim-inventory.ts';
export { walledGardenOf } from './backoffice/policy.ts';
export { demoSims } from './config/demo.ts';
export { type ConfigSource, loadConfig } from './config/load.ts';
export { type Config, ConfigSchema, type EsimSettings } from './config/schema.ts';
export type { PortalContext } from './context.ts';
export {
  accountExperienceUrl,
  COSA_PURPOSE_GUIDS,
  COSA_SETTINGS,
  type CosaEntry,
  type CosaNote,
  type CosaOptions,
  type CosaSettingName,
  cosaEntries,
  toCosaCsv,
  toCosaJson,
} from './cosa/export.ts';
export {
  type Es2plusCredentials,
  type Es2plusSettings,
  readEs2plusCredentials,
} from './esim/es2plus-credentials.ts';
export type { EsimOrder, EsimOrders, StuckOrders } from './esim/orders.ts';
export type { ConfirmOrderInput, Smdp } from './esim/smdp.ts';
export { freeLoopbackPort } from './free-port.ts';
export {
  type WriteFreeRadiusOptions,
  type WrittenFreeRadiusConfig,
  writeFreeRadiusConfig,
} from './freeradius/write-config.ts';
export {
  type HotspotCredentials,
  hotspotDescriptionOf,
  profileSignerOf,
  signedMobileconfig,
} from './hotspot/device-profiles.ts';
export { storedCredentials } from './hotspot/stored-credentials.ts';
export { type Mailer, openSmtpMailer } from './mail/smtp-mailer.ts';
export { MOBILE_PLANS_WALLED_GARDEN, type WalledGardenEndpoint } from './mobile-plans/walled-garden.ts';
export { configuredPaymentHosts } from './payments/open.ts';
export type { PaymentProvider } from './payments/provider.ts';
export { TestPaymentProvider } from './payments/test-provider.ts';
export { TEST_CARDS } from './payments/test-service/cards.ts';
export {
  DynamicAuthorizationClient,
  type DynamicAuthorizationOptions,
  type DynamicAuthorizationResult,
  type NasTarget,
  type SessionIdentity,
} from './radius/dynamic-authorization.ts';
export { type ConfiguredNas, configuredNases, endSession } from './radius/nas.ts';
export { readTlsFiles } from './security/tls.ts';
export { FORCED_EXIT_STATUS, type ShutdownOptions, stopOnSignals } from './shutdown.ts';
export { type RunningPortal, startPortal } from './start.ts';
export { listApiKeys } from './storage/api-keys.ts';
export { configuredStore, openStore, type Store } from './storage/database.ts';
export { CHECKOUT_FIELDS } from './views/render.ts';
