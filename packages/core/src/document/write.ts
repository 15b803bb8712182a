import type { AttrSpec, ElementSpec, ScalarType } from '../model/spec.ts';

// Escapes follow Canonical XML 1.0 (section 2.3), so that canonical output needs no further escaping.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

const TEXT_SPECIAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<"\t\n\r]/g;
function textEscape(c: string): string {
  return TEXT_ESCAPES[c] as string;
}
function attrEscape(c: string): string {
  return ATTR_ESCAPES[c] as string;
}

// Most values need no escaping; a test without a replacement callback settles that cheaply.
const TEXT_ANY = /[&<>\r]/;
const ATTR_ANY = /[&<"\t\n\r]/;

/** Escapes text content (as Canonical XML does). */
export function escapeText(value: string): string {
  return TEXT_ANY.test(value) ? value.replace(TEXT_SPECIAL, textEscape) : value;
}

/** Escapes a double-quoted attribute value (as Canonical XML does); whitespace is escaped to survive normalization. */
export function escapeAttr(value: string): string {
  return ATTR_ANY.test(value) ? value.replace(ATTR_SPECIAL, attrEscape) : value;
}

function formatScalar(type: ScalarType, value: unknown): string {
  if (type === 'boolean') return value ? 'true' : 'false';
  if (type === 'tokens') return (value as string[]).join(' ');
  return String(value);
}

/** Writing options. */
export interface WriteOptions {
  /** Indentation unit; '' writes everything on one line. Default two spaces. */
  indent?: string;
  /**
   * Write the element in its Canonical XML 1.0 form (empty elements as start and end tags, attributes sorted),
   * so that canonicalizing the written text gives the text back. Opaque fragments pass through `fragment`.
   */
  canonical?: { fragment: (xml: string) => string };
}

/**
 * Writes `value` as the element `spec`, children in schema order, declaring a default namespace
 * wherever the element's namespace differs from its parent's (the style of the published examples).
 */
export function writeElement(
  spec: ElementSpec,
  value: unknown,
  parentNs: string | null,
  options: WriteOptions = {},
): string {
  const indent = options.indent ?? '  ';
  const out: string[] = [];
  write(spec, value, parentNs, 0, { unit: indent, pads: [''], canonical: options.canonical }, out);
  return out.join(indent ? '\n' : '');
}

const sorted = new WeakMap<ElementSpec, readonly AttrSpec[]>();

/** Attributes in Canonical XML order (by name; all are unqualified), computed once per spec. */
function sortedAttrs(spec: ElementSpec): readonly AttrSpec[] {
  let attrs = sorted.get(spec);
  if (!attrs) {
    attrs = [...(spec.attrs ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
    sorted.set(spec, attrs);
  }
  return attrs;
}

function fragmentText(style: Style, xml: string): string {
  return style.canonical ? style.canonical.fragment(xml) : xml;
}

interface Style {
  unit: string;
  /** Indentation by depth, grown as needed. */
  pads: string[];
  canonical: WriteOptions['canonical'];
}

function padOf(style: Style, depth: number): string {
  let pad = style.pads[depth];
  if (pad === undefined) {
    pad = style.unit.repeat(depth);
    style.pads[depth] = pad;
  }
  return pad;
}

function write(
  spec: ElementSpec,
  value: unknown,
  parentNs: string | null,
  depth: number,
  style: Style,
  out: string[],
): void {
  // No closures in here: tsx/esbuild name every function expression at creation, which is slow in a hot path.
  const pad = padOf(style, depth);
  if (spec.opaque) {
    out.push(pad + fragmentText(style, String(value)));
    return;
  }
  const record = (spec.text && !spec.textKey ? {} : value) as Record<string, unknown>;
  let open = `${pad}<${spec.name}`;
  // Canonical XML puts the namespace declaration first, then attributes sorted by name (all are unqualified here).
  if (spec.ns !== parentNs) open += ` xmlns="${spec.ns}"`;
  const attrs = style.canonical ? sortedAttrs(spec) : (spec.attrs ?? []);
  for (const attr of attrs) {
    const v = record[attr.name];
    if (v !== undefined) open += ` ${attr.name}="${escapeAttr(formatScalar(attr.type, v))}"`;
  }
  if (spec.text) {
    const text = spec.textKey ? record[spec.textKey] : value;
    out.push(`${open}>${escapeText(formatScalar(spec.text, text))}</${spec.name}>`);
    return;
  }
  // The start tag's slot is reserved now and filled once we know whether the element has content.
  const slot = out.length;
  out.push('');
  for (const child of spec.children ?? []) {
    const v = record[child.key ?? child.name];
    if (v === undefined) continue;
    if (child.many) for (const item of v as unknown[]) write(child, item, spec.ns, depth + 1, style, out);
    else write(child, v, spec.ns, depth + 1, style, out);
  }
  if (spec.wildcard) {
    const childPad = padOf(style, depth + 1);
    for (const xml of (record[spec.wildcard] as string[] | undefined) ?? [])
      out.push(childPad + fragmentText(style, xml));
  }
  if (out.length === slot + 1) {
    out[slot] = style.canonical ? `${open}></${spec.name}>` : `${open}/>`;
  } else {
    out[slot] = `${open}>`;
    out.push(`${pad}</${spec.name}>`);
  }
}
