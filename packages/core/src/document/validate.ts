import { type Diagnostic, hasErrors } from '../errors/diagnostic.ts';
import type { CarrierProvisioning } from '../model/carrier-provisioning.ts';
import { checkRules } from '../rules/index.ts';
import { validateXsd } from '../schema/xsd.ts';
import type { SafeXml } from '../xml/safe-parse.ts';
import { buildDocument } from './build.ts';
import { type ParseOptions, readModel, withProvisioningXml } from './parse.ts';

/** Result of validation: whether Windows would accept the document, and why not. */
export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  /**
   * True when the document conforms to the schema. A rule's clearer message can stand in the diagnostics for the
   * schema's error on the same element, so this is what tells a document Windows refuses whole (it does not
   * conform to the schema) from one whose sections it applies and reports one by one.
   */
  schemaValid: boolean;
  /** Every finding, sorted by position. */
  diagnostics: Diagnostic[];
  /**
   * The model, when the XML could be read. Complete as typed only when `schemaValid`; otherwise any element
   * may be missing from it.
   */
  model?: CarrierProvisioning;
}

/**
 * Validates a document as Windows would before applying it: safe parsing, the corrected XSDs, then the
 * semantic rules of the account provisioning documentation. Never throws for bad input.
 */
export function validateDocument(input: string | Uint8Array, options: ParseOptions = {}): ValidationResult {
  return validate(input, options);
}

/** The checks of validateDocument; with `known`, the model the text was built from is used instead of reading it back. */
function validate(
  input: string | Uint8Array,
  options: ParseOptions,
  known?: CarrierProvisioning,
): ValidationResult {
  return withProvisioningXml<ValidationResult>(
    input,
    options,
    (xml, diagnostics) => {
      const schema = validateXsd(xml);
      const model = known ?? readModel(xml, diagnostics);
      const semantic = locate(xml, checkRules(model));
      // A rule's message about an element's value is clearer than libxml2's; drop schema value errors on the
      // same element. A schema error about its content (a missing or unexpected child or attribute) is another
      // problem than the rule's and stays. Reading problems at an element the schema already rejected add nothing.
      const ruled = new Set(semantic.filter((d) => d.severity === 'error').map((d) => d.path));
      const schemaPaths = new Set(schema.map((d) => d.path));
      const all = [
        ...schema.filter((d) => !d.path || !ruled.has(d.path) || !isValueError(d)),
        ...diagnostics.filter((d) => !d.path || !schemaPaths.has(d.path)),
        ...semantic,
      ];
      return {
        valid: !hasErrors(all),
        schemaValid: !hasErrors(schema),
        diagnostics: sortDiagnostics(all),
        model,
      };
    },
    (diagnostics) => ({ valid: false, schemaValid: false, diagnostics }),
  );
}

/**
 * Validates a model built in code: its serialization goes through the same schema checks as a received document,
 * and the rules run on the model itself (no need to read it back from the text).
 */
export function validateModel(model: CarrierProvisioning): ValidationResult {
  return validate(buildDocument(model), {}, model);
}

/** A libxml2 schema error about the value of an element or attribute (a facet or its type), not its content model. */
function isValueError(d: Diagnostic): boolean {
  return /\[facet '|is not a valid value of /.test(d.message);
}

function locate(xml: SafeXml, diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => {
    const where = d.path ? xml.locate(d.path) : undefined;
    return where ? { ...d, line: where.line, column: where.column } : d;
  });
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.line ?? 0) - (b.d.line ?? 0) || (a.d.column ?? 0) - (b.d.column ?? 0) || a.i - b.i)
    .map(({ d }) => d);
}
