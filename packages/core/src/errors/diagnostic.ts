import { type Code, codes, type Severity } from './codes.ts';

/** One finding about a document: what, where, how bad. */
export interface Diagnostic {
  /** Stable catalog code, e.g. MBPROV_PLAN_MISSING. */
  code: Code;
  severity: Severity;
  /** Human sentence naming the element and the problem. */
  message: string;
  /** 1-based line of the element, when the document came from text. */
  line?: number;
  /** 1-based column of the element's start tag, when the document came from text. */
  column?: number;
  /** Element path such as /CarrierProvisioning/WLANProfiles/WLANProfile[2]/name. */
  path?: string;
}

/** Makes a diagnostic with the code's default severity. */
export function diagnostic(
  code: Code,
  message: string,
  where: Partial<Pick<Diagnostic, 'line' | 'column' | 'path'>> = {},
): Diagnostic {
  return { code, severity: codes[code].severity, message, ...where };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Formats a diagnostic as `file:line:col: severity CODE: message` (the compiler convention editors understand). */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  const where = d.line ? `${file}:${d.line}:${d.column ?? 1}` : file;
  const path = d.path && !d.line ? ` (${d.path})` : '';
  return `${where}: ${d.severity} ${d.code}: ${d.message}${path}`;
}
