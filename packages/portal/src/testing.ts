/**
 * @mbprov/portal/testing: what tests and benchmarks of the portal use beside its public API (the demo configuration,
 * the secrets loader, the API key check, the store opener). Not part of the portal's public entry.
 */
export { authenticate } from './backoffice/api-keys.ts';
export { demoConfig } from './config/demo.ts';
export { loadSecrets, type Secrets } from './security/secrets.ts';
export { openStore } from './storage/database.ts';
