/**
 * The certificate libraries, loaded on first use. @peculiar/x509 (with tsyringe and the Reflect polyfill it needs)
 * and node-forge take longer to load than Node itself takes to start, and validating, parsing and the CLI's help
 * never touch a certificate; reading a certificate (verification) needs only the ASN.1 schemas below them. Loaded through `require` so that the synchronous certificate functions can load them.
 */
import { createRequire } from 'node:module';
import type * as Asn1Cms from '@peculiar/asn1-cms';
import type * as Asn1Schema from '@peculiar/asn1-schema';
import type * as Asn1X509 from '@peculiar/asn1-x509';
import type * as X509 from '@peculiar/x509';
import type Forge from 'node-forge';

const require = createRequire(import.meta.url);
let x509Library: typeof X509 | undefined;
let forgeLibrary: typeof Forge | undefined;
let asn1Library: { schema: typeof Asn1Schema; x509: typeof Asn1X509 } | undefined;
let cmsLibrary: typeof Asn1Cms | undefined;

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

/**
 * The ASN.1 schemas of X.509 that @peculiar/x509 is built on (@peculiar/asn1-x509 and asn1-schema), without the rest
 * of it: reading a certificate's names and extensions needs only these, at half the load time of the whole library
 * (no tsyringe, no Reflect polyfill, no CMS, PKCS#12 or CSR schemas). What `mbprov verify` loads.
 */
export function asn1X509(): { schema: typeof Asn1Schema; x509: typeof Asn1X509 } {
  asn1Library ??= {
    schema: require('@peculiar/asn1-schema') as typeof Asn1Schema,
    x509: require('@peculiar/asn1-x509') as typeof Asn1X509,
  };
  return asn1Library;
}

/** The ASN.1 schemas of CMS (@peculiar/asn1-cms) beside those of X.509: what signing an Apple profile loads. */
export function asn1Cms(): { schema: typeof Asn1Schema; x509: typeof Asn1X509; cms: typeof Asn1Cms } {
  cmsLibrary ??= require('@peculiar/asn1-cms') as typeof Asn1Cms;
  return { ...asn1X509(), cms: cmsLibrary };
}
