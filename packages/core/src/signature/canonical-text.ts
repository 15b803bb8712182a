/**
 * Recognizes the parts of a document's text that are already in canonical form (Canonical XML 1.0 without
 * comments), so that signing and verification can hash those bytes as they stand instead of having libxml2
 * canonicalize the parsed tree. mbprov, xmlsec1 and most signers write documents that way apart from
 * self-closed empty elements, which the recognizer expands. Anything else it does not prove canonical (comments,
 * CDATA, processing instructions, entity or character references other than the canonical escapes, quotes,
 * whitespace or attribute order inside tags, superfluous namespace declarations, prefixes) sends the caller to
 * the general path. That is safe in both directions: when the recognizer says "canonical", the octets it returns
 * are exactly the text libxml2 parsed (minus what the enveloped transform removes), so a digest over them can only
 * match when the document is the one that was signed.
 *
 * What it proves is used only for a text accepted as well-formed without a DTD (by libxml2, or by the plain-XML
 * reader, xml/plain-xml.ts), so it tokenizes without diagnosing errors. Signing and verification run it on the
 * checked text before parsing (its answer decides whether the tree may be needed), so it is total on any text:
 * every search that finds nothing, and every construct it does not expect, ends the scan with nothing proven
 * ({@link UNPROVEN}), and every loop moves forward through the text.
 */

/** What one pass over a document's text found; see {@link scanCanonicalText}. */
export interface CanonicalText {
  /**
   * Start tags whose local name is Signature, whatever their prefix: an upper bound of the ds:Signature
   * elements, so a count of one spares the namespace-aware search.
   */
  signatureTags: number;
  /** Offset of the root element's end tag. */
  rootEndTag: number;
  /** The canonical octets of the whole document, in pieces to hash in order; undefined when not proven canonical. */
  document: string[] | undefined;
  /**
   * The canonical octets of the document without the root's last child element (what the enveloped-signature
   * transform leaves when the Signature is that child); undefined when not proven canonical.
   */
  withoutLastChild: string[] | undefined;
  /**
   * The canonical octets of the first child element of the root's last child (SignedInfo, in a Signature), as
   * its own subtree: with the default namespace it inherits declared on it, which is what inclusive and exclusive
   * C14N both give it when no prefixed namespace or xml:* attribute is in scope. Undefined when not proven.
   */
  lastChildFirstChild: string | undefined;
  /**
   * Where the root's last child element is written: the offset of its start tag's `<` and the offset just after
   * its end tag (or its self-closed start tag). Undefined when the text was not read to the root's end.
   */
  lastChild: { start: number; end: number } | undefined;
}

const GT = 62; // >
const SLASH = 47; // /
const SPACE = 32;
const QUOTE = 34; // "
const APOS = 39; // '
const COLON = 58; // :
const LOWER_E = 101; // e, the last letter of Signature

const isSpace = (c: number) => c === SPACE || c === 9 || c === 10 || c === 13;

/** The XML declaration: `<?xml` then whitespace, at offset 0 only. Any other `<?xml…` is a processing instruction. */
const DECLARATION = /^<\?xml[ \t\r\n]/;

/** What a scan that proves nothing returns: every caller then takes the general path. */
const UNPROVEN: CanonicalText = {
  signatureTags: Number.POSITIVE_INFINITY,
  rootEndTag: -1,
  document: undefined,
  withoutLastChild: undefined,
  lastChildFirstChild: undefined,
  lastChild: undefined,
};

/** Ends a scan: the text is not what a well-formed document looks like here. */
class Unexpected extends Error {}

/** `text.indexOf(what, from)`, ending the scan when it is not found. */
function find(text: string, what: string, from: number): number {
  const at = text.indexOf(what, from);
  if (at < 0) throw new Unexpected();
  return at;
}

/** The escapes C14N writes in text and in attribute values; any other reference is not canonical there. */
const TEXT_ESCAPE = /&(?:amp|lt|gt|#xD);/y;
const ATTRIBUTE_ESCAPE = /&(?:amp|lt|quot|#x9|#xA|#xD);/y;
/** Unqualified attribute names that sort the same by UTF-16 code units as by code points. */
const PLAIN_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * The next offset of one character at or after a position, for positions that only grow while the text is
 * read: each stretch of the text is searched once, by the native indexOf, instead of character by character.
 */
class NextOf {
  private at = -1;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  /** Offset of the next occurrence at or after `offset`, or the text's length. */
  from(offset: number): number {
    if (this.at < offset) {
      const found = this.text.indexOf(this.char, offset);
      this.at = found < 0 ? this.text.length : found;
    }
    return this.at;
  }
}

/** A parsed start tag. */
interface StartTag {
  name: string;
  /** Offset of its closing `>`. */
  end: number;
  selfClosing: boolean;
  /** Its `xmlns="..."` value as written, if any. */
  defaultNamespace: string | undefined;
  /** Written exactly as C14N writes it, apart from being self-closed and from namespace context. */
  verbatim: boolean;
  /** C14N's form differs at most in attribute order, quotes and whitespace: no value changes. */
  rewritable: boolean;
  /** Its unqualified attributes: the first `attributeCount` names and value offsets of these arrays. */
  attributeNames: string[];
  valueStarts: number[];
  valueEnds: number[];
  attributeCount: number;
  /** Declares a prefixed namespace or carries a prefixed attribute (xml:lang included). */
  prefixed: boolean;
}

/** Reads tags and character data, judging them against the canonical form. */
class Reader {
  // One start tag object, refilled by every startTag call: a scan reads each tag before the next, and a tag object
  // (with an array per attribute) for each of a document's hundreds of tags was most of what a scan allocated.
  private readonly tag: StartTag = {
    name: '',
    end: 0,
    selfClosing: false,
    defaultNamespace: undefined,
    verbatim: true,
    rewritable: true,
    attributeNames: [],
    valueStarts: [],
    valueEnds: [],
    attributeCount: 0,
    prefixed: false,
  };
  private readonly amp: NextOf;
  private readonly gt: NextOf;
  private readonly tab: NextOf;
  private readonly lf: NextOf;
  private readonly cr: NextOf;

  constructor(private readonly text: string) {
    this.amp = new NextOf(text, '&');
    this.gt = new NextOf(text, '>');
    this.tab = new NextOf(text, '\t');
    this.lf = new NextOf(text, '\n');
    this.cr = new NextOf(text, '\r');
  }

  /**
   * Whether text[from, to) is character data as C14N writes it: in text, `>` and carriage returns are escaped;
   * in attribute values, tabs and line feeds too (a parser would have normalized literal ones to spaces).
   */
  canonicalCharacters(from: number, to: number, attribute: boolean): boolean {
    if (this.cr.from(from) < to) return false;
    if (attribute ? this.tab.from(from) < to || this.lf.from(from) < to : this.gt.from(from) < to)
      return false;
    const escapes = attribute ? ATTRIBUTE_ESCAPE : TEXT_ESCAPE;
    for (let a = this.amp.from(from); a < to; a = this.amp.from(a + 1)) {
      escapes.lastIndex = a;
      if (!escapes.test(this.text)) return false;
    }
    return true;
  }

  /** The start tag at `start` (its `<`): the same object on every call, to be read before the next. */
  startTag(start: number): StartTag {
    const text = this.text;
    let j = start + 1;
    let colon = false;
    for (let c = text.charCodeAt(j); c !== GT && c !== SLASH && !isSpace(c); c = text.charCodeAt(++j)) {
      if (j >= text.length) throw new Unexpected();
      if (c === COLON) colon = true;
    }
    const name = text.slice(start + 1, j);
    if (name === '') throw new Unexpected();
    // Verbatim: nothing to change. Rewritable: only attribute order, quotes and whitespace to change.
    let verbatim = true;
    let rewritable = !colon;
    let prefixed = false;
    let defaultNamespace: string | undefined;
    let previous = '';
    let count = 0;
    const tag = this.tag;
    let attributeCount = 0;
    for (;;) {
      const c = text.charCodeAt(j);
      if (c === GT || c === SLASH) {
        const selfClosing = c === SLASH;
        if (selfClosing && text.charCodeAt(j + 1) !== GT) throw new Unexpected();
        tag.name = name;
        tag.end = selfClosing ? j + 1 : j;
        tag.selfClosing = selfClosing;
        tag.defaultNamespace = defaultNamespace;
        tag.verbatim = verbatim && rewritable;
        tag.rewritable = rewritable;
        tag.attributeCount = attributeCount;
        tag.prefixed = prefixed;
        return tag;
      }
      // One space before each attribute and none elsewhere.
      const spaceStart = j;
      while (isSpace(text.charCodeAt(j))) j++;
      if (c !== SPACE || j - spaceStart !== 1) verbatim = false;
      const next = text.charCodeAt(j);
      if (next === GT || next === SLASH) {
        verbatim = false;
        continue;
      }
      // Each pass of this loop ends past the value it read, so j only grows.
      const equals = find(text, '=', j);
      const attribute = text.slice(j, equals).trimEnd();
      if (equals - j !== attribute.length) verbatim = false;
      j = equals + 1;
      while (isSpace(text.charCodeAt(j))) {
        verbatim = false;
        j++;
      }
      const quote = text.charCodeAt(j);
      if (quote !== QUOTE && quote !== APOS) throw new Unexpected();
      const valueEnd = find(text, quote === QUOTE ? '"' : "'", j + 1);
      if (quote === APOS) {
        verbatim = false;
        // C14N would write a double quote in a value as &quot;: that is a change of text, not of form.
        if (text.slice(j + 1, valueEnd).indexOf('"') >= 0) rewritable = false;
      }
      if (!this.canonicalCharacters(j + 1, valueEnd, true)) rewritable = false;
      if (attribute === 'xmlns') {
        defaultNamespace = text.slice(j + 1, valueEnd);
        // Namespace declarations come first; a relative URI is an error libxml2's C14N reports.
        if (count > 0) verbatim = false;
        if (defaultNamespace !== '' && defaultNamespace.indexOf(':') < 0) rewritable = false;
      } else if (attribute.indexOf(':') >= 0) {
        prefixed = true;
        rewritable = false;
      } else if (!PLAIN_NAME.test(attribute)) {
        // Names outside ASCII would need code point order; left to the general path.
        rewritable = false;
      } else {
        if (!(previous < attribute)) verbatim = false;
        previous = attribute;
        tag.attributeNames[attributeCount] = attribute;
        tag.valueStarts[attributeCount] = j + 1;
        tag.valueEnds[attributeCount++] = valueEnd;
      }
      count++;
      j = valueEnd + 1;
    }
  }
}

/** A start tag as C14N writes it: the namespace declaration unless it repeats the inherited one, attributes sorted. */
function canonicalStartTag(text: string, tag: StartTag, inherited: string): string {
  const namespace =
    tag.defaultNamespace !== undefined && tag.defaultNamespace !== inherited
      ? ` xmlns="${tag.defaultNamespace}"`
      : '';
  const { attributeNames: names, valueStarts: starts, valueEnds: ends } = tag;
  const order = Array.from({ length: tag.attributeCount }, (_, k) => k);
  if (order.length > 1) order.sort((a, b) => ((names[a] as string) < (names[b] as string) ? -1 : 1));
  let attributes = '';
  for (const k of order) attributes += ` ${names[k]}="${text.slice(starts[k], ends[k])}"`;
  return `<${tag.name}${namespace}${attributes}>`;
}

/** Offset of the last character of a comment, CDATA section or processing instruction starting at `i`. */
function markupEnd(text: string, i: number): number {
  if (text.startsWith('<!--', i)) return find(text, '-->', i + 4) + 2;
  if (text.startsWith('<![CDATA[', i)) return find(text, ']]>', i + 9) + 2;
  if (text.startsWith('<?', i)) return find(text, '?>', i + 2) + 1;
  // A declaration (DOCTYPE and the like): safe parsing refuses those before this scan.
  throw new Unexpected();
}

/** Where a root child's pieces start, and the flaw count before it. */
interface ChildMark {
  /** Offset of its start tag. */
  start: number;
  piece: number;
  flaws: number;
  prefixed: boolean;
  /** Where its first child started, once it has. */
  opened: FirstChildMark | undefined;
  /** Its first child has ended (later children are not looked at). */
  closed: boolean;
  /** Its first child, once proven canonical: its pieces, name and inherited default namespace. */
  firstChild: ProvenSubtree | undefined;
}

interface ProvenSubtree {
  from: number;
  to: number;
  nameLength: number;
  namespace: string;
}

/** Where the first child of a root child starts. */
interface FirstChildMark {
  piece: number;
  flaws: number;
  apexFlaws: number;
  /** The default namespace it inherits, as written. */
  namespace: string;
}

/** A proven subtree's octets with the default namespace it inherits declared on its apex. */
function declaringDefault(pieces: string[], subtree: ProvenSubtree): string {
  const own = pieces.slice(subtree.from, subtree.to).join('');
  const nameEnd = 1 + subtree.nameLength;
  return `${own.slice(0, nameEnd)} xmlns="${subtree.namespace}"${own.slice(nameEnd)}`;
}

/**
 * Reads a well-formed document's text once: the root's end tag, the Signature-like start tags, and the
 * canonical octets of the whole document, of the document without the root's last child, and of that child's
 * first child, wherever the text proves them. On text that is not well-formed it proves nothing
 * ({@link UNPROVEN}: no root end tag, an unbounded count of Signature tags) and never throws.
 */
export function scanCanonicalText(text: string): CanonicalText {
  try {
    return scan(text);
  } catch (error) {
    if (error instanceof Unexpected) return UNPROVEN;
    throw error;
  }
}

function scan(text: string): CanonicalText {
  // Non-canonical constructs seen so far: a range is canonical when the count did not move across it.
  let flaws = 0;
  // The same, plus every xmlns attribute: inside a subtree canonicalized on its own, those need context.
  let apexFlaws = 0;
  let signatureTags = 0;
  const reader = new Reader(text);
  let rootEndTag = -1;
  let rootPrefixed = false;
  // Canonical octets in pieces, cut at the boundaries of the root's children and of their first children.
  const pieces: string[] = [];
  let pieceStart = 0;
  const flush = (at: number) => {
    if (at > pieceStart) pieces.push(text.slice(pieceStart, at));
    pieceStart = at;
  };
  // Open elements: names and in-scope default namespaces as written ('' outside any declaration).
  const names: string[] = [];
  const defaults: string[] = [''];
  let child: ChildMark | undefined;
  let last:
    | {
        from: number;
        to: number;
        flaws: number;
        firstChild: ProvenSubtree | undefined;
        start: number;
        end: number;
      }
    | undefined;

  const close = (at: number) => {
    const depth = names.length;
    const opened = child?.opened;
    if (depth === 3 && child && opened && !child.closed) {
      child.closed = true;
      if (
        flaws === opened.flaws &&
        apexFlaws === opened.apexFlaws &&
        !rootPrefixed &&
        !child.prefixed &&
        opened.namespace !== '' &&
        // Written with a reference, its canonical value is not the text: declaring it as written would be wrong.
        opened.namespace.indexOf('&') < 0
      ) {
        flush(at);
        child.firstChild = {
          from: opened.piece,
          to: pieces.length,
          nameLength: (names[2] as string).length,
          namespace: opened.namespace,
        };
      }
    } else if (depth === 2 && child) {
      flush(at);
      last = {
        from: child.piece,
        to: pieces.length,
        flaws: flaws - child.flaws,
        firstChild: child.firstChild,
        start: child.start,
        end: at,
      };
    } else if (depth === 1) {
      flush(at);
    }
    names.pop();
    defaults.pop();
  };

  let i = text.indexOf('<');
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    let end: number;
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      end = markupEnd(text, i);
      // Outside the root, comments vanish from the canonical form and the XML declaration is not a node; a
      // processing instruction would be written. Inside the root, any of these is a flaw.
      const harmless =
        names.length === 0 && (text.startsWith('<!--', i) || (i === 0 && DECLARATION.test(text)));
      if (!harmless) {
        flaws++;
        apexFlaws++;
      }
    } else if (next === SLASH) {
      end = find(text, '>', i + 2);
      if (names.length === 0) throw new Unexpected();
      if (names.length === 1) {
        rootEndTag = i;
        flush(i);
      }
      const name = names[names.length - 1] as string;
      if (text.charCodeAt(i + 2 + name.length) !== GT) {
        // Whitespace before `>`: written without.
        flush(i);
        pieces.push(`</${name}>`);
        pieceStart = end + 1;
      }
      close(end + 1);
    } else {
      const tag = reader.startTag(i);
      end = tag.end;
      const name = tag.name;
      if (
        name.charCodeAt(name.length - 1) === LOWER_E &&
        (name === 'Signature' || name.endsWith(':Signature'))
      )
        signatureTags++;
      const depth = names.length + 1;
      const inherited = defaults[defaults.length - 1] as string;
      // C14N drops a declaration that repeats the default namespace already in scope. Values written with a
      // reference are compared after resolution by C14N, so the text cannot tell: such a tag is a flaw.
      const referenced = tag.defaultNamespace !== undefined && tag.defaultNamespace.indexOf('&') >= 0;
      if (referenced) tag.rewritable = false;
      const verbatim = tag.verbatim && !referenced && tag.defaultNamespace !== inherited;
      if (depth === 1) {
        pieceStart = i;
        rootPrefixed = tag.prefixed;
      } else if (depth === 2) {
        flush(i);
        child = {
          start: i,
          piece: pieces.length,
          flaws,
          prefixed: tag.prefixed,
          opened: undefined,
          closed: false,
          firstChild: undefined,
        };
      } else if (depth === 3 && child && !child.opened) {
        flush(i);
        child.opened = { piece: pieces.length, flaws, apexFlaws, namespace: inherited };
      }
      const rewritten = !verbatim && tag.rewritable;
      if (!verbatim && !rewritten) flaws++;
      if ((!verbatim && !rewritten) || tag.defaultNamespace !== undefined) apexFlaws++;
      if (rewritten) {
        flush(i);
        pieces.push(canonicalStartTag(text, tag, inherited));
        pieceStart = end + 1;
      }
      names.push(tag.name);
      defaults.push(tag.defaultNamespace ?? inherited);
      if (tag.selfClosing) {
        // C14N writes an empty element as a start tag and an end tag.
        if (!rewritten) {
          flush(end - 1);
          pieces.push('>');
        }
        pieces.push(`</${tag.name}>`);
        pieceStart = end + 1;
        close(end + 1);
      }
    }
    // Every branch ends at or after the `<` it started from, so the next search starts further on.
    if (end <= i) throw new Unexpected();
    const textStart = end + 1;
    i = text.indexOf('<', textStart);
    if (names.length > 0 && !reader.canonicalCharacters(textStart, i < 0 ? text.length : i, false)) {
      flaws++;
      apexFlaws++;
    }
  }

  const outside = last ? flaws - last.flaws : -1;
  return {
    signatureTags,
    rootEndTag,
    document: flaws === 0 && rootEndTag >= 0 ? pieces : undefined,
    withoutLastChild:
      last && outside === 0 && rootEndTag >= 0
        ? [...pieces.slice(0, last.from), ...pieces.slice(last.to)]
        : undefined,
    lastChildFirstChild: last?.firstChild && declaringDefault(pieces, last.firstChild),
    lastChild: last && rootEndTag >= 0 ? { start: last.start, end: last.end } : undefined,
  };
}
