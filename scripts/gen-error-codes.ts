// Writes docs/error-codes.md from the code catalog (packages/core/src/errors/codes.ts).
// Run: node --import tsx scripts/gen-error-codes.ts   (a test fails when the page is out of date)
import { writeFileSync } from 'node:fs';
import { codes } from '../packages/core/src/index.ts';

/** The Markdown page listing every code. */
export function errorCodesPage(): string {
  const lines = [
    '# mbprov error codes',
    '',
    'Every diagnostic, CLI error and server error carries one of these stable codes. Generated from',
    '`packages/core/src/errors/codes.ts` by `node --import tsx scripts/gen-error-codes.ts`.',
    '',
    '| code | severity | HTTP | meaning |',
    '|---|---|---:|---|',
  ];
  for (const [code, info] of Object.entries(codes)) {
    lines.push(`| \`${code}\` | ${info.severity} | ${info.status} | ${info.summary} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/error-codes.md', import.meta.url), errorCodesPage());
}
