import { writeFile } from 'node:fs/promises';
import { MbprovError } from '@mbprov/core';
import {
  type CosaEntry,
  type CosaOptions,
  configuredPaymentHosts,
  cosaEntries,
  MOBILE_PLANS_WALLED_GARDEN,
  toCosaCsv,
  toCosaJson,
  walledGardenOf,
} from '@mbprov/portal';
import { type Command, Option } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { portalConfig } from '../portal-config.ts';

/** Flags of `mbprov cosa export`. */
export interface CosaExportFlags {
  config?: string;
  format: 'csv' | 'json';
  output?: string;
  range?: 'imsi' | 'iccid';
  mncDigits?: '2' | '3';
}

/** The notes of all entries, each said once with the APNs it applies to. */
function noteLines(entries: readonly CosaEntry[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const { setting, note } of entry.notes) {
      const key = `${setting}: ${note}`;
      const apns = seen.get(key) ?? new Set<string>();
      apns.add(entry.apn);
      seen.set(key, apns);
    }
  }
  return [...seen].map(([text, apns]) => `note (${[...apns].join(', ')}): ${text}`);
}

/**
 * Exports the operator's COSA entries from a configuration (default: the embedded demo) as CSV or JSON, to
 * standard output or a file. With CSV the notes (what to fill by hand) go to `err`; JSON holds them. Returns 0.
 */
export async function exportCosa(
  flags: CosaExportFlags,
  out: (text: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const config = portalConfig(flags.config);
  const options: CosaOptions = {
    ...(flags.range ? { range: flags.range } : {}),
    ...(flags.mncDigits ? { mncDigits: Number(flags.mncDigits) as 2 | 3 } : {}),
  };
  const entries = cosaEntries(config, options);
  const text = flags.format === 'json' ? toCosaJson(entries) : toCosaCsv(entries);
  await writeOut(flags.output, text, out);
  if (flags.output) {
    err(
      `wrote ${entries.length} COSA entr${entries.length === 1 ? 'y' : 'ies'} to ${flags.output} (${flags.format})`,
    );
  }
  if (flags.format === 'csv') for (const line of noteLines(entries)) err(line);
  return EXIT.ok;
}

/** Flags of `mbprov cosa walled-garden`. */
export interface WalledGardenFlags {
  config?: string;
  format: 'text' | 'json';
  output?: string;
}

/** Writes `text` to the output file, or hands it to `out`. */
async function writeOut(
  output: string | undefined,
  text: string,
  out: (text: string) => void,
): Promise<void> {
  if (!output) return out(text);
  try {
    await writeFile(output, text);
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot write ${output}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Exports the walled-garden hosts of a configuration (default: the embedded demo) for the gateway and for the Mobile
 * Plans onboarding: the portal's host, the payment pages', the configured ones and, with mobilePlans.enabled, the Mobile
 * Plans endpoints (JSON adds the schemes each of those needs). The same list as GET /api/v1/walled-garden, without a
 * running portal. Returns 0.
 */
export async function exportWalledGarden(
  flags: WalledGardenFlags,
  out: (text: string) => void,
): Promise<number> {
  const config = portalConfig(flags.config);
  const hosts = walledGardenOf(config, configuredPaymentHosts(config));
  const text =
    flags.format === 'json'
      ? `${JSON.stringify({ hosts, ...(config.mobilePlans.enabled ? { mobilePlans: MOBILE_PLANS_WALLED_GARDEN } : {}) }, null, 2)}\n`
      : `${hosts.join('\n')}\n`;
  await writeOut(flags.output, text, out);
  return EXIT.ok;
}

/** Registers `mbprov cosa export`: the operator's COSA/APN database entries for submission to Microsoft. */
export function registerCosa(program: Command, setStatus: (status: number) => void): void {
  const cosa = program
    .command('cosa')
    .description(
      'COSA/APN database: the entries Windows uses to connect a SIM and open the portal when it has no plan.',
    );
  cosa
    .command('export')
    .description(
      'Write the COSA entries of the configured APNs (AccessString, credentials, AccountExperienceURL, MCC/MNC, ...) for the submission spreadsheet.',
    )
    .option('-c, --config <file>', 'configuration file (JSON); default: the embedded demo configuration')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('-o, --output <file>', 'write to this file instead of standard output (replaced if it exists)')
    .addOption(
      new Option('--range <kind>', 'also target the IMSI or ICCID range spanning the SIM inventory').choices([
        'imsi',
        'iccid',
      ]),
    )
    .addOption(
      new Option('--mnc-digits <n>', 'MNC length in the IMSIs (default: by MCC, 3 in North America)').choices(
        ['2', '3'],
      ),
    )
    .addHelpText(
      'after',
      '\nCSV: a header row with the Desktop COSA setting names, one row per APN and MCC+MNC; the notes (what to fill\n' +
        'by hand, such as Country/Region) go to standard error. JSON: the entries with their notes.\n' +
        'Exit status: 0 written, 2 usage error, invalid configuration or I/O error. See docs/cosa.md.',
    )
    .action(async (flags: CosaExportFlags) => {
      setStatus(
        await exportCosa(
          flags,
          (text) => process.stdout.write(text),
          (line) => process.stderr.write(`${line}\n`),
        ),
      );
    });
  cosa
    .command('walled-garden')
    .description(
      'Write the hosts reachable without a plan: the portal, the payment pages, walledGarden.hosts and the Mobile Plans endpoints.',
    )
    .option('-c, --config <file>', 'configuration file (JSON); default: the embedded demo configuration')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write to this file instead of standard output (replaced if it exists)')
    .addHelpText(
      'after',
      '\nText: one host per line. JSON: {hosts, mobilePlans}, the Mobile Plans endpoints with the schemes each needs.\n' +
        'Exit status: 0 written, 2 invalid configuration or I/O error. See docs/mobile-plans.md.',
    )
    .action(async (flags: WalledGardenFlags) => {
      setStatus(await exportWalledGarden(flags, (text) => process.stdout.write(text)));
    });
}
