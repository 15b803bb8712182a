import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for `options` (the same helmet @fastify/helmet runs), without per-request CSP nonces: for
 * answers written before any Fastify hook runs, which @fastify/helmet never sees. Computed by running helmet on a
 * stand-in response, so they cannot drift from the headers of every other answer.
 */
export function securityHeaders(options: FastifyHelmetOptions): Record<string, string> {
  // The plugin's own options, which helmet refuses.
  const { enableCSPNonces: _nonces, global: _global, ...helmetOptions } = options;
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name] = String(value);
    },
    removeHeader: () => {},
  };
  // @fastify/helmet's types read helmet's CommonJS declarations and this module its ESM ones: one shape, two names.
  helmet(helmetOptions as HelmetOptions)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error) => {
      if (error) throw error;
    },
  );
  return headers;
}
