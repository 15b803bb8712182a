import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for `options`, computed once by running helmet on a stand-in response: every answer carries
 * them (set from this table by one hook, and by the early error answers written before any hook runs), so that they
 * cannot drift between answers, and no request pays for helmet parsing its directives again.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: () => {},
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * The Content-Security-Policy of a page: `csp` with the page's nonce allowed in script-src and style-src. Only pages
 * carry script and style tags, so only they draw a nonce; JSON, XML and empty answers keep the policy without one.
 */
export function withNonce(csp: string, nonce: string): string {
  return csp.replace(/(^|;)(script-src|style-src)( [^;]*)/g, `$1$2$3 'nonce-${nonce}'`);
}
