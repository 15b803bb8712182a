// Every answer of the portal over TLS carries the security headers of a normal page, including the ones Fastify and
// node write before any hook runs (a URL that does not decode, a path parameter too long, headers too large, a
// request line node cannot parse), and those answer the portal's error shape. Requests are raw bytes over node:tls,
// so nothing in between fixes them up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { loadTls } from '../src/security/tls.ts';
import { buildServer } from '../src/server.ts';
import { type TestContext, testContext } from './helpers/context.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

let ctx: TestContext;
let app: FastifyInstance;
let port: number;

before(async () => {
  ctx = await testContext('sqlite');
  const tls = await loadTls(ctx.config);
  app = await buildServer(ctx, { https: { key: tls.key, cert: tls.cert }, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
after(async () => {
  await app.close();
  await ctx.close();
});

/** Sends `request` as it stands and reads the answer until the server closes the connection. */
function raw(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while the rest of a refused request is still being sent.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine = '', ...fields] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const field of fields) {
        const colon = field.indexOf(':');
        headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
  });
}

const get = (path: string, extra = '') =>
  raw(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`);
const post = (path: string, type: string, body: string) =>
  raw(
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );

/** The security headers of an answer, the CSP without its per-request nonces. */
function security(answer: RawAnswer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SECURITY_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) out[name] = value.replace(/ 'nonce-[^']+'/g, '');
  }
  return out;
}

const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('security headers on every answer over TLS', () => {
  let page: Record<string, string>;
  before(async () => {
    const normal = await get('/');
    assert.equal(normal.status, 200);
    page = security(normal);
    assert.deepEqual(Object.keys(page), SECURITY_HEADERS, 'a page carries them all');
    assert.match(page['strict-transport-security'] ?? '', /max-age=31536000/);
    assert.match(page['content-security-policy'] ?? '', /frame-ancestors 'none'/);
  });

  const refusals: Array<[string, () => Promise<RawAnswer>, number, string]> = [
    ['a URL that does not decode (/%)', () => get('/%'), 400, 'MBPROV_REQUEST_MALFORMED'],
    [
      'an API URL that does not decode',
      () => get('/api/v1/subscribers/%zz/suspend'),
      400,
      'MBPROV_REQUEST_MALFORMED',
    ],
    [
      'a path parameter longer than the router takes',
      () => get(`/refresh/${'a'.repeat(200)}`),
      414,
      'MBPROV_REQUEST_URL_TOO_LONG',
    ],
    [
      'headers larger than node takes (431)',
      () => get('/', `X-Big: ${'a'.repeat(20_000)}\r\n`),
      431,
      'MBPROV_REQUEST_HEADERS_TOO_LARGE',
    ],
    [
      'a request line node cannot parse',
      () => raw('NOT AN HTTP REQUEST\r\n\r\n'),
      400,
      'MBPROV_REQUEST_MALFORMED',
    ],
    ['an unknown API call', () => get('/api/v1/nope'), 404, 'MBPROV_NOT_FOUND'],
    [
      'a JSON body that does not parse',
      () => post('/api/v1/usage', 'application/json', '{"updates": ['),
      400,
      'MBPROV_API_BAD_REQUEST',
    ],
    [
      'an API body over the limit (413)',
      () => post('/api/v1/usage', 'application/json', 'x'.repeat(300_000)),
      413,
      'MBPROV_API_BAD_REQUEST',
    ],
  ];
  for (const [name, send, status, code] of refusals) {
    it(`${name}: ${status} ${code} with the security headers of a page, nothing echoed`, async () => {
      const answer = await send();
      assert.equal(answer.status, status, answer.body.slice(0, 300));
      assert.deepEqual(security(answer), page);
      assert.match(answer.headers['content-type'] ?? '', /^application\/json/);
      const body = JSON.parse(answer.body) as { code: string; message: string };
      assert.deepEqual(Object.keys(body), ['code', 'message']);
      assert.equal(body.code, code);
      assert.doesNotMatch(body.message, /%zz|aaaa/);
    });
  }

  for (const [name, send, status] of [
    ['an unknown page', () => get('/nope'), 404],
    [
      'a form body over the limit (413)',
      () => post('/checkout', 'application/x-www-form-urlencoded', `a=${'x'.repeat(70_000)}`),
      413,
    ],
  ] as const) {
    it(`${name}: the ${status} error page with the security headers`, async () => {
      const answer = await send();
      assert.equal(answer.status, status);
      assert.deepEqual(security(answer), page);
      assert.match(answer.headers['content-type'] ?? '', /^text\/html/);
    });
  }
});

describe('an operator logo on another site (operator.logoUrl https)', () => {
  it("adds that origin, and nothing else, to the pages' img-src", async () => {
    const other = await testContext('sqlite');
    other.config.operator.logoUrl = 'https://cdn.contoso.example/brand/logo.svg';
    const server = await buildServer(other, { logger: false });
    try {
      const answer = await server.inject({ method: 'GET', url: '/' });
      const csp = String(answer.headers['content-security-policy']);
      assert.match(csp, /(^|;)img-src 'self' data: https:\/\/cdn\.contoso\.example(;|$)/, csp);
      assert.match(answer.body, /<img class="logo" src="https:\/\/cdn\.contoso\.example\/brand\/logo\.svg"/);
      const own = await app.inject({ method: 'GET', url: '/' });
      assert.match(String(own.headers['content-security-policy']), /(^|;)img-src 'self' data:(;|$)/);
    } finally {
      await server.close();
      await other.close();
    }
  });
});
