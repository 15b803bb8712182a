import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  XmlBufferInputProvider,
  XmlDocument,
  XmlValidateError,
  XsdValidator,
  xmlRegisterInputProvider,
} from 'libxml2-wasm';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import { MbprovError } from '../errors/mbprov-error.ts';
import { shortenQualifiedNames } from '../xml/namespaces.ts';
import type { SafeXml } from '../xml/safe-parse.ts';

/** Folder of the project's corrected XSD files (see docs/schema-deviations.md). */
export const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The root schema file of each validatable document kind. */
export const schemaRoots = {
  provisioning: 'carrier-control-v1.xsd',
  resultV1: 'results-v1.xsd',
  resultV2: 'results-v2.xsd',
  /** A DUSM Cost document (standalone: no CarrierProvisioning element holds it). */
  cost: 'dusm-v1.xsd',
} as const;

/** A kind of document the bundled schemas validate. */
export type SchemaKind = keyof typeof schemaRoots;

// XSD imports resolve against this private URL scheme, served from memory: no file or network access at validation.
const SCHEME = 'mbprov-xsd:///';
let provider: XmlBufferInputProvider | undefined;
const validators = new Map<SchemaKind, XsdValidator>();

function registerSchemas(): void {
  if (provider) return;
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(schemaDir)) {
    if (name.endsWith('.xsd')) files[SCHEME + name] = readFileSync(schemaDir + name);
  }
  provider = new XmlBufferInputProvider(files);
  xmlRegisterInputProvider(provider);
}

/** The compiled validator for a document kind, compiled once per process. */
export function xsdValidator(kind: SchemaKind = 'provisioning'): XsdValidator {
  const cached = validators.get(kind);
  if (cached) return cached;
  registerSchemas();
  const name = schemaRoots[kind];
  try {
    const xsd = XmlDocument.fromBuffer(readFileSync(schemaDir + name), { url: SCHEME + name });
    const validator = XsdValidator.fromDoc(xsd);
    xsd.dispose();
    validators.set(kind, validator);
    return validator;
  } catch (error) {
    throw new MbprovError(
      'MBPROV_SCHEMA_LOAD_FAILED',
      `The bundled schema ${name} does not compile: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Validates a parsed document against the bundled XSDs; each violation becomes a diagnostic with line, column and path. */
export function validateXsd(xml: SafeXml, kind: SchemaKind = 'provisioning'): Diagnostic[] {
  try {
    xsdValidator(kind).validate(xml.doc);
    return [];
  } catch (error) {
    if (!(error instanceof XmlValidateError)) throw error;
    return error.details.map((d) => {
      const message = shortenQualifiedNames(d.message.trim());
      return diagnostic('MBPROV_SCHEMA_INVALID', message, locateMessage(xml, d.line ?? 0, d.message));
    });
  }
}

/** Finds the element a libxml2 message is about: the element of that name starting on that line. */
function locateMessage(xml: SafeXml, line: number, message: string): Partial<Diagnostic> {
  if (!line) return {};
  const name = /^Element '(?:\{[^}]*\})?([^']+)'/.exec(message)?.[1];
  const candidates = xml.elementsOnLine(line);
  const element = candidates.find((e) => e.name === name) ?? candidates[0];
  if (!element) return { line, column: 1 };
  const where = xml.locate(xml.pathOf(element));
  return where ? { ...where } : { line, column: 1 };
}
