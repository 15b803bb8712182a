// Closing the portal's server (what a SIGTERM does): an answer in flight is written in full; keep-alive connections,
// idle ones and the one whose answer was in flight, do not hold the close up; a request arriving on a connection
// still open while it closes, /healthz included, gets 503 so that a load balancer stops sending traffic.
import assert from 'node:assert/strict';
import { Agent, get } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/server.ts';
import { type TestContext, testContext } from './helpers/context.ts';

const SLOW_MS = 700;
let ctx: TestContext;
before(async () => {
  ctx = await testContext('sqlite');
});
after(async () => {
  await ctx.close();
});

/** The portal's server on loopback (plain HTTP: TLS changes nothing here) with a route that answers after SLOW_MS. */
async function listening(): Promise<{ app: FastifyInstance; port: number; slowStarted: Promise<void> }> {
  const app = await buildServer(ctx, { logger: false });
  let started = () => {};
  const slowStarted = new Promise<void>((resolve) => {
    started = resolve;
  });
  app.get('/slow', async () => {
    started();
    await setTimeout(SLOW_MS);
    return { done: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, port: address.port, slowStarted };
}

/** GET through `agent`: status, Connection header and body. */
function fetchVia(agent: Agent, port: number, path: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('closing the server', () => {
  it('answers the request in flight, then ends without waiting for the keep-alive connections', async () => {
    const { app, port, slowStarted } = await listening();
    const agent = new Agent({ keepAlive: true });
    try {
      // One connection left idle in the agent's pool, another busy with the slow request.
      assert.equal((await fetchVia(agent, port, '/healthz')).status, 200);
      const slow = fetchVia(agent, port, '/slow');
      await slowStarted;
      const started = Date.now();
      let closedAt = 0;
      const closed = app.close().then(() => {
        closedAt = Date.now();
      });
      const answer = await slow;
      const answeredAt = Date.now();
      assert.deepEqual(answer, { status: 200, body: '{"done":true}' });
      await closed;
      // Fastify keeps an idle connection 72 s: the close ends with the answer instead.
      assert.ok(closedAt - answeredAt < 500, `closed ${closedAt - answeredAt} ms after the answer`);
      assert.ok(closedAt - started < SLOW_MS + 500, `closed after ${closedAt - started} ms`);
    } finally {
      agent.destroy();
      await app.close();
    }
  });

  it('answers /healthz 503 with Connection: close when it arrives on an open connection while closing', async () => {
    const { app, port, slowStarted } = await listening();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
    });
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    try {
      socket.write('GET /slow HTTP/1.1\r\nHost: portal\r\n\r\n');
      await slowStarted;
      const closed = app.close();
      // Pipelined behind the slow request: the connection is busy, so the close leaves it open.
      socket.write('GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n');
      await Promise.all([ended, closed]);
      const answers = received.split(/(?=HTTP\/1\.1 )/);
      assert.equal(answers.length, 2, received);
      assert.match(answers[0] as string, /^HTTP\/1\.1 200 [\s\S]*\{"done":true\}$/);
      assert.match(answers[1] as string, /^HTTP\/1\.1 503 /);
      assert.match(answers[1] as string, /^connection: close$/im);
    } finally {
      socket.destroy();
      await app.close();
    }
  });
});
