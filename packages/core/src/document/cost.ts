import { type Diagnostic, diagnostic, hasErrors } from '../errors/diagnostic.ts';
import { type Cost, costSpec } from '../model/dusm.ts';
import { costRules } from '../rules/dusm-rules.ts';
import { validateXsd } from '../schema/xsd.ts';
import { NS } from '../xml/namespaces.ts';
import type { SafeXml } from '../xml/safe-parse.ts';
import type { BuildOptions } from './build.ts';
import { type ParseOptions, withRootXml } from './parse.ts';
import { readRoot } from './read.ts';
import { writeElement } from './write.ts';

/**
 * DUSM Cost documents (reference schemas/dusm): the metered state of a subscriber's connection. `Cost` is the unique
 * root element of the DUSM schema and no CarrierProvisioning element can hold it (docs/schema-deviations.md K-17),
 * so it is built, parsed and validated as a document of its own, against dusm-v1.xsd.
 */

/** Result of {@link parseCost}. */
export interface CostParseResult {
  /** Complete as typed only for a schema-valid document. */
  model?: Cost;
  diagnostics: Diagnostic[];
}

/** Result of {@link validateCost}. */
export interface CostValidationResult {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  /** True when the document conforms to dusm-v1.xsd. */
  schemaValid: boolean;
  /** Every finding, sorted by position. */
  diagnostics: Diagnostic[];
  model?: Cost;
}

/** Writes a Cost model as a DUSM document. */
export function buildCost(model: Cost, options: BuildOptions = {}): string {
  const body = writeElement(costSpec, model, null, options);
  return options.declaration === false ? `${body}\n` : `<?xml version="1.0" encoding="utf-8"?>\n${body}\n`;
}

const COST_ROOT = { name: 'Cost', ns: NS.dusm };

function readCost(xml: SafeXml, diagnostics: Diagnostic[]): Cost {
  return readRoot(xml, costSpec, diagnostics) as Cost;
}

/** Parses a DUSM Cost document into the typed model (read even when the schema would reject it). */
export function parseCost(input: string | Uint8Array, options: ParseOptions = {}): CostParseResult {
  return withRootXml(
    input,
    options,
    COST_ROOT,
    (xml, diagnostics) => ({ model: readCost(xml, diagnostics), diagnostics }),
    (diagnostics) => ({ diagnostics }),
  );
}

/** Validates a DUSM Cost document: safe parsing, dusm-v1.xsd, then the rules of the DUSM reference. */
export function validateCost(input: string | Uint8Array, options: ParseOptions = {}): CostValidationResult {
  return withRootXml<CostValidationResult>(
    input,
    options,
    COST_ROOT,
    (xml, diagnostics) => {
      const schema = validateXsd(xml, 'cost');
      const model = readCost(xml, diagnostics);
      const semantic: Diagnostic[] = [];
      costRules(model, (code, message, path) => {
        const where = xml.locate(path);
        semantic.push(diagnostic(code, message, { path, ...(where ? where : {}) }));
      });
      const schemaPaths = new Set(schema.map((d) => d.path));
      const all = [...schema, ...diagnostics.filter((d) => !d.path || !schemaPaths.has(d.path)), ...semantic]
        .map((d, i) => ({ d, i }))
        .sort(
          (a, b) => (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i,
        )
        .map(({ d }) => d);
      return { valid: !hasErrors(all), schemaValid: !hasErrors(schema), diagnostics: all, model };
    },
    (diagnostics) => ({ valid: false, schemaValid: false, diagnostics }),
  );
}
