import { ParseOption, XmlDocument, type XmlElement, XmlParseError } from 'libxml2-wasm';
import { BoundedMemo } from '../certificates/cache.ts';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { childElements } from './children.ts';
import { type PlainRoot, plainXml } from './plain-xml.ts';
import { SourceMap } from './source-map.ts';

/** Limits applied before and while parsing untrusted XML. */
export interface ParseLimits {
  /** Largest accepted input in bytes (UTF-8). Default 8 MiB: a WLAN document with 10,000 SSIDs is under 1 MiB. */
  maxBytes?: number;
  /** Deepest accepted element nesting. Default 64; real documents stay under 20 (EAP configuration is the deepest). */
  maxDepth?: number;
}

/** Default limits; see {@link ParseLimits}. */
export const defaultLimits: Required<ParseLimits> = { maxBytes: 8 * 1024 * 1024, maxDepth: 64 };

/** Where an element starts in the source, and its path from the root. */
export interface ElementLocation {
  line: number;
  column: number;
  path: string;
}

/** A parsed document plus source locations; call dispose() when done (libxml2 memory lives outside the JS heap). */
export interface SafeXml {
  /** libxml2's tree (for a document {@link readXmlSafely} accepted without parsing, parsed on first read). */
  readonly doc: XmlDocument;
  readonly text: string;
  /** Location of an element met while walking the tree, by path. */
  locate(path: string): ElementLocation | undefined;
  /** Path of an element (same form as the paths of {@link locate}). */
  pathOf(element: XmlElement): string;
  /** All elements that start on a line, in document order. */
  elementsOnLine(line: number): XmlElement[];
  dispose(): void;
}

/** Result of {@link parseXmlSafely}: a document, or the diagnostics that refused it. */
export type SafeParseResult = { ok: true; xml: SafeXml } | { ok: false; diagnostics: Diagnostic[] };

// No network, no external entities, merge CDATA into text, line numbers above 65535; short texts stored in their
// node (libxml2's compact text nodes: the same tree, a tenth less parsing time for a typical document).
const PARSE_OPTIONS =
  ParseOption.XML_PARSE_NONET |
  ParseOption.XML_PARSE_NO_XXE |
  ParseOption.XML_PARSE_NOCDATA |
  ParseOption.XML_PARSE_BIG_LINES |
  ParseOption.XML_PARSE_COMPACT;

const UTF8_NAMES = new Set(['utf-8', 'utf8']);
/** Declared encodings that write ASCII as UTF-8 does: accepted for a text of ASCII characters only. */
const ASCII_COMPATIBLE = new Set(['iso-8859-1', 'latin1', 'iso-latin-1', 'us-ascii', 'ascii']);

/**
 * Parses untrusted XML with no DTD, no entity expansion, no network access and size/depth limits.
 * Every refusal is a diagnostic with a stable code; nothing is thrown for bad input.
 */
export function parseXmlSafely(input: string | Uint8Array, limits: ParseLimits = {}): SafeParseResult {
  const checked = checkedText(input, limits);
  return typeof checked === 'string' ? parseChecked(input, checked, limits) : checked;
}

/** Result of {@link readXmlSafely}: as {@link SafeParseResult}, with the root of a plain document. */
export type SafeReadResult =
  | { ok: true; xml: SafeXml; plain?: PlainRoot }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * {@link parseXmlSafely} for callers that may not need the tree. `textSuffices` is called with the checked text
 * before any parsing and says whether the caller could work from the text alone; if so, and {@link plainXml} proves
 * the document well-formed (within the depth limit), it is accepted without parsing and libxml2 builds its tree
 * only when `doc` is first read. It accepts and refuses exactly what {@link parseXmlSafely} does: the plain reader
 * accepts nothing libxml2 refuses (plain-xml.test.ts), and every other text is parsed here as there.
 */
export function readXmlSafely(
  input: string | Uint8Array,
  limits: ParseLimits = {},
  textSuffices: (text: string) => boolean = () => true,
): SafeReadResult {
  const checked = checkedText(input, limits);
  if (typeof checked !== 'string') return checked;
  const plain = textSuffices(checked) ? plainXml(checked, namespaceAccepted) : undefined;
  if (plain && plain.depth <= (limits.maxDepth ?? defaultLimits.maxDepth)) {
    return { ok: true, xml: new ParsedXml(undefined, input, checked), plain };
  }
  return parseChecked(input, checked, limits);
}

/** The checks before parsing: the text, or the refusal. */
function checkedText(input: string | Uint8Array, limits: ParseLimits): string | SafeParseResult {
  const decoded = decode(input, limits.maxBytes ?? defaultLimits.maxBytes);
  if (typeof decoded !== 'string') return { ok: false, diagnostics: [decoded] };
  const text = decoded;
  if (text.trim() === '') return fail('MBPROV_XML_EMPTY', 'The input is empty.');
  // Only the first U+FEFF is a byte order mark; a second is a character before the prolog, which no XML allows.
  // (Left in a string, its UTF-8 would reach libxml2 as a byte order mark of its own and be dropped.)
  if (text.charCodeAt(0) === 0xfeff) {
    return fail('MBPROV_XML_MALFORMED', 'The text starts with a second byte order mark (U+FEFF).', {
      line: 1,
      column: 1,
    });
  }
  const prolog = scanProlog(text);
  return prolog ? { ok: false, diagnostics: [prolog] } : text;
}

/** The nesting check and libxml2's parse of a checked text. */
function parseChecked(input: string | Uint8Array, text: string, limits: ParseLimits): SafeParseResult {
  const maxDepth = limits.maxDepth ?? defaultLimits.maxDepth;
  const tooDeep = nestingBeyond(text, maxDepth);
  if (tooDeep >= 0) {
    const line = lineAt(text, tooDeep);
    return fail(
      'MBPROV_XML_TOO_DEEP',
      `Elements are nested deeper than ${maxDepth} levels (refused before parsing).`,
      {
        line,
        column: tooDeep - text.lastIndexOf('\n', tooDeep - 1),
      },
    );
  }
  const doc = parseTree(input, text);
  return doc instanceof XmlDocument ? { ok: true, xml: new ParsedXml(doc, input, text) } : doc;
}

/** libxml2's tree of a checked text, or the refusal. */
function parseTree(
  input: string | Uint8Array,
  text: string,
): XmlDocument | { ok: false; diagnostics: Diagnostic[] } {
  let doc: XmlDocument;
  try {
    // Node encodes UTF-8 natively; handing libxml2-wasm bytes avoids its slower JavaScript string encoder.
    const bytes = typeof input === 'string' || input[0] === 0xef ? Buffer.from(text, 'utf8') : input;
    doc = XmlDocument.fromBuffer(bytes, { option: PARSE_OPTIONS });
  } catch (error) {
    return { ok: false, diagnostics: parseErrors(error) };
  }
  if (doc.dtd) {
    doc.dispose();
    return {
      ok: false,
      diagnostics: [
        diagnostic(
          'MBPROV_XML_DTD_FORBIDDEN',
          'The document has a DOCTYPE; provisioning documents must not declare a DTD or entities.',
        ),
      ],
    };
  }
  return doc;
}

const namespaceNames = new BoundedMemo<boolean>(64);

/**
 * Whether libxml2 accepts `value` (written without references or quotes) as a default namespace name, asked once
 * per value: its checks of a namespace declaration (a URI it can parse; not the xml or xmlns namespace) depend on
 * the value alone.
 */
function namespaceAccepted(value: string): boolean {
  return namespaceNames.get(value, () => {
    try {
      XmlDocument.fromString(`<a xmlns="${value}"/>`, { option: PARSE_OPTIONS }).dispose();
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * A parsed document; a class rather than closures, as verification parses one per call. A document that
 * {@link readXmlSafely} accepted without parsing is parsed when its tree is first read.
 */
class ParsedXml implements SafeXml {
  // Locations are only needed to report findings, so the tree is indexed on first use.
  private index: ElementIndex | undefined;

  constructor(
    private tree: XmlDocument | undefined,
    private readonly input: string | Uint8Array,
    readonly text: string,
  ) {}

  get doc(): XmlDocument {
    if (!this.tree) {
      const parsed = parseTree(this.input, this.text);
      // The plain reader accepts nothing libxml2 refuses; were it wrong, the refusal is still a named one.
      if (!(parsed instanceof XmlDocument)) {
        const d = parsed.diagnostics[0] as Diagnostic;
        throw new MbprovError(d.code, d.message);
      }
      this.tree = parsed;
    }
    return this.tree;
  }

  private get indexed(): ElementIndex {
    this.index ??= indexElements(this.doc, this.text);
    return this.index;
  }

  locate(path: string): ElementLocation | undefined {
    return this.indexed.byPath.get(path);
  }

  pathOf(element: XmlElement): string {
    return this.indexed.paths.get(nodeId(element)) ?? '';
  }

  elementsOnLine(line: number): XmlElement[] {
    return this.indexed.byLine.get(line) ?? [];
  }

  dispose(): void {
    this.tree?.dispose();
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Offset of the first start tag nested deeper than `max`, or -1. A linear scan of the text before libxml2
 * sees it: comments, CDATA, processing instructions and quoted attribute values are skipped. Whatever it
 * cannot read to the end (an unterminated comment, tag or value) it leaves to the parser, which reports it.
 */
export function nestingBeyond(text: string, max: number): number {
  let depth = 0;
  const tagEnd = startTagEnds(text);
  let i = text.indexOf('<');
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 33 /* ! */) {
      if (text.startsWith('<!--', i)) end = lastOf(text.indexOf('-->', i + 4), 3);
      else if (text.startsWith('<![CDATA[', i)) end = lastOf(text.indexOf(']]>', i + 9), 3);
      else end = text.indexOf('>', i + 2);
    } else if (next === 63 /* ? */) {
      end = lastOf(text.indexOf('?>', i + 2), 2);
    } else if (next === 47 /* / */) {
      depth--;
      end = text.indexOf('>', i + 2);
    } else {
      end = tagEnd(i + 1);
      if (end >= 0 && text.charCodeAt(end - 1) !== 47 && ++depth > max) return i;
    }
    if (end < 0) return -1;
    // end > i: the next search starts past this markup, so the scan moves forward on every pass.
    i = text.indexOf('<', end + 1);
  }
  return -1;
}

/**
 * A finder of the end of a start tag in `text`: the first `>` at or after an offset that lies outside a quoted
 * attribute value, or -1. Called as a scan calls it, each time from beyond the end it found before, it finds the
 * next `>`, `"` and `'` with indexOf and remembers each until the scan passes it, so the whole scan reads the text
 * about once, however many quotes a tag holds; a character loop over every tag cost a twentieth of parsing.
 */
export function startTagEnds(text: string): (from: number) => number {
  // The next occurrence at or after the scan's position, -1 for none left, -2 before the first search.
  let gt = -2;
  let dq = -2;
  let sq = -2;
  return (from) => {
    let at = from;
    // Each pass ends the search or moves `at` past a quoted value (close > quote >= at).
    for (;;) {
      if (gt !== -1 && gt < at) gt = text.indexOf('>', at);
      if (gt < 0) return -1;
      if (dq !== -1 && dq < at) dq = text.indexOf('"', at);
      if (sq !== -1 && sq < at) sq = text.indexOf("'", at);
      const quote = dq < 0 ? sq : sq < 0 ? dq : Math.min(dq, sq);
      if (quote < 0 || quote > gt) return gt;
      const close = text.indexOf(quote === dq ? '"' : "'", quote + 1);
      if (close < 0) return -1;
      at = close + 1;
    }
  };
}

/** The offset of the last character of a terminator of `length` found at `found`, or -1 when none was found. */
function lastOf(found: number, length: number): number {
  return found < 0 ? -1 : found + length - 1;
}

function fail(code: Diagnostic['code'], message: string, where: Partial<Diagnostic> = {}): SafeParseResult {
  return { ok: false, diagnostics: [diagnostic(code, message, where)] };
}

const utf16 = () =>
  diagnostic('MBPROV_XML_ENCODING_UNSUPPORTED', 'The document is UTF-16 or UTF-32; only UTF-8 is accepted.');

// Without the stream option a decoder keeps no state between calls: one serves every call.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes bytes as strict UTF-8 and enforces the size limit before any parsing work. */
function decode(input: string | Uint8Array, maxBytes: number): string | Diagnostic {
  const tooLarge = (size: number) =>
    diagnostic('MBPROV_XML_TOO_LARGE', `The input is ${size} bytes; the limit is ${maxBytes} bytes.`);
  if (typeof input === 'string') {
    // A UTF-16 code unit is at most 3 UTF-8 bytes, so the exact count is only needed near the limit.
    if (input.length > maxBytes) return tooLarge(input.length);
    if (input.length * 3 > maxBytes) {
      const size = Buffer.byteLength(input, 'utf8');
      if (size > maxBytes) return tooLarge(size);
    }
    // U+0000 is never XML: here it is UTF-16 or UTF-32 text taken for characters, which libxml2 would decode
    // on its own from the bytes while every scan of the string read something else.
    if (input.indexOf('\0') >= 0) return utf16();
    // A lone surrogate has no UTF-8 form: the parser would read U+FFFD where the string holds something else.
    if (!(input as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      return diagnostic(
        'MBPROV_XML_ENCODING_UNSUPPORTED',
        'The text holds a lone surrogate: it is not Unicode.',
      );
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input.byteLength > maxBytes) return tooLarge(input.byteLength);
  // A NUL byte is U+0000 in UTF-8, which XML never allows: the text is UTF-16 or UTF-32, with or without a BOM.
  if (
    (input[0] === 0xfe && input[1] === 0xff) ||
    (input[0] === 0xff && input[1] === 0xfe) ||
    input.includes(0)
  ) {
    return utf16();
  }
  try {
    return strictUtf8.decode(input);
  } catch {
    return diagnostic('MBPROV_XML_ENCODING_UNSUPPORTED', 'The document is not valid UTF-8.');
  }
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Checks the prolog: the declared encoding must be UTF-8 (or one that reads an ASCII-only text the same) and no
 * DOCTYPE may appear before the root element.
 */
function scanProlog(text: string): Diagnostic | undefined {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) return undefined; // the parser reports it
      const pi = text.slice(i, end);
      const encoding = /^<\?xml\s[\s\S]*?encoding\s*=\s*["']([^"']*)["']/.exec(pi)?.[1];
      const name = encoding?.toLowerCase();
      // An ASCII text reads the same in UTF-8 as in Latin-1 or ASCII, so its declaration changes nothing; with
      // anything beyond ASCII the bytes (or the string's characters) would be read as another text.
      const sameText = name !== undefined && ASCII_COMPATIBLE.has(name) && !NON_ASCII.test(text);
      if (name !== undefined && !UTF8_NAMES.has(name) && !sameText) {
        return diagnostic(
          'MBPROV_XML_ENCODING_UNSUPPORTED',
          `The XML declaration says encoding="${encoding}"; only UTF-8 is accepted (or, for a text of ASCII characters only, ISO-8859-1 and US-ASCII).`,
          { line: 1, column: 1 },
        );
      }
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      const line = text.slice(0, i).split('\n').length;
      return diagnostic(
        'MBPROV_XML_DTD_FORBIDDEN',
        'The document has a DOCTYPE; provisioning documents must not declare a DTD or entities (refused before parsing).',
        { line, column: i - text.lastIndexOf('\n', i - 1) },
      );
    } else {
      return undefined;
    }
  }
  return undefined;
}

function parseErrors(error: unknown): Diagnostic[] {
  if (!(error instanceof XmlParseError)) {
    return [diagnostic('MBPROV_XML_MALFORMED', `The XML parser failed: ${String(error)}`)];
  }
  const details = error.details.length ? error.details : [{ message: error.message, line: 0, col: 0 }];
  const first = details[0] as { message: string; line?: number; col?: number };
  const given = bounded(first.message.trim());
  // libxml2 has no text for some errors (an unterminated CDATA section, for one).
  const message =
    given === 'Unregistered error message' ? 'The text is not well-formed XML from here on' : given;
  const where = first.line ? { line: first.line, column: first.col || 1 } : {};
  // libxml2: "xmlns: '%s' is not a valid URI", "xmlns:%s: '%s' is not a valid URI" (cut short for long values).
  if (/^xmlns(:[^\s:']+)?: '/.test(message)) {
    return [
      diagnostic(
        'MBPROV_XML_NAMESPACE_INVALID',
        `A namespace declaration is not a URI reference: ${message}; namespace names must be URIs.`,
        where,
      ),
    ];
  }
  if (/Excessive depth|MaxDepth/i.test(message)) {
    return [diagnostic('MBPROV_XML_TOO_DEEP', `Elements are nested too deeply (${message}).`, where)];
  }
  if (/entity/i.test(message)) {
    return [
      diagnostic(
        'MBPROV_XML_MALFORMED',
        `${message}; entity references are not allowed (no DTD is accepted).`,
        where,
      ),
    ];
  }
  return [diagnostic('MBPROV_XML_MALFORMED', message, where)];
}

/**
 * A parser message with every quoted value cut to 60 characters: libxml2 quotes what it refused, and a refusal
 * of a megabyte-long attribute must not make a megabyte-long diagnostic.
 */
function bounded(message: string): string {
  return message.replace(/'([^']{60})[^']*('|$)/g, "'$1…'").slice(0, 500);
}

/** Stable identity of a libxml2 node (its pointer in wasm memory). */
function nodeId(element: XmlElement): number {
  return (element as unknown as { _nodePtr: number })._nodePtr;
}

interface ElementIndex {
  byPath: Map<string, ElementLocation>;
  /** Keyed by the libxml2 node pointer: libxml2-wasm hands out a new wrapper object on every traversal. */
  paths: Map<number, string>;
  byLine: Map<number, XmlElement[]>;
}

/** Walks the tree once and records each element's path, line and column. */
function indexElements(doc: XmlDocument, text: string): ElementIndex {
  const map = new SourceMap(text);
  const index: ElementIndex = { byPath: new Map(), paths: new Map(), byLine: new Map() };
  const stack: Array<{ element: XmlElement; path: string; depth: number }> = [];
  const root = doc.root;
  stack.push({ element: root, path: `/${root.name}`, depth: 1 });
  // Iterative pre-order walk (document order) so hostile nesting cannot overflow the JS stack.
  while (stack.length) {
    const { element, path, depth } = stack.pop() as (typeof stack)[number];
    const qname = element.prefix ? `${element.prefix}:${element.name}` : element.name;
    const location = { line: element.line, column: map.nextStartTag(element.line, qname), path };
    index.byPath.set(path, location);
    index.paths.set(nodeId(element), path);
    const onLine = index.byLine.get(element.line);
    if (onLine) onLine.push(element);
    else index.byLine.set(element.line, [element]);

    const children: Array<{ element: XmlElement; path: string; depth: number }> = [];
    const counts = new Map<string, number>();
    for (const el of childElements(element)) {
      const n = (counts.get(el.name) ?? 0) + 1;
      counts.set(el.name, n);
      children.push({ element: el, path: `${path}/${el.name}[${n}]`, depth: depth + 1 });
    }
    // Paths of single children drop the [1]: "/CarrierProvisioning/Global/CarrierId".
    for (const c of children) if (counts.get(c.element.name) === 1) c.path = c.path.replace(/\[1\]$/, '');
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as (typeof children)[number]);
  }
  return index;
}
