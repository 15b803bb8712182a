// Findings: what failed on which input, grouped by kind of failure, and their files. A finding is written as
// NAME.xml (a string input, UTF-8) or NAME.bin (bytes) plus NAME.json (the note: what it caught, how it was made);
// the same pair in packages/core/test/fixtures/fuzz-regressions/ is a regression fixture, which the regression test
// runs through every property on every run.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzInput, InputKind } from './inputs.ts';

/** The kinds of failure the fuzzer counts. */
export type FindingType = 'crash' | 'hang' | 'property' | 'xmlsec1' | 'xmllint';

/** One failure on one input. */
export interface Finding {
  type: FindingType;
  property: string;
  message: string;
  input: FuzzInput;
}

/** Findings of one kind (same type, property and message shape), with a few example inputs. */
export interface FindingGroup {
  key: string;
  type: FindingType;
  property: string;
  message: string;
  count: number;
  examples: FuzzInput[];
}

/** The note written beside a finding's input. */
export interface FindingNote {
  /** What the input caught: the finding's type, property and message (edit into a precise description). */
  caught: string;
  type: FindingType;
  property: string;
  message: string;
  kind: InputKind;
  /** How mbprov is handed the file: as a JS string (the file read as UTF-8) or as bytes. */
  as: 'string' | 'bytes';
  base: string;
  ops: string[];
  seed?: number;
  index?: number;
  expect?: 'verifies';
  /** Where the finding stands (known before, fixed in, ...), for people; not used by the tests. */
  history?: string;
  /** The string itself, when UTF-8 cannot hold it (lone surrogates); the .xml file then shows it lossily. */
  text?: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Folder of the regression fixtures. */
export const regressionDir = fileURLToPath(new URL('../fixtures/fuzz-regressions/', import.meta.url));

/** Groups findings by type, property and message shape (values blanked). */
export class FindingLog {
  readonly groups = new Map<string, FindingGroup>();
  readonly counts: Record<FindingType, number> = { crash: 0, hang: 0, property: 0, xmlsec1: 0, xmllint: 0 };
  /** Inputs with at least one finding of the type. */
  private readonly inputsWith: Record<FindingType, Set<number>> = {
    crash: new Set(),
    hang: new Set(),
    property: new Set(),
    xmlsec1: new Set(),
    xmllint: new Set(),
  };

  constructor(private readonly examplesPerGroup = 3) {}

  /** Records a finding; returns true when it is one of the first examples of its group. */
  add(f: Finding): boolean {
    // The same failure with other values is one kind: temporary paths, quoted values and numbers are blanked.
    const shape = f.message
      .replace(/\/tmp\/\S+/g, 'FILE')
      .replace(/'[^']*'/g, "'…'")
      .replace(/"[^"]*"/g, '"…"')
      .replace(/\d+/g, '#')
      .slice(0, 100);
    const key = `${f.type}|${f.property}|${shape}`;
    let g = this.groups.get(key);
    if (!g) {
      g = { key, type: f.type, property: f.property, message: f.message, count: 0, examples: [] };
      this.groups.set(key, g);
    }
    g.count++;
    this.counts[f.type]++;
    this.inputsWith[f.type].add(f.input.index);
    if (g.examples.length < this.examplesPerGroup) {
      g.examples.push(f.input);
      return true;
    }
    return false;
  }

  /** Number of distinct inputs with a finding of the type. */
  inputs(type: FindingType): number {
    return this.inputsWith[type].size;
  }

  /** Every group, the most frequent first. */
  sorted(): FindingGroup[] {
    return [...this.groups.values()].sort((a, b) => b.count - a.count);
  }
}

/** Writes a finding's input and note into `dir` (file names end with `suffix`); returns the base path. */
export function writeFinding(dir: string, f: Finding, seed?: number, suffix = ''): string {
  const slug = `${f.type}-${f.property}`
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return writeInput(dir, `${slug}-s${seed ?? 'x'}-i${f.input.index}${suffix}`, f.input, {
    caught: `${f.type} ${f.property}: ${f.message}`,
    type: f.type,
    property: f.property,
    message: f.message,
    ...(seed !== undefined ? { seed } : {}),
  });
}

/** Writes an input as NAME.xml|.bin with its note NAME.json (the note's finding fields as given); returns the base path. */
export function writeInput(
  dir: string,
  name: string,
  input: FuzzInput,
  finding: Pick<FindingNote, 'caught' | 'type' | 'property' | 'message' | 'seed'>,
): string {
  mkdirSync(dir, { recursive: true });
  const asString = typeof input.data === 'string';
  writeFileSync(
    join(dir, `${name}.${asString ? 'xml' : 'bin'}`),
    typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : input.data,
  );
  const note: FindingNote = {
    ...finding,
    kind: input.kind,
    as: asString ? 'string' : 'bytes',
    base: input.base,
    ops: input.ops,
    index: input.index,
    ...(input.expect ? { expect: input.expect } : {}),
    ...(typeof input.data === 'string' && LONE_SURROGATE.test(input.data) ? { text: input.data } : {}),
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(note, null, 2)}\n`);
  return join(dir, name);
}

/** A regression fixture: its name, note and the input it holds. */
export interface RegressionFixture {
  name: string;
  note: FindingNote;
  input: FuzzInput;
}

/** Reads every fixture of a folder (default: the regression fixtures), indexed by position. */
export function loadFixtures(dir = regressionDir): RegressionFixture[] {
  if (!existsSync(dir)) return [];
  const notes = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return notes.map((file, index) => {
    const name = file.replace(/\.json$/, '');
    const note = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FindingNote;
    const bytes = readFileSync(join(dir, `${name}.${note.as === 'string' ? 'xml' : 'bin'}`));
    const data = note.text ?? (note.as === 'string' ? bytes.toString('utf8') : new Uint8Array(bytes));
    const input: FuzzInput = {
      index,
      kind: note.kind,
      base: `fixture:${name}`,
      ops: note.ops,
      data,
      ...(note.expect ? { expect: note.expect } : {}),
    };
    return { name, note, input };
  });
}
