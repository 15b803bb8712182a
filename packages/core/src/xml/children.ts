import { XmlElement, type XmlNode, XmlTreeNode } from 'libxml2-wasm';
// libxml2-wasm's own readers of libxml2's node structure (the package has no exports map, so the module is
// reachable; it is the instance index.mjs loads, on the same WebAssembly memory). Checked below: if a release
// drops or renames them, the walks fall back to the public node classes.
import * as structs from 'libxml2-wasm/lib/libxml2.mjs';
import * as nodeModule from 'libxml2-wasm/lib/nodes.mjs';

// libxml2-wasm gives processing instructions a class without `next` and `prev`, so a walk along `next` ends at
// the first processing instruction and misses every sibling after it. These walks read the sibling links of any
// node kind through XmlTreeNode's own getters, which only follow the node's libxml2 pointer.
function siblingLink(name: 'next' | 'prev'): (this: XmlNode) => XmlNode | null {
  const getter = Object.getOwnPropertyDescriptor(XmlTreeNode.prototype, name)?.get;
  if (!getter) throw new Error(`libxml2-wasm no longer has XmlTreeNode.${name}`);
  return getter as (this: XmlNode) => XmlNode | null;
}
const nextLink = siblingLink('next');
const prevLink = siblingLink('prev');

/** libxml2's XML_ELEMENT_NODE. */
const ELEMENT_NODE = 1;
type PointerOf = (ptr: number) => number;
const struct = (structs as unknown as { XmlNodeStruct?: Record<string, unknown> }).XmlNodeStruct;
// libxml2-wasm's own wrapper factory: wrappers made at one allocation site in the library, as its node getters
// make them (a constructor call here, a second hot allocation site, kept V8 from optimizing the readers).
const createNode = (nodeModule as unknown as { createNode?: (ptr: number) => XmlNode }).createNode;
const elementAt = (ptr: number) => (createNode as (ptr: number) => XmlNode)(ptr) as XmlElement;
const link = (name: string) =>
  typeof struct?.[name] === 'function' ? (struct[name] as PointerOf) : undefined;
const typeOf = link('type');
const firstOf = link('children');
const nextOf = link('next');
const lastOf = link('last');
const prevOf = link('prev');
const pointerOf = (element: XmlElement) => (element as unknown as { _nodePtr?: unknown })._nodePtr;

/**
 * Whether the pointer walk reads this element: the struct readers exist and the element carries its pointer.
 * The walk then makes a wrapper only for each child element, where the node-class walk made one for every child
 * node (the whitespace between elements included): reading a document's model spent a fifth of its time there.
 */
function pointerWalk(element: XmlElement): number | undefined {
  const ptr = pointerOf(element);
  return createNode && typeOf && firstOf && nextOf && lastOf && prevOf && typeof ptr === 'number'
    ? ptr
    : undefined;
}

/** The child elements of an element, in document order, whatever other nodes lie between them. */
export function childElements(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const ptr = pointerWalk(element);
  if (ptr !== undefined) {
    const type = typeOf as PointerOf;
    const next = nextOf as PointerOf;
    // Each pass follows libxml2's next link; the sibling list of a parsed tree ends in a null pointer.
    for (let n = (firstOf as PointerOf)(ptr); n; n = next(n))
      if (type(n) === ELEMENT_NODE) out.push(elementAt(n));
    return out;
  }
  for (let n: XmlNode | null = element.firstChild; n; n = nextLink.call(n))
    if (n instanceof XmlElement) out.push(n);
  return out;
}

/** The last child element of an element, found from the end (the root of a large WLAN document has many). */
export function lastChildElement(element: XmlElement): XmlElement | undefined {
  const ptr = pointerWalk(element);
  if (ptr !== undefined) {
    const type = typeOf as PointerOf;
    const prev = prevOf as PointerOf;
    for (let n = (lastOf as PointerOf)(ptr); n; n = prev(n))
      if (type(n) === ELEMENT_NODE) return elementAt(n);
    return undefined;
  }
  for (let n: XmlNode | null = element.lastChild; n; n = prevLink.call(n))
    if (n instanceof XmlElement) return n;
  return undefined;
}

const namespaceOf = typeof struct?.namespace === 'function' ? (struct.namespace as PointerOf) : undefined;

/**
 * The namespace URI of an element, remembered in `known` by the address of libxml2's namespace structure: the
 * elements of a document share a few such structures, and each read of a URI through the node class decodes it
 * from WebAssembly memory again. `known` must belong to one parsed document (addresses are reused once a
 * document is freed).
 */
export function namespaceUriOf(element: XmlElement, known: Map<number, string>): string {
  const ptr = pointerOf(element);
  if (!namespaceOf || typeof ptr !== 'number') return element.namespaceUri;
  const ns = namespaceOf(ptr);
  if (!ns) return '';
  let uri = known.get(ns);
  if (uri === undefined) {
    uri = element.namespaceUri;
    known.set(ns, uri);
  }
  return uri;
}
