// The figures of a run: counts, time per input (p50, p99, max), throughput, and their text and markdown forms.
import type { FindingGroup } from './findings.ts';

/** The figures of one run. */
export interface FuzzSummary {
  seed: number;
  inputs: number;
  documents: number;
  signatures: number;
  /** Inputs on which a function threw (or the worker died). */
  crashes: number;
  hangs: number;
  /** Inputs on which a stated property failed. */
  propertyFailures: number;
  xmlsec1Disagreements: number;
  xmllintDisagreements: number;
  /** Oracle runs that gave no verdict (tool crash, timeout); not counted as disagreements. */
  oracleErrors: number;
  oracleCalls: { xmllint: number; xmlsec1: number };
  /** Wall time of the oracle processes, milliseconds (parallel runs add up). */
  oracleMs: { xmllint: number; xmlsec1: number };
  /** Time the workers spent in the properties, milliseconds. */
  busyMs: number;
  /** Signature inputs verifyDocument accepted, and those xmlsec1 accepted (of the ones it was asked about). */
  signaturesAccepted: { mbprov: number; xmlsec1: number };
  /** Time of the properties per input, milliseconds (hangs excluded). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  maxIndex: number;
  wallMs: number;
  workers: number;
  groups: FindingGroup[];
}

/** The q-quantile (0..1) of a list of numbers (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (!values.length) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** Total findings of a summary. */
export function failures(s: FuzzSummary): number {
  return s.crashes + s.hangs + s.propertyFailures + s.xmlsec1Disagreements + s.xmllintDisagreements;
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

/** A plain-text summary with every group of findings (a few example inputs each). */
export function formatSummary(s: FuzzSummary): string {
  const lines = [
    `fuzz seed ${s.seed}: ${s.inputs} inputs (${s.documents} documents, ${s.signatures} signatures) in ${(s.wallMs / 1000).toFixed(1)} s, ${(s.inputs / (s.wallMs / 1000)).toFixed(0)} inputs/s, ${s.workers} worker(s)`,
    `  crashes ${s.crashes}, hangs ${s.hangs}, property failures ${s.propertyFailures}, disagreements: xmlsec1 ${s.xmlsec1Disagreements}, xmllint ${s.xmllintDisagreements} (oracle errors ${s.oracleErrors}; ${s.oracleCalls.xmlsec1} xmlsec1 and ${s.oracleCalls.xmllint} xmllint runs)`,
    `  per input: p50 ${ms(s.p50Ms)} ms, p99 ${ms(s.p99Ms)} ms, max ${ms(s.maxMs)} ms (#${s.maxIndex}); properties ${(s.busyMs / 1000).toFixed(1)} s, xmlsec1 ${(s.oracleMs.xmlsec1 / 1000).toFixed(1)} s, xmllint ${(s.oracleMs.xmllint / 1000).toFixed(1)} s`,
  ];
  if (s.oracleCalls.xmlsec1) {
    lines.splice(
      1,
      0,
      `  signature inputs accepted: by verifyDocument ${s.signaturesAccepted.mbprov}, by xmlsec1 ${s.signaturesAccepted.xmlsec1} (of those it was asked about)`,
    );
  }
  for (const g of s.groups) {
    lines.push(`  [${g.type}] ${g.property} x${g.count}: ${g.message.slice(0, 400)}`);
    for (const e of g.examples) {
      const type = typeof e.data === 'string' ? 'string' : 'bytes';
      lines.push(`      #${e.index} ${e.kind} ${e.base} [${e.ops.join(', ') || 'unmutated'}] (${type})`);
    }
  }
  return lines.join('\n');
}

/** The figures as a markdown table (for docs). */
export function markdownTable(s: FuzzSummary, command: string): string {
  const rows: Array<[string, string]> = [
    ['command', `\`${command}\``],
    ['seed', String(s.seed)],
    ['inputs', `${s.inputs} (${s.documents} documents, ${s.signatures} signature mutants)`],
    [
      'wall time',
      `${(s.wallMs / 1000).toFixed(0)} s (${(s.inputs / (s.wallMs / 1000)).toFixed(0)} inputs/s)`,
    ],
    [
      'signature mutants accepted',
      `${s.signaturesAccepted.mbprov} by verifyDocument, ${s.signaturesAccepted.xmlsec1} by xmlsec1`,
    ],
    [
      'oracle runs',
      `${s.oracleCalls.xmlsec1} xmlsec1, ${s.oracleCalls.xmllint} xmllint (${s.oracleErrors} without a verdict)`,
    ],
    ['crashes', String(s.crashes)],
    ['hangs', String(s.hangs)],
    ['property failures', String(s.propertyFailures)],
    ['disagreements with xmlsec1', String(s.xmlsec1Disagreements)],
    ['disagreements with xmllint', String(s.xmllintDisagreements)],
    ['time per input p50 / p99 / max', `${ms(s.p50Ms)} / ${ms(s.p99Ms)} / ${ms(s.maxMs)} ms`],
  ];
  return ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}
