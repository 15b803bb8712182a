/**
 * The endpoints the Mobile Plans walled garden must always let through (mobile-plans-walled-garden.md), besides the
 * operator's portal and the hosts it needs (backoffice/policy.ts adds those): host names only, the documentation
 * says IP ranges are not supported. `Ocsp.digicert.com` is written in lower case (host names compare without case);
 * the documented `*smartscreen.microsoft.com` is read as the domain and its subdomains.
 */
export interface WalledGardenEndpoint {
  /** A host name, or `*.domain` for the domain's subdomains. */
  host: string;
  http: boolean;
  https: boolean;
}

const http = (host: string): WalledGardenEndpoint => ({ host, http: true, https: false });
const both = (host: string): WalledGardenEndpoint => ({ host, http: true, https: true });
const https = (host: string): WalledGardenEndpoint => ({ host, http: false, https: true });

/** Every documented Mobile Plans walled-garden endpoint, in the documentation's order. */
export const MOBILE_PLANS_WALLED_GARDEN: readonly WalledGardenEndpoint[] = [
  http('ctldl.windowsupdate.com'),
  http('cdp1.public-trust.com'),
  http('ocsp.omniroot.com'),
  http('vassg142.ocsp.omniroot.com'),
  http('vassg142.crl.omniroot.com'),
  http('mscrl.microsoft.com'),
  http('crl.microsoft.com'),
  http('www.msftconnecttest.com'),
  http('crl3.digicert.com'),
  http('ocsp.digicert.com'),
  both('login.live.com'),
  both('storagetos.datamart.windows.com'),
  both('mps.datamart.windows.com'),
  both('staging.datamart.windows.com'),
  https('smartscreen.microsoft.com'),
  https('*.smartscreen.microsoft.com'),
];
