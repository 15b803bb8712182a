// The operator-billing provider (issue 15) against a reference billing server on loopback HTTPS
// (helpers/operator-billing-server.ts): charges, idempotent retries, refusals, pending charges, cancel, refund, the
// server's authentication of every request (token, HMAC signature, replay window, client certificate), and the
// client's refusal of every answer that is late, broken or not the API's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { demoConfig } from '../src/config/demo.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Logger } from '../src/context.ts';
import { signatureProblem, signRequest } from '../src/payments/operator-billing/request-signing.ts';
import {
  type OperatorBillingConfig,
  type OperatorBillingOptions,
  OperatorBillingProvider,
  openOperatorBillingProvider,
} from '../src/payments/operator-billing-provider.ts';
import type { PaymentRequest, PaymentStart, PaymentState } from '../src/payments/provider.ts';
import {
  type BillingPki,
  type BillingServerOptions,
  createBillingPki,
  type OperatorBillingServer,
  type ReceivedRequest,
  startOperatorBillingServer,
} from './helpers/operator-billing-server.ts';

const TOKEN = 'tok_portal_7f3a9c2e5b1d4f608a2c';
const SECRET = 'sig_secret_1b7e3f9a0c5d2e8f4a6b9c1d3e5f7a9b';
const guard = { timeout: 30_000 };

const ACCOUNTS = {
  prepaid: { iccid: '8981100000000000017', label: 'Prepaid balance', last4: '0017', balanceMinor: 10_000 },
  postpaid: { imsi: '440101234567890', label: 'Monthly bill' },
  barred: { iccid: '8981100000000000025', label: 'Monthly bill', barred: true },
  pending: { iccid: '8981100000000000033', label: 'Monthly bill', pending: true },
  poor: { iccid: '8981100000000000041', label: 'Prepaid balance', balanceMinor: 100 },
};

let pki: BillingPki;
let dir: string;
let billing: OperatorBillingServer;
let serverClock: Date | undefined;
const logged: Array<{ obj: object; msg?: string }> = [];
const log: Logger = {
  info: () => {},
  warn: (obj, msg) => logged.push({ obj, ...(msg ? { msg } : {}) }),
  error: (obj, msg) => logged.push({ obj, ...(msg ? { msg } : {}) }),
};
const opened: OperatorBillingProvider[] = [];
let checkoutCounter = 0;

function serverOptions(extra: Partial<BillingServerOptions> = {}): BillingServerOptions {
  return {
    token: TOKEN,
    secrets: [SECRET],
    accounts: Object.values(ACCOUNTS).map((account) => ({ ...account })),
    tls: { cert: pki.server.certificatePem, key: pki.server.privateKeyPem },
    prefix: '/operator',
    clock: () => serverClock ?? new Date(),
    ...extra,
  };
}

/** A provider for `server` as a portal configures it: CA pinned, secrets from the environment. */
function provider(
  server: OperatorBillingServer,
  change: Partial<OperatorBillingOptions> = {},
): OperatorBillingProvider {
  const p = new OperatorBillingProvider({
    baseUrl: server.url,
    token: TOKEN,
    signingSecret: SECRET,
    ca: pki.serverCa.certificatePem,
    timeoutMs: 5_000,
    log,
    ...change,
  });
  opened.push(p);
  return p;
}

function purchase(
  account: { iccid?: string; imsi?: string },
  change: Partial<PaymentRequest> = {},
): PaymentRequest {
  return {
    checkoutId: `ck_${++checkoutCounter}_${Date.now()}`,
    amountMinor: 500,
    currency: 'JPY',
    description: 'Example Mobile: 1 GB, 7 days',
    account: { iccid: account.iccid ?? null, imsi: account.imsi ?? null },
    returnUrl: 'https://portal.example/return',
    cancelUrl: 'https://portal.example/plans',
    expiresAt: new Date(Date.now() + 3_600_000),
    lang: 'en',
    ...change,
  };
}

/** What `start` answers for `request` when the billing system says `state`. */
const settled = (request: PaymentRequest, state: PaymentState): PaymentStart => ({
  kind: 'settled',
  paymentId: request.checkoutId,
  state,
});

/** The capture a `start` answered; fails the test when it answered anything else. */
function capturedBy(started: PaymentStart): Extract<PaymentState, { status: 'captured' }> {
  assert.ok(started.kind === 'settled' && started.state.status === 'captured', JSON.stringify(started));
  return started.state;
}

const unavailable = (pattern: RegExp) => (error: Error & { code?: string }) => {
  assert.equal(error.code, 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', error.message);
  assert.match(error.message, pattern);
  return true;
};

/** Sends a request as received by the server again, changed, and gives the status and the API's error code. */
function replay(
  server: OperatorBillingServer,
  sent: ReceivedRequest,
  change: { body?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; code?: string }> {
  const body = change.body ?? sent.body;
  const { host: _host, 'content-length': _length, ...headers } = sent.headers;
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(sent.path, server.url),
      {
        method: sent.method,
        headers: { ...headers, ...change.headers, 'content-length': String(body.length) },
        ca: pki.serverCa.certificatePem,
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          const code = (JSON.parse(text) as { error?: { code: string } }).error?.code;
          resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  pki = await createBillingPki();
  dir = mkdtempSync(join(tmpdir(), 'mbprov-billing-'));
});

after(async () => {
  for (const p of opened) p.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('operator billing against the reference billing server', () => {
  before(async () => {
    billing = await startOperatorBillingServer(serverOptions());
  });
  after(() => billing.close());
  beforeEach(() => {
    billing.fault = undefined;
    serverClock = undefined;
    logged.length = 0;
  });

  it(
    'charges the account: captured, reported as an account payment with its label and last digits',
    guard,
    async () => {
      const p = provider(billing);
      const request = purchase(ACCOUNTS.prepaid);
      const started = await p.start(request);
      assert.equal(started.paymentId, request.checkoutId);
      const state = capturedBy(started);
      assert.match(state.reference, /^BIL-\d+$/);
      assert.equal(state.amountMinor, 500);
      assert.equal(state.currency, 'JPY');
      assert.deepEqual(state.method, { kind: 'account', label: 'Prepaid balance', last4: '0017' });
      assert.deepEqual(
        billing.ledger.filter((e) => e.chargeId === request.checkoutId),
        [{ chargeId: request.checkoutId, account: 'Prepaid balance', kind: 'debit', amountMinor: 500 }],
      );
      assert.deepEqual(await p.status({ checkoutId: request.checkoutId, paymentId: null }), state);
      assert.deepEqual(p.origins, []);
      assert.equal(p.name, 'operator-billing');
    },
  );

  it(
    'finds a postpaid account by its IMSI when the ICCID is unknown; no last digits when it has none',
    guard,
    async () => {
      const started = capturedBy(await provider(billing).start(purchase(ACCOUNTS.postpaid)));
      assert.deepEqual(started.method, { kind: 'account', label: 'Monthly bill' });
    },
  );

  it('a retry with the same checkout id answers the same charge, charged once', guard, async () => {
    const request = purchase(ACCOUNTS.prepaid);
    const posts = () => billing.received.filter((r) => r.method === 'POST' && r.path.endsWith('/v1/charges'));
    const before = posts().length;
    const [a, b] = await Promise.all([provider(billing).start(request), provider(billing).start(request)]);
    const c = await provider(billing).start(request);
    assert.equal(posts().length - before, 3);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    capturedBy(a);
    assert.equal(billing.debits(request.checkoutId), 1);
    assert.deepEqual(
      posts()
        .slice(before)
        .map((r) => r.status)
        .sort(),
      [200, 200, 201],
    );
  });

  it('the same checkout id with another amount is a conflict, not a second charge', guard, async () => {
    const request = purchase(ACCOUNTS.prepaid);
    await provider(billing).start(request);
    await assert.rejects(
      provider(billing).start({ ...request, amountMinor: 900 }),
      unavailable(/HTTP 409 idempotency-conflict/),
    );
    assert.equal(billing.debits(request.checkoutId), 1);
  });

  it(
    'a barred account, a short balance and an unknown SIM are declined account-refused, nothing debited',
    guard,
    async () => {
      for (const account of [ACCOUNTS.barred, ACCOUNTS.poor, { iccid: '8981100000000000999' }, {}]) {
        const request = purchase(account);
        const started = await provider(billing).start(request);
        assert.deepEqual(started, settled(request, { status: 'declined', reason: 'account-refused' }));
        assert.deepEqual(
          await provider(billing).status({ checkoutId: request.checkoutId, paymentId: null }),
          {
            status: 'declined',
            reason: 'account-refused',
          },
        );
        assert.equal(billing.debits(request.checkoutId), 0);
      }
    },
  );

  it(
    'a pending charge is open, and captured by a later status once the billing system settles it',
    guard,
    async () => {
      const p = provider(billing);
      const request = purchase(ACCOUNTS.pending);
      const started = await p.start(request);
      assert.deepEqual(started, settled(request, { status: 'open' }));
      assert.deepEqual(await p.status({ checkoutId: request.checkoutId, paymentId: request.checkoutId }), {
        status: 'open',
      });
      assert.equal(billing.debits(request.checkoutId), 0);
      billing.settle(request.checkoutId);
      const state = await p.status({ checkoutId: request.checkoutId, paymentId: request.checkoutId });
      assert.equal(state?.status, 'captured');
      assert.equal(billing.debits(request.checkoutId), 1);
    },
  );

  it(
    'cancel makes a pending charge canceled for good; cancelling again or after the end changes nothing',
    guard,
    async () => {
      const p = provider(billing);
      const request = purchase(ACCOUNTS.pending);
      await p.start(request);
      const payment = { checkoutId: request.checkoutId, paymentId: request.checkoutId };
      await p.cancel(payment);
      assert.deepEqual(await p.status(payment), { status: 'canceled' });
      assert.throws(() => billing.settle(request.checkoutId), /not pending/);
      await p.cancel(payment);
      assert.deepEqual(await p.start(request), settled(request, { status: 'canceled' }));
      assert.equal(billing.debits(request.checkoutId), 0);

      const charged = purchase(ACCOUNTS.postpaid);
      const captured = capturedBy(await p.start(charged));
      await p.cancel({ checkoutId: charged.checkoutId, paymentId: charged.checkoutId });
      assert.deepEqual(await p.status({ checkoutId: charged.checkoutId, paymentId: null }), captured);
    },
  );

  it(
    'cancel of a charge never received records it canceled: the create request arriving late charges nothing',
    guard,
    async () => {
      const p = provider(billing);
      const request = purchase(ACCOUNTS.prepaid);
      assert.equal(await p.status({ checkoutId: request.checkoutId, paymentId: null }), undefined);
      await p.cancel({ checkoutId: request.checkoutId, paymentId: request.checkoutId });
      const started = await p.start(request);
      assert.deepEqual(started, settled(request, { status: 'canceled' }));
      assert.equal(billing.debits(request.checkoutId), 0);
    },
  );

  it('a charge asked for after its checkout expired is canceled, not taken', guard, async () => {
    const request = purchase(ACCOUNTS.prepaid, { expiresAt: new Date(Date.now() - 1_000) });
    const started = await provider(billing).start(request);
    assert.deepEqual(started, settled(request, { status: 'canceled' }));
    assert.equal(billing.debits(request.checkoutId), 0);
  });

  it('refund gives the whole charge back once, however often it is asked', guard, async () => {
    const p = provider(billing);
    const request = purchase(ACCOUNTS.prepaid);
    const started = capturedBy(await p.start(request));
    const capture = { checkoutId: request.checkoutId, reference: started.reference };
    await p.refund(capture);
    await p.refund(capture);
    await Promise.all([p.refund(capture), p.refund(capture)]);
    const moves = billing.ledger.filter((e) => e.chargeId === request.checkoutId).map((e) => e.kind);
    assert.deepEqual(moves, ['debit', 'credit']);
    // A refunded charge still names its capture.
    assert.deepEqual(await p.status({ checkoutId: request.checkoutId, paymentId: null }), started);
  });

  it(
    'refund of another reference, of a refused charge or of an unknown charge is refused: unavailable, nothing moved',
    guard,
    async () => {
      const p = provider(billing);
      const request = purchase(ACCOUNTS.prepaid);
      await p.start(request);
      await assert.rejects(
        p.refund({ checkoutId: request.checkoutId, reference: 'BIL-999999' }),
        unavailable(/HTTP 409 not-refundable/),
      );
      const refused = purchase(ACCOUNTS.barred);
      await p.start(refused);
      await assert.rejects(
        p.refund({ checkoutId: refused.checkoutId, reference: 'BIL-1' }),
        unavailable(/HTTP 409 not-refundable/),
      );
      await assert.rejects(
        p.refund({ checkoutId: 'ck_never', reference: 'BIL-1' }),
        unavailable(/HTTP 404 charge-not-found/),
      );
      assert.equal(
        billing.ledger.filter((e) => e.kind === 'credit' && e.chargeId === request.checkoutId).length,
        0,
      );
    },
  );

  it(
    'a request the API cannot carry is refused before anything is sent; a long description is cut',
    guard,
    async () => {
      const p = provider(billing);
      const sent = billing.received.length;
      const bad: Array<[Partial<PaymentRequest>, RegExp]> = [
        [{ amountMinor: 1.5 }, /cannot be sent: \/amountMinor/],
        [{ currency: 'jpy' }, /cannot be sent: \/currency/],
        [{ description: '' }, /cannot be sent: \/description/],
        [{ account: { iccid: '12', imsi: null } }, /cannot be sent: \/account\/iccid/],
        [{ checkoutId: 'ck/../admin' }, /cannot be a charge id/],
      ];
      for (const [change, message] of bad)
        await assert.rejects(p.start(purchase(ACCOUNTS.postpaid, change)), unavailable(message));
      assert.equal(billing.received.length, sent);
      const long = purchase(ACCOUNTS.postpaid, { description: `${'x'.repeat(199)}\u{1F4F6} and more` });
      capturedBy(await p.start(long));
      const body = JSON.parse((billing.received.at(-1) as ReceivedRequest).body.toString('utf8'));
      assert.equal(body.description, 'x'.repeat(199));
    },
  );

  it(
    'a 404 that is not the API saying "never received" (a wrong baseUrl) is unavailable, not "no payment"',
    guard,
    async () => {
      const p = provider(billing, { baseUrl: billing.url.replace('/operator', '/elsewhere') });
      await assert.rejects(
        p.status({ checkoutId: 'ck_any', paymentId: null }),
        unavailable(/HTTP 404 not-found/),
      );
    },
  );

  it(
    'a wrong token is refused by the server (401); the client says unavailable and logs no secret',
    guard,
    async () => {
      const wrong = 'tok_wrong_0000000000000000';
      const request = purchase(ACCOUNTS.prepaid);
      const error = await provider(billing, { token: wrong })
        .start(request)
        .then(
          () => assert.fail('no error'),
          (e: Error) => e,
        );
      unavailable(/HTTP 401 unauthenticated/)(error);
      assert.equal(billing.received.at(-1)?.code, 'unauthenticated');
      assert.equal(billing.debits(request.checkoutId), 0);
      assert.equal(logged.length, 1);
      assert.deepEqual(
        { ...logged[0]?.obj, problem: undefined },
        {
          provider: 'operator-billing',
          operation: 'start',
          chargeId: request.checkoutId,
          status: 401,
          code: 'unauthenticated',
          problem: undefined,
        },
      );
      const said = JSON.stringify(logged) + error.message + String(error.stack);
      for (const secret of [wrong, TOKEN, SECRET]) assert.ok(!said.includes(secret), 'a secret was logged');
    },
  );

  it(
    'a wrong signing secret is refused by the server (401 bad-signature); the client says unavailable',
    guard,
    async () => {
      const request = purchase(ACCOUNTS.prepaid);
      await assert.rejects(
        provider(billing, { signingSecret: 'sig_other_secret_0000000000000000000000' }).start(request),
        unavailable(/HTTP 401 bad-signature/),
      );
      assert.equal(billing.debits(request.checkoutId), 0);
      assert.ok(!JSON.stringify(logged).includes('sig_other_secret'));
    },
  );

  it(
    'the server refuses a signed request whose body was altered, or that is replayed outside the window',
    guard,
    async () => {
      const request = purchase(ACCOUNTS.postpaid);
      await provider(billing).start(request);
      const sent = billing.received.at(-1) as ReceivedRequest;
      assert.equal(sent.status, 201);
      const altered = Buffer.from(sent.body.toString('utf8').replace('"amountMinor":500', '"amountMinor":5'));
      assert.notDeepEqual(altered, sent.body);
      assert.deepEqual(await replay(billing, sent, { body: altered }), {
        status: 401,
        code: 'bad-signature',
      });
      // The same bytes within the window: harmless, the charge id makes it the same charge.
      assert.deepEqual(await replay(billing, sent), { status: 200 });
      serverClock = new Date(Date.now() + 330_000);
      assert.deepEqual(await replay(billing, sent), { status: 401, code: 'stale-timestamp' });
      serverClock = new Date(Date.now() - 330_000);
      assert.deepEqual(await replay(billing, sent), { status: 401, code: 'stale-timestamp' });
      serverClock = undefined;
      // The signature covers the path: the same signature on another path is refused.
      const cancel = {
        ...sent,
        path: sent.path.replace(/\/v1\/charges$/, `/v1/charges/${request.checkoutId}/cancel`),
      };
      assert.deepEqual(await replay(billing, cancel, { body: Buffer.from('{}') }), {
        status: 401,
        code: 'bad-signature',
      });
      assert.deepEqual(await replay(billing, sent, { headers: { authorization: 'Bearer x' } }), {
        status: 401,
        code: 'unauthenticated',
      });
      assert.deepEqual(await replay(billing, sent, { headers: { 'mbprov-billing-version': '2' } }), {
        status: 400,
        code: 'unsupported-version',
      });
      assert.equal(billing.debits(request.checkoutId), 1);
    },
  );

  it(
    'a charge that runs out of time is open within the timeout, and a later status finds it charged once',
    guard,
    async () => {
      // Long enough for the request to reach the server on a loaded machine: the charge is taken, the answer lost.
      const p = provider(billing, { timeoutMs: 1_000 });
      const request = purchase(ACCOUNTS.prepaid);
      billing.fault = 'hang';
      const abandonedBefore = billing.abandoned;
      const started = await p.start(request);
      assert.deepEqual(started, settled(request, { status: 'open' }));
      // The client gave up (the server never answers on its own).
      await waitFor(() => billing.abandoned === abandonedBefore + 1);
      billing.fault = undefined;
      const state = await p.status({ checkoutId: request.checkoutId, paymentId: request.checkoutId });
      assert.equal(state?.status, 'captured');
      assert.equal(billing.debits(request.checkoutId), 1);
    },
  );

  it(
    'status, cancel and refund that run out of time are unavailable, even when the answer trickles in',
    guard,
    async () => {
      const p = provider(billing, { timeoutMs: 300 });
      for (const fault of ['hang', 'trickle'] as const) {
        billing.fault = fault;
        await assert.rejects(p.status({ checkoutId: 'ck_slow', paymentId: null }), unavailable(/in time/));
        await assert.rejects(
          p.cancel({ checkoutId: 'ck_slow', paymentId: 'ck_slow' }),
          unavailable(/in time/),
        );
        await assert.rejects(p.refund({ checkoutId: 'ck_slow', reference: 'BIL-1' }), unavailable(/in time/));
      }
    },
  );

  it(
    'a broken answer is unavailable: not JSON, too large, a 500, not the API (no version header)',
    guard,
    async () => {
      const cases = [
        ['malformed-json', /not JSON/],
        ['oversized', /larger than 65536 bytes/],
        ['server-error', /HTTP 500 internal/],
        ['no-version', /without Mbprov-Billing-Version 1/],
      ] as const;
      for (const [fault, message] of cases) {
        billing.fault = fault;
        await assert.rejects(
          provider(billing).start(purchase(ACCOUNTS.postpaid)),
          unavailable(message),
          fault,
        );
        await assert.rejects(
          provider(billing).status({ checkoutId: 'ck_never', paymentId: null }),
          unavailable(fault === 'server-error' ? message : /./),
          fault,
        );
      }
      // Each failure is logged once, naming the operation.
      assert.deepEqual(
        logged.map((entry) => (entry.obj as { operation: string }).operation),
        cases.flatMap(() => ['start', 'status']),
      );
    },
  );

  it(
    'an answer that does not follow the charge schema is unavailable, whatever field is wrong',
    guard,
    async () => {
      const rewrites: Array<[string, (a: Record<string, unknown>) => unknown, RegExp]> = [
        ['no reference', ({ reference: _, ...a }) => a, /\/reference/],
        ['amount as text', (a) => ({ ...a, amountMinor: '500' }), /\/amountMinor/],
        ['negative amount', (a) => ({ ...a, amountMinor: -1 }), /\/amountMinor/],
        ['unknown status', (a) => ({ ...a, status: 'paid' }), /\/status/],
        [
          'another charge',
          (a) => ({ ...a, chargeId: 'ck_someone_else' }),
          /another charge \(ck_someone_else\)/,
        ],
        ['letters as last4', (a) => ({ ...a, account: { label: 'x', last4: 'abcd' } }), /\/account\/last4/],
        [
          'refusal without reason',
          () => ({ chargeId: 'x', status: 'refused', refusal: {} }),
          /\/refusal\/reason/,
        ],
        ['an array', () => [], /\/status/],
        ['null', () => null, /\/status/],
      ];
      for (const [name, rewrite, message] of rewrites) {
        billing.fault = { rewrite };
        const request = purchase(ACCOUNTS.postpaid);
        await assert.rejects(provider(billing).start(request), unavailable(message), name);
      }
    },
  );

  it(
    'a charge of another amount or currency than asked is reported as the billing system gives it',
    guard,
    async () => {
      billing.fault = { rewrite: (a) => ({ ...a, amountMinor: 700, currency: 'USD' }) };
      const started = capturedBy(await provider(billing).start(purchase(ACCOUNTS.postpaid)));
      assert.equal(started.amountMinor, 700);
      assert.equal(started.currency, 'USD');
    },
  );

  it(
    'a billing server whose certificate another CA issued is not trusted when caFile pins the CA',
    guard,
    async () => {
      const p = provider(billing, { ca: pki.clientCa.certificatePem });
      await assert.rejects(p.status({ checkoutId: 'ck_any', paymentId: null }), unavailable(/cannot reach/));
    },
  );
});

describe('operator billing with mutual TLS', () => {
  let mtls: OperatorBillingServer;
  before(async () => {
    mtls = await startOperatorBillingServer(serverOptions({ clientCa: pki.clientCa.certificatePem }));
  });
  after(() => mtls.close());

  it('charges with the configured client certificate', guard, async () => {
    const p = provider(mtls, { cert: pki.client.certificatePem, key: pki.client.privateKeyPem });
    capturedBy(await p.start(purchase(ACCOUNTS.postpaid)));
  });

  it(
    'without a client certificate, or with one another CA issued, the connection is refused: unavailable',
    guard,
    async () => {
      const stranger = { cert: pki.server.certificatePem, key: pki.server.privateKeyPem };
      for (const change of [{}, stranger]) {
        const request = purchase(ACCOUNTS.postpaid);
        await assert.rejects(provider(mtls, change).start(request), unavailable(/cannot reach|broke off/));
        assert.equal(mtls.debits(request.checkoutId), 0);
      }
      assert.equal(mtls.received.length, 1);
    },
  );
});

describe('openOperatorBillingProvider', () => {
  let server: OperatorBillingServer;
  before(async () => {
    server = await startOperatorBillingServer(serverOptions({ clientCa: pki.clientCa.certificatePem }));
  });
  after(() => server.close());

  const env = { BILLING_TOKEN: TOKEN, BILLING_SECRET: SECRET };
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  /** The configuration of a file holding the demo configuration with these billing settings. */
  const configOf = (billingConfig: Record<string, unknown>) => {
    const raw = demoConfig() as { payments?: Record<string, unknown> };
    raw.payments = { ...raw.payments, operatorBilling: billingConfig };
    return loadConfig({ env: {}, file: file('config.json', JSON.stringify(raw)) });
  };

  it(
    'reads the secrets from the named variables and the CA and client certificate files',
    guard,
    async () => {
      const config = configOf({
        baseUrl: server.url,
        tokenEnv: 'BILLING_TOKEN',
        signingSecretEnv: 'BILLING_SECRET',
        caFile: file('ca.pem', pki.serverCa.certificatePem),
        clientCertFile: file('client.pem', pki.client.certificatePem),
        clientKeyFile: file('client.key', pki.client.privateKeyPem),
      });
      assert.equal(config.payments.operatorBilling?.timeoutMs, 10_000);
      const p = openOperatorBillingProvider(config, env, log);
      opened.push(p);
      capturedBy(await p.start(purchase(ACCOUNTS.postpaid)));
    },
  );

  it(
    'a missing or short secret, an unreadable or empty CA file: a named error at start, no secret in it',
    guard,
    () => {
      const base = {
        baseUrl: server.url,
        tokenEnv: 'BILLING_TOKEN',
        signingSecretEnv: 'BILLING_SECRET',
        timeoutMs: 1_000,
      };
      const open =
        (settings: Record<string, unknown>, environment: Record<string, string> = env) =>
        () =>
          openOperatorBillingProvider(
            { payments: { operatorBilling: settings } } as OperatorBillingConfig,
            environment,
          );
      const refused = (code: string, message: RegExp) => (error: Error & { code?: string }) => {
        assert.equal(error.code, code, error.message);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(TOKEN) && !error.message.includes(SECRET));
        return true;
      };
      assert.throws(
        open(base, { BILLING_SECRET: SECRET }),
        refused('MBPROV_CONFIG_INVALID', /BILLING_TOKEN/),
      );
      assert.throws(
        open(base, { BILLING_TOKEN: TOKEN, BILLING_SECRET: 'short' }),
        refused('MBPROV_CONFIG_INVALID', /BILLING_SECRET.*at least 32/),
      );
      assert.throws(
        open(base, { BILLING_TOKEN: 'two words', BILLING_SECRET: SECRET }),
        refused('MBPROV_CONFIG_INVALID', /BILLING_TOKEN/),
      );
      assert.throws(
        open({ ...base, caFile: join(dir, 'missing.pem') }),
        refused('MBPROV_IO_ERROR', /missing\.pem/),
      );
      assert.throws(
        open({ ...base, caFile: file('empty.pem', 'not a certificate\n') }),
        refused('MBPROV_TLS_INVALID', /empty\.pem/),
      );
      assert.throws(
        open({
          ...base,
          clientCertFile: file('c.pem', pki.client.certificatePem),
          clientKeyFile: file('k.pem', pki.server.privateKeyPem),
        }),
        refused('MBPROV_TLS_INVALID', /not a certificate and its private key/),
      );
      assert.throws(
        () => openOperatorBillingProvider({ payments: {} }, env),
        refused('MBPROV_CONFIG_INVALID', /payments\.operatorBilling/),
      );
    },
  );

  it('the configuration refuses an http URL, a client certificate without its key and a misspelt key', () => {
    const base = { baseUrl: server.url, tokenEnv: 'BILLING_TOKEN', signingSecretEnv: 'BILLING_SECRET' };
    const refusedConfig = (settings: Record<string, unknown>, message: RegExp) =>
      assert.throws(
        () => configOf(settings),
        (error: Error & { code?: string }) =>
          error.code === 'MBPROV_CONFIG_INVALID' && message.test(error.message),
      );
    refusedConfig({ ...base, baseUrl: 'http://billing.example' }, /operatorBilling\/baseUrl/);
    refusedConfig({ ...base, clientCertFile: 'c.pem' }, /clientCertFile and clientKeyFile go together/);
    refusedConfig({ ...base, tokenENV: 'X' }, /operatorBilling/);
    refusedConfig({ ...base, tokenEnv: 'NOT-A-NAME' }, /operatorBilling\/tokenEnv/);
  });
});

describe('request signing', () => {
  it('signs the example of docs/payments-operator-billing.md to the documented value', () => {
    const body =
      '{"chargeId":"3f0c9a52-8c1e-4c57-9a43-0d2b7f1e6a10","account":{"iccid":"8981100000000000017","imsi":"440101234567890"},"amountMinor":500,"currency":"JPY","description":"Example Mobile: 1 GB, 7 days","expiresAt":"2026-01-01T01:00:00.000Z"}';
    assert.equal(
      signRequest('example-signing-secret-0123456789abcdef', {
        timestamp: '1767225600',
        method: 'POST',
        path: '/v1/charges',
        body: Buffer.from(body),
      }),
      'v1=3935224597edb30f030bc66e187b3b23f5cfdee86e95a1439c7c49c271f6d765',
    );
  });

  it('accepts a timestamp up to 300 s off either way, under any listed secret; refuses beyond and any other secret', () => {
    const parts = { method: 'GET', path: '/v1/charges/ck_1', body: Buffer.alloc(0), timestamp: '1767225600' };
    const signature = signRequest(SECRET, parts);
    const at = (seconds: number) => new Date((1_767_225_600 + seconds) * 1000);
    const check = (secrets: string[], seconds: number, change: Partial<typeof parts> = {}) =>
      signatureProblem(secrets, { ...parts, signature, ...change }, at(seconds));
    assert.equal(check([SECRET], 300), undefined);
    assert.equal(check([SECRET], -300), undefined);
    assert.equal(check(['previous-secret-0000000000000000000000', SECRET], 0), undefined);
    assert.equal(check([SECRET], 301), 'stale-timestamp');
    assert.equal(check([SECRET], -301), 'stale-timestamp');
    assert.equal(check([SECRET], 0, { timestamp: '1767225600.5' }), 'stale-timestamp');
    assert.equal(check(['previous-secret-0000000000000000000000'], 0), 'bad-signature');
    assert.equal(check([SECRET], 0, { method: 'POST' }), 'bad-signature');
    assert.equal(
      signatureProblem([SECRET], { ...parts, signature: signature.toUpperCase() }, at(0)),
      'bad-signature',
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
