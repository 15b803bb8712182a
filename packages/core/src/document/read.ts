import type { XmlElement } from 'libxml2-wasm';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import type { AttrSpec, ElementSpec, ScalarType } from '../model/spec.ts';
import { C14N } from '../signature/algorithms.ts';
import { type AncestorContext, canonicalTextInContext, contextOf } from '../signature/canonicalize.ts';
import { childElements } from '../xml/children.ts';
import type { SafeXml } from '../xml/safe-parse.ts';

/** Reading context: the parsed source (for locations) and where findings go. */
export interface ReadContext {
  readonly xml: SafeXml;
  readonly diagnostics: Diagnostic[];
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
function readFragment(element: XmlElement, ctx: ReadContext): string | undefined {
  try {
    return fragmentOf(element);
  } catch {
    report(
      ctx,
      element,
      'MBPROV_XML_NOT_CANONICALIZABLE',
      `Element ${describe(element)} cannot be kept as XML: Canonical XML refuses relative namespace URIs (xmlns="name" instead of an absolute URI).`,
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
export function readElement(element: XmlElement, spec: ElementSpec, ctx: ReadContext): unknown {
  if (spec.opaque) return readFragment(element, ctx);
  if (spec.text && !spec.textKey) return readScalar(element.content, spec.text, element, ctx);
  const record: Record<string, unknown> = {};
  const { attrs, children } = lookup(spec);
  // One pass over the attributes present (usually none) costs fewer wasm calls than asking for each declared one.
  if (attrs.size) {
    for (const attribute of element.attrs) {
      const attr = attribute.namespaceUri ? undefined : attrs.get(attribute.name);
      if (!attr) continue;
      const value = readScalar(attribute.value, attr.type, element, ctx, `attribute ${attr.name}`);
      if (value !== undefined) record[attr.name] = value;
    }
  }
  if (spec.text && spec.textKey) {
    const text = readScalar(element.content, spec.text, element, ctx);
    if (text !== undefined) record[spec.textKey] = text;
    return record;
  }
  for (const child of spec.children ?? []) if (child.always) record[child.key ?? child.name] = [];
  let last: ElementSpec | undefined;
  for (const node of childElements(element)) {
    const childSpec = children.get(`${node.namespaceUri}|${node.name}`);
    if (childSpec && spec.ordered && spec.children) {
      if (last && spec.children.indexOf(childSpec) < spec.children.indexOf(last)) {
        report(
          ctx,
          node,
          spec.ordered,
          `Element ${describe(node)} comes after ${last.name} in ${spec.name}; Windows reads its children in schema order (${spec.children.map((c) => c.name).join(', ')}) and refuses the profile.`,
        );
      } else last = childSpec;
    }
    if (childSpec) {
      const key = childSpec.key ?? childSpec.name;
      const value = readElement(node, childSpec, ctx);
      if (value === undefined) continue;
      if (childSpec.many) listAt(record, key).push(value);
      else if (!(key in record)) record[key] = value;
    } else if (spec.wildcard && node.namespaceUri !== spec.ns) {
      const fragment = readFragment(node, ctx);
      if (fragment !== undefined) listAt(record, spec.wildcard).push(fragment);
    } else {
      report(
        ctx,
        node,
        'MBPROV_MODEL_UNKNOWN_ELEMENT',
        `Element ${describe(node)} is not allowed in ${spec.name}.`,
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
  children: Map<string, ElementSpec>;
}

const lookups = new WeakMap<ElementSpec, SpecLookup>();

/** Attribute and child specs of a spec by name, built once per spec. */
function lookup(spec: ElementSpec): SpecLookup {
  let found = lookups.get(spec);
  if (!found) {
    found = {
      attrs: new Map((spec.attrs ?? []).map((a) => [a.name, a])),
      children: new Map((spec.children ?? []).map((c) => [`${c.ns}|${c.name}`, c])),
    };
    lookups.set(spec, found);
  }
  return found;
}

function describe(element: XmlElement): string {
  return element.namespaceUri ? `{${element.namespaceUri}}${element.name}` : element.name;
}

function report(ctx: ReadContext, element: XmlElement, code: Diagnostic['code'], message: string): void {
  const path = ctx.xml.pathOf(element);
  const where = ctx.xml.locate(path);
  ctx.diagnostics.push(diagnostic(code, message, where ? { ...where } : { path }));
}

const collapse = (s: string) => s.replace(/[\t\n\r ]+/g, ' ').trim();

function readScalar(
  raw: string,
  type: ScalarType,
  element: XmlElement,
  ctx: ReadContext,
  what = 'value',
): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'token':
      return collapse(raw);
    case 'tokens':
      return collapse(raw) === '' ? [] : collapse(raw).split(' ');
    case 'boolean': {
      const v = raw.trim();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      report(
        ctx,
        element,
        'MBPROV_MODEL_BAD_VALUE',
        `${element.name} ${what} "${raw}" is not a boolean (true, false, 1, 0).`,
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
        `${element.name} ${what} "${raw}" is not an integer in range.`,
      );
      return undefined;
    }
  }
}
