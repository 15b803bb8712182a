import { type WriteFreeRadiusOptions, writeFreeRadiusConfig } from '@mbprov/portal';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { envName, portalConfig } from '../portal-config.ts';

/** Flags of `mbprov radius config`. */
export interface RadiusConfigFlags {
  config?: string;
  out: string;
  apiKeyEnv: string;
  secretEnv: string;
  portalCa?: string;
  serverCert?: string;
  serverKey?: string;
  serverCa?: string;
  serverKeyPassphraseEnv?: string;
  serverName?: string[];
  client?: Array<{ name: string; address: string }>;
  listen: string;
  authPort: number;
  acctPort: number;
  log: 'stdout' | 'files';
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('not a port (1-65535)');
  return n;
}

function client(value: string, previous: RadiusConfigFlags['client'] = []): RadiusConfigFlags['client'] {
  const m = /^([A-Za-z0-9_-]{1,32})=([0-9A-Fa-f:.]+(?:\/\d{1,3})?)$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected NAME=ADDRESS or NAME=NETWORK/BITS');
  return [...previous, { name: m[1] as string, address: m[2] as string }];
}

/**
 * Writes the FreeRADIUS configuration directory of a portal (default configuration: the embedded demo) and says
 * how to run it on `err`. Returns 0.
 */
export async function writeRadiusConfig(
  flags: RadiusConfigFlags,
  err: (line: string) => void,
): Promise<number> {
  const config = portalConfig(flags.config);
  const options: WriteFreeRadiusOptions = {
    out: flags.out,
    apiKeyEnv: flags.apiKeyEnv,
    clientSecretEnv: flags.secretEnv,
    listen: { address: flags.listen, authPort: flags.authPort, acctPort: flags.acctPort },
    log: flags.log,
    ...(flags.portalCa ? { portalCaFile: flags.portalCa } : {}),
    ...(flags.serverCert ? { serverCertFile: flags.serverCert } : {}),
    ...(flags.serverKey ? { serverKeyFile: flags.serverKey } : {}),
    ...(flags.serverCa ? { serverCaFile: flags.serverCa } : {}),
    ...(flags.serverKeyPassphraseEnv ? { serverKeyPassphraseEnv: flags.serverKeyPassphraseEnv } : {}),
    ...(flags.serverName?.length ? { serverNames: flags.serverName } : {}),
    ...(flags.client?.length ? { clients: flags.client } : {}),
  };
  const written = await writeFreeRadiusConfig(config, options);
  err(`wrote ${written.files.length} files to ${written.dir}`);
  if (written.generatedServerCertificate)
    err(
      'the EAP server certificate is a generated TEST one (certs/server.pem, its CA certs/server-ca.pem): give ' +
        '--server-cert, --server-key and --server-ca for production',
    );
  err(
    `run: ${flags.apiKeyEnv}=<API key with the radius scope> ${flags.secretEnv}=<RADIUS shared secret> ` +
      `freeradius -f -d ${written.dir}`,
  );
  return EXIT.ok;
}

/** Registers `mbprov radius config`. */
export function registerRadius(program: Command, setStatus: (status: number) => void): void {
  const radius = program
    .command('radius')
    .description('FreeRADIUS for hotspot providers: authentication and accounting against the portal.');
  radius
    .command('config')
    .description(
      "Write a self-contained FreeRADIUS 3 configuration directory whose rest module calls the portal's RADIUS API " +
        '(authorize, post-auth, accounting), with PAP, CHAP, MS-CHAP and EAP-TTLS.',
    )
    .option(
      '-c, --config <file>',
      'portal configuration file (JSON); default: the embedded demo configuration',
    )
    .requiredOption('-o, --out <dir>', 'the directory to write (created; its files are replaced)')
    .addOption(
      new Option('--api-key-env <name>', 'environment variable FreeRADIUS reads the API key from')
        .default('MBPROV_RADIUS_API_KEY')
        .argParser(envName),
    )
    .addOption(
      new Option(
        '--secret-env <name>',
        'environment variable holding the RADIUS shared secret of the clients',
      )
        .default('MBPROV_RADIUS_SECRET')
        .argParser(envName),
    )
    .option(
      '--portal-ca <file>',
      "CA certificate(s) verifying the portal's TLS certificate (default: the development certificate, or the system CA bundle)",
    )
    .option(
      '--server-cert <file>',
      'EAP server certificate (PEM, chain after it); default: a generated test one',
    )
    .option('--server-key <file>', 'its private key (PEM)')
    .option('--server-ca <file>', 'the root CA certificate that issued it (what clients validate)')
    .addOption(
      new Option(
        '--server-key-passphrase-env <name>',
        'environment variable holding the server key passphrase',
      ).argParser(envName),
    )
    .option(
      '--server-name <name...>',
      'names of a generated test server certificate (default: the passpoint networks radiusServerNames)',
    )
    .addOption(
      new Option(
        '--client <name=address>',
        'a NAS allowed to send requests (repeatable; default localhost=127.0.0.1)',
      ).argParser(client),
    )
    .option('--listen <address>', 'address to listen on (* for all)', '*')
    .addOption(new Option('--auth-port <port>', 'authentication port').default(1812).argParser(port))
    .addOption(new Option('--acct-port <port>', 'accounting port').default(1813).argParser(port))
    .addOption(
      new Option('--log <destination>', 'where FreeRADIUS logs')
        .choices(['stdout', 'files'])
        .default('stdout'),
    )
    .addHelpText(
      'after',
      '\nNo secret is written: FreeRADIUS reads the API key (create one with `mbprov apikey create --scope radius`)\n' +
        'and the shared secret from the environment when it starts ($ENV{...}). See docs/hotspot.md.\n' +
        'Exit status: 0 written, 2 usage error, invalid configuration or I/O error.',
    )
    .action(async (flags: RadiusConfigFlags) => {
      setStatus(await writeRadiusConfig(flags, (line) => process.stderr.write(`${line}\n`)));
    });
}
