import { MbprovError } from '@mbprov/core';
import type { FastifyRequest } from 'fastify';

/**
 * A preHandler refusing a state-changing form post that a browser sent from a page of another site: its `Origin`
 * header, or without one its `Referer`, must be the origin of `server.publicUrl` (scheme, host and port). This adds
 * to the CSRF token, which a cross-site page cannot read but whose cookie a browser may still send.
 *
 * `Origin: null` (an opaque origin: a sandboxed frame, a page with `Referrer-Policy: no-referrer`) is refused like
 * any other site; the portal's own pages send `Referrer-Policy: same-origin`, so that their posts carry their origin.
 * A request with neither header is accepted on purpose: Windows' legacy web host, the one with
 * `window.external.msProvisionNetworks`, may send neither, and neither do HTTP clients that are not browsers (the
 * CLI's demo). Such a request still needs the CSRF token and its cookie.
 */
export function sameOriginGuard(publicUrl: string): (request: FastifyRequest) => Promise<void> {
  const own = new URL(publicUrl).origin;
  return async (request) => {
    const origin = header(request, 'origin');
    const referer = header(request, 'referer');
    if (origin === undefined && referer === undefined) return;
    const claimed = origin ?? originOf(referer as string);
    if (claimed === own) return;
    throw new MbprovError(
      'MBPROV_CROSS_ORIGIN',
      `A form post from ${JSON.stringify((claimed ?? referer ?? '').slice(0, 100))}, not ${own}, was refused.`,
    );
  };
}

function header(request: FastifyRequest, name: 'origin' | 'referer'): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
