import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { HttpsSession } from '../../../cli/src/demo/https-session.ts';
import { demoConfig } from '../../src/config/demo.ts';
import { freeLoopbackPort } from '../../src/free-port.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/src/main.ts');

/** What a `mbprov serve` child process was started with. */
export interface ServeOptions {
  graceSeconds: number;
  /** MBPROV_TEST_PAYMENT_DELAY_MS: how long each status answer of the test payment service waits. */
  paymentDelayMs: number;
  /** PostgreSQL (URL and a fresh schema) instead of the SQLite file in the data directory. */
  postgres?: { url: string; schema: string };
  /** Changes the configuration file (demo catalog and SIMs, the server section) before the process starts. */
  configure?: (config: Record<string, unknown>) => void;
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
 * Starts the real `mbprov serve` (packages/cli/src/main.ts serve --config <file>, from the sources) with the demo
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
  options.configure?.(config);
  const file = join(dataDir, 'portal.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawn(process.execPath, [MAIN, 'serve', '--config', file], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // The sources, as the tests run them (scripts/run-tests.mjs: the @mbprov/source condition and tsx).
      NODE_OPTIONS: process.env.NODE_OPTIONS,
      MBPROV_TEST_PAYMENT_DELAY_MS: String(options.paymentDelayMs),
      // The test payment service on a free port of its own: several portals run side by side.
      MBPROV_TEST_PAYMENTS_PORT: '0',
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

/**
 * A browser tab on the portal over real HTTPS: keep-alive connections, cookies kept between requests, TLS checked
 * against the portal's generated development certificate (the CLI demo's client, with a keep-alive agent).
 */
export class HttpsTab extends HttpsSession {
  declare readonly agent: Agent;

  /** @param localAddress the loopback address to connect from (127.x.y.z): the client address the portal sees */
  constructor(serve: ServeProcess, localAddress?: string) {
    const agent = new Agent({ keepAlive: true, ...(localAddress ? { localAddress } : {}) });
    const origin = `https://127.0.0.1:${serve.port}`;
    const ca = readFileSync(join(serve.dataDir, 'tls', 'localhost.crt.pem'), 'utf8');
    super(origin, ca, { 'accept-language': 'en', origin: `https://localhost:${serve.port}` }, agent);
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
