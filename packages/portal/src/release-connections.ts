import type { FastifyInstance } from 'fastify';

/**
 * Lets `app.close()` end as soon as the requests in flight have been answered. Node's `server.close()` closes the
 * keep-alive connections idle at that moment, but a connection whose answer was still being written becomes idle
 * afterwards and would hold the close until its keep-alive timeout (72 s in Fastify): each answer finished while
 * closing closes the connections that became idle. A request arriving on a connection still open while closing
 * (pipelined, or racing the close) gets Fastify's 503 with `Connection: close` (return503OnClosing), /healthz
 * included, which is how a load balancer that keeps its connection learns that the portal is draining.
 */
export function releaseConnectionsOnClose(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A callback hook, not an async one: it runs on every answer, and an async hook costs a promise each time.
  app.addHook('onResponse', (_request, _reply, done) => {
    // After the answer's socket is back in the idle list (the next turn of the event loop).
    if (closing) setImmediate(() => app.server.closeIdleConnections());
    done();
  });
}
