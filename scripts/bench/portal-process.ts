// The portal child process and the HTTPS client the portal and back-office benchmarks share.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { type Agent, request } from 'node:https';
import type { Readable } from 'node:stream';

/** An answer of the portal, body decoded as UTF-8. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS request over a (keep-alive) agent. */
export function httpsCall(
  agent: Agent,
  url: string | URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A running portal-server.ts: the portal's URL, an admin API key, the bare-route baseline URL. */
export interface PortalProcess {
  url: string;
  key: string;
  bare: string;
  /** The same-work baseline of the back-office benchmark (same-work-server.ts). */
  sameWork: string;
  /** Stops the portal and waits until it has dropped its PostgreSQL schemas and data folder. */
  stop(): Promise<void>;
}

/** Starts portal-server.ts with `sims` generated SIMs, on SQLite or the given PostgreSQL database. */
export async function startPortalProcess(
  sims: number,
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
): Promise<PortalProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./portal-server.ts', import.meta.url).pathname,
      String(sims),
      ...(databaseUrl ? [databaseUrl] : []),
    ],
    // The portal logs to stdout as in production; the logs go to /dev/null, the ready line comes on fd 3.
    { stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'pipe'], env: { ...process.env, ...env } },
  );
  const [url, key, bare, sameWork] = await new Promise<string[]>((resolve, reject) => {
    (child.stdio[3] as Readable).on('data', (d: Buffer) => {
      const m = /ready (\S+) (\S+) (\S+) (\S+)/.exec(d.toString());
      if (m) resolve(m.slice(1, 5) as string[]);
    });
    child.on('exit', (code) => reject(new Error(`portal exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url: url as string, key: key as string, bare: bare as string, sameWork: sameWork as string, stop };
}
