import {
  type Diagnostic,
  formatDiagnostic,
  MbprovError,
  type ParseLimits,
  validateDocument,
} from '@mbprov/core';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { readInput } from '../io.ts';

/** One file's outcome, as printed by --json. */
interface FileReport {
  file: string;
  valid: boolean;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

/** Validates files and returns the exit status: 0 valid, 1 invalid, 2 usage or I/O error. */
export async function validateFiles(
  files: string[],
  options: { json?: boolean; quiet?: boolean } & ParseLimits,
  out: (line: string) => void,
): Promise<number> {
  const reports: FileReport[] = [];
  let ioFailed = false;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readInput(file);
    } catch (error) {
      if (!(error instanceof MbprovError)) throw error;
      ioFailed = true;
      const d: Diagnostic = { code: error.code, severity: 'error', message: error.message };
      reports.push({ file, valid: false, errors: 1, warnings: 0, diagnostics: [d] });
      if (!options.json) out(formatDiagnostic(file, d));
      continue;
    }
    const result = validateDocument(bytes, options);
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning').length;
    reports.push({ file, valid: result.valid, errors, warnings, diagnostics: result.diagnostics });
    if (options.json) continue;
    for (const d of result.diagnostics)
      if (!options.quiet || d.severity === 'error') out(formatDiagnostic(file, d));
    if (!options.quiet) {
      const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
      out(`${file}: ${result.valid ? 'valid' : 'INVALID'} (${counts})`);
    }
  }
  if (options.json) out(JSON.stringify(reports, null, 2));
  if (ioFailed) return EXIT.usage;
  return reports.every((r) => r.valid) ? EXIT.ok : EXIT.invalid;
}

/** Registers `mbprov validate`. */
export function registerValidate(program: Command, setStatus: (status: number) => void): void {
  program
    .command('validate')
    .description(
      'Check provisioning documents against the schemas and the documented rules (like Test-ValidProvisioningXml).',
    )
    .argument('<file...>', 'XML files to check; - reads standard input')
    .option('--json', 'print a JSON report instead of text')
    .option('-q, --quiet', 'print errors only')
    .option('--max-bytes <n>', 'refuse inputs larger than this many bytes', toPositiveInt)
    .option('--max-depth <n>', 'refuse elements nested deeper than this', toPositiveInt)
    .addHelpText(
      'after',
      '\nExit status: 0 all valid (warnings allowed), 1 some file invalid, 2 usage or I/O error.\n' +
        'Output: file:line:col: severity CODE: message (codes are listed in docs/error-codes.md).',
    )
    .action(
      async (
        files: string[],
        opts: { json?: boolean; quiet?: boolean; maxBytes?: number; maxDepth?: number },
      ) => {
        setStatus(await validateFiles(files, opts, (line) => process.stdout.write(`${line}\n`)));
      },
    );
}

function toPositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}
