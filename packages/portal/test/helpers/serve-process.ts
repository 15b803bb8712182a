import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { demoConfig } from '../../src/config/demo.ts';
import { freeLoopbackPort } from '../../src/free-port.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/src/main.ts');

/** What a `mbprov serve` child process was started with. */
export interface ServeOptions {
  graceSeconds: number;
  /** MBPROV_TEST_PAYMENT_DELAY_MS: how long each capture of the test payment provider waits. */
  paymentDelayMs: number;
  /** PostgreSQL (URL and a fresh schema) instead of the SQLite file in the data directory. */
  postgres?: { url: string; schema: string };
}

/** A running `mbprov serve`: its port, data directory, output so far and exit. */
export interface ServeProcess {
  child: ChildProcess;
  port: number;
  dataDir: string;
  /** Standard output and standard error so far, interleaved. */
  output(): string;
  /** Resolves with the exit status (or signal) and when it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves once the output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Kills it if it still runs and removes the data directory. */
  cleanup(): Promise<void>;
}

/**
 * Starts the real `mbprov serve` (node --import tsx packages/cli/src/main.ts serve --config <file>) with the demo
 * catalog and SIMs in a configuration file, on a free loopback port and a temporary data directory; resolves once it
 * listens.
 */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-serve-'));
  const port = await freeLoopbackPort();
  const config = {
    ...demoConfig(),
    dataDir,
    server: {
      host: '127.0.0.1',
      port,
      publicUrl: `https://localhost:${port}`,
      shutdownGraceSeconds: options.graceSeconds,
    },
    ...(options.postgres
      ? { databaseUrl: options.postgres.url, databaseSchema: options.postgres.schema }
      : {}),
  };
  const file = join(dataDir, 'portal.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--config', file], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MBPROV_TEST_PAYMENT_DELAY_MS: String(options.paymentDelayMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(text)) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = globalThis.setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no ${pattern} in the output of mbprov serve:\n${text}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then(() => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`mbprov serve exited before ${pattern}:\n${text}`));
        }
      });
      check();
    });
  const serve: ServeProcess = {
    child,
    port,
    dataDir,
    output: () => text,
    exited,
    waitFor,
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(/mbprov portal listening on /);
  } catch (error) {
    await serve.cleanup();
    throw error;
  }
  return serve;
}

/** An HTTPS response, body decoded as UTF-8. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A browser tab on the portal over real HTTPS: keep-alive connections, cookies kept between requests. */
export class HttpsTab {
  readonly agent = new Agent({ keepAlive: true });
  private readonly cookies = new Map<string, string>();

  constructor(private readonly port: number) {}

  /** GET `path`. */
  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  /** Posts an HTML form. */
  postForm(path: string, form: Record<string, string>): Promise<Answer> {
    return this.send('POST', path, new URLSearchParams(form).toString());
  }

  private send(method: string, path: string, body?: string): Promise<Answer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          path,
          method,
          agent: this.agent,
          // The portal's generated development certificate, on loopback only.
          rejectUnauthorized: false,
          headers: {
            'accept-language': 'en',
            origin: `https://localhost:${this.port}`,
            ...(cookie ? { cookie } : {}),
            ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
        },
        (res) => {
          for (const line of res.headers['set-cookie'] ?? []) {
            const [pair = ''] = line.split(';');
            const at = pair.indexOf('=');
            if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/**
 * Resolves with the time a new TCP connection to `port` is first refused, trying every 25 ms for `timeoutMs`;
 * rejects if every attempt connected.
 */
export async function refusedAt(port: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const outcome = await new Promise<'connected' | 'refused' | 'other'>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'other'),
      );
    });
    if (outcome === 'refused') return Date.now();
    await setTimeout(25);
  }
  throw new Error(`port ${port} still accepted connections after ${timeoutMs} ms`);
}
