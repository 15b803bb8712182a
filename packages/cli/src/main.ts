import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/catalog.ts';
import { EXIT } from './exit-codes.ts';
import { baselineWasmOnly } from './wasm-tier.ts';

/** The CLI's version, from its package.json (the same path from src/ and from dist/). */
const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Which commands {@link createProgram} loads in full: all of them, or the one an argv names. */
export type ProgramCommands = 'all' | { argv: readonly string[] };

/**
 * Builds the `mbprov` program; `setStatus` receives each command's exit status. Every command is listed, but only
 * the ones asked for are loaded (their options, subcommands and the packages they use): for an argv, the command it
 * runs or asks help for, so `mbprov --help` and `mbprov validate` never load the portal.
 */
export async function createProgram(
  setStatus: (status: number) => void,
  commands: ProgramCommands = 'all',
): Promise<Command> {
  const program = new Command('mbprov')
    .description(
      'Operator side of Windows mobile broadband provisioning: validate, sign and test CarrierProvisioning documents.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = commands === 'all' ? undefined : invokedCommand(commands.argv);
  for (const entry of COMMANDS) {
    if (wanted === undefined || wanted === entry.name) {
      if (commands !== 'all' && wanted === entry.name) baselineWasmOnly(entry, commands.argv);
      (await entry.load())(program, setStatus);
      program.commands.at(-1)?.summary(entry.summary);
    } else {
      program.command(entry.name).summary(entry.summary);
    }
  }
  return program;
}

/** The command an argv runs (`mbprov validate ...`) or asks help for (`mbprov help validate`); '' for none. */
function invokedCommand(argv: readonly string[]): string {
  const operands = argv.slice(2).filter((arg) => !arg.startsWith('-'));
  return (operands[0] === 'help' ? operands[1] : operands[0]) ?? '';
}

/** Runs the CLI with process-style argv and returns the exit status (2 for usage errors). */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  try {
    const program = await createProgram(
      (s) => {
        status = s;
      },
      { argv },
    );
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = (error as { code?: unknown }).code;
    const named = typeof code === 'string' && code.startsWith('MBPROV_') ? ` ${code}` : '';
    process.stderr.write(`mbprov: error${named}: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  return status;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv);
}
