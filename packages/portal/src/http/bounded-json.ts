import type { IncomingHttpHeaders } from 'node:http';
import { type Agent, request } from 'node:https';

/** One HTTPS call whose answer is JSON, bounded in time and size. */
export interface BoundedJsonCall {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** The request body (empty for a GET); its length is sent as content-length. */
  payload: Buffer;
  agent: Agent;
  /** The whole call (connect, TLS, request, every byte of the answer) ends within this many milliseconds. */
  timeoutMs: number;
  /** The largest answer read, in bytes. */
  maxBytes: number;
  /**
   * What is wrong with the answer's status and headers before its body is read (a missing protocol header, another
   * content type), if anything: the call then ends with that problem.
   */
  checkHead?: (status: number, headers: IncomingHttpHeaders) => string | undefined;
  /** Whether an answer without a body is an answer (`body` undefined) rather than "not JSON". */
  allowEmpty?: boolean;
}

/** How a bounded call ended: an answer, a problem (unreachable, refused, too large, not JSON), or out of time. */
export type BoundedJsonOutcome =
  | { status: number; headers: IncomingHttpHeaders; body: unknown }
  | { problem: string }
  | 'timeout';

/**
 * Sends one HTTPS request and reads its JSON answer. Never rejects: every failure is a `problem` sentence that names
 * no header or body (callers put it in messages and logs), and running out of time is `'timeout'`, since only the
 * caller knows what an unknown outcome means. One deadline covers the whole call: a server that trickles its answer
 * byte by byte never idles long enough for a socket timeout. An answer larger than `maxBytes` is cut off as soon as
 * it is (by its content-length, else while it streams).
 */
export function sendBoundedJson(call: BoundedJsonCall): Promise<BoundedJsonOutcome> {
  const { url, method, payload, agent, timeoutMs, maxBytes } = call;
  const headers = { ...call.headers };
  if (method === 'POST') headers['content-length'] = String(payload.length);
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: BoundedJsonOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      resolve(outcome);
      req.destroy();
    };
    const deadline = setTimeout(() => finish('timeout'), timeoutMs);
    const req = request(url, { method, headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      const problem = call.checkHead?.(status, res.headers);
      if (problem) return finish({ problem });
      const tooLarge = `HTTP ${status}: the answer is larger than ${maxBytes} bytes`;
      if (Number(res.headers['content-length'] ?? 0) > maxBytes) return finish({ problem: tooLarge });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) finish({ problem: tooLarge });
        else chunks.push(chunk);
      });
      res.on('end', () => {
        if (size === 0 && call.allowEmpty) return finish({ status, headers: res.headers, body: undefined });
        try {
          finish({ status, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch {
          finish({ problem: `HTTP ${status}: the answer is not JSON` });
        }
      });
      res.on('error', (error) => finish({ problem: `the answer broke off: ${error.message}` }));
      return undefined;
    });
    req.on('error', (error) => finish({ problem: `cannot connect: ${error.message}` }));
    req.end(payload);
  });
}

/** Whether a content-type header says JSON (`application/json`, with parameters or not). */
export function isJsonContentType(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}
