import { XmlElement, type XmlNode, XmlTreeNode } from 'libxml2-wasm';

// libxml2-wasm gives processing instructions a class without `next` and `prev`, so a walk along `next` ends at
// the first processing instruction and misses every sibling after it. These walks read the sibling links of any
// node kind through XmlTreeNode's own getters, which only follow the node's libxml2 pointer.
function siblingLink(name: 'next' | 'prev'): (this: XmlNode) => XmlNode | null {
  const getter = Object.getOwnPropertyDescriptor(XmlTreeNode.prototype, name)?.get;
  if (!getter) throw new Error(`libxml2-wasm no longer has XmlTreeNode.${name}`);
  return getter as (this: XmlNode) => XmlNode | null;
}
/** The next sibling of any node kind, processing instructions included. */
export const nextLink = siblingLink('next');
const prevLink = siblingLink('prev');

/** The child elements of an element, in document order, whatever other nodes lie between them. */
export function childElements(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n: XmlNode | null = element.firstChild; n; n = nextLink.call(n))
    if (n instanceof XmlElement) out.push(n);
  return out;
}

/** The last child element of an element, found from the end (the root of a large WLAN document has many). */
export function lastChildElement(element: XmlElement): XmlElement | undefined {
  for (let n: XmlNode | null = element.lastChild; n; n = prevLink.call(n))
    if (n instanceof XmlElement) return n;
  return undefined;
}
