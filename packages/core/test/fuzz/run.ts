// One fuzz run: the corpus, the watchdog'd worker, the oracles and the judge, the findings and the figures.
// Used by the fuzz tests (a fixed number of inputs) and by scripts/fuzz.ts (minutes, with progress and files).
import { buildCorpus, type Corpus, inputsOnlyCorpus } from './corpus.ts';
import { type Finding, FindingLog, writeFinding } from './findings.ts';
import { generateInput } from './generate.ts';
import { type FuzzInput, hasNonXmlCharacters, oracleBytes } from './inputs.ts';
import { judgeSchema, judgeSignature, oraclesFor, xmllintMistaken } from './judge.ts';
import { Oracles, type OracleVerdict } from './oracles.ts';
import { type FuzzSummary, quantile } from './stats.ts';
import { Watchdog, type WorkerResult } from './watchdog.ts';

/** URL of core's property module. */
export const CORE_PROPERTIES = new URL('./properties.ts', import.meta.url).href;

/** Options of {@link runFuzz}. */
export interface RunOptions {
  seed: number;
  /** First index (default 0). */
  start?: number;
  /** Number of inputs; or */
  count?: number;
  /** run for this long (then finish the current input and drain the oracles). */
  minutes?: number;
  /** Explicit inputs instead of generated ones (regression fixtures). */
  inputs?: FuzzInput[];
  /** Property modules (default: core's). */
  modules?: string[];
  /** Compare with xmllint and xmlsec1 (default true). */
  oracles?: boolean;
  /** The watchdog bound per input (default 10 s). */
  hangMs?: number;
  /** Write the first examples of each kind of finding here. */
  findingsDir?: string;
  /** Called about every `progressMs` (default 5 s). */
  onProgress?: (p: Progress) => void;
  progressMs?: number;
  /** A corpus already built (default: built here). */
  corpus?: Corpus;
  /** Parallel oracle processes (default 2). */
  oracleConcurrency?: number;
  /** Example inputs kept per kind of finding (default 3). */
  examplesPerGroup?: number;
}

/** Progress of a run. */
export interface Progress {
  elapsedMs: number;
  inputs: number;
  perSecond: number;
  log: FindingLog;
}

interface Pending {
  result: WorkerResult;
  need: number;
  xmllint?: OracleVerdict;
  xmlsec1?: OracleVerdict;
}

const XMLLINT_BATCH = 100;
const XMLSEC_BATCH = 40;

/** Runs the fuzzer; never throws for a finding (they are in the summary), only when it cannot run at all. */
export async function runFuzz(
  options: RunOptions,
): Promise<FuzzSummary & { log: FindingLog; written: string[] }> {
  const started = performance.now();
  const corpus = options.corpus ?? (options.inputs ? inputsOnlyCorpus() : buildCorpus());
  const seed = options.seed;
  const start = options.start ?? 0;
  const end = options.inputs
    ? options.inputs.length
    : options.count !== undefined
      ? start + options.count
      : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(end) && options.minutes === undefined)
    throw new Error('runFuzz needs count, minutes or inputs');
  const useOracles = options.oracles ?? true;
  const oracles = useOracles
    ? new Oracles({ trustPem: corpus.trustPem, concurrency: options.oracleConcurrency ?? 2 })
    : undefined;
  const log = new FindingLog(options.examplesPerGroup);
  const written: string[] = [];
  const times: number[] = [];
  let maxMs = 0;
  let maxIndex = -1;
  let inputs = 0;
  let documents = 0;
  let signatures = 0;
  let oracleErrors = 0;
  const accepted = { mbprov: 0, xmlsec1: 0 };

  const record = (f: Finding) => {
    if (log.add(f) && options.findingsDir)
      written.push(writeFinding(options.findingsDir, f, options.inputs ? undefined : seed));
  };
  const inputAt = (index: number): FuzzInput => {
    if (options.inputs) return options.inputs[index] as FuzzInput;
    try {
      return generateInput(corpus, seed, index);
    } catch (error) {
      return {
        index,
        kind: 'document',
        base: '?',
        ops: [`(the generator failed: ${String(error)})`],
        data: '',
      };
    }
  };

  const pending = new Map<number, Pending>();
  let xmllintQueue: Array<{ id: number; bytes: Uint8Array }> = [];
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };

  let watchdog: Watchdog;
  const judge = (p: Pending) => {
    const { result } = p;
    const { input, verdicts } = result;
    if (p.xmllint?.error || (p.xmllint && !p.xmllint.valid && xmllintMistaken(p.xmllint))) oracleErrors++;
    if (p.xmlsec1?.error) oracleErrors++;
    if (p.xmllint && verdicts.xsd) {
      const d = judgeSchema(verdicts.xsd, p.xmllint);
      if (d) record({ ...d, input });
    }
    if (p.xmlsec1?.valid) accepted.xmlsec1++;
    if (p.xmlsec1 && verdicts.verify) {
      const d = judgeSignature(verdicts.verify, p.xmlsec1);
      if (d) record({ ...d, input });
    }
    pending.delete(input.index);
    watchdog.settle();
  };
  const flushXmllint = () => {
    if (!oracles || !xmllintQueue.length) return;
    const batch = xmllintQueue;
    xmllintQueue = [];
    track(
      oracles.xmllint(batch).then((verdicts) => {
        for (const [id, v] of verdicts) {
          const p = pending.get(id);
          if (!p) continue;
          p.xmllint = v;
          if (--p.need === 0) judge(p);
        }
      }),
    );
  };
  let xmlsecQueue: Array<{ id: number; bytes: Uint8Array }> = [];
  const sendXmlsec = (items: Array<{ id: number; bytes: Uint8Array }>) => {
    if (!oracles) return;
    track(
      oracles.xmlsec1(items).then((verdicts) => {
        for (const [id, v] of verdicts) {
          const p = pending.get(id);
          if (!p) continue;
          p.xmlsec1 = v;
          if (--p.need === 0) judge(p);
        }
      }),
    );
  };
  const flushXmlsec = () => {
    if (!xmlsecQueue.length) return;
    const batch = xmlsecQueue;
    xmlsecQueue = [];
    sendXmlsec(batch);
  };
  const flushTimer = setInterval(() => {
    flushXmllint();
    flushXmlsec();
  }, 400);

  watchdog = new Watchdog(
    {
      corpus,
      seed,
      modules: options.modules ?? [CORE_PROPERTIES],
      hangMs: options.hangMs ?? 10_000,
      ...(options.inputs ? { inputs: options.inputs } : {}),
    },
    {
      result(result) {
        const { input } = result;
        inputs++;
        if (input.kind === 'document') documents++;
        else signatures++;
        times.push(result.ms);
        if (result.ms > maxMs) {
          maxMs = result.ms;
          maxIndex = input.index;
        }
        for (const f of result.findings) record({ ...f, input });
        if (input.kind === 'signature' && result.verdicts.verify?.valid) accepted.mbprov++;
        const which = oracles
          ? oraclesFor(input, result.verdicts, hasNonXmlCharacters(input.data))
          : { xmllint: false, xmlsec1: false };
        const p: Pending = { result, need: (which.xmllint ? 1 : 0) + (which.xmlsec1 ? 1 : 0) };
        if (p.need === 0 || !oracles) {
          watchdog.settle();
          return;
        }
        pending.set(input.index, p);
        const bytes = oracleBytes(input.data);
        if (which.xmllint) {
          xmllintQueue.push({ id: input.index, bytes });
          if (xmllintQueue.length >= XMLLINT_BATCH) flushXmllint();
        }
        if (which.xmlsec1) {
          // What mbprov accepted should pass xmlsec1 too: those share a process; the others get one each.
          if (result.verdicts.verify?.valid) {
            xmlsecQueue.push({ id: input.index, bytes });
            if (xmlsecQueue.length >= XMLSEC_BATCH) flushXmlsec();
          } else sendXmlsec([{ id: input.index, bytes }]);
        }
      },
      hang(index, ms, phase) {
        const input = inputAt(index);
        inputs++;
        if (input.kind === 'document') documents++;
        else signatures++;
        record({
          type: 'hang',
          property: 'watchdog',
          message: `no answer after ${(ms / 1000).toFixed(1)} s (${phase})`,
          input,
        });
      },
      died(index, message) {
        const input = inputAt(index);
        inputs++;
        record({ type: 'crash', property: 'worker', message, input });
      },
    },
  );

  const progressTimer = options.onProgress
    ? setInterval(() => {
        const elapsedMs = performance.now() - started;
        options.onProgress?.({ elapsedMs, inputs, perSecond: inputs / (elapsedMs / 1000), log });
      }, options.progressMs ?? 5_000)
    : undefined;
  const deadline =
    options.minutes !== undefined ? setTimeout(() => watchdog.stop(), options.minutes * 60_000) : undefined;
  try {
    await watchdog.run(start, end);
    flushXmllint();
    flushXmlsec();
    while (inFlight.size) {
      await Promise.all([...inFlight]);
      flushXmllint();
      flushXmlsec();
    }
  } finally {
    clearInterval(flushTimer);
    if (progressTimer) clearInterval(progressTimer);
    if (deadline) clearTimeout(deadline);
    oracles?.dispose();
  }
  return {
    seed,
    inputs,
    documents,
    signatures,
    crashes: log.inputs('crash'),
    hangs: log.inputs('hang'),
    propertyFailures: log.inputs('property'),
    xmlsec1Disagreements: log.inputs('xmlsec1'),
    xmllintDisagreements: log.inputs('xmllint'),
    oracleErrors,
    oracleCalls: oracles ? { ...oracles.calls } : { xmllint: 0, xmlsec1: 0 },
    oracleMs: oracles ? { ...oracles.ms } : { xmllint: 0, xmlsec1: 0 },
    busyMs: times.reduce((a, b) => a + b, 0),
    signaturesAccepted: accepted,
    p50Ms: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
    maxMs,
    maxIndex,
    wallMs: performance.now() - started,
    workers: watchdog.workers,
    groups: log.sorted(),
    log,
    written,
  };
}
