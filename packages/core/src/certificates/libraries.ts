/**
 * The certificate libraries, loaded on first use. @peculiar/x509 (with tsyringe and the Reflect polyfill it needs)
 * and node-forge take longer to load than Node itself takes to start, and validating, parsing and the CLI's help
 * never touch a certificate. Loaded through `require` so that the synchronous certificate functions can load them.
 */
import { createRequire } from 'node:module';
import type * as X509 from '@peculiar/x509';
import type Forge from 'node-forge';

const require = createRequire(import.meta.url);
let x509Library: typeof X509 | undefined;
let forgeLibrary: typeof Forge | undefined;

/** @peculiar/x509, with the Reflect polyfill loaded before it and WebCrypto as its crypto provider. */
export function peculiarX509(): typeof X509 {
  if (!x509Library) {
    require('reflect-metadata');
    const library = require('@peculiar/x509') as typeof X509;
    library.cryptoProvider.set(globalThis.crypto);
    x509Library = library;
  }
  return x509Library;
}

/** node-forge (its ASN.1, PBE and MAC primitives write and read PKCS#12 files). */
export function nodeForge(): typeof Forge {
  forgeLibrary ??= require('node-forge') as typeof Forge;
  return forgeLibrary;
}
