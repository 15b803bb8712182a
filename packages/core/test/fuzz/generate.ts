// Input number `index` of run `seed`, made from the corpus: a pure function, so the main thread can re-create the
// input a hung worker was on. The first SWEEP_COUNT(corpus) indices are the same in every run (every seed unmutated,
// edits at every position of the small documents, every encoding); later indices are random mutations.
import { signDocument } from '../../src/index.ts';
import { seededRandom } from '../helpers/random.ts';
import type { Corpus } from './corpus.ts';
import { ENCODING_NAMES, encode } from './encodings.ts';
import type { FuzzInput, InputKind } from './inputs.ts';
import {
  flipBits,
  INVARIANT_NAMES,
  int,
  MUTATOR_NAMES,
  type MutationContext,
  mutate,
  pick,
  type Rng,
} from './mutators.ts';
import { scanXmlText, splice } from './xml-text.ts';

type Made = Omit<FuzzInput, 'index'>;

/** Longest text a stack of mutations may make (above the 8 MiB limit, so MBPROV_XML_TOO_LARGE is reached). */
const MAX_TEXT = 9_000_000;

/** A family of fixed inputs: how many, and the i-th one. */
interface Sweep {
  name: string;
  count: (c: Corpus) => number;
  make: (c: Corpus, i: number) => Made;
}

const DS_XMLNS = 'xmlns="http://www.w3.org/2000/09/xmldsig#"';

/** The signed seeds the signed sweeps edit (one per signer kind, canonicalization and origin). */
const SWEPT_SIGNED = [
  'signed:full:rsa',
  'signed:minimal:rsa',
  'signed:full:ecdsa',
  'signed:full:intermediate',
  'signed:full:rsa:excC14n',
  'xmlsec:plain',
  'xmlsec:exc-c14n',
  'xmlsec:pi-in-x509data',
];

function swept(c: Corpus): Corpus['signed'] {
  return c.signed.filter((s) => SWEPT_SIGNED.includes(s.name));
}

function signatureBoundaries(text: string): number[] {
  return [...new Set([0, ...scanXmlText(text).boundaries])].sort((a, b) => a - b);
}

const SWEEPS: Sweep[] = [
  {
    name: 'seed',
    count: (c) => c.documents.length + c.signed.length,
    make: (c, i) => {
      const d = c.documents[i];
      if (d) return { kind: 'document', base: d.name, ops: [], data: d.text };
      const s = c.signed[i - c.documents.length];
      if (!s) throw new Error(`no seed ${i}`);
      return {
        kind: 'signature',
        base: s.name,
        ops: [],
        data: s.text,
        ...(s.verifies ? { expect: 'verifies' as const } : {}),
      };
    },
  },
  {
    name: 'truncate-small',
    count: (c) => c.small.length,
    make: (c, i) => ({ kind: 'document', base: 'small', ops: [`truncate@${i}`], data: c.small.slice(0, i) }),
  },
  {
    name: 'comment-small',
    count: (c) => c.small.length + 1,
    make: (c, i) => ({
      kind: 'document',
      base: 'small',
      ops: [`insert-comment@${i}`],
      data: splice(c.small, i, i, '<!--c-->'),
    }),
  },
  {
    name: 'pi-small',
    count: (c) => c.small.length + 1,
    make: (c, i) => ({
      kind: 'document',
      base: 'small',
      ops: [`insert-pi@${i}`],
      data: splice(c.small, i, i, '<?x?>'),
    }),
  },
  {
    name: 'comment-or-pi-signed',
    count: (c) => 2 * signatureBoundaries(c.smallSigned).length,
    make: (c, i) => {
      const at = signatureBoundaries(c.smallSigned)[i >> 1] as number;
      const what = i % 2 ? '<?fz x?>' : '<!--c-->';
      return {
        kind: 'signature',
        base: 'signed:minimal:rsa',
        ops: [`${i % 2 ? 'insert-pi' : 'insert-comment'}@${at}`],
        data: splice(c.smallSigned, at, at, what),
      };
    },
  },
  {
    name: 'pi-replaces-declaration',
    count: (c) => swept(c).length,
    make: (c, i) => {
      const s = swept(c)[i] as Corpus['signed'][number];
      const decl = /^<\?xml\s[^?]*\?>/.exec(s.text);
      const pi = '<?xml-stylesheet type="text/xsl" href="style.xsl"?>';
      return {
        kind: 'signature',
        base: s.name,
        ops: ['pi-replaces-declaration'],
        data: splice(s.text, 0, decl ? decl[0].length : 0, pi),
      };
    },
  },
  {
    name: 'encodings',
    count: () => 2 * ENCODING_NAMES.length,
    make: (c, i) => {
      const name = ENCODING_NAMES[i >> 1] as string;
      const signed = i % 2 === 1;
      const text = signed ? c.smallSigned : c.small;
      const e = encode(text, name, seededRandom(i));
      return {
        kind: signed ? 'signature' : 'document',
        base: signed ? 'signed:minimal:rsa' : 'small',
        ops: [e.op],
        data: e.data,
      };
    },
  },
  {
    name: 'namespace-char-ref',
    count: (c) => 2 * swept(c).filter((s) => s.text.includes(DS_XMLNS)).length,
    make: (c, i) => {
      const s = swept(c).filter((x) => x.text.includes(DS_XMLNS))[i >> 1] as Corpus['signed'][number];
      const ref = i % 2 ? '&#35;' : '&#x23;';
      return {
        kind: 'signature',
        base: s.name,
        ops: [`namespace-char-ref:${ref}`],
        data: s.text.replace(DS_XMLNS, DS_XMLNS.replace('#', ref)),
      };
    },
  },
];

/** Number of fixed inputs at the start of every run. */
export function sweepCount(corpus: Corpus): number {
  return SWEEPS.reduce((n, s) => n + s.count(corpus), 0);
}

/** The sweeps' names and sizes (for reports). */
export function sweepSizes(corpus: Corpus): Array<[string, number]> {
  return SWEEPS.map((s) => [s.name, s.count(corpus)]);
}

/** A 32-bit mix of the seed and the index. */
function mix(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(index + 0x165667b1, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function applyMutators(
  text: string,
  names: readonly string[],
  count: number,
  rng: Rng,
  ctx: MutationContext,
  ops: string[],
): string {
  let out = text;
  for (let n = 0; n < count; n++) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const m = mutate(out, pick(rng, names), rng, ctx);
      if (m && m.text.length <= MAX_TEXT) {
        out = m.text;
        ops.push(m.op);
        break;
      }
    }
  }
  return out;
}

/** A random input: a document or signed seed, mutated; sometimes re-signed after mutation, sometimes re-encoded. */
function randomInput(corpus: Corpus, rng: Rng): Made {
  const ctx: MutationContext = { donors: corpus.documents.map((d) => d.text) };
  const ops: string[] = [];
  let kind: InputKind;
  let base: string;
  let text: string;
  if (rng() < 0.6) {
    kind = 'document';
    const d = pick(rng, corpus.documents);
    base = d.name;
    text = applyMutators(d.text, MUTATOR_NAMES, 1 + int(rng, 3), rng, ctx, ops);
  } else {
    kind = 'signature';
    const mode = rng();
    if (mode < 0.3) {
      const s = pick(rng, corpus.signed);
      base = s.name;
      text = applyMutators(s.text, MUTATOR_NAMES, 1 + int(rng, 2), rng, ctx, ops);
    } else if (mode < 0.7) {
      const s = pick(rng, corpus.signed);
      base = s.name;
      text = applyMutators(s.text, INVARIANT_NAMES, 1 + int(rng, 3), rng, ctx, ops);
    } else {
      const d = pick(rng, corpus.documents);
      base = d.name;
      const mutated = applyMutators(d.text, MUTATOR_NAMES, int(rng, 3), rng, ctx, ops);
      const signerName = pick(rng, Object.keys(corpus.resigners));
      const s = corpus.resigners[signerName];
      let signed: string | undefined;
      try {
        if (s)
          signed = signDocument(mutated, {
            key: s.privateKeyPem,
            certificate: s.certificatePem,
            chain: s.chain,
          });
      } catch {
        // signDocument refuses what it cannot sign; the input is then the mutated text with the seed's signature.
      }
      if (signed) {
        ops.push(`resign:${signerName}`);
        text = applyMutators(signed, INVARIANT_NAMES, int(rng, 3), rng, ctx, ops);
      } else {
        const seed = pick(rng, corpus.signed);
        base = seed.name;
        ops.length = 0;
        text = applyMutators(seed.text, INVARIANT_NAMES, 1 + int(rng, 2), rng, ctx, ops);
      }
    }
  }
  const last = rng();
  if (last < 0.05) {
    const e = encode(text, pick(rng, ENCODING_NAMES), rng);
    return { kind, base, ops: [...ops, e.op], data: e.data };
  }
  if (last < 0.09) {
    const f = flipBits(text, rng);
    return { kind, base, ops: [...ops, f.op], data: f.data };
  }
  if (last < 0.3) return { kind, base, ops: [...ops, 'as-bytes'], data: Buffer.from(text, 'utf8') };
  return { kind, base, ops, data: text };
}

/** Input `index` of run `seed`. */
export function generateInput(corpus: Corpus, seed: number, index: number): FuzzInput {
  let i = index;
  for (const sweep of SWEEPS) {
    const n = sweep.count(corpus);
    if (i < n) {
      const made = sweep.make(corpus, i);
      return { index, ...made, ops: [`sweep:${sweep.name}`, ...made.ops] };
    }
    i -= n;
  }
  return { index, ...randomInput(corpus, seededRandom(mix(seed, index))) };
}

/**
 * The corpus's seeds, then the sweeps and `extra` random inputs of run `seed`, each with a label that names it:
 * the inputs of the differential tests.
 */
export function* corpusAndInputs(
  corpus: Corpus,
  seed: number,
  extra: number,
): Generator<[data: string | Uint8Array, label: string]> {
  for (const s of [...corpus.documents, ...corpus.signed]) yield [s.text, s.name];
  const count = sweepCount(corpus) + extra;
  for (let i = 0; i < count; i++) {
    const input = generateInput(corpus, seed, i);
    yield [input.data, `input ${i} (seed ${seed}): ${input.base} [${input.ops.join(', ')}]`];
  }
}
