/** Internals other packages' tests use (not part of the portal's public API). */
export { authenticate } from './backoffice/api-keys.ts';
export { openStore } from './storage/database.ts';
