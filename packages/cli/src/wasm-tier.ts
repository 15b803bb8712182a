import { setFlagsFromString } from 'node:v8';
import type { CommandEntry } from './commands/catalog.ts';

/**
 * Above this many operands a one-shot command keeps V8's optimizing tier for WebAssembly: libxml2 then validates and
 * verifies faster per document (measured: baseline-only validates at 0.77x, verifies at 0.87x), which pays back the
 * optimizing compile after about 800 typical documents.
 */
export const BASELINE_WASM_MAX_OPERANDS = 200;

/**
 * Runs libxml2's WebAssembly in V8's baseline tier (Liftoff) only, for a one-shot command with few inputs. V8 compiles
 * hot WebAssembly functions again with its optimizing compiler in the background, and the process waits for those
 * compilations before it exits: about 45 ms on every `mbprov validate` or `verify` (a third of the command), for code
 * a one-shot command barely runs. Set before libxml2 is loaded, which compiles the module; Node documents flags set
 * after start as unsupported in general, so only this compilation tier flag is set, and the tests and benchmarks run
 * every one-shot command with it.
 */
export function baselineWasmOnly(entry: CommandEntry, argv: readonly string[]): boolean {
  const operands = argv.slice(3).filter((arg) => !arg.startsWith('-')).length;
  if (!entry.oneShot || operands > BASELINE_WASM_MAX_OPERANDS) return false;
  setFlagsFromString('--liftoff-only');
  return true;
}
