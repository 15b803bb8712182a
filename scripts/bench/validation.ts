// Validation throughput: mbprov validateDocument (safe parse + XSD + model + semantic rules) and XSD only,
// beside xmllint --schema (libxml2-utils) validating the same files in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXmlSafely, schemaDir, validateDocument, validateXsd } from '@mbprov/core';
import { typicalDocument, wlan100Document } from './documents.ts';
import { compareRates, fmt, median, type Row, type SuiteResult } from './measure.ts';

/** Copies of the file one xmllint process validates: its start-up and schema compilation spread over them. */
const COPIES = 1000;

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
        samples,
      } = compareRates({
        lint: () => xmllintBatch(file, COPIES),
        // One copy: process start-up, schema compilation and one validation. Subtracted from the batch of
        // COPIES, it leaves what xmllint spends on the other COPIES - 1 validations (mbprov compiles its schema
        // once per process too).
        lintOne: () => xmllintBatch(file, 1),
        xsdOnly: () => {
          const parsed = parseXmlSafely(bytes);
          if (!parsed.ok) throw new Error('parse failed');
          validateXsd(parsed.xml);
          parsed.xml.dispose();
        },
        whole: () => validateDocument(bytes),
      });
      // Per round: xmllint's rate without its start-up, from the batch and the single run of that round.
      const net = samples.lint.map((batch, r) => {
        const perBatch = COPIES / batch - 1 / (samples.lintOne[r] as number);
        return (COPIES - 1) / perBatch;
      });
      const netRatio = (k: 'xsdOnly' | 'whole') =>
        median(samples[k].map((rate, r) => rate / (net[r] as number)));
      rows.push({
        name: `${label}: xmllint --schema`,
        value: lint,
        unit: 'validations/s',
        baseline: 'baseline',
        ratio: 1,
      });
      rows.push({
        name: `${label}: xmllint --schema, start-up subtracted (${fmt(COPIES)} copies minus 1 copy)`,
        value: median(net),
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
      rows.push({
        name: `${label}: mbprov parse + XSD, against xmllint without start-up`,
        value: xsdOnly,
        unit: 'validations/s',
        baseline: 'xmllint without start-up',
        ratio: netRatio('xsdOnly'),
      });
      rows.push({
        name: `${label}: mbprov validateDocument, against xmllint without start-up`,
        value: whole,
        unit: 'validations/s',
        baseline: 'xmllint without start-up',
        ratio: netRatio('whole'),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Validation',
    description:
      'Documents validated per second on one core. xmllint (libxml2, native C) validates 1,000 copies of the file per process against the same XSD files; mbprov runs libxml2 compiled to WebAssembly plus its own model mapping and semantic rules. ' +
      "The start-up-subtracted rows take, in each round, the time of one xmllint process validating one copy (process start, schema compilation, one validation) from that of the 1,000-copy process: xmllint's own cost per document, the baseline of issue 14's target (validateDocument at least 0.4x).",
    rows,
  };
}

export { fmt };
