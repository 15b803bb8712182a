import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { MbprovError } from '@mbprov/core';
import type { TSchema } from '@sinclair/typebox';
import { isJsonContentType, sendBoundedJson } from '../http/bounded-json.ts';
import { wireProblem } from '../http/wire-problem.ts';
import {
  ADMIN_PROTOCOL,
  ADMIN_PROTOCOL_HEADER,
  ADMIN_PROTOCOL_PATTERN,
  ConfirmOrderOutput,
  DownloadOrderOutput,
  ES2PLUS_PATH,
  Es2plusAnswer,
  type Es2plusFunction,
  REQUESTS,
  type ResponseHeader,
  unpaddedIccid,
} from './es2plus-wire.ts';
import type { ConfirmOrderInput, Smdp } from './smdp.ts';
import { refusalOf, SmdpError } from './smdp-error.ts';

/** The largest ES2+ answer read: the answers of these four functions are a few hundred bytes. */
export const MAX_ES2PLUS_ANSWER_BYTES = 64 * 1024;

/** How to reach the SM-DP+'s ES2+ interface. */
export interface Es2plusClientOptions {
  /** `https://host[:port][/prefix]`: `/gsma/rsp2/es2plus/<function>` is appended. */
  url: string;
  /** The operator's identifier at the SM-DP+ (functionRequesterIdentifier of every request). */
  functionRequesterIdentifier: string;
  /** The client certificate and its key (PEM): ES2+ is mutually authenticated TLS. */
  cert: string;
  key: string;
  /** CA certificates (PEM) trusted for the SM-DP+'s server certificate instead of the system's. */
  ca?: string;
  /** Every call ends within this many milliseconds. */
  timeoutMs: number;
  /** Largest answer in bytes (default {@link MAX_ES2PLUS_ANSWER_BYTES}). */
  maxAnswerBytes?: number;
}

/**
 * The ES2+ client (GSMA SGP.22 5.3 over the JSON binding of 6.5): POSTs each function with a header naming the
 * operator and a fresh functionCallIdentifier, `X-Admin-Protocol` and `Content-Type: application/json`, over TLS
 * with the operator's client certificate. An answer must be HTTP 200, JSON, carry an `X-Admin-Protocol` of version 2
 * and a valid header; after a success its output is checked too. Whatever else comes back (another status, an
 * oversized or malformed body, nothing in time) is an {@link SmdpError}: MBPROV_SMDP_UNAVAILABLE, its outcome unknown
 * when the request may have reached the SM-DP+. A refusal (Failed, Expired) maps by its subject and reason codes
 * (smdp-error.ts). Messages never hold the key or a whole body.
 */
export class Es2plusClient implements Smdp {
  private readonly agent: Agent;
  private readonly base: string;

  constructor(private readonly options: Es2plusClientOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:')
      throw new MbprovError('MBPROV_CONFIG_INVALID', `the ES2+ URL ${options.url} is not https`);
    this.base = url.href.replace(/\/$/, '');
    this.agent = new Agent({
      keepAlive: false,
      cert: options.cert,
      key: options.key,
      ...(options.ca ? { ca: options.ca } : {}),
    });
  }

  async downloadOrder(input: {
    eid?: string;
    iccid?: string;
    profileType?: string;
  }): Promise<{ iccid: string }> {
    const output = await this.call('downloadOrder', input, DownloadOrderOutput);
    return { iccid: unpaddedIccid(output.iccid as string) };
  }

  async confirmOrder(
    input: ConfirmOrderInput,
  ): Promise<{ matchingId: string; eid?: string; smdpAddress?: string }> {
    const output = await this.call('confirmOrder', input, ConfirmOrderOutput);
    return {
      matchingId: output.matchingId as string,
      ...(typeof output.eid === 'string' ? { eid: output.eid } : {}),
      ...(typeof output.smdpAddress === 'string' ? { smdpAddress: output.smdpAddress } : {}),
    };
  }

  async cancelOrder(input: Parameters<Smdp['cancelOrder']>[0]): Promise<void> {
    await this.call('cancelOrder', input);
  }

  async releaseProfile(input: { iccid: string }): Promise<void> {
    await this.call('releaseProfile', input);
  }

  /** Closes the agent's connections. */
  close(): void {
    this.agent.destroy();
  }

  /** One function call: the request checked against its definition first, then sent, then its answer read. */
  private async call(fn: Es2plusFunction, input: object, output?: TSchema): Promise<Record<string, unknown>> {
    const body = {
      header: {
        functionRequesterIdentifier: this.options.functionRequesterIdentifier,
        functionCallIdentifier: randomUUID(),
      },
      ...input,
    };
    // A request the SM-DP+ would refuse is refused here, before it goes out (nothing reserved, nothing to undo).
    const invalid = wireProblem(REQUESTS[fn], body);
    if (invalid)
      throw new SmdpError('MBPROV_SMDP_REFUSED', fn, `the request is not valid ES2+: ${invalid}`, {
        outcomeUnknown: false,
      });
    const { timeoutMs, maxAnswerBytes = MAX_ES2PLUS_ANSWER_BYTES } = this.options;
    const outcome = await sendBoundedJson({
      url: new URL(`${this.base}${ES2PLUS_PATH}/${fn}`),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        [ADMIN_PROTOCOL_HEADER]: ADMIN_PROTOCOL,
      },
      payload: Buffer.from(JSON.stringify(body), 'utf8'),
      agent: this.agent,
      timeoutMs,
      maxBytes: maxAnswerBytes,
      checkHead: (status, headers) => {
        if (status !== 200) return `HTTP ${status} instead of 200`;
        if (!isJsonContentType(headers['content-type'])) return 'the answer is not application/json';
        const protocol = headers[ADMIN_PROTOCOL_HEADER];
        if (typeof protocol !== 'string' || !ADMIN_PROTOCOL_PATTERN.test(protocol))
          return 'the answer has no X-Admin-Protocol gsma/rsp/v2.x.y';
        return undefined;
      },
    });
    const unavailable = (message: string, outcomeUnknown: boolean) =>
      new SmdpError('MBPROV_SMDP_UNAVAILABLE', fn, message, { outcomeUnknown });
    if (outcome === 'timeout') throw unavailable(`no answer within ${timeoutMs} ms`, true);
    // Refused before the TLS handshake ended (no client certificate accepted, unknown server): nothing was sent.
    if ('problem' in outcome)
      throw unavailable(
        outcome.problem,
        !/^cannot connect: .*(ECONNREFUSED|ENOTFOUND|certificate|handshake|alert)/i.test(outcome.problem),
      );
    const headerProblem = wireProblem(Es2plusAnswer, outcome.body);
    if (headerProblem) throw unavailable(`the answer is not an ES2+ answer: ${headerProblem}`, true);
    const answer = outcome.body as { header: ResponseHeader } & Record<string, unknown>;
    const status = answer.header.functionExecutionStatus;
    if (status.status !== 'Executed-Success' && status.status !== 'Executed-WithWarning')
      throw refusalOf(fn, status);
    const outputProblem = output ? wireProblem(output, answer) : undefined;
    if (outputProblem) throw unavailable(`the answer's output is not valid: ${outputProblem}`, true);
    return answer;
  }
}
