import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createCertificate, type TestCertificate } from '@mbprov/core';
import { signatureProblem } from '../../src/payments/operator-billing/request-signing.ts';
import {
  API_VERSION,
  type Charge,
  ChargeRequest,
  HEADERS,
  type REFUSAL_REASONS,
  RefundRequest,
  wireProblem,
} from '../../src/payments/operator-billing/wire.ts';
import { hashToken, matchesHash } from '../../src/security/tokens.ts';

/**
 * A reference implementation of the operator-billing API v1 (docs/payments-operator-billing.md) for the tests: what
 * an operator's billing system must do, over real HTTPS on loopback. It authenticates every request (bearer token,
 * HMAC signature, replay window, optionally a client certificate), validates every body, keeps charges by charge id
 * idempotently, debits and credits accounts in a ledger (so a test can count money moved), refuses barred accounts
 * and short balances, and keeps charges of "pending" accounts open until `settle`. `fault` makes it misbehave the
 * ways a real system or the network can, so that the client's handling of each is tested.
 */

/** An account of the billing system, found by the SIM's ICCID or IMSI. */
export interface BillingAccount {
  iccid?: string;
  imsi?: string;
  label: string;
  last4?: string;
  /** Prepaid balance in minor units; unset: a postpaid account whose charges go on the bill. */
  balanceMinor?: number;
  barred?: boolean;
  /** Its charges are rated later: they stay pending until {@link OperatorBillingServer.settle}. */
  pending?: boolean;
}

/** Options of {@link startOperatorBillingServer}. */
export interface BillingServerOptions {
  token: string;
  /** Accepted signing secrets: the current one and, while it is rotated, the previous one. */
  secrets: string[];
  accounts: BillingAccount[];
  tls: { cert: string; key: string };
  /** CA (PEM) of client certificates: set, the server requires one it issued (mutual TLS). */
  clientCa?: string;
  /** Where the API lives on the server, as an operator's reverse proxy may put it (default none). */
  prefix?: string;
  /** The server's clock (tests move it to check the replay window). */
  clock?: () => Date;
}

/**
 * Ways to misbehave. `hang`: never answer. `trickle`: answer the headers, then a space every 20 ms for ever.
 * `oversized`: a 1 MiB answer. `malformed-json`, `server-error` (500), `no-version` (no Mbprov-Billing-Version).
 * `{ rewrite }`: the charge answer passed through a function. Faults change answers, not what the server does:
 * a charge is taken (or not) as without them.
 */
export type BillingFault =
  | 'hang'
  | 'trickle'
  | 'oversized'
  | 'malformed-json'
  | 'server-error'
  | 'no-version'
  | { rewrite: (answer: Record<string, unknown>) => unknown };

/** A movement of money on an account. */
export interface LedgerEntry {
  chargeId: string;
  account: string;
  kind: 'debit' | 'credit';
  amountMinor: number;
}

/** A request as received, and what the server answered. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  status: number;
  code?: string;
}

interface StoredCharge {
  chargeId: string;
  /** Undefined for a charge cancelled before its create request arrived. */
  request?: ChargeRequest;
  status: Charge['status'];
  account?: BillingAccount;
  reference?: string;
  refusal?: (typeof REFUSAL_REASONS)[number];
  refund?: { reference: string; refundedAt: string };
}

const MAX_REQUEST_BYTES = 16 * 1024;

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(code);
  }
}

/** The running server. */
export class OperatorBillingServer {
  /** The base URL to configure (`https://127.0.0.1:<port><prefix>`). */
  url = '';
  fault: BillingFault | undefined;
  readonly ledger: LedgerEntry[] = [];
  readonly received: ReceivedRequest[] = [];
  /** Requests whose client went away before the answer was complete. */
  abandoned = 0;
  private readonly charges = new Map<string, StoredCharge>();
  private readonly tokenHash: string;
  private sequence = 0;

  constructor(
    readonly server: Server,
    private readonly options: BillingServerOptions,
  ) {
    this.tokenHash = hashToken(options.token);
  }

  /** Rates a pending charge: debits the account now, or refuses the charge when the balance is short. */
  settle(chargeId: string): void {
    const charge = this.charges.get(chargeId);
    if (charge?.status !== 'pending' || !charge.request || !charge.account)
      throw new Error(`${chargeId} is not pending`);
    this.charge(charge, charge.account, charge.request);
  }

  /** Debits of a charge id (a charge must never be debited twice). */
  debits(chargeId: string): number {
    return this.ledger.filter((e) => e.chargeId === chargeId && e.kind === 'debit').length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Handles one request: every refusal is an error answer with a code, as the API says. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const path = new URL(req.url ?? '/', 'https://billing').pathname;
    const record: ReceivedRequest = { method, path, headers: req.headers, body: Buffer.alloc(0), status: 0 };
    this.received.push(record);
    res.on('close', () => {
      if (!res.writableFinished) this.abandoned++;
    });
    let status: number;
    let answer: object;
    try {
      record.body = await readBody(req);
      [status, answer] = this.answer(req, method, path, record.body);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      [status, answer] = [error.status, { error: { code: error.code } }];
      record.code = error.code;
    }
    record.status = status;
    await this.send(res, status, answer);
  }

  private answer(req: IncomingMessage, method: string, fullPath: string, body: Buffer): [number, object] {
    const prefix = this.options.prefix ?? '';
    if (!fullPath.startsWith(`${prefix}/v1/`)) throw new Refusal(404, 'not-found');
    const path = fullPath.slice(prefix.length);
    if (req.headers[HEADERS.version] !== API_VERSION) throw new Refusal(400, 'unsupported-version');
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!matchesHash(token, this.tokenHash)) throw new Refusal(401, 'unauthenticated');
    const problem = signatureProblem(
      this.options.secrets,
      {
        timestamp: req.headers[HEADERS.timestamp] as string | undefined,
        signature: req.headers[HEADERS.signature] as string | undefined,
        method,
        path,
        body,
      },
      this.now(),
    );
    if (problem) throw new Refusal(401, problem);

    const route = /^\/v1\/charges(?:\/([A-Za-z0-9_-]{1,64})(?:\/(cancel|refund))?)?$/.exec(path);
    if (!route) throw new Refusal(404, 'not-found');
    const [, chargeId, action] = route;
    if (method === 'GET' && chargeId && !action) return [200, this.view(this.find(chargeId))];
    if (method !== 'POST') throw new Refusal(405, 'method-not-allowed');
    if (!/^application\/json\s*(;|$)/.test(req.headers['content-type'] ?? ''))
      throw new Refusal(415, 'unsupported-media-type');
    const json = parseJson(body);
    if (!chargeId) return this.create(json);
    if (action === 'cancel') return [200, this.view(this.cancel(chargeId))];
    if (action === 'refund') return [200, this.view(this.refund(chargeId, json))];
    throw new Refusal(405, 'method-not-allowed');
  }

  private create(json: unknown): [number, object] {
    if (wireProblem(ChargeRequest, json)) throw new Refusal(400, 'invalid-request');
    const request = json as ChargeRequest;
    const known = this.charges.get(request.chargeId);
    if (known) {
      // A tombstone (cancelled first) answers as cancelled, whatever is asked now.
      if (known.request && !sameCharge(known.request, request))
        throw new Refusal(409, 'idempotency-conflict');
      return [200, this.view(known)];
    }
    const charge: StoredCharge = { chargeId: request.chargeId, request, status: 'pending' };
    this.charges.set(request.chargeId, charge);
    const account = this.options.accounts.find(
      (a) =>
        (request.account.iccid && a.iccid === request.account.iccid) ||
        (request.account.imsi && a.imsi === request.account.imsi),
    );
    if (Date.parse(request.expiresAt) <= this.now().getTime()) charge.status = 'canceled';
    else if (!account) this.refuse(charge, 'unknown-account');
    else if (account.barred) this.refuse(charge, 'barred');
    else {
      charge.account = account;
      if (!account.pending) this.charge(charge, account, request);
    }
    return [201, this.view(charge)];
  }

  private charge(charge: StoredCharge, account: BillingAccount, request: ChargeRequest): void {
    if (account.balanceMinor !== undefined && account.balanceMinor < request.amountMinor) {
      this.refuse(charge, 'insufficient-balance');
      return;
    }
    if (account.balanceMinor !== undefined) account.balanceMinor -= request.amountMinor;
    charge.status = 'charged';
    charge.reference = `BIL-${++this.sequence}`;
    this.ledger.push({
      chargeId: charge.chargeId,
      account: account.label,
      kind: 'debit',
      amountMinor: request.amountMinor,
    });
  }

  private refuse(charge: StoredCharge, reason: (typeof REFUSAL_REASONS)[number]): void {
    charge.status = 'refused';
    charge.refusal = reason;
  }

  private find(chargeId: string): StoredCharge {
    const charge = this.charges.get(chargeId);
    if (!charge) throw new Refusal(404, 'charge-not-found');
    return charge;
  }

  /** Cancels a pending charge; records an unknown one as cancelled, so that a late create request charges nothing. */
  private cancel(chargeId: string): StoredCharge {
    const charge = this.charges.get(chargeId) ?? { chargeId, status: 'canceled' as const };
    if (charge.status === 'pending') charge.status = 'canceled';
    this.charges.set(chargeId, charge);
    return charge;
  }

  private refund(chargeId: string, json: unknown): StoredCharge {
    if (wireProblem(RefundRequest, json)) throw new Refusal(400, 'invalid-request');
    const charge = this.find(chargeId);
    if (charge.status !== 'charged' || charge.reference !== (json as RefundRequest).reference)
      throw new Refusal(409, 'not-refundable');
    if (!charge.refund && charge.request && charge.account) {
      if (charge.account.balanceMinor !== undefined)
        charge.account.balanceMinor += charge.request.amountMinor;
      charge.refund = { reference: `RFD-${++this.sequence}`, refundedAt: this.now().toISOString() };
      this.ledger.push({
        chargeId,
        account: charge.account.label,
        kind: 'credit',
        amountMinor: charge.request.amountMinor,
      });
    }
    return charge;
  }

  /** A stored charge as the API shows it. */
  private view(charge: StoredCharge): Record<string, unknown> {
    const { request, account } = charge;
    return {
      chargeId: charge.chargeId,
      status: charge.status,
      ...(request ? { amountMinor: request.amountMinor, currency: request.currency } : {}),
      ...(charge.reference ? { reference: charge.reference } : {}),
      ...(account && charge.status === 'charged'
        ? { account: { label: account.label, ...(account.last4 ? { last4: account.last4 } : {}) } }
        : {}),
      ...(charge.refusal ? { refusal: { reason: charge.refusal } } : {}),
      ...(charge.refund ? { refund: charge.refund } : {}),
    };
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private async send(res: ServerResponse, status: number, answer: object): Promise<void> {
    const fault = this.fault;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (fault !== 'no-version') headers[HEADERS.version] = API_VERSION;
    if (fault === 'hang') return;
    if (fault === 'trickle') {
      res.writeHead(200, headers);
      while (!res.destroyed) {
        res.write(' ');
        await sleep(20);
      }
      return;
    }
    if (fault === 'oversized') {
      res.writeHead(status, headers);
      res.end(JSON.stringify({ ...answer, padding: 'x'.repeat(1024 * 1024) }));
      return;
    }
    let text = JSON.stringify(typeof fault === 'object' ? fault.rewrite({ ...answer }) : answer);
    if (fault === 'malformed-json') text = text.slice(0, -3);
    if (fault === 'server-error') [status, text] = [500, JSON.stringify({ error: { code: 'internal' } })];
    res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }
}

function sameCharge(a: ChargeRequest, b: ChargeRequest): boolean {
  return (
    a.amountMinor === b.amountMinor &&
    a.currency === b.currency &&
    a.account.iccid === b.account.iccid &&
    a.account.imsi === b.account.imsi
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Refusal(413, 'too-large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal(400, 'invalid-request');
  }
}

/** Starts the server on a free loopback port. */
export async function startOperatorBillingServer(
  options: BillingServerOptions,
): Promise<OperatorBillingServer> {
  const server = createServer({
    ...options.tls,
    ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  });
  const billing = new OperatorBillingServer(server, options);
  server.on('request', (req, res) => {
    billing.handle(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  billing.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}${options.prefix ?? ''}`;
  return billing;
}

/** Test certificates: a CA and the billing server's certificate for 127.0.0.1, a CA and a client certificate. */
export interface BillingPki {
  serverCa: TestCertificate;
  server: TestCertificate;
  clientCa: TestCertificate;
  client: TestCertificate;
}

/** Creates {@link BillingPki} (ECDSA, quick to generate). */
export async function createBillingPki(): Promise<BillingPki> {
  const base = { keyType: 'ecdsa' as const, days: 2 };
  const serverCa = await createCertificate({ ...base, subject: 'CN=Billing Test Server CA', ca: true });
  const clientCa = await createCertificate({ ...base, subject: 'CN=Billing Test Client CA', ca: true });
  const server = await createCertificate({
    ...base,
    subject: 'CN=billing.test',
    issuer: serverCa,
    ipAddresses: ['127.0.0.1'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
  });
  const client = await createCertificate({
    ...base,
    subject: 'CN=mbprov portal',
    issuer: clientCa,
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
  });
  return { serverCa, server, clientCa, client };
}
