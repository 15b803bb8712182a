// Runs inputs in a worker thread under a watchdog. A hang in synchronous code (JavaScript or WebAssembly) cannot be
// interrupted from inside its thread, so the worker publishes the index of the input it is on in shared memory
// (Atomics.store), the main thread polls it, and when one input has been current for longer than the bound it
// terminates the worker, reports that index as a hang and goes on from the next index with a new worker.
import { Worker } from 'node:worker_threads';
import type { Corpus } from './corpus.ts';
import type { FuzzInput } from './inputs.ts';
import type { PropertyFinding, Verdicts } from './property.ts';

/** Slots of the shared Int32Array. */
export const SLOT = {
  /** Index of the input being worked on; -1 between inputs or while waiting for credit. */
  current: 0,
  /** Set by the main thread: finish the current input and stop. */
  stop: 1,
  /** The worker may post results while `produced` is below this (set by the main thread). */
  credit: 2,
  /** Results posted so far, by every worker of the run. */
  produced: 3,
  /** 0 while the input is being made, k while property k (1-based) runs. */
  phase: 4,
} as const;

/** Which indices a worker works through, in this order: `list`, then `from` up to `to` (exclusive). */
export interface WorkerPlan {
  list: number[];
  from: number;
  to: number;
}

/** What the worker receives. */
export interface WorkerData {
  shared: SharedArrayBuffer;
  corpus: Corpus;
  seed: number;
  /** Explicit inputs (regression fixtures), indexed by position; otherwise inputs are generated from the seed. */
  inputs?: FuzzInput[];
  /** URLs of the property modules. */
  modules: string[];
  plan: WorkerPlan;
}

/** What the worker posts for each input. */
export interface WorkerResult {
  input: FuzzInput;
  /** Time of all properties on the input (not of making it). */
  ms: number;
  findings: PropertyFinding[];
  verdicts: Verdicts;
}

/** Options of {@link Watchdog}. */
export interface WatchdogOptions {
  corpus: Corpus;
  seed: number;
  inputs?: FuzzInput[];
  modules: string[];
  /** The bound: an input current for longer is a hang. */
  hangMs: number;
  /** Results the worker may be ahead of {@link Watchdog.settle} calls (default 300). */
  window?: number;
  /** A new worker after this many inputs (bounds memory growth; default 20,000). */
  recycleEvery?: number;
}

/** What the watchdog reports. */
export interface WatchdogEvents {
  result(result: WorkerResult): void;
  /** The input at `index` was current for `ms` (more than the bound); `phase` says where it was. */
  hang(index: number, ms: number, phase: string): void;
  /** The worker died (uncaught error, out of memory) while on input `index`. */
  died(index: number, message: string): void;
}

const tsxApi = import.meta.resolve('tsx/esm/api');
const workerUrl = new URL('./worker.ts', import.meta.url).href;
// Workers do not inherit tsx's loader from `--import tsx`: the worker registers it, then loads worker.ts.
const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`;

type Outcome =
  | { kind: 'done' }
  | { kind: 'hang'; index: number }
  | { kind: 'died'; index: number; message: string }
  | { kind: 'stopped' };

/** The worker pool of one run (one worker at a time). */
export class Watchdog {
  private readonly shared = new SharedArrayBuffer(8 * 4);
  private readonly slots = new Int32Array(this.shared);
  private readonly received = new Set<number>();
  private settled = 0;
  private stopped = false;
  private properties: string[] = [];
  /** Workers started. */
  workers = 0;

  constructor(
    private readonly options: WatchdogOptions,
    private readonly events: WatchdogEvents,
  ) {
    Atomics.store(this.slots, SLOT.current, -1);
    Atomics.store(this.slots, SLOT.credit, options.window ?? 300);
  }

  /** Counts one posted result as dealt with (judged), which lets the worker go on. */
  settle(): void {
    this.settled++;
    Atomics.store(this.slots, SLOT.credit, this.settled + (this.options.window ?? 300));
    Atomics.notify(this.slots, SLOT.credit);
  }

  /** Asks the worker to stop after its current input. */
  stop(): void {
    this.stopped = true;
    Atomics.store(this.slots, SLOT.stop, 1);
    Atomics.notify(this.slots, SLOT.credit);
  }

  /** Runs indices [from, to) (to may be Infinity with a later {@link stop}); resolves when all are accounted for. */
  async run(from: number, to: number): Promise<void> {
    const chunk = this.options.recycleEvery ?? 20_000;
    let plan: WorkerPlan = { list: [], from, to: Math.min(to, from + chunk) };
    for (;;) {
      const outcome = await this.runWorker(plan);
      if (outcome.kind === 'stopped' || this.stopped) return;
      if (outcome.kind === 'done') {
        if (plan.to >= to) return;
        plan = { list: [], from: plan.to, to: Math.min(to, plan.to + chunk) };
        continue;
      }
      const sequence = [...plan.list];
      const inList = plan.list.includes(outcome.index);
      const before = inList ? sequence.slice(0, sequence.indexOf(outcome.index)) : sequence;
      const missing = before.filter((i) => !this.received.has(i));
      if (!inList) for (let i = plan.from; i < outcome.index; i++) if (!this.received.has(i)) missing.push(i);
      const after = inList ? sequence.slice(sequence.indexOf(outcome.index) + 1) : [];
      plan = { list: [...missing, ...after], from: inList ? plan.from : outcome.index + 1, to: plan.to };
      if (plan.list.length === 0 && plan.from >= plan.to) {
        if (plan.to >= to) return;
        plan = { list: [], from: plan.to, to: Math.min(to, plan.to + chunk) };
      }
    }
  }

  private phaseName(): string {
    const phase = Atomics.load(this.slots, SLOT.phase);
    return phase === 0 ? 'making the input' : `in property ${this.properties[phase - 1] ?? phase}`;
  }

  private runWorker(plan: WorkerPlan): Promise<Outcome> {
    this.workers++;
    Atomics.store(this.slots, SLOT.current, -1);
    const data: WorkerData = {
      shared: this.shared,
      corpus: this.options.corpus,
      seed: this.options.seed,
      modules: this.options.modules,
      plan,
      ...(this.options.inputs ? { inputs: this.options.inputs } : {}),
    };
    const worker = new Worker(bootstrap, {
      eval: true,
      execArgv: [],
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
    });
    return new Promise<Outcome>((resolve, reject) => {
      let settledOutcome = false;
      let lastIndex = -1;
      let since = performance.now();
      let errorMessage = '';
      let ready = false;
      const finish = (o: Outcome) => {
        if (settledOutcome) return;
        settledOutcome = true;
        clearInterval(timer);
        resolve(o);
      };
      const timer = setInterval(() => {
        const current = Atomics.load(this.slots, SLOT.current);
        const now = performance.now();
        if (current !== lastIndex) {
          lastIndex = current;
          since = now;
          return;
        }
        if (current >= 0 && now - since > this.options.hangMs) {
          const ms = now - since;
          const phase = this.phaseName();
          finish({ kind: 'hang', index: current });
          void worker.terminate();
          this.events.hang(current, ms, phase);
        } else if (!ready && current < 0 && now - since > 180_000) {
          clearInterval(timer);
          void worker.terminate();
          reject(new Error('the fuzz worker did not start within 3 minutes'));
        }
      }, 50);
      worker.on('message', (m: WorkerResult | 'done' | { ready: string[] }) => {
        if (m === 'done') {
          finish({ kind: this.stopped ? 'stopped' : 'done' });
          void worker.terminate();
        } else if ('ready' in m) {
          ready = true;
          this.properties = m.ready;
        } else if (this.received.has(m.input.index)) {
          this.settle(); // a re-run of an input whose result arrived after the hang was called
        } else {
          this.received.add(m.input.index);
          this.events.result(m);
        }
      });
      worker.on('error', (error) => {
        errorMessage = `${error.name}: ${error.message}`;
      });
      worker.on('exit', () => {
        if (settledOutcome) return;
        const current = Atomics.load(this.slots, SLOT.current);
        if (!ready || current < 0) {
          clearInterval(timer);
          settledOutcome = true;
          if (this.stopped) resolve({ kind: 'stopped' });
          else
            reject(
              new Error(`the fuzz worker exited outside an input: ${errorMessage || 'no error reported'}`),
            );
          return;
        }
        const message = `the worker died ${this.phaseName()}: ${errorMessage || 'exited without an error'}`;
        finish({ kind: 'died', index: current, message });
        this.events.died(current, message);
      });
    });
  }
}
