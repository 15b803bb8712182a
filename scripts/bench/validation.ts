// Validation throughput: mbprov validateDocument (safe parse + XSD + model + semantic rules) and XSD only,
// beside xmllint --schema (libxml2-utils) validating the same files in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXmlSafely, schemaDir, validateDocument, validateXsd } from '@mbprov/core';
import { typicalDocument, wlan100Document } from './documents.ts';
import { compareRates, fmt, type Row, type SuiteResult } from './measure.ts';

/** One xmllint process validating `copies` copies of the file (start-up and schema compilation amortized); returns the count. */
function xmllintBatch(file: string, copies: number): number {
  const args = [
    '--noout',
    '--schema',
    join(schemaDir, 'carrier-control-v1.xsd'),
    ...Array(copies).fill(file),
  ];
  execFileSync('xmllint', args, { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 26 });
  return copies;
}

export function runValidation(): SuiteResult {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-'));
  const rows: Row[] = [];
  try {
    for (const [label, xml] of [
      [
        `typical document (${(Buffer.byteLength(typicalDocument()) / 1024).toFixed(1)} KB)`,
        typicalDocument(),
      ],
      [
        `WLAN document with 100 SSIDs (${(Buffer.byteLength(wlan100Document()) / 1024).toFixed(1)} KB)`,
        wlan100Document(),
      ],
    ] as const) {
      const file = join(dir, 'doc.xml');
      writeFileSync(file, xml);
      const full = validateDocument(xml);
      if (!full.valid) throw new Error(`benchmark document is invalid: ${JSON.stringify(full.diagnostics)}`);
      const bytes = Buffer.from(xml);
      const {
        rates: { lint, xsdOnly, whole },
        ratio,
      } = compareRates({
        lint: () => xmllintBatch(file, 1000),
        xsdOnly: () => {
          const parsed = parseXmlSafely(bytes);
          if (!parsed.ok) throw new Error('parse failed');
          validateXsd(parsed.xml);
          parsed.xml.dispose();
        },
        whole: () => validateDocument(bytes),
      });
      rows.push({
        name: `${label}: xmllint --schema`,
        value: lint,
        unit: 'validations/s',
        baseline: 'baseline',
        ratio: 1,
      });
      rows.push({
        name: `${label}: mbprov parse + XSD`,
        value: xsdOnly,
        unit: 'validations/s',
        baseline: 'xmllint',
        ratio: ratio('xsdOnly', 'lint'),
      });
      rows.push({
        name: `${label}: mbprov validateDocument (parse + XSD + model + rules)`,
        value: whole,
        unit: 'validations/s',
        baseline: 'xmllint',
        ratio: ratio('whole', 'lint'),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Validation',
    description:
      'Documents validated per second on one core. xmllint (libxml2, native C) validates 1,000 copies of the file per process against the same XSD files; mbprov runs libxml2 compiled to WebAssembly plus its own model mapping and semantic rules.',
    rows,
  };
}

export { fmt };
