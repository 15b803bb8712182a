// What the fuzzer hands mbprov: one input, reproducible from (seed, index) or read back from a regression fixture.

/**
 * Which independent implementation judges an input: every input goes to xmllint (XSD verdict); `signature` inputs
 * (mutations of signed documents) also go to xmlsec1 (signature verdict).
 */
export type InputKind = 'document' | 'signature';

/** One fuzz input. */
export interface FuzzInput {
  /** Position in the run (generated inputs: the index the input is made from). */
  index: number;
  kind: InputKind;
  /** The corpus entry it was made from. */
  base: string;
  /** The mutations applied, in order, with their parameters (`truncate@120`, `ds-prefix:dsig`, ...). */
  ops: string[];
  /** What mbprov is given: a JS string (as browsers hand msProvisionNetworks) or bytes. */
  data: string | Uint8Array;
  /**
   * A verdict the input must get regardless of the oracles: unmutated corpus documents signed by a good signer
   * must verify (`verifies`).
   */
  expect?: 'verifies';
}

/** The bytes the oracles (xmllint, xmlsec1) read: the input itself, or the UTF-8 encoding of a string. */
export function oracleBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * True when a string holds a character outside XML 1.0's Char production (C0 controls other than tab, LF and CR;
 * U+FFFE, U+FFFF; lone surrogates). Such a string is not an XML document at all, so it has no counterpart on disk
 * for the oracles (its UTF-8 bytes could read as another document, e.g. UTF-16BE when every other character is U+0000).
 */
export function hasNonXmlCharacters(data: string | Uint8Array): boolean {
  if (typeof data !== 'string') return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(data)) return true;
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(data);
}

/** A one-line description of an input for reports. */
export function describeInput(input: FuzzInput): string {
  const type = typeof input.data === 'string' ? 'string' : 'bytes';
  const size = typeof input.data === 'string' ? input.data.length : input.data.byteLength;
  return `#${input.index} ${input.kind} ${input.base} [${input.ops.join(', ') || 'unmutated'}] (${type}, ${size})`;
}

/** The first `max` characters of an input, printable (for messages). */
export function preview(data: string | Uint8Array, max = 160): string {
  const text = typeof data === 'string' ? data : Buffer.from(data.subarray(0, max * 2)).toString('latin1');
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
