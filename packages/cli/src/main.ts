import { MbprovError } from '@mbprov/core';
import { Command, CommanderError } from 'commander';
import { registerApiKey } from './commands/apikey.ts';
import { registerCert } from './commands/cert.ts';
import { registerConfig } from './commands/config.ts';
import { registerCosa } from './commands/cosa.ts';
import { registerDemo } from './commands/demo.ts';
import { registerServe } from './commands/serve.ts';
import { registerSign } from './commands/sign.ts';
import { registerSim } from './commands/sim.ts';
import { registerValidate } from './commands/validate.ts';
import { registerVerify } from './commands/verify.ts';
import { EXIT } from './exit-codes.ts';

/** Builds the `mbprov` program; `setStatus` receives each command's exit status. */
export function createProgram(setStatus: (status: number) => void): Command {
  const program = new Command('mbprov')
    .description(
      'Operator side of Windows mobile broadband provisioning: validate, sign and test CarrierProvisioning documents.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerValidate(program, setStatus);
  registerCert(program, setStatus);
  registerSign(program, setStatus);
  registerVerify(program, setStatus);
  registerSim(program, setStatus);
  registerServe(program);
  registerConfig(program, setStatus);
  registerApiKey(program, setStatus);
  registerCosa(program, setStatus);
  registerDemo(program, setStatus);
  return program;
}

/** Runs the CLI with process-style argv and returns the exit status (2 for usage errors). */
export async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.ok;
  const program = createProgram((s) => {
    status = s;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = error instanceof MbprovError ? ` ${error.code}` : '';
    process.stderr.write(`mbprov: error${code}: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  return status;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv);
}
