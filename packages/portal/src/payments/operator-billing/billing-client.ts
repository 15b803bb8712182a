import { Agent } from 'node:https';
import { MbprovError } from '@mbprov/core';
import { isJsonContentType, sendBoundedJson } from '../../http/bounded-json.ts';
import { signRequest } from './request-signing.ts';
import { API_VERSION, HEADERS } from './wire.ts';

/** The largest answer read from the billing system: a charge is a few hundred bytes. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** How to reach the billing system. Secrets are values here; configuration names the variables that hold them. */
export interface BillingClientOptions {
  /** `https://host[:port][/prefix]`: the API's paths (`/v1/...`) are appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** The HMAC-SHA256 key of `Mbprov-Billing-Signature`. */
  signingSecret: string;
  /** CA certificates (PEM) trusted for the billing server instead of the system's; unset: the system's. */
  ca?: string;
  /** Client certificate and key (PEM) presented when the billing server asks for one (mutual TLS). */
  cert?: string;
  key?: string;
  /** Every call ends within this many milliseconds, however slowly the server answers. */
  timeoutMs: number;
  /** Largest answer in bytes (default {@link MAX_ANSWER_BYTES}). */
  maxAnswerBytes?: number;
  /** The clock of the signature timestamps (tests move it). */
  clock?: () => Date;
}

/** An answer of the billing API: its HTTP status and its JSON body. */
export interface BillingAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends signed requests of the operator-billing API over HTTPS and reads their answers, bounded in time and size.
 * Every way a call can fail (unreachable, TLS refused, not an answer of this API, too large, not JSON) is an
 * `MbprovError` `MBPROV_PAYMENT_PROVIDER_UNAVAILABLE` whose message names the call and never holds the token, the
 * secret or a body; running out of time is the value `'timeout'`, since the caller decides what an unknown outcome
 * means. Connections are not kept alive: a purchase makes one or two calls, and a kept socket the server closes
 * between them would fail the next call (the agent still resumes TLS sessions).
 */
export class BillingClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(private readonly options: BillingClientOptions) {
    this.base = new URL(options.baseUrl);
    if (this.base.protocol !== 'https:')
      throw new MbprovError('MBPROV_CONFIG_INVALID', `the billing URL ${options.baseUrl} is not https`);
    this.agent = new Agent({
      keepAlive: false,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.cert && options.key ? { cert: options.cert, key: options.key } : {}),
    });
  }

  /**
   * Sends one request: `path` from the version on (`/v1/charges`), `body` as JSON for a POST. Resolves with the
   * answer whatever its status, or `'timeout'`.
   */
  async send(method: 'GET' | 'POST', path: string, body?: object): Promise<BillingAnswer | 'timeout'> {
    const call = `${method} ${path}`;
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8');
    const timestamp = String(Math.floor((this.options.clock?.() ?? new Date()).getTime() / 1000));
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.options.token}`,
      [HEADERS.version]: API_VERSION,
      [HEADERS.timestamp]: timestamp,
      [HEADERS.signature]: signRequest(this.options.signingSecret, {
        timestamp,
        method,
        path,
        body: payload,
      }),
    };
    if (method === 'POST') headers['content-type'] = 'application/json';
    const url = new URL(this.base.href.replace(/\/$/, '') + path);
    const maxBytes = this.options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    const outcome = await sendBoundedJson({
      url,
      method,
      headers,
      payload,
      agent: this.agent,
      timeoutMs: this.options.timeoutMs,
      maxBytes,
      checkHead: (status, answer) => {
        if (answer[HEADERS.version] !== API_VERSION)
          return `HTTP ${status} without Mbprov-Billing-Version ${API_VERSION}: not an answer of this billing API`;
        if (!isJsonContentType(answer['content-type'])) return `HTTP ${status} is not application/json`;
        return undefined;
      },
    });
    if (outcome === 'timeout') return 'timeout';
    if ('problem' in outcome) {
      const problem = outcome.problem.replace(/^cannot connect:/, 'cannot reach the billing system:');
      throw new MbprovError('MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', `${call}: ${problem}`);
    }
    return { status: outcome.status, body: outcome.body };
  }

  /** Closes the agent's connections. */
  close(): void {
    this.agent.destroy();
  }
}
