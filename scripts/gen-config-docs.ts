// Writes docs/configuration.md from the portal configuration schema (packages/portal/src/config/schema.ts).
// Run: node --import tsx scripts/gen-config-docs.ts   (a test fails when the page is out of date)
import { writeFileSync } from 'node:fs';
import { ENV } from '../packages/portal/src/config/load.ts';
import { ConfigSchema } from '../packages/portal/src/config/schema.ts';

interface SchemaNode {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

function typeOf(node: SchemaNode): string {
  if (node.anyOf)
    return node.anyOf
      .map((n) => (n.const !== undefined ? `\`${String(n.const)}\`` : typeOf(n)))
      .join(' \\| ');
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (node.type === 'array') return `array of ${node.items ? typeOf(node.items) : 'values'}`;
  return node.type ?? 'any';
}

function constraints(node: SchemaNode): string {
  const parts: string[] = [];
  if (node.pattern) parts.push(`pattern \`${node.pattern}\``);
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined) parts.push(`length ≥ ${node.minLength}`);
  if (node.maxLength !== undefined) parts.push(`length ≤ ${node.maxLength}`);
  return parts.join(', ');
}

function rows(node: SchemaNode, path: string, out: string[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const key = path ? `${path}.${name}` : name;
    const required = node.required?.includes(name) && child.default === undefined ? 'yes' : '';
    const def = child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : '';
    const what = [child.description ?? '', constraints(child)].filter(Boolean).join(' ');
    out.push(`| \`${key}\` | ${typeOf(child)} | ${required} | ${def} | ${what.replace(/\|/g, '\\|')} |`);
    if (child.type === 'object') rows(child, key, out);
    if (child.type === 'array' && child.items?.type === 'object') rows(child.items, `${key}[]`, out);
  }
}

/** The Markdown page of the configuration reference. */
export function configurationPage(): string {
  const out = [
    '# Portal configuration reference',
    '',
    'Generated from `packages/portal/src/config/schema.ts` by `node --import tsx scripts/gen-config-docs.ts`.',
    '',
    'The portal reads a JSON file (`mbprov serve --config FILE`, or `MBPROV_CONFIG`); without one it runs the embedded',
    'demo (`packages/portal/src/config/demo.ts`). Environment variables override the file:',
    '',
    ...ENV.map(([name, path]) => `- \`${name}\`: \`${path.join('.')}\``),
    '',
    'The configuration is validated at start; every problem is reported at once with its path',
    '(`MBPROV_CONFIG_INVALID`).',
    '',
    '| key | type | required | default | meaning |',
    '|---|---|---|---|---|',
  ];
  rows(ConfigSchema as unknown as SchemaNode, '', out);
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationPage());
}
