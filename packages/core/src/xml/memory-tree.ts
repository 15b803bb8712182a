import { ParseOption, XmlDocument, XmlElement } from 'libxml2-wasm';
import type { ElementTree, TreeAttribute } from './element-tree.ts';
import { NodeTree } from './node-tree.ts';

// libxml2's node structures (tree.h: xmlNode, xmlAttr, xmlNs) as laid out in libxml2-wasm's 32-bit WebAssembly
// memory: byte offsets of the fields read here. The same offsets libxml2-wasm's own struct readers use; checked
// against its node classes on a probe document before the first use (see memoryTreeOf).
const TYPE = 4;
const NAME = 8;
const CHILDREN = 12;
const PARENT = 20;
const NEXT = 24;
const NS = 36;
const CONTENT = 40;
const PROPERTIES = 44;
const NS_HREF = 8;

// libxml2's node types (xmlElementType) that may lie below an element of a parsed document without a DTD.
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PI_NODE = 7;
const COMMENT_NODE = 8;

/**
 * Thrown when the memory reader meets what it does not read (an entity reference, another node type, a string
 * with no end): the caller reads the tree again with the general reader.
 */
export class MemoryTreeDeclined extends Error {}

/** Views of libxml2-wasm's WebAssembly memory; replaced when the memory grows (the old buffer is then detached). */
interface Heap {
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  /** The same bytes as a Buffer, for its fast one-byte decoding. */
  readonly bytes: Buffer;
}

// Strings are decoded as libxml2-wasm decodes them (Emscripten's UTF8ToString), so that both readers read the
// same values: up to 16 bytes by the loop below, longer ones by a default TextDecoder. That decoder drops a
// leading U+FEFF (a byte order mark, to it) of a string longer than 16 bytes, and so does this reader. A string of
// ASCII characters reads the same either way (U+FEFF is not one), and is decoded as one-byte text.
const decoder = new TextDecoder();

function decodeShort(u8: Uint8Array, from: number, end: number): string {
  let out = '';
  let i = from;
  // Each pass consumes at least one byte.
  while (i < end) {
    let c = u8[i++] as number;
    if (!(c & 0x80)) {
      out += String.fromCharCode(c);
      continue;
    }
    const c1 = (u8[i++] as number) & 63;
    if ((c & 0xe0) === 0xc0) {
      out += String.fromCharCode(((c & 31) << 6) | c1);
      continue;
    }
    const c2 = (u8[i++] as number) & 63;
    c =
      (c & 0xf0) === 0xe0
        ? ((c & 15) << 12) | (c1 << 6) | c2
        : ((c & 7) << 18) | (c1 << 12) | (c2 << 6) | ((u8[i++] as number) & 63);
    if (c < 0x10000) out += String.fromCharCode(c);
    else {
      c -= 0x10000;
      out += String.fromCharCode(0xd800 | (c >> 10), 0xdc00 | (c & 0x3ff));
    }
  }
  return out;
}

// Buffer's one-byte decoder without the argument checks of toString('latin1', ...), where Node has it (every
// release so far).
type Latin1Slice = (this: Buffer, from: number, end: number) => string;
const latin1Slice: Latin1Slice =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice ??
  function (this: Buffer, from: number, end: number) {
    return this.toString('latin1', from, end);
  };

/** ASCII bytes as text: by the loop for a few, by Buffer's one-byte decoder beyond. */
function decodeAscii(heap: Heap, from: number, end: number): string {
  return end - from > 8 ? latin1Slice.call(heap.bytes, from, end) : decodeShort(heap.u8, from, end);
}

/** Whether `text` is ASCII and the bytes from..end. */
function sameAscii(text: string, u8: Uint8Array, from: number, end: number): boolean {
  if (text.length !== end - from) return false;
  for (let i = 0; i < text.length; i++) {
    // A character beyond ASCII is never one byte of UTF-8, though its code can equal a byte of another character.
    const c = text.charCodeAt(i);
    if (c > 0x7f || c !== u8[from + i]) return false;
  }
  return true;
}

/**
 * Names and namespace URIs (ASCII) decoded before, in any document, by a hash of their bytes; a hit is checked
 * byte by byte. The same string object for the same name in every document keeps its hash, so the reader's
 * lookups by name cost no hashing of a new string per document. Bounded: past the limit, strings are decoded anew.
 */
const known = new Map<number, string>();
const KNOWN_MAX = 4096;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The key of `known`: a small integer (31 bits), which V8 keeps unboxed. */
const knownKey = (hash: number) => hash & 0x3fffffff;

/**
 * Makes these strings the ones names decode to: a reader that looks names up in maps keyed by these very strings
 * then finds them by identity. Strings beyond ASCII, and any whose key is taken, are left out.
 */
export function knowNames(names: Iterable<string>): void {
  for (const name of names) {
    let hash = FNV_OFFSET;
    let ascii = true;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 0 || c > 0x7f) ascii = false;
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
    const key = knownKey(hash);
    if (ascii && !known.has(key) && known.size < KNOWN_MAX) known.set(key, name);
  }
}

// Names and URIs a tree decoded, by address (libxml2 interns names: a document repeats a few addresses many
// times): a direct-mapped cache whose slots hold an address, its text and the generation of the tree that read it.
// Addresses are reused from one document to the next, so a slot of another generation is used only after its
// text is found again, byte by byte, at the address.
const SLOTS = 256;
const slotAddress = new Int32Array(SLOTS);
const slotGeneration = new Int32Array(SLOTS);
const slotText: string[] = new Array<string>(SLOTS).fill('');
let generations = 0;

/** A generation no slot holds: past 2^31 trees, the slots are cleared and the count starts again. */
function nextGeneration(): number {
  if (generations === 0x7fffffff) {
    slotGeneration.fill(0);
    generations = 0;
  }
  return ++generations;
}

/**
 * An {@link ElementTree} read straight from libxml2's structures in WebAssembly memory: no call into WebAssembly
 * per node, and names and namespace URIs found again by their address or their bytes instead of decoded per node.
 * Handles are node addresses. Only for trees of a parsed document, while it lives; {@link MemoryTreeDeclined} for
 * anything else.
 */
export class MemoryTree implements ElementTree {
  private heap: Heap;
  /** This tree's mark in the cache of names by address. */
  private readonly generation = nextGeneration();

  constructor(
    readonly root: number,
    heap: Heap,
  ) {
    this.heap = heap;
  }

  /** The views, taken again if the memory grew since (a canonicalization of a fragment calls into libxml2). */
  private views(): Heap {
    if (this.heap.u8.length === 0) this.heap = currentHeap() ?? declined();
    return this.heap;
  }

  private field(node: number, offset: number): number {
    return this.views().i32[(node + offset) >> 2] as number;
  }

  /** The NUL-terminated string at `at` ('' for a null pointer); `name` for names and URIs, looked up in `known`. */
  private decode(at: number, name = false): string {
    if (at === 0) return '';
    const heap = this.views();
    const { u8 } = heap;
    const limit = u8.length;
    let end = at;
    let high = 0;
    let hash = FNV_OFFSET;
    // Each pass moves one byte on, and the memory ends at `limit`; only names need the hash.
    if (name) {
      for (; end < limit; end++) {
        const c = u8[end] as number;
        if (c === 0) break;
        high |= c;
        hash = Math.imul(hash ^ c, FNV_PRIME);
      }
    } else {
      for (; end < limit; end++) {
        const c = u8[end] as number;
        if (c === 0) break;
        high |= c;
      }
    }
    if (end === limit) declined();
    if (high & 0x80) return end - at > 16 ? decoder.decode(u8.subarray(at, end)) : decodeShort(u8, at, end);
    if (!name) return decodeAscii(heap, at, end);
    const key = knownKey(hash);
    const seen = known.get(key);
    if (seen !== undefined && sameAscii(seen, u8, at, end)) return seen;
    const text = decodeAscii(heap, at, end);
    if (seen === undefined && known.size < KNOWN_MAX) known.set(key, text);
    return text;
  }

  /** A name or namespace URI: from the cache of this tree's names by address, or decoded into it. */
  private nameAt(at: number): string {
    const slot = (at >>> 2) & (SLOTS - 1);
    if (slotAddress[slot] === at) {
      const cached = slotText[slot] as string;
      if (slotGeneration[slot] === this.generation) return cached;
      // Another document's name at this address: the same name when the bytes say so (a document parsed like
      // the one before it has its names where that one had them).
      const { u8 } = this.views();
      const end = at + cached.length;
      if (end < u8.length && u8[end] === 0 && sameAscii(cached, u8, at, end)) {
        slotGeneration[slot] = this.generation;
        return cached;
      }
    }
    const text = this.decode(at, true);
    slotAddress[slot] = at;
    slotGeneration[slot] = this.generation;
    slotText[slot] = text;
    return text;
  }

  private uriOf(ns: number): string {
    return ns ? this.nameAt(this.field(ns, NS_HREF)) : '';
  }

  /** The first element among `node` and its following siblings; other node kinds a parsed tree holds are skipped. */
  private elementFrom(node: number): number {
    // No call into WebAssembly below, so the memory cannot grow during the walk.
    const { i32 } = this.views();
    for (let n = node; n; n = i32[(n + NEXT) >> 2] as number) {
      const type = i32[(n + TYPE) >> 2] as number;
      if (type === ELEMENT_NODE) return n;
      if (type !== TEXT_NODE && type !== CDATA_SECTION_NODE && type !== PI_NODE && type !== COMMENT_NODE)
        declined();
    }
    return 0;
  }

  firstElement(element: number): number {
    return this.elementFrom(this.field(element, CHILDREN));
  }

  nextElement(element: number): number {
    return this.elementFrom(this.field(element, NEXT));
  }

  name(element: number): string {
    return this.nameAt(this.field(element, NAME));
  }

  namespaceUri(element: number): string {
    return this.uriOf(this.field(element, NS));
  }

  attributes(element: number): TreeAttribute[] {
    const out: TreeAttribute[] = [];
    for (let a = this.field(element, PROPERTIES); a; a = this.field(a, NEXT)) {
      out.push({
        name: this.nameAt(this.field(a, NAME)),
        namespaceUri: this.uriOf(this.field(a, NS)),
        value: this.attributeValue(a),
      });
    }
    return out;
  }

  /** An attribute's value: its text children (an entity reference is declined). */
  private attributeValue(attribute: number): string {
    let value = '';
    for (let n = this.field(attribute, CHILDREN); n; n = this.field(n, NEXT)) {
      if (this.field(n, TYPE) !== TEXT_NODE) declined();
      value += this.decode(this.field(n, CONTENT));
    }
    return value;
  }

  content(element: number): string {
    let n = this.field(element, CHILDREN);
    // The common case: one text child.
    if (n && this.field(n, TYPE) === TEXT_NODE && !this.field(n, NEXT))
      return this.decode(this.field(n, CONTENT));
    let text = '';
    // Document order through the subtree, as xmlNodeGetContent walks it: every step goes down to a first child,
    // on to a next sibling or up to a parent, and the walk ends on coming back up to `element`.
    while (n) {
      const type = this.field(n, TYPE);
      if (type === TEXT_NODE || type === CDATA_SECTION_NODE) text += this.decode(this.field(n, CONTENT));
      else if (type === ELEMENT_NODE) {
        const child = this.field(n, CHILDREN);
        if (child) {
          n = child;
          continue;
        }
      } else if (type !== PI_NODE && type !== COMMENT_NODE) declined();
      while (!this.field(n, NEXT)) {
        n = this.field(n, PARENT);
        if (n === element || !n) return text;
      }
      n = this.field(n, NEXT);
    }
    return text;
  }

  node(element: number): XmlElement {
    return wrap(element);
  }
}

function declined(): never {
  throw new MemoryTreeDeclined('the memory reader does not read this tree');
}

// libxml2-wasm's element class made from a node address, as its own getters make it (the constructor is internal
// to the package; checked on the probe document).
const wrap = (address: number) => new (XmlElement as unknown as new (ptr: number) => XmlElement)(address);
const addressOf = (element: XmlElement) => (element as unknown as { _nodePtr?: unknown })._nodePtr;

/**
 * A document kept for the life of the process: saving it hands the output callback a view of the WebAssembly
 * memory (libxml2-wasm passes the bytes in place), which is how the memory is found again after it grew; and the
 * layout check reads it through both readers.
 */
const PROBE =
  '<?pi x?><p:r xmlns:p="urn:p" xmlns="urn:d" a="1 &amp; 2" p:b="&#x20AC;&#x1F600;"><!--c--><e>t<![CDATA[<x>]]>&lt;' +
  '<?q?><f/>u</e>\n<g xmlns="" c=""><h>\u00e9\u4e2d\ud83d\ude00 and more than sixteen bytes</h></g><e/></p:r>';
let probe: XmlDocument | undefined;
let heap: Heap | undefined;
/** undefined until checked; then whether the memory reader reads the probe as the node classes do. */
let usable: boolean | undefined;

/** The current views of the memory, or undefined when they cannot be had. */
function currentHeap(): Heap | undefined {
  if (heap?.u8.length) return heap;
  if (!probe) return undefined;
  // Saving allocates: the memory may grow during the call, detaching a buffer seen earlier in it. Try again then.
  for (let attempt = 0; attempt < 3; attempt++) {
    let buffer: ArrayBufferLike | undefined;
    probe.save({
      write: (chunk: Uint8Array) => {
        buffer = chunk.buffer;
        return chunk.length;
      },
      close: () => true,
    });
    if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && buffer.byteLength % 4 === 0) {
      heap = { u8: new Uint8Array(buffer), i32: new Int32Array(buffer), bytes: Buffer.from(buffer) };
      return heap;
    }
  }
  return undefined;
}

/** The whole tree of a probe element through one reader, as plain data. */
function dump(tree: ElementTree, element: number): unknown {
  const children: unknown[] = [];
  for (let c = tree.firstElement(element); c; c = tree.nextElement(c)) children.push(dump(tree, c));
  return {
    name: tree.name(element),
    ns: tree.namespaceUri(element),
    attrs: tree.attributes(element),
    content: tree.content(element),
    children,
  };
}

/** Whether the memory reader reads the probe document exactly as libxml2-wasm's node classes do. */
function checkLayout(): boolean {
  try {
    // Compact: short texts stored inside their node, as parseXmlSafely parses.
    probe = XmlDocument.fromString(PROBE, { option: ParseOption.XML_PARSE_COMPACT });
    const root = probe.root;
    const address = addressOf(root);
    const views = currentHeap();
    if (typeof address !== 'number' || !views || !wrap(address).isSameNode(root)) return false;
    const fast = new MemoryTree(address, views);
    const general = new NodeTree(root);
    return JSON.stringify(dump(fast, fast.root)) === JSON.stringify(dump(general, general.root));
  } catch {
    return false;
  }
}

/**
 * The memory reader of a parsed document's tree, or undefined when this libxml2-wasm does not lay out its memory
 * as checked (the caller reads through the node classes then).
 */
export function memoryTreeOf(root: XmlElement): MemoryTree | undefined {
  usable ??= checkLayout();
  if (!usable) return undefined;
  const address = addressOf(root);
  const views = currentHeap();
  return typeof address === 'number' && views ? new MemoryTree(address, views) : undefined;
}
