// How long the installed CLI takes per command, against bare `node -e 0` in the same interleaved rounds: operators
// run `mbprov validate` and `mbprov verify` in scripts and pipelines thousands of times. Runs the compiled CLI
// (packages/cli/bin/mbprov.js over dist/), as an installed package does, without tsx or the source condition.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestEvChain, signDocument } from '@mbprov/core';
import { typicalDocument } from './documents.ts';
import { compareRates, type Row, type SuiteResult } from './measure.ts';

const BIN = new URL('../../packages/cli/bin/mbprov.js', import.meta.url).pathname;

/** Targets of issue 13: each command's time at most this many times bare Node's start. */
const TARGETS = { help: 2, validate: 4, verify: 4 } as const;

export async function runCliStartup(): Promise<SuiteResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-cli-'));
  try {
    const chain = await createTestEvChain({ name: 'Bench' });
    const doc = join(dir, 'doc.xml');
    const signed = join(dir, 'signed.xml');
    const root = join(dir, 'root.pem');
    writeFileSync(doc, typicalDocument());
    writeFileSync(
      signed,
      signDocument(typicalDocument(), {
        key: chain.signer.privateKeyPem,
        certificate: chain.signer.certificatePem,
      }),
    );
    writeFileSync(root, chain.root.certificatePem);
    const { NODE_OPTIONS: _dropped, ...env } = process.env;
    const node = (args: string[], expected: number) => () => {
      const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== expected) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    };
    const { rates, ratio } = compareRates(
      {
        node: node(['-e', '0'], 0),
        help: node([BIN, '--help'], 0),
        validate: node([BIN, 'validate', '--quiet', doc], 0),
        verify: node([BIN, 'verify', signed, '--trust', root], 0),
      },
      { rounds: 15, minMs: 500 },
    );
    const ms = (rate: number) => 1000 / rate;
    const rows: Row[] = [
      { name: '`node -e 0`', value: ms(rates.node), unit: 'ms', baseline: 'baseline', ratio: 1 },
    ];
    for (const [key, label] of [
      ['help', '`mbprov --help`'],
      ['validate', '`mbprov validate --quiet doc.xml` (typical document)'],
      ['verify', '`mbprov verify signed.xml --trust root.pem`'],
    ] as const) {
      // A time ratio: how many times as long as bare Node (the rate ratio node : command).
      rows.push({
        name: label,
        value: ms(rates[key]),
        unit: 'ms',
        baseline: `the time of \`node -e 0\` (target ≤ ${TARGETS[key]}x)`,
        ratio: ratio('node', key),
      });
    }
    return {
      title: 'CLI start-up',
      description:
        'Wall time of one command, as a process, from the compiled packages (what `npm install mbprov` gives), against ' +
        'bare `node -e 0` in the same interleaved rounds. Ratios here are times: 3x means three times as long as Node ' +
        'takes to start and exit. Each command loads only what it uses (packages/cli/src/commands/catalog.ts).',
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
