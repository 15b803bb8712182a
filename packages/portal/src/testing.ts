/** Internals other packages' tests use (not part of the portal's public API). */
export { authenticate } from './backoffice/api-keys.ts';
export { demoConfig } from './config/demo.ts';
export { openStore } from './storage/database.ts';
