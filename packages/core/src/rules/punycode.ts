/**
 * Punycode (RFC 3492) decoding of an A-label's tail, written here because node's `domainToASCII` passes invalid
 * `xn--` labels through unchanged on Node 24 (ada) while Node 20 refuses them: a verdict must not depend on the
 * Node version. Only decoding; encoding is `domainToASCII`'s.
 */

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;
const MAX_CODE_POINT = 0x10ffff;

/** The value of a basic code point as a punycode digit (a-z 0-25, A-Z 0-25, 0-9 26-35), else -1. */
function digitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 22;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61;
  return -1;
}

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  // d shrinks by a factor of 35 each pass: at most a handful of passes.
  for (; d > ((BASE - T_MIN) * T_MAX) >> 1; k += BASE) d = Math.floor(d / (BASE - T_MIN));
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/**
 * Decodes the punycode of an A-label without its `xn--` prefix (`bcher-kva` gives `bücher`); undefined when it is not
 * valid punycode (a non-basic character, a digit sequence cut short, an overflow or a code point beyond U+10FFFF);
 * like RFC 3492 and node:punycode, a surrogate code point decodes (IDNA refuses it afterwards).
 */
export function decodePunycode(input: string): string | undefined {
  const delimiter = input.lastIndexOf('-');
  const output: number[] = [];
  for (let j = 0; j < Math.max(delimiter, 0); j++) {
    const code = input.charCodeAt(j);
    if (code >= 0x80) return undefined;
    output.push(code);
  }
  let n = INITIAL_N;
  let bias = INITIAL_BIAS;
  let i = 0;
  // Each pass of the outer loop consumes at least one input character (the inner loop reads one per step).
  for (let at = delimiter > 0 ? delimiter + 1 : 0; at < input.length; ) {
    const before = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (at >= input.length) return undefined;
      const digit = digitValue(input.charCodeAt(at++));
      if (digit < 0) return undefined;
      i += digit * w;
      if (i > MAX_CODE_POINT * (input.length + 1)) return undefined;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (w > MAX_CODE_POINT * (input.length + 1)) return undefined;
    }
    const points = output.length + 1;
    bias = adapt(i - before, points, before === 0);
    n += Math.floor(i / points);
    i %= points;
    if (n > MAX_CODE_POINT) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}
