// The worker: makes each input, runs every property on it, posts the result. Before each input it publishes the
// input's index (and the phase it is in) in shared memory, so the main thread can tell a hang from slow progress
// and terminate it; it waits for credit so it never runs far ahead of the oracles.
import { parentPort, workerData } from 'node:worker_threads';
import type { Corpus } from './corpus.ts';
import { generateInput } from './generate.ts';
import type { FuzzInput } from './inputs.ts';
import {
  crash,
  type FuzzProperty,
  type PropertyFinding,
  type PropertyModule,
  type Verdicts,
} from './property.ts';
import { SLOT, type WorkerData, type WorkerResult } from './watchdog.ts';

const data = workerData as WorkerData;
const shared = new Int32Array(data.shared);
const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');

const properties: FuzzProperty[] = [];
for (const url of data.modules) {
  const mod = (await import(url)) as PropertyModule;
  properties.push(...mod.properties);
}
const corpus = data.corpus as Corpus;
for (const p of properties) await p.setup?.(corpus);
port.postMessage({ ready: properties.map((p) => p.name) });

function inputAt(index: number): FuzzInput {
  if (data.inputs) return data.inputs[index] as FuzzInput;
  return generateInput(corpus, data.seed, index);
}

function* plan(): Generator<number> {
  yield* data.plan.list;
  for (let i = data.plan.from; i < data.plan.to; i++) yield i;
}

for (const index of plan()) {
  if (Atomics.load(shared, SLOT.stop)) break;
  while (
    Atomics.load(shared, SLOT.produced) >= Atomics.load(shared, SLOT.credit) &&
    !Atomics.load(shared, SLOT.stop)
  ) {
    Atomics.store(shared, SLOT.current, -1);
    Atomics.wait(shared, SLOT.credit, Atomics.load(shared, SLOT.credit), 250);
  }
  if (Atomics.load(shared, SLOT.stop)) break;
  Atomics.store(shared, SLOT.phase, 0);
  Atomics.store(shared, SLOT.current, index);
  let input: FuzzInput;
  try {
    input = inputAt(index);
  } catch (error) {
    // A fuzzer bug, not mbprov's: reported as a crash of the generator so it is seen and fixed.
    const placeholder: FuzzInput = { index, kind: 'document', base: '?', ops: [], data: '' };
    port.postMessage({
      input: placeholder,
      ms: 0,
      findings: [crash('generator', error)],
      verdicts: {},
    } satisfies WorkerResult);
    Atomics.add(shared, SLOT.produced, 1);
    continue;
  }
  const findings: PropertyFinding[] = [];
  const verdicts: Verdicts = {};
  const started = performance.now();
  properties.forEach((p, k) => {
    Atomics.store(shared, SLOT.phase, k + 1);
    try {
      const out = p.check(input, verdicts);
      findings.push(...out.findings);
      Object.assign(verdicts, out.verdicts);
    } catch (error) {
      findings.push({
        type: 'crash',
        property: p.name,
        message: `the property itself threw: ${String(error)}`,
      });
    }
  });
  const result: WorkerResult = { input, ms: performance.now() - started, findings, verdicts };
  port.postMessage(result);
  Atomics.add(shared, SLOT.produced, 1);
}
Atomics.store(shared, SLOT.current, -1);
port.postMessage('done');
