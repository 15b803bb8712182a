import { createServer } from 'node:net';

/**
 * A TCP port free on loopback now. For starting a portal whose public URL (and so every RefreshURL it hands out)
 * must name its real port before it listens: the demo and the browser tests.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
