import { type Command, Option } from 'commander';
import { DEMO_SCENARIOS, type DemoScenario, runDemo } from '../demo/flow.ts';
import { EXIT } from '../exit-codes.ts';

/** Registers `mbprov demo`: the whole flow in the terminal, for people without a browser. */
export function registerDemo(program: Command, setStatus: (status: number) => void): void {
  program
    .command('demo')
    .description(
      'Run the whole flow in the terminal: a portal on a temporary data directory, a purchase over HTTPS, the ' +
        'simulated Windows PC applying the signed document, a usage report and a refresh.',
    )
    .addOption(
      new Option('--scenario <name>', 'the demo SIM to use').choices(DEMO_SCENARIOS).default('first-use-usb'),
    )
    .option('--plan <id>', 'the plan to buy (default: the first one the page offers)')
    .option('--usage <megabytes>', 'usage billing reports a week later', (v) => Number.parseInt(v, 10), 250)
    .option('--keep-data', 'keep the temporary data directory (database, keys) for inspection')
    .action(async (o: { scenario: DemoScenario; plan?: string; usage: number; keepData?: boolean }) => {
      let n = 0;
      const started = Date.now();
      const result = await runDemo(
        {
          scenario: o.scenario,
          usageMegabytes: o.usage,
          ...(o.plan ? { planId: o.plan } : {}),
          ...(o.keepData ? { keepData: true } : {}),
        },
        {
          step: (title) => process.stdout.write(`\n[${++n}] ${title}\n`),
          detail: (line) => process.stdout.write(`    ${line}\n`),
        },
      );
      process.stdout.write(
        `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.planId} bought, the PC provisioned and refreshed.` +
          (o.keepData ? ` Data kept in ${result.dataDir}.` : '') +
          '\n',
      );
      setStatus(EXIT.ok);
    });
}
