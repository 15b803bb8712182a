import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  buildWifiConfig,
  type Diagnostic,
  formatDiagnostic,
  type HotspotDescription,
  hasErrors,
  lintHotspot,
  MbprovError,
  validateHotspot,
} from '@mbprov/core';
import {
  type Config,
  type HotspotCredentials,
  hotspotDescriptionOf,
  loadSigner,
  profileSignerOf,
  signedMobileconfig,
  storedCredentials,
} from '@mbprov/portal';
import { type Command, Option } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { envName, portalConfig } from '../portal-config.ts';

/** Flags of `mbprov profile apple` and `mbprov profile android`. */
export interface ProfileFlags {
  config?: string;
  out: string;
  subscriber?: string;
  user?: string;
  passwordEnv?: string;
}

/** Flags of `mbprov profile lint`. */
export interface ProfileLintFlags {
  config?: string;
  description?: string;
}

/**
 * The credentials to render: a stored subscriber's (--subscriber), or a test account's (--user, the password from
 * the environment variable --password-env names: never on the command line, where `ps` shows it).
 */
async function credentialsOf(
  config: Config,
  flags: ProfileFlags,
  env: Record<string, string | undefined>,
): Promise<HotspotCredentials> {
  if ((flags.subscriber !== undefined) === (flags.user !== undefined))
    throw new MbprovError('MBPROV_CLI_USAGE', 'give either --subscriber or --user (with --password-env)');
  if (flags.subscriber !== undefined) return storedCredentials(config, flags.subscriber);
  const password = flags.passwordEnv ? env[flags.passwordEnv] : undefined;
  if (!password)
    throw new MbprovError(
      'MBPROV_CLI_USAGE',
      `--user needs --password-env naming a set environment variable${flags.passwordEnv ? ` (${flags.passwordEnv} is empty or unset)` : ''}`,
    );
  return { userName: flags.user as string, password };
}

/** The description of a configuration's hotspot networks with the given credentials; refused when it has none. */
function descriptionOf(config: Config, credentials: HotspotCredentials): HotspotDescription {
  const description = hotspotDescriptionOf(config, credentials);
  if (!description)
    throw new MbprovError(
      'MBPROV_HOTSPOT_INVALID',
      'The configuration has no passpoint or wispr network in operator.wifi: there is no device profile to render.',
    );
  return description;
}

/**
 * Writes the Apple profile (signed with the portal's signer) or the Android answer of one subscriber or test account
 * to `flags.out`; lint warnings go to `err`. Returns 0.
 */
export async function writeProfile(
  platform: 'apple' | 'android',
  flags: ProfileFlags,
  err: (line: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const config = portalConfig(flags.config);
  const description = descriptionOf(config, await credentialsOf(config, flags, env));
  for (const d of lintHotspot(description)) err(formatDiagnostic('profile', d));
  if (platform === 'apple') {
    const signer = await loadSigner(config, env);
    await writeFile(flags.out, signedMobileconfig(description, profileSignerOf(signer)));
    err(
      `wrote ${flags.out} (application/x-apple-aspen-config, signed by ${signer.certificate.subject.replace(/\n/g, ', ')}` +
        `${signer.test ? ': a TEST signer, devices show it as unverified' : ''})`,
    );
  } else {
    const answer = buildWifiConfig(description);
    await writeFile(flags.out, answer.body);
    err(
      `wrote ${flags.out}: serve it with ${Object.entries(answer.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')} and no Content-Disposition`,
    );
  }
  return EXIT.ok;
}

/**
 * Lints the hotspot description of a configuration (with a representative subscriber's credentials) or of a JSON
 * description file, for every platform; prints one line per finding to `out`. Returns 0 without errors, 1 with.
 */
export async function lintProfiles(flags: ProfileLintFlags, out: (line: string) => void): Promise<number> {
  let description: HotspotDescription;
  let name: string;
  if (flags.description) {
    name = flags.description;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(flags.description, 'utf8'));
    } catch (cause) {
      throw new MbprovError(
        'MBPROV_IO_ERROR',
        `cannot read ${flags.description} as JSON: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    description = validateHotspot(parsed);
  } else {
    const config = portalConfig(flags.config);
    name = flags.config ?? process.env.MBPROV_CONFIG ?? 'demo configuration';
    // The longest user name and password the portal derives: what a real subscriber's profile holds.
    description = descriptionOf(config, { userName: 'x'.repeat(17), password: 'x'.repeat(32) });
  }
  const found: Diagnostic[] = lintHotspot(description);
  for (const d of found) out(formatDiagnostic(name, d));
  out(
    `${name}: ${found.length === 0 ? 'no findings' : `${found.length} finding${found.length === 1 ? '' : 's'}`}`,
  );
  return hasErrors(found) ? EXIT.invalid : EXIT.ok;
}

/** Registers `mbprov profile apple|android|lint`. */
export function registerProfile(program: Command, setStatus: (status: number) => void): void {
  const profile = program
    .command('profile')
    .description(
      'Apple and Android Wi-Fi profiles of the hotspot networks, for one subscriber or a test account, and the lints across platforms.',
    );
  const err = (line: string) => process.stderr.write(`${line}\n`);
  for (const platform of ['apple', 'android'] as const)
    profile
      .command(platform)
      .description(
        platform === 'apple'
          ? "Write the signed .mobileconfig (com.apple.wifi.managed Passpoint and WISPr payloads, the RADIUS CA) that the portal serves iPhones, iPads and Macs, signed with the portal's signer."
          : 'Write the application/x-wifi-config answer (PPS-MO and the RADIUS CA, base64 multipart) that the portal serves Android phones.',
      )
      .option('-c, --config <file>', 'portal configuration (default: MBPROV_CONFIG, else the embedded demo)')
      .requiredOption('-o, --out <file>', 'the file to write')
      .option(
        '--subscriber <id|iccid|user>',
        "a stored subscriber: its id, its SIM's ICCID or its hotspot user name",
      )
      .option('--user <name>', 'a test account: the hotspot user name, without the realm')
      .addOption(
        new Option(
          '--password-env <name>',
          "environment variable holding the test account's password",
        ).argParser(envName),
      )
      .addHelpText(
        'after',
        '\nTest a profile on a device before going live: --user with a RADIUS test account. See docs/hotspot.md.\n' +
          'Exit status: 0 written, 2 usage error, invalid configuration, no such subscriber or I/O error.',
      )
      .action(async (flags: ProfileFlags) => {
        setStatus(await writeProfile(platform, flags, err));
      });
  profile
    .command('lint')
    .description(
      'Check the hotspot networks for mistakes one platform or another rejects: RCOI case and length, realm syntax, server names and CA, SSID and name lengths.',
    )
    .option('-c, --config <file>', 'portal configuration (default: MBPROV_CONFIG, else the embedded demo)')
    .option('--description <file>', 'a hotspot description (JSON, the library HotspotDescription) instead')
    .addHelpText(
      'after',
      '\nExit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O error.',
    )
    .action(async (flags: ProfileLintFlags) => {
      setStatus(await lintProfiles(flags, (line) => process.stdout.write(`${line}\n`)));
    });
}
