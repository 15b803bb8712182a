// The shape of a fuzz property module. The worker imports each module named in its options and runs every
// property on every input; core's module is properties.ts, the simulator's lives in packages/simulator/test/fuzz/
// (so core's test code never imports the simulator; the script and the simulator's tests name both).
import type { Corpus } from './corpus.ts';
import type { FuzzInput } from './inputs.ts';

/** A property that did not hold on an input. */
export interface PropertyFinding {
  /** `crash`: a function threw; `property`: a stated property failed. */
  type: 'crash' | 'property';
  /** Which property (`validateDocument`, `consistency:xsd-vs-validate`, `simulator:provision`, ...). */
  property: string;
  /** What happened, with the error's name, message and first stack frames for a crash. */
  message: string;
}

/** mbprov's XSD verdict: refused before validation (with the code), or the schema's answer. */
export type XsdVerdict =
  | { state: 'refused'; code: string; message: string }
  | { state: 'valid' }
  | { state: 'invalid'; message: string };

/** mbprov's signature verdict. */
export interface VerifyVerdict {
  valid: boolean;
  code?: string;
  message?: string;
}

/** The verdicts the oracles are compared with (filled by core's properties). */
export interface Verdicts {
  xsd?: XsdVerdict;
  verify?: VerifyVerdict;
}

/** What one property found on one input. */
export interface PropertyOutput {
  findings: PropertyFinding[];
  verdicts?: Verdicts;
}

/** One property over inputs. */
export interface FuzzProperty {
  name: string;
  /** Called once per worker before the first input. */
  setup?(corpus: Corpus): void | Promise<void>;
  /** Checks one input; `earlier` holds the verdicts of the properties that ran before it on the same input. */
  check(input: FuzzInput, earlier: Verdicts): PropertyOutput;
}

/** What a property module exports. */
export interface PropertyModule {
  properties: FuzzProperty[];
}

/** A crash finding from a thrown value: name, message and the first frames of the stack. */
export function crash(property: string, error: unknown): PropertyFinding {
  const e = error instanceof Error ? error : new Error(String(error));
  const frames = (e.stack ?? '')
    .split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, 4)
    .map((l) => l.trim().replace(/\(file:\/\/.*?\/packages\//, '(packages/'))
    .join(' | ');
  const code = (e as { code?: unknown }).code;
  return {
    type: 'crash',
    property,
    message: `${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message.slice(0, 300)}${frames ? ` — ${frames}` : ''}`,
  };
}
