// Writes docs/cli.md, the command line reference, from the commander program itself (packages/cli/src/main.ts).
// Run: node --import tsx scripts/gen-cli-docs.ts   (or npm run docs:cli; a test fails when the page is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT } from '../packages/cli/src/exit-codes.ts';
import { createProgram } from '../packages/cli/src/main.ts';

/** Help is laid out for this many columns, whatever the terminal: the page must not depend on who runs it. */
const HELP_WIDTH = 100;

/** The exit statuses with the doc comment of each, read from exit-codes.ts so the page says what the code says. */
function exitStatuses(): Array<{ name: string; status: number; meaning: string }> {
  const source = readFileSync(new URL('../packages/cli/src/exit-codes.ts', import.meta.url), 'utf8');
  const found = [...source.matchAll(/\/\*\*\s*(.+?)\s*\*\/\s*(\w+):\s*(\d+)/g)].map((m) => ({
    name: m[2] as string,
    status: Number(m[3]),
    meaning: m[1] as string,
  }));
  for (const [name, status] of Object.entries(EXIT)) {
    if (!found.some((f) => f.name === name && f.status === status))
      throw new Error(`exit-codes.ts: EXIT.${name} (${status}) has no doc comment this script can read`);
  }
  return found;
}

/** The full name of a command, e.g. `mbprov cert test-ev`. */
function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The command and all its subcommands, depth first, in the order they were registered. */
function walk(command: Command): Command[] {
  return [command, ...command.commands.flatMap(walk)];
}

/** What `<command> --help` prints (usage, description, arguments, options, commands, and the text added after). */
function helpText(command: Command): string {
  let text = '';
  command.configureHelp({ ...command.configureHelp(), helpWidth: HELP_WIDTH });
  command.configureOutput({
    writeOut: (s) => {
      text += s;
    },
    writeErr: (s) => {
      text += s;
    },
    getOutHelpWidth: () => HELP_WIDTH,
    getErrHelpWidth: () => HELP_WIDTH,
    getOutHasColors: () => false,
    getErrHasColors: () => false,
  });
  command.outputHelp();
  return text.trimEnd();
}

/** A GitHub-style anchor of a heading. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

/** The Markdown page of the CLI reference. */
export async function cliReferencePage(): Promise<string> {
  const commands = walk(await createProgram(() => {}));
  const out = [
    '# mbprov command line reference',
    '',
    'Generated from the commander program (`packages/cli/src/main.ts`, `packages/cli/src/commands/*.ts`) by',
    '`npm run docs:cli`; a test fails when this page is out of date.',
    'Each section is what `--help` prints for that command.',
    '',
    'In a clone of the repository run the CLI as `npm run mbprov -- <command> ...` (through tsx, no build needed);',
    'after `npm run build`, `npx mbprov <command> ...` runs the compiled CLI, as `npm install mbprov` gives it.',
    '',
    '## Exit status',
    '',
    'Every command exits with one of these statuses (`packages/cli/src/exit-codes.ts`). Errors are printed as',
    '`mbprov: error CODE: message`; every code is in [error-codes.md](error-codes.md).',
    '',
    '| status | meaning |',
    '|---:|---|',
    ...exitStatuses().map((e) => `| ${e.status} | ${e.meaning} |`),
    '',
    '`--help` and `--version` exit 0; any other usage problem (unknown option, missing argument) exits 2.',
    '',
    '## Commands',
    '',
    ...commands.map((c) => {
      const name = fullName(c);
      return `- [\`${name}\`](#${anchor(name)}): ${c.summary() || c.description().split('\n')[0]}`;
    }),
  ];
  for (const command of commands) {
    out.push('', `## ${fullName(command)}`, '');
    // Commander's help does not mark the options made with requiredOption(); say it here.
    const required = command.options.filter((o) => o.mandatory).map((o) => `\`${o.flags}\``);
    if (required.length) out.push(`Required: ${required.join(', ')}.`, '');
    out.push('```text', helpText(command), '```');
  }
  return `${out.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../docs/cli.md', import.meta.url), await cliReferencePage());
}
