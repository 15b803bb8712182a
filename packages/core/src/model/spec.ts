/**
 * Declarative description of how model objects map to XML elements. One generic builder and one
 * generic parser walk these specs, so element order, namespaces and value types are written once.
 * Model property names are the XML element and attribute names, exactly as the reference spells them.
 */

import type { Code } from '../errors/codes.ts';

/** How a text or attribute value is typed in the model. */
export type ScalarType =
  /** xs:string: kept byte for byte. */
  | 'string'
  /** xs:token and collapsed normalizedString: whitespace collapsed on parse. */
  | 'token'
  /** integers of any XSD integer type, as JS numbers. */
  | 'integer'
  /** xs:boolean, as true/false. */
  | 'boolean'
  /** xs:list of tokens, as a string array. */
  | 'tokens';

/** One attribute of an element. */
export interface AttrSpec {
  readonly name: string;
  readonly type: ScalarType;
}

/** One element: its name, namespace, model key and content. */
export interface ElementSpec {
  /** Local name in XML. */
  readonly name: string;
  /** Namespace URI. */
  readonly ns: string;
  /** Model property; defaults to `name`. Only differs where two namespaces use the same name in one parent. */
  readonly key?: string;
  /** Repeated element: the model holds an array. */
  readonly many?: boolean;
  /** For a repeated element whose array the model always has (empty when no element is present). */
  readonly always?: boolean;
  /** Simple content of this type. */
  readonly text?: ScalarType;
  /**
   * Simple content with attributes (an xs:simpleContent extension): the model is a record of the attributes
   * with the text under this key, instead of the bare value.
   */
  readonly textKey?: string;
  readonly attrs?: readonly AttrSpec[];
  /** Child elements in schema order. */
  readonly children?: readonly ElementSpec[];
  /** Kept as XML text (exclusive canonical form) instead of being modelled. */
  readonly opaque?: boolean;
  /**
   * Children must come in schema order: a child after a later sibling is reported with this code (the reader
   * keeps no order, so the rules cannot see it).
   */
  readonly ordered?: Code;
  /**
   * A child that occurs at most once (not `many`) and occurs again is reported with this code. Without it the repeat
   * is dropped silently: the XSD reports it where one applies, which it does not inside a lax wildcard.
   */
  readonly once?: Code;
  /** Model property collecting elements of other namespaces (xs:any) as XML text, written last. */
  readonly wildcard?: string;
}

/** Shorthand for a leaf element with simple content. */
export function leaf(
  name: string,
  ns: string,
  text: ScalarType,
  extra: Partial<ElementSpec> = {},
): ElementSpec {
  return { name, ns, text, ...extra };
}

/** Shorthand for an attribute list. */
export function attrs(types: Record<string, ScalarType>): AttrSpec[] {
  return Object.entries(types).map(([name, type]) => ({ name, type }));
}

/** An element serialized as XML text with the namespace declarations it uses, e.g. a OneX configuration. */
export type XmlFragment = string;

/**
 * A model value as the reader makes it from any well-formed document, the ones the schema rejects included:
 * every element and attribute may be missing (an element without a required child, an attribute whose value
 * could not be read), arrays and nested records stay arrays and records. What the semantic rules receive, so
 * the compiler holds them to every tree the parser accepts; a model built in code is assignable to it.
 */
export type Received<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends ReadonlyArray<infer U>
    ? Array<Received<U>>
    : { [K in keyof T]?: Received<T[K]> };
