import { type Agent, request } from 'node:https';

/** An HTTPS response, body decoded as UTF-8. */
export interface SessionResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A client that behaves like a browser tab for the demo: one origin, cookies kept between requests, TLS verified
 * against the portal's (development) certificate rather than switched off.
 */
export class HttpsSession {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    /** PEM to trust (the portal's development certificate); the agent's or the system's when undefined. */
    private readonly ca: string | undefined,
    private readonly headers: Record<string, string> = {},
    /** Connections to reuse (a keep-alive agent), as a browser tab does; default: one connection per request. */
    readonly agent?: Agent,
  ) {}

  get(path: string): Promise<SessionResponse> {
    return this.send('GET', path);
  }

  /** Posts an HTML form (application/x-www-form-urlencoded). */
  postForm(path: string, form: Record<string, string>): Promise<SessionResponse> {
    return this.send('POST', path, new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded');
  }

  /** Posts JSON. */
  postJson(path: string, value: unknown): Promise<SessionResponse> {
    return this.send('POST', path, JSON.stringify(value), 'application/json');
  }

  private send(method: string, path: string, body?: string, contentType?: string): Promise<SessionResponse> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.baseUrl),
        {
          method,
          ...(this.ca ? { ca: this.ca } : {}),
          ...(this.agent ? { agent: this.agent } : {}),
          headers: {
            ...this.headers,
            ...(cookie ? { cookie } : {}),
            ...(contentType ? { 'content-type': contentType } : {}),
          },
        },
        (res) => {
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair = ''] = line.split(';');
            const at = pair.indexOf('=');
            if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** The value attribute of the form field named `name` in a page. */
export function formValue(html: string, name: string): string | undefined {
  for (const tag of html.match(/<input\b[^>]*>/g) ?? []) {
    if (new RegExp(`\\bname="${name}"`).test(tag)) return /\bvalue="([^"]*)"/.exec(tag)?.[1];
  }
  return undefined;
}

/** Every value a radio group offers in a page, in order. */
export function radioValues(html: string, name: string): string[] {
  return (html.match(/<input\b[^>]*>/g) ?? [])
    .filter((tag) => tag.includes('type="radio"') && new RegExp(`\\bname="${name}"`).test(tag))
    .map((tag) => /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '');
}
