import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createCertificate } from '@mbprov/core';

/**
 * A local HTTPS stand-in for the part of the Stripe API the Stripe provider calls: Checkout Sessions (create,
 * retrieve with expand, expire), PaymentIntent search and refunds. It records every request exactly as the SDK sent
 * it (method, path, query, headers, form-decoded body) for the tests to assert, keeps its objects like Stripe does,
 * replays idempotent POSTs (same key and body: the first answer; another body or endpoint: Stripe's 400
 * idempotency_error) and answers Stripe-shaped JSON. It refuses a request without `Authorization: Bearer <key>` as
 * Stripe does (401). Tests drive the customer's side (pay, expire, a delayed payment that fails) and faults.
 */

/** One request as the double received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The form-encoded body, one entry per field (`line_items[0][price_data][currency]`). */
  form: Record<string, string>;
}

/** What the next request gets instead of an answer: a 500, a 200 that is not JSON, a 400, or no answer at all. */
export type Fault = 'server-error' | 'garbage' | 'bad-request' | 'hang';

type Json = Record<string, unknown>;

interface SessionRecord {
  id: string;
  form: Record<string, string>;
  created: number;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid';
  intentId: string | null;
}

interface IntentRecord {
  id: string;
  amount: number;
  currency: string;
  metadata: Record<string, string>;
  status: 'succeeded' | 'processing' | 'requires_payment_method' | 'canceled';
  chargeId: string | null;
  card: { brand: string; last4: string } | null;
  lastError: { code: string; decline_code?: string } | null;
  refunded: boolean;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

/** The fields of a form under a prefix (`metadata[checkoutId]` -> { checkoutId }). */
function under(form: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(form))
    if (k.startsWith(`${prefix}[`) && k.endsWith(']') && !k.slice(prefix.length + 1, -1).includes('['))
      out[k.slice(prefix.length + 1, -1)] = v;
  return out;
}

const stripeError = (status: number, type: string, message: string, code?: string) => ({
  status,
  body: { error: { type, message, ...(code ? { code } : {}) } },
});

export class StripeDouble {
  readonly requests: RecordedRequest[] = [];
  /** Where the hosted page is said to live: tests change it to see the provider refuse another origin. */
  checkoutBase = 'https://checkout.stripe.com';
  private readonly faults: Fault[] = [];
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly intents = new Map<string, IntentRecord>();
  private readonly refunds: Json[] = [];
  private readonly idempotent = new Map<string, { path: string; body: string; status: number; json: Json }>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The double's certificate: what a client must trust. */
    readonly ca: string,
    private readonly secretKey: string,
  ) {}

  /** Starts a double on loopback that accepts `secretKey` only. */
  static async start(secretKey: string): Promise<StripeDouble> {
    const tls = await createCertificate({
      subject: 'CN=stripe double, O=mbprov tests',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
      days: 2,
    });
    let double: StripeDouble | undefined;
    const server = createServer({ key: tls.privateKeyPem, cert: tls.certificatePem }, (req, res) => {
      double?.receive(req, res);
    });
    double = new StripeDouble(server, tls.certificatePem, secretKey);
    server.on('connection', (socket: Socket) => {
      double?.sockets.add(socket);
      socket.on('close', () => double?.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  /** The API base the provider is configured with (`payments.stripe.apiBase`). */
  get apiBase(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** An HTTPS agent that trusts the double's certificate and nothing else. */
  agent(): Agent {
    return new Agent({ ca: this.ca });
  }

  /** The next `times` requests meet `fault`. */
  failNext(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** Stripe forgets idempotency keys after 24 hours. */
  forgetIdempotencyKeys(): void {
    this.idempotent.clear();
  }

  /** Session ids in creation order. */
  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  /** Refunds made, as Stripe answered them. */
  refundsMade(): readonly Json[] {
    return this.refunds;
  }

  /** The customer pays on the hosted page with a card: the session completes, paid. */
  pay(sessionId: string, card = { brand: 'visa', last4: '4242' }): string {
    const intent = this.attempt(sessionId, 'succeeded', card);
    this.session(sessionId).status = 'complete';
    this.session(sessionId).paymentStatus = 'paid';
    return intent.id;
  }

  /** The customer chooses a delayed payment method: the session completes unpaid, the PaymentIntent processing. */
  payLater(sessionId: string): string {
    const intent = this.attempt(sessionId, 'processing', null);
    this.session(sessionId).status = 'complete';
    return intent.id;
  }

  /** The delayed payment fails (`checkout.session.async_payment_failed`). */
  failLater(sessionId: string, declineCode: string): void {
    const intent = this.intentOf(sessionId);
    intent.status = 'requires_payment_method';
    intent.lastError = { code: 'card_declined', decline_code: declineCode };
  }

  /** The card is declined on the hosted page: the PaymentIntent exists, the session stays open for another try. */
  decline(sessionId: string, declineCode: string): void {
    const intent = this.attempt(sessionId, 'requires_payment_method', null);
    intent.lastError = { code: 'card_declined', decline_code: declineCode };
  }

  /** The session reaches its `expires_at`; Stripe cancels its PaymentIntent. */
  expire(sessionId: string): void {
    this.session(sessionId).status = 'expired';
    const intent = this.session(sessionId).intentId;
    if (intent) (this.intents.get(intent) as IntentRecord).status = 'canceled';
  }

  /** The session as Stripe shows it (in API answers and in webhook events: PaymentIntent not expanded). */
  sessionJson(sessionId: string, expand: readonly string[] = []): Json {
    const s = this.session(sessionId);
    const f = s.form;
    const amount = Number(f['line_items[0][price_data][unit_amount]']);
    const intent = s.intentId && this.intents.get(s.intentId);
    return {
      id: s.id,
      object: 'checkout.session',
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: f.cancel_url ?? null,
      client_reference_id: f.client_reference_id ?? null,
      created: s.created,
      currency: f['line_items[0][price_data][currency]'] ?? null,
      customer: null,
      customer_details: s.status === 'complete' ? { email: 'customer@example.com', name: null } : null,
      expires_at: Number(f.expires_at),
      livemode: false,
      locale: f.locale ?? null,
      metadata: under(f, 'metadata'),
      mode: f.mode,
      payment_intent:
        intent && expand.some((e) => e === 'payment_intent' || e.startsWith('payment_intent.'))
          ? this.intentJson(intent, expand.includes('payment_intent.latest_charge'))
          : (s.intentId ?? null),
      payment_method_types: ['card'],
      payment_status: s.paymentStatus,
      status: s.status,
      success_url: f.success_url ?? null,
      ui_mode: 'hosted_page',
      url: s.status === 'open' ? `${this.checkoutBase}/c/pay/${s.id}#fidkdWxOYHwnPyd1blpxYHZxWjA0` : null,
    };
  }

  /** Stops the double and drops its connections (a hung request included). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private session(sessionId: string): SessionRecord {
    const s = this.sessions.get(sessionId);
    if (!s) throw new Error(`the double has no session ${sessionId}`);
    return s;
  }

  private intentOf(sessionId: string): IntentRecord {
    const intentId = this.session(sessionId).intentId;
    const intent = intentId ? this.intents.get(intentId) : undefined;
    if (!intent) throw new Error(`session ${sessionId} has no PaymentIntent`);
    return intent;
  }

  private attempt(
    sessionId: string,
    status: IntentRecord['status'],
    card: IntentRecord['card'],
  ): IntentRecord {
    const s = this.session(sessionId);
    if (s.status !== 'open') throw new Error(`session ${sessionId} is ${s.status}`);
    const existing = s.intentId ? this.intents.get(s.intentId) : undefined;
    const intent: IntentRecord = existing ?? {
      id: id('pi'),
      amount: Number(s.form['line_items[0][price_data][unit_amount]']),
      currency: s.form['line_items[0][price_data][currency]'] ?? '',
      metadata: under(s.form, 'payment_intent_data[metadata]'),
      status,
      chargeId: null,
      card: null,
      lastError: null,
      refunded: false,
    };
    Object.assign(intent, { status, card, chargeId: card ? id('ch') : intent.chargeId });
    this.intents.set(intent.id, intent);
    s.intentId = intent.id;
    return intent;
  }

  private chargeJson(intent: IntentRecord): Json {
    return {
      id: intent.chargeId,
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: intent.refunded ? intent.amount : 0,
      captured: true,
      currency: intent.currency,
      paid: true,
      payment_intent: intent.id,
      payment_method_details: {
        type: 'card',
        card: {
          brand: intent.card?.brand,
          last4: intent.card?.last4,
          exp_month: 12,
          exp_year: 2030,
          funding: 'credit',
          country: 'JP',
        },
      },
      refunded: intent.refunded,
      status: 'succeeded',
    };
  }

  private intentJson(intent: IntentRecord, expandCharge: boolean): Json {
    return {
      id: intent.id,
      object: 'payment_intent',
      amount: intent.amount,
      amount_received: intent.status === 'succeeded' ? intent.amount : 0,
      currency: intent.currency,
      last_payment_error: intent.lastError
        ? { type: 'card_error', message: 'Your card was declined.', ...intent.lastError }
        : null,
      latest_charge: intent.chargeId ? (expandCharge ? this.chargeJson(intent) : intent.chargeId) : null,
      livemode: false,
      metadata: intent.metadata,
      status: intent.status,
    };
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'https://double');
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(body)),
      };
      this.requests.push(request);
      const fault = this.faults.shift();
      if (fault === 'hang') return;
      if (fault === 'garbage') return this.send(res, 200, '<html>Bad gateway</html>');
      if (fault === 'server-error')
        return this.reply(res, stripeError(500, 'api_error', 'An unknown error occurred.'));
      if (fault === 'bad-request')
        return this.reply(res, stripeError(400, 'invalid_request_error', 'Something about the request.'));
      if (req.headers.authorization !== `Bearer ${this.secretKey}`)
        return this.reply(
          res,
          stripeError(
            401,
            'invalid_request_error',
            'Invalid API Key provided: sk_test_********************wxyz',
          ),
        );
      const key = req.headers['idempotency-key'];
      if (request.method === 'POST' && typeof key === 'string') {
        const earlier = this.idempotent.get(key);
        if (earlier && earlier.path !== request.path)
          return this.reply(
            res,
            stripeError(
              400,
              'invalid_request_error',
              `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${request.path}' vs '${earlier.path}').`,
            ),
          );
        if (earlier && earlier.body !== body)
          return this.reply(
            res,
            stripeError(
              400,
              'idempotency_error',
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            ),
          );
        if (earlier) {
          res.setHeader('idempotent-replayed', 'true');
          return this.reply(res, { status: earlier.status, body: earlier.json });
        }
        const answer = this.route(request);
        this.idempotent.set(key, { path: request.path, body, status: answer.status, json: answer.body });
        return this.reply(res, answer);
      }
      this.reply(res, this.route(request));
    });
  }

  private route(r: RecordedRequest): { status: number; body: Json } {
    const expand = Object.entries(r.query)
      .filter(([k]) => /^expand\[\d+\]$/.test(k))
      .map(([, v]) => v);
    let m: RegExpExecArray | null;
    if (r.method === 'POST' && r.path === '/v1/checkout/sessions') {
      const session: SessionRecord = {
        id: id('cs'),
        form: r.form,
        created: Math.floor(Date.now() / 1000),
        status: 'open',
        paymentStatus: 'unpaid',
        intentId: null,
      };
      this.sessions.set(session.id, session);
      return { status: 200, body: this.sessionJson(session.id) };
    }
    m = /^\/v1\/checkout\/sessions\/([^/]+)(\/expire)?$/.exec(r.path);
    if (m?.[1]) {
      const s = this.sessions.get(m[1]);
      if (!s)
        return stripeError(
          404,
          'invalid_request_error',
          `No such checkout.session: '${m[1]}'`,
          'resource_missing',
        );
      if (r.method === 'GET' && !m[2]) return { status: 200, body: this.sessionJson(s.id, expand) };
      if (r.method === 'POST' && m[2]) {
        if (s.status !== 'open')
          return stripeError(
            400,
            'invalid_request_error',
            `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${s.status}\`.`,
          );
        this.expire(s.id);
        return { status: 200, body: this.sessionJson(s.id) };
      }
    }
    if (r.method === 'GET' && r.path === '/v1/payment_intents/search') {
      const q = /^metadata\['checkoutId'\]:'((?:[^'\\]|\\.)*)'$/.exec(r.query.query ?? '');
      if (!q) return stripeError(400, 'invalid_request_error', 'The query is not supported by the double.');
      const wanted = (q[1] ?? '').replace(/\\(.)/g, '$1');
      const data = [...this.intents.values()]
        .filter((i) => i.metadata.checkoutId === wanted)
        .map((i) => this.intentJson(i, expand.includes('data.latest_charge')));
      return {
        status: 200,
        body: {
          object: 'search_result',
          data,
          has_more: false,
          next_page: null,
          url: '/v1/payment_intents/search',
        },
      };
    }
    if (r.method === 'POST' && r.path === '/v1/refunds') {
      const intent = this.intents.get(r.form.payment_intent ?? '');
      if (!intent)
        return stripeError(
          400,
          'invalid_request_error',
          `No such payment_intent: '${r.form.payment_intent}'`,
          'resource_missing',
        );
      if (intent.refunded)
        return stripeError(
          400,
          'invalid_request_error',
          `Charge ${intent.chargeId} has already been refunded.`,
          'charge_already_refunded',
        );
      intent.refunded = true;
      const refund = {
        id: id('re'),
        object: 'refund',
        amount: intent.amount,
        charge: intent.chargeId,
        currency: intent.currency,
        metadata: under(r.form, 'metadata'),
        payment_intent: intent.id,
        status: 'succeeded',
      };
      this.refunds.push(refund);
      return { status: 200, body: refund };
    }
    return stripeError(404, 'invalid_request_error', `Unrecognized request URL (${r.method}: ${r.path}).`);
  }

  private reply(res: ServerResponse, answer: { status: number; body: Json }): void {
    this.send(res, answer.status, JSON.stringify(answer.body));
  }

  private send(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_${randomBytes(7).toString('hex')}`,
      'stripe-version': String(this.requests.at(-1)?.headers['stripe-version'] ?? ''),
    });
    res.end(body);
  }
}
