// docs/cli.md is generated from the commander program: every command, argument, option and help text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cliReferencePage } from '../../../scripts/gen-cli-docs.ts';
import { createProgram } from '../src/main.ts';

describe('CLI reference', () => {
  it('docs/cli.md is generated from the current program', async () => {
    const page = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    assert.equal(page, await cliReferencePage(), 'run: npm run docs:cli');
  });

  it('has a section for every command and subcommand', async () => {
    const page = await cliReferencePage();
    const names: string[] = [];
    const walk = (command: Awaited<ReturnType<typeof createProgram>>, prefix: string) => {
      for (const sub of command.commands) {
        names.push(`${prefix} ${sub.name()}`);
        walk(sub, `${prefix} ${sub.name()}`);
      }
    };
    walk(await createProgram(() => {}), 'mbprov');
    assert.ok(names.length > 10);
    for (const name of names) assert.ok(page.includes(`\n## ${name}\n`), `no section for ${name}`);
  });

  it('does not depend on the terminal width', async () => {
    // Commander lays help out for process.stdout.columns when standard output is a terminal.
    const saved = {
      isTTY: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'),
      columns: Object.getOwnPropertyDescriptor(process.stdout, 'columns'),
    };
    const terminal = (columns: number) => {
      Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
      Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true });
    };
    try {
      terminal(40);
      const narrow = await cliReferencePage();
      terminal(250);
      assert.equal(await cliReferencePage(), narrow);
    } finally {
      for (const [name, descriptor] of Object.entries(saved)) {
        if (descriptor) Object.defineProperty(process.stdout, name, descriptor);
        else Reflect.deleteProperty(process.stdout, name);
      }
    }
  });
});
