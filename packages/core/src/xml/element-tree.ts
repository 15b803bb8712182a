import type { XmlElement } from 'libxml2-wasm';

/** An attribute as the model reader sees it. */
export interface TreeAttribute {
  readonly name: string;
  /** Namespace URI, '' for none. */
  readonly namespaceUri: string;
  readonly value: string;
}

/**
 * Read-only access to the elements of a parsed tree by handle: a number, 0 meaning none. What the model reader
 * needs and nothing more, so that it can be served without a WebAssembly call per node (memory-tree.ts) or
 * through libxml2-wasm's node classes (node-tree.ts). Handles are valid while the parsed document lives.
 */
export interface ElementTree {
  /** The root element. */
  readonly root: number;
  /** The first child element, whatever other nodes come before it; 0 when there is none. */
  firstElement(element: number): number;
  /** The next sibling element, whatever other nodes lie between; 0 when there is none. */
  nextElement(element: number): number;
  /** Local name. */
  name(element: number): string;
  /** Namespace URI, '' for none. */
  namespaceUri(element: number): string;
  /** The attributes in document order. */
  attributes(element: number): TreeAttribute[];
  /** The text of the element and all its descendants in document order (libxml2's xmlNodeGetContent). */
  content(element: number): string;
  /** The libxml2-wasm node of the element: for canonicalization and locations, off the hot path. */
  node(element: number): XmlElement;
}
