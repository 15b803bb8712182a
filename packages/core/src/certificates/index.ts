/** Certificates: test EV chains, reading and describing certificates, PKCS#12 files, TrustedCertificate entries. */
export * from './chain.ts';
export {
  formatWindowsDn,
  type NameAttribute,
  parseWindowsDn,
  type RdnSequence,
  windowsDnOfName,
} from './distinguished-name.ts';
export * from './facts.ts';
export * from './generate.ts';
export * from './inspect.ts';
export * from './pkcs12.ts';
export * from './profile.ts';
export * from './trusted-certificates.ts';
