/**
 * Well-formedness of plain XML, decided in one pass over the text without building a tree.
 *
 * Signing and verifying the documents that mbprov and common signers write need libxml2's tree only to know that
 * the text is well-formed: the strict profile, the digest and the signed bytes are then read from the text
 * (signature/canonical-text.ts). Building and freeing that tree was about half of a verification. This reader
 * decides well-formedness, as libxml2 parses it (XML 1.0 with namespaces, the options of safe-parse.ts), for a
 * narrow subset that covers those documents, and for anything outside it answers "undecided" (undefined), so that
 * libxml2 parses the text as before. The subset:
 *
 * - an optional XML declaration at offset 0 (version 1.0, encoding UTF-8, standalone yes or no), then whitespace,
 *   one root element and whitespace: no comment, processing instruction, CDATA section or DOCTYPE anywhere;
 * - element and attribute names of ASCII letters, digits, `_`, `-` and `.` that start with a letter or `_` (no
 *   prefix, so no namespace prefix can be undeclared), at most {@link MAX_NAME} characters; no attribute name
 *   starting with "xml" other than `xmlns`; no attribute twice on an element; whitespace before every attribute;
 * - a default namespace declaration whose value has no reference, quote, `<`, `>`, tab or line break, and that
 *   the caller's `namespaceAccepted` accepts (safe-parse.ts asks libxml2 about a one-element document declaring
 *   it: libxml2's checks of a namespace name depend on the value alone);
 * - in text and attribute values only the references `&amp; &lt; &gt; &quot; &apos; &#x9; &#xA; &#xD;`, no `<` in
 *   a value, no `]]>` anywhere and only characters XML allows (none of U+0000-U+0008, U+000B, U+000C,
 *   U+000E-U+001F, U+FFFE, U+FFFF; lone surrogates are refused before this runs);
 * - end tags naming the element they close; at most {@link MAX_DEPTH} levels, {@link MAX_ATTRIBUTES} attributes
 *   on an element and {@link MAX_LENGTH} characters, well within libxml2's limits without XML_PARSE_HUGE.
 *
 * "Accepts nothing libxml2 refuses" is what makes skipping the parse sound: packages/core/test/plain-xml.test.ts
 * holds it against libxml2 on the fixtures, the fuzz corpus, generated documents and every one-character edit of
 * signed documents, and a fuzz property does on every fuzz input.
 */

/** The root element of a plain document: its name and namespace URI ('' for none). */
export interface PlainRoot {
  name: string;
  namespaceUri: string;
  /**
   * The deepest nesting of elements with an end tag, as the nesting check before parsing counts it (safe-parse.ts:
   * a self-closed element opens no level).
   */
  depth: number;
}

/** Longest element or attribute name read (libxml2 allows 50,000). */
export const MAX_NAME = 1000;
/** Deepest nesting read (libxml2 allows 256). */
export const MAX_DEPTH = 200;
/** Most attributes on one element read (each is compared with those before it). */
export const MAX_ATTRIBUTES = 100;
/** Longest text read, in UTF-16 code units (libxml2 allows 10,000,000 bytes of text in one node). */
export const MAX_LENGTH = 1 << 20;

const LT = 60;
const GT = 62;
const SLASH = 47;
const EQUALS = 61;
const QUOTE = 34;
const APOS = 39;

/** Character codes that may start (1) or continue (1 or 2) a name of the subset. */
const NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME[c] = 1;
  else if (/[0-9.-]/.test(ch)) NAME[c] = 2;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

const DECLARATION =
  /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.0"|'1\.0')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"(?:UTF|utf)-8"|'(?:UTF|utf)-8'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/;
/**
 * Characters XML 1.0 does not allow (surrogates are checked before), in two searches: V8 answers the second at
 * once for a text stored one byte per character.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F]/;
const NONCHARACTER = /[\uFFFE\uFFFF]/;
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#x9|#xA|#xD);/y;
/** What a namespace value of the subset never holds: references, quotes, markup, normalized whitespace. */
const UNPLAIN_NAMESPACE = /[&<>"'\t\n\r]/;

/** The end of the name starting at `from` (`from` itself when no name starts there). */
function nameEnd(text: string, from: number): number {
  if (NAME[text.charCodeAt(from)] !== 1) return from;
  let j = from + 1;
  while (NAME[text.charCodeAt(j)]) j++;
  return j;
}

function spaceEnd(text: string, from: number): number {
  let j = from;
  while (isSpace(text.charCodeAt(j))) j++;
  return j;
}

/**
 * The root of `text` when it is a well-formed document of the plain subset (see above); undefined when it is not,
 * or not known to be (libxml2 then decides). Total: reads any string without throwing, and every loop moves on.
 */
export function plainXml(text: string, namespaceAccepted: (value: string) => boolean): PlainRoot | undefined {
  if (text.length > MAX_LENGTH || text.indexOf(']]>') >= 0) return undefined;
  if (CONTROL.test(text) || NONCHARACTER.test(text)) return undefined;
  let i = 0;
  if (text.charCodeAt(1) === 63 /* ? */) {
    const declaration = DECLARATION.exec(text);
    if (!declaration) return undefined;
    i = declaration[0].length;
  }
  i = spaceEnd(text, i);
  if (text.charCodeAt(i) !== LT) return undefined;
  // The next `&` and `<` at or after a position (the text's length for none): positions only grow, so each
  // stretch of the text is searched once.
  const nextOf = (char: string, from: number) => {
    const at = text.indexOf(char, from);
    return at < 0 ? text.length : at;
  };
  let amp = -1;
  let lt = i;
  const referencesOnly = (from: number, to: number): boolean => {
    for (;;) {
      if (amp < from) amp = nextOf('&', from);
      if (amp >= to) return true;
      REFERENCE.lastIndex = amp;
      if (!REFERENCE.test(text)) return false;
      from = amp + 1;
    }
  };
  /** Whether the names written at `a` and `b` (both of `length`) are the same. */
  const same = (a: number, b: number, length: number): boolean => {
    for (let m = 0; m < length; m++) if (text.charCodeAt(a + m) !== text.charCodeAt(b + m)) return false;
    return true;
  };
  // Open elements and the attributes of the tag being read, as offsets and lengths of their names in the text.
  const openStart: number[] = [];
  const openLength: number[] = [];
  let depth = 0;
  const attributeStart: number[] = [];
  const attributeLength: number[] = [];
  // The namespace accepted last: a document declares the same few again and again.
  let accepted: string | undefined;
  let root: PlainRoot | undefined;
  // Each pass reads one tag at `i` and the text after it, and ends past that tag.
  for (;;) {
    let end: number;
    if (text.charCodeAt(i + 1) === SLASH) {
      if (depth === 0) return undefined;
      depth--;
      const length = openLength[depth] as number;
      if (!same(openStart[depth] as number, i + 2, length)) return undefined;
      end = spaceEnd(text, i + 2 + length);
      if (text.charCodeAt(end) !== GT) return undefined;
    } else {
      const j = nameEnd(text, i + 1);
      if (j === i + 1 || j - i - 1 > MAX_NAME) return undefined;
      let namespace: string | undefined;
      let count = 0;
      let k = j;
      for (;;) {
        const space = k;
        k = spaceEnd(text, k);
        const c = text.charCodeAt(k);
        if (c === GT || c === SLASH) break;
        if (k === space || count === MAX_ATTRIBUTES) return undefined;
        const attributeEnd = nameEnd(text, k);
        const length = attributeEnd - k;
        if (length === 0 || length > MAX_NAME) return undefined;
        for (let a = 0; a < count; a++)
          if (attributeLength[a] === length && same(attributeStart[a] as number, k, length)) return undefined;
        attributeStart[count] = k;
        attributeLength[count++] = length;
        // Names starting with "xml" (in any case) are reserved: all but xmlns are left to libxml2.
        let xmlns = false;
        if (
          length >= 3 &&
          (text.charCodeAt(k) | 32) === 120 /* x */ &&
          (text.charCodeAt(k + 1) | 32) === 109 /* m */ &&
          (text.charCodeAt(k + 2) | 32) === 108 /* l */
        ) {
          xmlns = length === 5 && text.slice(k, attributeEnd) === 'xmlns';
          if (!xmlns) return undefined;
        }
        k = spaceEnd(text, attributeEnd);
        if (text.charCodeAt(k) !== EQUALS) return undefined;
        k = spaceEnd(text, k + 1);
        const quote = text.charCodeAt(k);
        if (quote !== QUOTE && quote !== APOS) return undefined;
        const valueEnd = text.indexOf(quote === QUOTE ? '"' : "'", k + 1);
        if (valueEnd < 0) return undefined;
        if (lt <= k) lt = nextOf('<', k + 1);
        if (lt < valueEnd || !referencesOnly(k + 1, valueEnd)) return undefined;
        if (xmlns) {
          namespace = text.slice(k + 1, valueEnd);
          if (namespace !== accepted) {
            if (UNPLAIN_NAMESPACE.test(namespace) || !namespaceAccepted(namespace)) return undefined;
            accepted = namespace;
          }
        }
        k = valueEnd + 1;
      }
      const selfClosing = text.charCodeAt(k) === SLASH;
      if (selfClosing && text.charCodeAt(k + 1) !== GT) return undefined;
      end = selfClosing ? k + 1 : k;
      root ??= { name: text.slice(i + 1, j), namespaceUri: namespace ?? '', depth: 0 };
      if (!selfClosing) {
        if (depth === MAX_DEPTH) return undefined;
        openStart[depth] = i + 1;
        openLength[depth++] = j - i - 1;
        if (depth > root.depth) root.depth = depth;
      }
    }
    if (depth === 0) return spaceEnd(text, end + 1) === text.length ? root : undefined;
    const next = text.indexOf('<', end + 1);
    if (next < 0 || !referencesOnly(end + 1, next)) return undefined;
    lt = next;
    i = next;
  }
}
