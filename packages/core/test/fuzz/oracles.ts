// The independent implementations, on real files, without blocking the main thread (it runs the watchdog):
// xmllint validates a batch of files against mbprov's corrected XSD in one process; xmlsec1 verifies one file per
// call with the fuzz root as the only trust anchor and only URI="" references enabled (as helpers/signing.ts does).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaDir } from '../../src/index.ts';

/** An oracle's answer; `error` when the tool itself failed (crash, timeout), which is no verdict. */
export interface OracleVerdict {
  valid: boolean;
  /** The tool's first relevant message. */
  detail: string;
  /** Every error line the tool printed for the input (at most 50). */
  errors?: string[];
  error?: boolean;
}

/** The corrected XSD xmllint validates against. */
export const XSD_FILE = join(schemaDir, 'carrier-control-v1.xsd');

interface Run {
  code: number | null;
  signal: string | null;
  output: string;
  timedOut: boolean;
}

function run(command: string, args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const e = error as
          | (NodeJS.ErrnoException & { code?: number | string; signal?: string; killed?: boolean })
          | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          output: `${stdout}${stderr}`,
          timedOut: Boolean(e?.killed),
        });
      },
    );
  });
}

/** Runs at most `limit` tasks at a time. */
class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** Options of {@link Oracles}. */
export interface OracleOptions {
  /** The trusted root for xmlsec1, PEM. */
  trustPem: string;
  /** Parallel oracle processes (default 2). */
  concurrency?: number;
  /** Per-process time limit (default 60 s). */
  timeoutMs?: number;
}

/** xmllint and xmlsec1 over a private temporary directory. */
export class Oracles {
  readonly dir = mkdtempSync(join(tmpdir(), 'mbprov-fuzz-'));
  private readonly trustFile: string;
  private readonly limiter: Limiter;
  private readonly timeoutMs: number;
  /** Processes started, by tool. */
  readonly calls = { xmllint: 0, xmlsec1: 0 };
  /** Wall time of those processes, milliseconds, by tool (overlapping runs add up). */
  readonly ms = { xmllint: 0, xmlsec1: 0 };

  constructor(options: OracleOptions) {
    this.trustFile = join(this.dir, 'root.pem');
    writeFileSync(this.trustFile, options.trustPem);
    this.limiter = new Limiter(options.concurrency ?? 2);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Validates every item in one xmllint process; returns the verdict per id. */
  xmllint(items: Array<{ id: number; bytes: Uint8Array }>): Promise<Map<number, OracleVerdict>> {
    return this.limiter.run(async () => {
      const paths = items.map((it) => {
        const path = join(this.dir, `x-${it.id}.xml`);
        writeFileSync(path, it.bytes);
        return path;
      });
      this.calls.xmllint++;
      const t = performance.now();
      const r = await run('xmllint', ['--noout', '--schema', XSD_FILE, ...paths], this.timeoutMs);
      this.ms.xmllint += performance.now() - t;
      for (const p of paths) rmSync(p, { force: true });
      const verdicts = new Map<number, OracleVerdict>();
      if (r.timedOut || r.signal) {
        for (const it of items)
          verdicts.set(it.id, {
            valid: false,
            detail: `xmllint ${r.timedOut ? 'timed out' : `died (${r.signal})`}`,
            error: true,
          });
        return verdicts;
      }
      const errorLines = new Map<string, string[]>();
      const state = new Map<string, 'valid' | 'invalid' | 'internal'>();
      for (const line of r.output.split('\n')) {
        const m = /^(.*?) (validates|fails to validate|validation generated an internal error)$/.exec(line);
        if (m) {
          state.set(
            m[1] as string,
            m[2] === 'validates' ? 'valid' : m[2] === 'fails to validate' ? 'invalid' : 'internal',
          );
          continue;
        }
        const e = /^(.*?\.xml):(\d+): (.*)$/.exec(line);
        if (e) {
          const list = errorLines.get(e[1] as string) ?? [];
          if (list.length < 50) list.push(`line ${e[2]}: ${e[3]}`);
          errorLines.set(e[1] as string, list);
        }
      }
      items.forEach((it, i) => {
        const p = paths[i] as string;
        const s = state.get(p);
        const errors = errorLines.get(p) ?? [];
        const detail = (errors[0] ?? '').slice(0, 300);
        if (s === 'valid') verdicts.set(it.id, { valid: true, detail: 'validates' });
        else if (s === 'invalid')
          verdicts.set(it.id, { valid: false, detail: detail || 'fails to validate', errors });
        else if (s === 'internal')
          verdicts.set(it.id, { valid: false, detail: `internal error ${detail}`, error: true });
        else verdicts.set(it.id, { valid: false, detail: `not well-formed: ${detail}` });
      });
      return verdicts;
    });
  }

  /**
   * `xmlsec1 --verify` of the items, as few processes as possible: xmlsec1 verifies its files in order and stops at
   * the first one that fails, so after a failure the rest go to a new process. Give it the inputs mbprov accepted
   * together (they should all pass) and the others one by one.
   */
  xmlsec1(items: Array<{ id: number; bytes: Uint8Array }>): Promise<Map<number, OracleVerdict>> {
    return this.limiter.run(async () => {
      const verdicts = new Map<number, OracleVerdict>();
      const paths = items.map((it) => {
        const path = join(this.dir, `s-${it.id}.xml`);
        writeFileSync(path, it.bytes);
        return path;
      });
      let from = 0;
      while (from < items.length) {
        this.calls.xmlsec1++;
        const t = performance.now();
        const r = await run(
          'xmlsec1',
          [
            '--verify',
            '--trusted-pem',
            this.trustFile,
            '--enabled-reference-uris',
            'empty',
            ...paths.slice(from),
          ],
          this.timeoutMs,
        );
        this.ms.xmlsec1 += performance.now() - t;
        const ok = r.output.split('\n').filter((l) => l === 'OK').length;
        for (let k = 0; k < ok && from + k < items.length; k++)
          verdicts.set((items[from + k] as { id: number }).id, { valid: true, detail: 'OK' });
        if (r.code === 0 && !r.signal) break;
        const failed = items[from + ok];
        if (!failed) break;
        if (r.timedOut || r.signal || r.code !== 1) {
          verdicts.set(failed.id, {
            valid: false,
            detail: `xmlsec1 ${r.timedOut ? 'timed out' : `exit ${r.code} ${r.signal ?? ''}`}`,
            error: true,
          });
        } else {
          const lines = r.output
            .split('\n')
            .filter((l) => /error=|^Error: /.test(l) && !/^Error: failed to verify file/.test(l));
          const error = lines.find((l) => /error=/.test(l)) ?? lines[0] ?? 'FAIL';
          verdicts.set(failed.id, {
            valid: false,
            detail: error.replace(/^func=[^:]*:file=[^:]*:line=\d+:/, '').slice(0, 300),
          });
        }
        from += ok + 1;
      }
      for (const p of paths) rmSync(p, { force: true });
      for (const it of items) {
        if (!verdicts.has(it.id))
          verdicts.set(it.id, { valid: false, detail: 'xmlsec1 gave no verdict', error: true });
      }
      return verdicts;
    });
  }

  /** Removes the temporary directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
