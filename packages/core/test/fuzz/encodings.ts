// The last step of a mutation: how the text reaches mbprov. UTF-16 (LE/BE, with and without a BOM) and UTF-32 as
// bytes and as JS strings (the bytes read one per character, as a careless `toString('latin1')` or a browser API
// would hand them over), Latin-1 and windows-1252 declared, UTF-8 with a BOM, invalid UTF-8, NUL and lone surrogates.

/** A text encoded for delivery. */
export interface Encoded {
  data: string | Uint8Array;
  op: string;
}

type Rng = () => number;

/** Sets (or adds) the encoding of the XML declaration; text without a declaration gets one. */
export function declareEncoding(text: string, encoding: string): string {
  const decl = /^(\uFEFF?)<\?xml\s[^?]*\?>/.exec(text);
  if (!decl) return `<?xml version="1.0" encoding="${encoding}"?>${text}`;
  const replaced = /encoding\s*=\s*["'][^"']*["']/.test(decl[0])
    ? decl[0].replace(/encoding\s*=\s*["'][^"']*["']/, `encoding="${encoding}"`)
    : decl[0].replace(/\s*\?>$/, ` encoding="${encoding}"?>`);
  return replaced + text.slice(decl[0].length);
}

function utf16(text: string, bigEndian: boolean, bom: boolean): Buffer {
  const le = Buffer.from((bom ? '\uFEFF' : '') + text, 'utf16le');
  if (bigEndian) le.swap16();
  return le;
}

function utf32le(text: string): Buffer {
  const points = [...`\uFEFF${text}`].map((c) => c.codePointAt(0) as number);
  const out = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => {
    out.writeUInt32LE(p, i * 4);
  });
  return out;
}

/** Puts a non-ASCII character into the first text run, so a single-byte encoding differs from UTF-8. */
function withAccent(text: string): string {
  return text.replace(/>([^<\s][^<]*)</, (_m, t: string) => `>${t}é<`);
}

/** Every encoding transform, by name. */
export const ENCODINGS: Record<string, (text: string, rng: Rng) => string | Uint8Array> = {
  'utf16le-bom-bytes': (t) => utf16(declareEncoding(t, 'UTF-16'), false, true),
  'utf16be-bom-bytes': (t) => utf16(declareEncoding(t, 'UTF-16'), true, true),
  'utf16le-bytes': (t) => utf16(declareEncoding(t, 'UTF-16LE'), false, false),
  'utf16be-bytes': (t) => utf16(declareEncoding(t, 'UTF-16BE'), true, false),
  'utf16le-undeclared-bytes': (t) => utf16(t, false, false),
  'utf16be-undeclared-bom-bytes': (t) => utf16(t, true, true),
  'utf16le-bom-as-string': (t) => utf16(declareEncoding(t, 'UTF-16'), false, true).toString('latin1'),
  'utf16be-bom-as-string': (t) => utf16(declareEncoding(t, 'UTF-16'), true, true).toString('latin1'),
  'utf16le-as-string': (t) => utf16(t, false, false).toString('latin1'),
  'utf16be-as-string': (t) => utf16(t, true, false).toString('latin1'),
  'utf16be-misdecoded-string': (t) => new TextDecoder('utf-16le').decode(utf16(t, true, false)),
  'utf16-declared-string': (t) => declareEncoding(t, 'UTF-16'),
  'utf16-declared-utf8-bytes': (t) => Buffer.from(declareEncoding(t, 'UTF-16'), 'utf8'),
  'utf32le-bom-bytes': (t) => utf32le(t),
  'latin1-declared-bytes': (t) => Buffer.from(declareEncoding(withAccent(t), 'ISO-8859-1'), 'latin1'),
  'latin1-declared-string': (t) => declareEncoding(withAccent(t), 'ISO-8859-1'),
  'windows1252-declared-bytes': (t) => Buffer.from(declareEncoding(withAccent(t), 'windows-1252'), 'latin1'),
  'latin1-undeclared-bytes': (t) => Buffer.from(withAccent(t), 'latin1'),
  'utf8-declared-variants-string': (t, rng) =>
    declareEncoding(t, pick(rng, ['utf8', 'UTF8', 'Utf-8', 'UTF-8 ', 'US-ASCII', 'ascii'])),
  'utf8-bom-bytes': (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
  'utf8-bom-string': (t) => `\uFEFF${t}`,
  'utf8-double-bom-string': (t) => `\uFEFF\uFEFF${t}`,
  'invalid-utf8-bytes': (t, rng) => {
    const bytes = Buffer.from(t, 'utf8');
    const at = Math.floor(rng() * bytes.length);
    const bad = pick(rng, [
      [0xff],
      [0xc0, 0x80],
      [0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ]);
    return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
  },
  'nul-in-string': (t, rng) => {
    const at = Math.floor(rng() * t.length);
    return `${t.slice(0, at)}\u0000${t.slice(at)}`;
  },
  'lone-surrogate-string': (t, rng) => {
    const at = t.indexOf('>', Math.floor(rng() * t.length)) + 1 || t.length;
    return `${t.slice(0, at)}${pick(rng, ['\ud800', '\udfff'])}${t.slice(at)}`;
  },
  'utf8-bytes': (t) => Buffer.from(t, 'utf8'),
};

/** Names of the encoding transforms. */
export const ENCODING_NAMES = Object.keys(ENCODINGS);

/** Applies the named transform. */
export function encode(text: string, name: string, rng: Rng): Encoded {
  const transform = ENCODINGS[name];
  if (!transform) throw new Error(`unknown encoding transform ${name}`);
  return { data: transform(text, rng), op: `encoding:${name}` };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}
