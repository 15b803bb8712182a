import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type BoundedJsonOutcome, isJsonContentType, sendBoundedJson } from '../http/bounded-json.ts';
import {
  ADMIN_PROTOCOL,
  ADMIN_PROTOCOL_HEADER,
  ADMIN_PROTOCOL_PATTERN,
  type CancelOrderRequest,
  type ConfirmOrderRequest,
  type DownloadOrderRequest,
  ES2PLUS_FUNCTIONS,
  ES2PLUS_PATH,
  type Es2plusFunction,
  type ExecutionStatusBody,
  NOTIFICATION_POINTS,
  REQUESTS,
  type ReleaseProfileRequest,
  RequestHeader,
  type StatusCodeData,
} from './es2plus-wire.ts';
import { Refusal, type SmdpProfile, SmdpProfiles } from './test-smdp-profiles.ts';

/** How a test SM-DP+ runs. */
export interface TestSmdpOptions {
  /** Its server certificate and key (PEM). */
  tls: { key: string; cert: string };
  /** The CA (PEM) whose client certificates it accepts: the TLS handshake refuses any other, and none. */
  clientCa: string;
  /** The functionRequesterIdentifier of the operator it serves; another is refused (1.1/1.1). */
  functionRequesterIdentifier: string;
  /** Its SM-DP+ address, answered by ConfirmOrder and put in Activation Codes. */
  address: string;
  /** The profiles it holds at start. */
  profiles?: ReadonlyArray<{ iccid: string; profileType?: string }>;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where its HandleDownloadProgressInfo notifications go (the portal), and how. */
  notifications?: TestSmdpNotifications;
}

/** Where the test SM-DP+ posts its notifications. */
export interface TestSmdpNotifications {
  /** The portal's base URL: `/gsma/rsp2/es2plus/handleDownloadProgressInfo` is appended. */
  url: string;
  /** The portal's API key (scope smdp), sent as a bearer token. */
  apiKey: string;
  /** CA (PEM) trusted for the portal's certificate. */
  ca?: string;
  timeoutMs?: number;
}

/** One request the test SM-DP+ received, as it judged it. */
export interface RecordedEs2Request {
  function: string;
  /** The SHA-256 fingerprint of the client certificate the request came with. */
  clientCertificate: string;
  adminProtocol: string | undefined;
  contentType: string | undefined;
  /** The parsed body (undefined when it was not JSON). */
  body: unknown;
  /** The functionExecutionStatus answered (undefined for an HTTP-level refusal). */
  answer: ExecutionStatusBody | undefined;
  httpStatus: number;
}

/** A notification the test SM-DP+ sent, and how the portal answered. */
export interface SentNotification {
  iccid: string;
  notificationPointId: number;
  status: ExecutionStatusBody['status'];
  /** The HTTP status of the portal's answer, 0 when there was none. */
  httpStatus: number;
  /** The portal's answer body (undefined for 204). */
  answer: unknown;
}

/** A running test SM-DP+. */
export interface TestSmdp {
  /** Its ES2+ base URL (`https://127.0.0.1:<port>`). */
  url: string;
  /** Its SM-DP+ address. */
  address: string;
  /** Every request, oldest first (the last MAX_RECORDED). */
  readonly requests: RecordedEs2Request[];
  /** Every notification sent. */
  readonly notifications: SentNotification[];
  /** The profiles and their states. */
  profiles(): SmdpProfile[];
  /** One profile. */
  profile(iccid: string): SmdpProfile | undefined;
  /** Adds profiles (Available). */
  addProfiles(profiles: ReadonlyArray<{ iccid: string; profileType?: string }>): void;
  /**
   * Plays the device: the eUICC `eid` downloads the released order of `matchingId` (ES9+ through the LPA), then
   * installs it (or fails with `installationFailure`), and the SM-DP+ notifies the portal at points 3 and 4
   * (HandleDownloadProgressInfo). Throws the SM-DP+'s refusal when no released order matches; answers the two
   * notifications as sent.
   */
  simulateDownload(
    matchingId: string,
    eid: string,
    options?: { installationFailure?: StatusCodeData },
  ): Promise<SentNotification[]>;
  close(): Promise<void>;
}

/** How many requests the record keeps (a demo may run for days). */
export const MAX_RECORDED = 1000;
/** How many functionCallIdentifiers it remembers to refuse a repeated one. */
const MAX_CALL_IDS = 100_000;
const MAX_BODY_BYTES = 64 * 1024;

const FUNCTIONS = new Set<string>(Object.values(ES2PLUS_FUNCTIONS));

/** Reads a request body up to a limit; undefined when it is larger (the rest is drained, not kept). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The refusal of a body that does not conform to its definition: a missing field, else an invalid one. */
function definitionRefusal(schema: TSchema, body: unknown): Refusal | undefined {
  const error = Value.Errors(schema, body).First();
  if (!error) return undefined;
  const at = error.path || '/';
  return /required/i.test(error.message)
    ? new Refusal('parameterMissing', `${at}: ${error.message}`)
    : new Refusal('parameterInvalid', `${at}: ${error.message}`);
}

/**
 * Starts a test SM-DP+: a real HTTPS server with mutual TLS on loopback that answers the four ES2+ functions the
 * portal calls as an SM-DP+ would. Each request is checked against the ES2+ message definitions (es2plus-wire.ts:
 * required fields, types, EID 32 digits, ICCID 19-20 digits, matching ID characters), the header (the operator's
 * functionRequesterIdentifier, a functionCallIdentifier never seen before), `X-Admin-Protocol` and the content type;
 * the TLS handshake refuses a client without a certificate of `clientCa`. A refusal is the answer an SM-DP+ gives:
 * HTTP 200, `Failed` with SGP.22's subject and reason codes, nothing changed. Profiles follow the SM-DP+ state
 * machine (test-smdp-profiles.ts). Every request is recorded. For tests and the demo only: it holds no profile
 * packages and speaks neither ES9+ nor ES8+ (what only a real SM-DP+ can: docs/mobile-plans.md).
 */
export async function startTestSmdp(options: TestSmdpOptions): Promise<TestSmdp> {
  const inventory = new SmdpProfiles();
  inventory.add(options.profiles ?? []);
  const requests: RecordedEs2Request[] = [];
  const notifications: SentNotification[] = [];
  const callIds = new Set<string>();
  const record = (entry: RecordedEs2Request) => {
    requests.push(entry);
    if (requests.length > MAX_RECORDED) requests.shift();
  };

  const answer = (res: ServerResponse, status: ExecutionStatusBody, output: object = {}) => {
    res.writeHead(200, {
      'content-type': 'application/json;charset=UTF-8',
      [ADMIN_PROTOCOL_HEADER]: ADMIN_PROTOCOL,
    });
    res.end(JSON.stringify({ header: { functionExecutionStatus: status }, ...output }));
  };

  /** Runs one function on a body that conforms to its definition; the output of a success. */
  const run = (fn: Es2plusFunction, body: unknown): object => {
    switch (fn) {
      case 'downloadOrder':
        return { iccid: inventory.downloadOrder(body as Static<typeof DownloadOrderRequest>).iccid };
      case 'confirmOrder': {
        const p = inventory.confirmOrder(body as Static<typeof ConfirmOrderRequest>);
        return { ...(p.eid ? { eid: p.eid } : {}), matchingId: p.matchingId, smdpAddress: options.address };
      }
      case 'cancelOrder':
        inventory.cancelOrder(body as Static<typeof CancelOrderRequest>);
        return {};
      case 'releaseProfile':
        inventory.releaseProfile(body as Static<typeof ReleaseProfileRequest>);
        return {};
      default:
        // The SM-DP+ receives no HandleDownloadProgressInfo: it sends it.
        throw new Refusal('parameterInvalid', `${fn} is not a function of this SM-DP+`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const clientCertificate = socket.getPeerCertificate().fingerprint256 ?? '';
    const fn = req.url?.startsWith(`${ES2PLUS_PATH}/`) ? req.url.slice(ES2PLUS_PATH.length + 1) : '';
    const adminProtocol = req.headers[ADMIN_PROTOCOL_HEADER] as string | undefined;
    const contentType = req.headers['content-type'];
    const base = { function: fn, clientCertificate, adminProtocol, contentType };
    const raw = await readBody(req);
    const refuse = (httpStatus: number) => {
      record({ ...base, body: undefined, answer: undefined, httpStatus });
      res.writeHead(httpStatus).end();
    };
    if (req.method !== 'POST' || !FUNCTIONS.has(fn)) return refuse(404);
    if (raw === undefined) return refuse(413);
    let body: unknown;
    let execution: ExecutionStatusBody = { status: 'Executed-Success' };
    let output: object = {};
    try {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new Refusal('parameterInvalid', 'the body is not JSON');
      }
      if (!isJsonContentType(contentType))
        throw new Refusal('parameterInvalid', 'Content-Type must be application/json');
      if (!adminProtocol || !ADMIN_PROTOCOL_PATTERN.test(adminProtocol))
        throw new Refusal('parameterInvalid', 'X-Admin-Protocol must be gsma/rsp/v2.x.y');
      const header = (body as { header?: unknown } | null)?.header;
      if (header === undefined) throw new Refusal('parameterMissing', '/header: required');
      const headerRefusal = definitionRefusal(RequestHeader, header);
      if (headerRefusal) throw headerRefusal;
      const { functionRequesterIdentifier, functionCallIdentifier } = header as RequestHeader;
      if (functionRequesterIdentifier !== options.functionRequesterIdentifier)
        throw new Refusal('requesterUnknown', 'the function requester is unknown');
      if (callIds.has(functionCallIdentifier))
        throw new Refusal('parameterInvalid', 'functionCallIdentifier was used before');
      callIds.add(functionCallIdentifier);
      if (callIds.size > MAX_CALL_IDS) callIds.delete(callIds.values().next().value as string);
      const typed = definitionRefusal(REQUESTS[fn as Es2plusFunction], body);
      if (typed) throw typed;
      output = run(fn as Es2plusFunction, body);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      execution = error.execution;
      output = {};
    }
    record({ ...base, body, answer: execution, httpStatus: 200 });
    answer(res, execution, output);
  };

  const server: Server = createServer(
    {
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.clientCa,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  const agent = new Agent({
    keepAlive: false,
    ...(options.notifications?.ca ? { ca: options.notifications.ca } : {}),
  });

  const notify = async (
    profile: SmdpProfile,
    point: number,
    status: ExecutionStatusBody,
  ): Promise<SentNotification> => {
    const target = options.notifications;
    const sent = { iccid: profile.iccid, notificationPointId: point, status: status.status };
    if (!target) return { ...sent, httpStatus: 0, answer: undefined };
    const body = {
      header: { functionRequesterIdentifier: options.address, functionCallIdentifier: randomUUID() },
      ...(profile.eid ? { eid: profile.eid } : {}),
      iccid: profile.iccid,
      profileType: profile.profileType,
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      notificationPointId: point,
      notificationPointStatus: status,
    };
    const outcome: BoundedJsonOutcome = await sendBoundedJson({
      url: new URL(`${target.url.replace(/\/$/, '')}${ES2PLUS_PATH}/handleDownloadProgressInfo`),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [ADMIN_PROTOCOL_HEADER]: ADMIN_PROTOCOL,
        authorization: `Bearer ${target.apiKey}`,
      },
      payload: Buffer.from(JSON.stringify(body)),
      agent,
      timeoutMs: target.timeoutMs ?? 10_000,
      maxBytes: 64 * 1024,
      allowEmpty: true,
    });
    const result =
      outcome === 'timeout' || 'problem' in outcome
        ? { ...sent, httpStatus: 0, answer: undefined }
        : { ...sent, httpStatus: outcome.status, answer: outcome.body };
    notifications.push(result);
    return result;
  };

  return {
    url: `https://127.0.0.1:${port}`,
    address: options.address,
    requests,
    notifications,
    profiles: () => inventory.list(),
    profile: (iccid) => inventory.get(iccid),
    addProfiles: (profiles) => inventory.add(profiles),
    async simulateDownload(matchingId, eid, simulation = {}) {
      const downloaded = inventory.download(matchingId, eid);
      const first = await notify(downloaded, NOTIFICATION_POINTS.download, { status: 'Executed-Success' });
      const failure = simulation.installationFailure;
      const installed = inventory.installed(downloaded.iccid, !failure);
      const second = await notify(
        installed,
        NOTIFICATION_POINTS.installation,
        failure ? { status: 'Failed', statusCodeData: failure } : { status: 'Executed-Success' },
      );
      return [first, second];
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
