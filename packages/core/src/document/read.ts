import type { XmlElement } from 'libxml2-wasm';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import type { AttrSpec, ElementSpec, ScalarType } from '../model/spec.ts';
import { C14N } from '../signature/algorithms.ts';
import { type AncestorContext, canonicalTextInContext, contextOf } from '../signature/canonicalize.ts';
import type { ElementTree } from '../xml/element-tree.ts';
import { knowNames, MemoryTreeDeclined, memoryTreeOf } from '../xml/memory-tree.ts';
import { NodeTree } from '../xml/node-tree.ts';
import type { SafeXml } from '../xml/safe-parse.ts';

/** Reading context: the parsed source (for locations), the tree being read and where findings go. */
export interface ReadContext {
  readonly xml: SafeXml;
  readonly tree: ElementTree;
  readonly diagnostics: Diagnostic[];
}

const trees = new WeakMap<SafeXml, ElementTree>();

/**
 * The tree of a parsed document as the model reader reads it: from libxml2's structures in WebAssembly memory where
 * the memory reader runs (memory-tree.ts), through libxml2-wasm's node classes otherwise. One per document.
 */
export function elementTreeOf(xml: SafeXml): ElementTree {
  let tree = trees.get(xml);
  if (!tree) {
    const root = xml.doc.root;
    tree = memoryTreeOf(root) ?? new NodeTree(root);
    trees.set(xml, tree);
  }
  return tree;
}

/** The root element's name and namespace URI, as {@link elementTreeOf} reads them. */
export function rootName(xml: SafeXml): { name: string; namespaceUri: string } {
  const tree = elementTreeOf(xml);
  try {
    return { name: tree.name(tree.root), namespaceUri: tree.namespaceUri(tree.root) };
  } catch (error) {
    if (!(error instanceof MemoryTreeDeclined)) throw error;
    const root = xml.doc.root;
    return { name: root.name, namespaceUri: root.namespaceUri };
  }
}

/**
 * Reads the root element of a parsed, root-checked document into a model value following its spec, from
 * {@link elementTreeOf}; where the memory reader declines the tree, through the node classes. Both give the same
 * values (test/model-readers.test.ts, and a fuzz property on every input).
 */
export function readRoot(xml: SafeXml, spec: ElementSpec, diagnostics: Diagnostic[]): unknown {
  const tree = elementTreeOf(xml);
  const mark = diagnostics.length;
  try {
    return readElement(tree.root, spec, { xml, tree, diagnostics });
  } catch (error) {
    if (!(error instanceof MemoryTreeDeclined)) throw error;
    // Whatever the memory reader found before it declined is found again by the general reader.
    diagnostics.length = mark;
  }
  return readThroughNodes(xml, spec, diagnostics);
}

/** {@link readRoot} through libxml2-wasm's node classes alone: the general reader. */
export function readThroughNodes(xml: SafeXml, spec: ElementSpec, diagnostics: Diagnostic[]): unknown {
  const tree = new NodeTree(xml.doc.root);
  return readElement(tree.root, spec, { xml, tree, diagnostics });
}

/**
 * Serializes an element as exclusive canonical XML: self-contained, with the namespace declarations it uses.
 * Canonicalized as a small document of its own with the namespaces in scope declared on it: libxml2's subtree
 * canonicalization visits every node of the whole document, so one call per opaque element of a document with
 * thousands of them took time growing with the square of its size (8,000 extensions: 25 s; now linear).
 */
export function fragmentOf(element: XmlElement): string {
  const ancestors: AncestorContext[] = [];
  for (let up = element.parent; up; up = up.parent) ancestors.unshift(contextOf(up));
  return canonicalTextInContext(
    element.toString({ format: false }),
    ancestors,
    C14N.excC14n,
    contextOf(element),
  );
}

/**
 * The element as XML text, or undefined (with a diagnostic) when Canonical XML refuses it: the one libxml2 failure
 * on a parsed tree is a relative namespace URI (xmlns="name"), which no fragment of the model can carry.
 */
function readFragment(element: number, ctx: ReadContext): string | undefined {
  try {
    return fragmentOf(ctx.tree.node(element));
  } catch {
    report(
      ctx,
      element,
      'MBPROV_XML_NOT_CANONICALIZABLE',
      `Element ${describe(element, ctx)} cannot be kept as XML: Canonical XML refuses relative namespace URIs (xmlns="name" instead of an absolute URI).`,
    );
    return undefined;
  }
}

/**
 * Reads an element into a model value following its spec; undefined when its value cannot be read (a number or
 * boolean that is not one, a fragment Canonical XML refuses), after reporting why. Any well-formed tree is read:
 * what the spec expects but the element lacks is simply absent, which the model type of the rules says
 * (`Received`, model/spec.ts).
 */
export function readElement(element: number, spec: ElementSpec, ctx: ReadContext): unknown {
  const { tree } = ctx;
  if (spec.opaque) return readFragment(element, ctx);
  if (spec.text && !spec.textKey) return readScalar(tree.content(element), spec.text, element, ctx);
  const record: Record<string, unknown> = {};
  const { attrs, children, always } = lookup(spec);
  if (attrs.size) {
    for (const attribute of tree.attributes(element)) {
      const attr = attribute.namespaceUri ? undefined : attrs.get(attribute.name);
      if (!attr) continue;
      const value = readScalar(attribute.value, attr.type, element, ctx, attr.name);
      if (value !== undefined) record[attr.name] = value;
    }
  }
  if (spec.text && spec.textKey) {
    const text = readScalar(tree.content(element), spec.text, element, ctx);
    if (text !== undefined) record[spec.textKey] = text;
    return record;
  }
  for (const key of always) record[key] = [];
  let last: ElementSpec | undefined;
  const seen = spec.once ? new Set<ElementSpec>() : undefined;
  for (let node = tree.firstElement(element); node; node = tree.nextElement(node)) {
    const namespaceUri = tree.namespaceUri(node);
    const childSpec = children.get(tree.name(node))?.get(namespaceUri);
    if (childSpec && seen && spec.once && !childSpec.many) {
      if (seen.has(childSpec)) {
        // The first one is kept; the repeat is the finding (not also an order one).
        report(
          ctx,
          node,
          spec.once,
          `Element ${describe(node, ctx)} occurs again in ${spec.name}, which allows it once; Windows refuses the profile.`,
        );
        continue;
      }
      seen.add(childSpec);
    }
    if (childSpec && spec.ordered && spec.children) {
      if (last && spec.children.indexOf(childSpec) < spec.children.indexOf(last)) {
        report(
          ctx,
          node,
          spec.ordered,
          `Element ${describe(node, ctx)} comes after ${last.name} in ${spec.name}; Windows reads its children in schema order (${spec.children.map((c) => c.name).join(', ')}) and refuses the profile.`,
        );
      } else last = childSpec;
    }
    if (childSpec) {
      const key = childSpec.key ?? childSpec.name;
      const value = readElement(node, childSpec, ctx);
      if (value === undefined) continue;
      if (childSpec.many) listAt(record, key).push(value);
      else if (!(key in record)) record[key] = value;
    } else if (spec.wildcard && namespaceUri !== spec.ns) {
      const fragment = readFragment(node, ctx);
      if (fragment !== undefined) listAt(record, spec.wildcard).push(fragment);
    } else {
      report(
        ctx,
        node,
        'MBPROV_MODEL_UNKNOWN_ELEMENT',
        `Element ${describe(node, ctx)} is not allowed in ${spec.name}.`,
      );
    }
  }
  return record;
}

/** The array at record[key], created empty on first use. */
function listAt(record: Record<string, unknown>, key: string): unknown[] {
  const existing = record[key];
  if (Array.isArray(existing)) return existing;
  const list: unknown[] = [];
  record[key] = list;
  return list;
}

interface SpecLookup {
  attrs: Map<string, AttrSpec>;
  /** By local name, then namespace URI: no key to build per element. */
  children: Map<string, Map<string, ElementSpec>>;
  /** Model keys of the repeated children whose array the model always has. */
  always: string[];
}

const lookups = new WeakMap<ElementSpec, SpecLookup>();

/** Attribute and child specs of a spec by name, built once per spec. */
function lookup(spec: ElementSpec): SpecLookup {
  let found = lookups.get(spec);
  if (!found) {
    const children = new Map<string, Map<string, ElementSpec>>();
    for (const c of spec.children ?? []) {
      const byNs = children.get(c.name) ?? new Map<string, ElementSpec>();
      byNs.set(c.ns, c);
      children.set(c.name, byNs);
    }
    found = {
      attrs: new Map((spec.attrs ?? []).map((a) => [a.name, a])),
      children,
      always: (spec.children ?? []).filter((c) => c.always).map((c) => c.key ?? c.name),
    };
    // The memory reader then decodes these names to the very strings the maps are keyed by.
    knowNames([...found.attrs.keys(), ...children.keys(), ...(spec.children ?? []).map((c) => c.ns)]);
    lookups.set(spec, found);
  }
  return found;
}

function describe(element: number, { tree }: ReadContext): string {
  const ns = tree.namespaceUri(element);
  return ns ? `{${ns}}${tree.name(element)}` : tree.name(element);
}

function report(ctx: ReadContext, element: number, code: Diagnostic['code'], message: string): void {
  const path = ctx.xml.pathOf(ctx.tree.node(element));
  const where = ctx.xml.locate(path);
  ctx.diagnostics.push(diagnostic(code, message, where ? { ...where } : { path }));
}

/** Whitespace that collapsing changes besides trimming: a tab, a line end or two spaces in a row. */
const UNCOLLAPSED = /[\t\n\r]| {2}/;
const collapse = (s: string) => (UNCOLLAPSED.test(s) ? s.replace(/[\t\n\r ]+/g, ' ') : s).trim();

const what = (attribute: string | undefined) => (attribute ? `attribute ${attribute}` : 'value');

/** A value of `type`; for an attribute, `attribute` names it (in the finding when the value is not one). */
function readScalar(
  raw: string,
  type: ScalarType,
  element: number,
  ctx: ReadContext,
  attribute?: string,
): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'token':
      return collapse(raw);
    case 'tokens': {
      const tokens = collapse(raw);
      return tokens === '' ? [] : tokens.split(' ');
    }
    case 'boolean': {
      const v = raw.trim();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      report(
        ctx,
        element,
        'MBPROV_MODEL_BAD_VALUE',
        `${ctx.tree.name(element)} ${what(attribute)} "${raw}" is not a boolean (true, false, 1, 0).`,
      );
      return undefined;
    }
    case 'integer': {
      const v = raw.trim();
      const n = Number(v);
      if (/^[+-]?\d+$/.test(v) && Number.isSafeInteger(n)) return n;
      report(
        ctx,
        element,
        'MBPROV_MODEL_BAD_VALUE',
        `${ctx.tree.name(element)} ${what(attribute)} "${raw}" is not an integer in range.`,
      );
      return undefined;
    }
  }
}
