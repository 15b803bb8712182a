import { startPortal, stopOnSignals } from '@mbprov/portal';
import type { Command } from 'commander';

/** Registers `mbprov serve`: the operator portal over HTTPS (what `npm start` runs). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the operator portal over HTTPS: the site Windows opens, the RefreshURL and the APIs.')
    .option('-c, --config <file>', 'configuration file (JSON); default: the embedded demo configuration')
    .addHelpText(
      'after',
      '\nEnvironment: DATABASE_URL (PostgreSQL), MBPROV_DATABASE_SCHEMA, HOST, PORT, MBPROV_PUBLIC_URL, MBPROV_DATA_DIR, MBPROV_SECRET_KEY,\n' +
        'MBPROV_SIGNING_KEY_FILE, MBPROV_SIGNING_CERT_FILE, MBPROV_SIGNING_NEXT_CERT_FILE, MBPROV_TLS_CERT_FILE, MBPROV_TLS_KEY_FILE,\n' +
        'MBPROV_CONFIG.\n' +
        'SIGTERM or SIGINT: stop accepting, let requests in flight finish within server.shutdownGraceSeconds (default\n' +
        '10), close the job queue and the database, exit 0; past the grace period or on a second signal, exit 1.\n' +
        'See docs/configuration.md.',
    )
    .action(async (o: { config?: string }) => {
      const file = o.config ?? process.env.MBPROV_CONFIG;
      const portal = await startPortal(file ? { file } : {}, (line) => process.stdout.write(`${line}\n`));
      // SIGTERM/SIGINT drain the requests in flight within server.shutdownGraceSeconds, then exit 0.
      stopOnSignals(portal, { exit: (status) => process.exit(status) });
      // Keep running until a signal arrives.
      await new Promise(() => {});
    });
}
