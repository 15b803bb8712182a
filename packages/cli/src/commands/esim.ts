import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MbprovError } from '@mbprov/core';
import { ESIM_INVENTORY_MAX_BYTES, importEsimInventory, readEsimInventory } from '@mbprov/portal';
import { type Command, Option } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { withStore } from '../portal-store.ts';

/** Rows between two progress lines of a large import. */
const PROGRESS_EVERY = 10_000;

/** Registers `mbprov esim`: the eSIM profile inventory the SM-DP+ delivers (docs/mobile-plans.md). */
export function registerEsim(program: Command, setStatus: (status: number) => void): void {
  const esim = program
    .command('esim')
    .description('Manage the eSIM profile inventory of the portal database.');
  esim
    .command('import')
    .description(
      'Import eSIM profiles (ICCIDs the SM-DP+ can deliver) from CSV (iccid[,profile_type[,imsi]]) or a JSON array; all or nothing.',
    )
    .argument('<file>', 'the inventory file (.csv or .json)')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'json']),
    )
    .option('-c, --config <file>', 'portal configuration (default: the embedded demo, with the environment)')
    .action(async (file: string, o: { format?: 'csv' | 'json'; config?: string }) => {
      const format = o.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv');
      let text: string;
      try {
        const bytes = await readFile(file);
        if (bytes.length > ESIM_INVENTORY_MAX_BYTES)
          throw new MbprovError(
            'MBPROV_ESIM_INVENTORY_INVALID',
            `${file} is larger than ${ESIM_INVENTORY_MAX_BYTES} bytes`,
          );
        text = bytes.toString('utf8');
      } catch (error) {
        if (error instanceof MbprovError) throw error;
        throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${file}: ${(error as Error).message}`);
      }
      const profiles = readEsimInventory(text, format);
      let shown = 0;
      const summary = await withStore(o.config, (store) =>
        importEsimInventory(store, profiles, new Date().toISOString(), (done, total) => {
          if (done - shown >= PROGRESS_EVERY || done === total) {
            shown = done;
            process.stderr.write(`mbprov: ${done}/${total} profiles written\n`);
          }
        }),
      );
      process.stdout.write(`added ${summary.added}, already in the inventory ${summary.exists}\n`);
      setStatus(EXIT.ok);
    });
}
