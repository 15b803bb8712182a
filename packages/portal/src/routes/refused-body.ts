import type { IncomingMessage } from 'node:http';

/** The most of a refused body read before answering anyway. */
const MAX_DRAINED_BYTES = 1024 * 1024;
/** The longest wait for a refused body before answering anyway. */
const MAX_DRAIN_MS = 5000;

/**
 * Reads and discards what is left of a request body the portal refused unread (over the body limit), up to 1 MiB
 * and 5 seconds. Fastify answers such a request at once and closes the connection: a browser still sending the body
 * then meets a reset connection and shows its own error instead of the portal's page. Once the body is in, the
 * answer arrives whole. A body larger or slower than the bounds is not waited for.
 */
export function drainRefusedBody(raw: IncomingMessage): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const timer = setTimeout(done, MAX_DRAIN_MS);
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > MAX_DRAINED_BYTES) done();
    }
    function done() {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', done);
      raw.off('error', done);
      raw.off('close', done);
      if (!raw.readableEnded) raw.pause();
      resolve();
    }
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('error', done);
    raw.once('close', done);
    raw.resume();
  });
}
