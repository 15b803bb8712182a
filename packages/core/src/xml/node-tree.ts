import { XmlElement, type XmlNode } from 'libxml2-wasm';
import { nextLink } from './children.ts';
import type { ElementTree, TreeAttribute } from './element-tree.ts';

/**
 * An {@link ElementTree} read through libxml2-wasm's node classes: one WebAssembly call per name, namespace,
 * attribute list and text, and a wrapper object per node. The general path: it reads any tree libxml2 builds, where
 * the memory reader (memory-tree.ts) declines one or cannot run. Handles index the wrappers met so far.
 */
export class NodeTree implements ElementTree {
  // Index 0 stands for "none".
  private readonly nodes: Array<XmlElement | undefined> = [undefined];
  readonly root: number;

  constructor(root: XmlElement) {
    this.root = this.handle(root);
  }

  private handle(element: XmlElement): number {
    this.nodes.push(element);
    return this.nodes.length - 1;
  }

  private firstFrom(start: XmlNode | null): number {
    for (let n = start; n; n = nextLink.call(n)) if (n instanceof XmlElement) return this.handle(n);
    return 0;
  }

  node(element: number): XmlElement {
    const node = this.nodes[element];
    if (!node) throw new RangeError(`no element ${element} in this tree`);
    return node;
  }

  firstElement(element: number): number {
    return this.firstFrom(this.node(element).firstChild);
  }

  nextElement(element: number): number {
    return this.firstFrom(nextLink.call(this.node(element)));
  }

  name(element: number): string {
    return this.node(element).name;
  }

  namespaceUri(element: number): string {
    return this.node(element).namespaceUri;
  }

  attributes(element: number): TreeAttribute[] {
    return this.node(element).attrs.map((a) => ({
      name: a.name,
      namespaceUri: a.namespaceUri,
      value: a.value,
    }));
  }

  content(element: number): string {
    return this.node(element).content;
  }
}
