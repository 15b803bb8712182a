import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { ACCEPTED_TEST_CARD, payOnTestPage, type TestCard } from '../../../cli/src/demo/test-payment-page.ts';

/** A browser for in-process requests: keeps cookies between requests like a real one. */
export class Browser {
  private readonly cookies = new Map<string, string>();

  /** @param remoteAddress the client address the portal sees (light-my-request's default is 127.0.0.1) */
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
    private readonly remoteAddress?: string,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of response.cookies as Array<{ name: string; value: string }>)
      this.cookies.set(c.name, c.value);
    return response;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
        headers: { ...this.headers, cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  async post(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        ...(this.remoteAddress ? { remoteAddress: this.remoteAddress } : {}),
        payload: new URLSearchParams(form).toString(),
        headers: {
          ...this.headers,
          cookie: this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
      }),
    );
  }
}

/** The value of a hidden form field in a page. */
export function field(html: string, name: string): string {
  const m = new RegExp(`name="${name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!m) throw new Error(`no field ${name} in the page`);
  return (m[1] ?? m[2]) as string;
}

/** The signed XML embedded in the completion page. */
export function embeddedDocument(html: string): string {
  const m = /<script type="application\/xml" id="provisioning-document"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no provisioning document in the page');
  return (m[1] as string).replace(/<\\([/!\\])/g, '<$1');
}

/**
 * Follows the answer of POST /checkout as a customer does: to the test payment service's hosted page (real HTTPS),
 * pays there with `card`, and back to the portal's return URL in this browser; answers the portal's answer to the
 * return (303 to /complete when paid).
 */
export async function payAndReturn(
  browser: Browser,
  checkout: LightMyRequestResponse,
  ca: string,
  card: TestCard = ACCEPTED_TEST_CARD,
): Promise<LightMyRequestResponse> {
  const page = String(checkout.headers.location);
  assert.equal(
    checkout.statusCode,
    303,
    `the checkout answered ${checkout.statusCode}: ${checkout.body.slice(0, 300)}`,
  );
  assert.match(page, /^https:\/\/[^/]+\/pay\//, 'to the hosted payment page');
  const paid = await payOnTestPage(page, card, { ca });
  assert.equal(paid.status, 303, `the payment page answered ${paid.status}`);
  return browser.get(new URL(String(paid.location)).pathname);
}
