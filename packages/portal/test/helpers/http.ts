import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

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
