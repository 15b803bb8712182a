import type { ElementSpec, ScalarType } from '../model/spec.ts';

/** Escapes text content. */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;',
  );
}

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
  '\n': '&#10;',
  '\t': '&#9;',
};

/** Escapes an attribute value (double-quoted); whitespace characters are escaped so they survive normalization. */
export function escapeAttr(value: string): string {
  return value.replace(/[&<>"\r\n\t]/g, (c) => ATTR_ESCAPES[c] as string);
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
  write(spec, value, parentNs, 0, indent, out);
  return out.join(indent ? '\n' : '');
}

function write(
  spec: ElementSpec,
  value: unknown,
  parentNs: string | null,
  depth: number,
  unit: string,
  out: string[],
): void {
  const pad = unit.repeat(depth);
  if (spec.opaque) {
    out.push(pad + String(value));
    return;
  }
  const record = (spec.text ? {} : value) as Record<string, unknown>;
  let open = `${pad}<${spec.name}`;
  if (spec.ns !== parentNs) open += ` xmlns="${spec.ns}"`;
  for (const attr of spec.attrs ?? []) {
    const v = record[attr.name];
    if (v !== undefined) open += ` ${attr.name}="${escapeAttr(formatScalar(attr.type, v))}"`;
  }
  if (spec.text) {
    out.push(`${open}>${escapeText(formatScalar(spec.text, value))}</${spec.name}>`);
    return;
  }
  const start = out.length;
  for (const child of spec.children ?? []) {
    const v = record[child.key ?? child.name];
    if (v === undefined) continue;
    if (child.many) for (const item of v as unknown[]) write(child, item, spec.ns, depth + 1, unit, out);
    else write(child, v, spec.ns, depth + 1, unit, out);
  }
  if (spec.wildcard) {
    for (const fragment of (record[spec.wildcard] as string[] | undefined) ?? [])
      out.push(unit.repeat(depth + 1) + fragment);
  }
  if (out.length === start) {
    out.push(`${open}/>`);
  } else {
    out.splice(start, 0, `${open}>`);
    out.push(`${pad}</${spec.name}>`);
  }
}
