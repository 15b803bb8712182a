import { request } from 'node:https';
import type { RefreshFetch } from './refresh.ts';

/** Options of {@link httpsRefreshFetch}. */
export interface HttpsFetchOptions {
  /** Extra trusted CA certificates (PEM), e.g. the portal's development TLS certificate. */
  ca?: string | string[];
  /** Give up after this many milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Largest accepted body in bytes (default 8 MiB, the document size limit). */
  maxBytes?: number;
}

/**
 * A RefreshFetch over node:https that can trust a given CA: what Windows does with its certificate store when it
 * calls the RefreshURL. Only https URLs are fetched.
 */
export function httpsRefreshFetch(options: HttpsFetchOptions = {}): RefreshFetch {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new Error(`refusing ${target.protocol} URL: the RefreshURL must be https`));
        return;
      }
      const req = request(
        target,
        { method: init.method, headers: init.headers, ...(options.ca ? { ca: options.ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy(new Error(`the answer is larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: {
                get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null,
              },
              text: async () => body,
            });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
}
