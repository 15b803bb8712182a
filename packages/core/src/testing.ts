/**
 * @mbprov/core/testing: helpers for testing code that verifies documents (certificates that are wrong in exactly
 * one way). Not part of the library's entry: nothing in production needs them.
 */
export {
  BROKEN_SIGNER_KINDS,
  type BrokenSignerKind,
  createBrokenSigner,
  UNKNOWN_EXTENSION_OID,
} from './certificates/broken-signers.ts';
