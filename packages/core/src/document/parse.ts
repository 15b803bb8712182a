import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { type CarrierProvisioning, carrierProvisioningSpec } from '../model/carrier-provisioning.ts';
import { NS } from '../xml/namespaces.ts';
import { type ParseLimits, parseXmlSafely, type SafeXml } from '../xml/safe-parse.ts';
import { readRoot, rootName } from './read.ts';

/** Result of {@link parseDocument}: the model when the XML could be read, and every finding. */
export interface ParseResult {
  /** Complete as typed only for a schema-valid document: otherwise any element may be missing from it. */
  model?: CarrierProvisioning;
  diagnostics: Diagnostic[];
}

/** Options of parsing and validation. */
export interface ParseOptions extends ParseLimits {}

/**
 * Parses XML safely and checks the root; calls `use` with the parsed tree and disposes it afterwards.
 * Shared by parseDocument and validateDocument so both apply the same limits and root check.
 */
export function withProvisioningXml<T>(
  input: string | Uint8Array,
  options: ParseOptions,
  use: (xml: SafeXml, diagnostics: Diagnostic[]) => T,
  refused: (diagnostics: Diagnostic[]) => T,
): T {
  return withRootXml(input, options, { name: 'CarrierProvisioning', ns: NS.cc }, use, refused);
}

/** {@link withProvisioningXml} for a document whose root is `expected` (the DUSM Cost document, for one). */
export function withRootXml<T>(
  input: string | Uint8Array,
  options: ParseOptions,
  expected: { name: string; ns: string },
  use: (xml: SafeXml, diagnostics: Diagnostic[]) => T,
  refused: (diagnostics: Diagnostic[]) => T,
): T {
  const parsed = parseXmlSafely(input, options);
  if (!parsed.ok) return refused(parsed.diagnostics);
  const { xml } = parsed;
  try {
    const root = rootName(xml);
    if (root.name !== expected.name || root.namespaceUri !== expected.ns) {
      const found = root.namespaceUri ? `{${root.namespaceUri}}${root.name}` : `${root.name} (no namespace)`;
      return refused([
        diagnostic(
          'MBPROV_XML_WRONG_ROOT',
          `The root element is ${found}; expected ${expected.name} in ${expected.ns}.`,
          {
            ...xml.locate(`/${root.name}`),
          },
        ),
      ]);
    }
    return use(xml, []);
  } finally {
    xml.dispose();
  }
}

/** Reads a parsed, root-checked tree into the model. */
export function readModel(xml: SafeXml, diagnostics: Diagnostic[]): CarrierProvisioning {
  return readRoot(xml, carrierProvisioningSpec, diagnostics) as CarrierProvisioning;
}

/**
 * Parses a CarrierProvisioning document into the typed model. Hostile or malformed input yields no model
 * and a diagnostic with a stable code. The model is read even when the schema would reject the document;
 * use {@link validateDocument} to know whether Windows would accept it.
 */
export function parseDocument(input: string | Uint8Array, options: ParseOptions = {}): ParseResult {
  return withProvisioningXml(
    input,
    options,
    (xml, diagnostics) => ({ model: readModel(xml, diagnostics), diagnostics }),
    (diagnostics) => ({ diagnostics }),
  );
}
