import { join } from 'node:path';
import { describeCertificate, loadCertificates, MbprovError } from '@mbprov/core';
import {
  type Config,
  checkSigner,
  loadConfig,
  loadSigner,
  openSmtpMailer,
  readEs2plusCredentials,
  readTlsFiles,
} from '@mbprov/portal';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Codes meaning "the portal would refuse to start with this configuration" (exit 1, not a usage error). */
const REFUSALS = new Set([
  'MBPROV_CONFIG_INVALID',
  'MBPROV_CERT_INVALID',
  'MBPROV_CERT_EXPIRED',
  'MBPROV_CERT_NOT_YET_VALID',
  'MBPROV_CERT_SIGNER_IS_CA',
  'MBPROV_CERT_KEY_USAGE',
  'MBPROV_CERT_EXTENDED_KEY_USAGE',
  'MBPROV_CERT_CRITICAL_EXTENSION',
  'MBPROV_CERT_EXTENSION_INVALID',
  'MBPROV_CERT_WEAK_KEY',
  'MBPROV_CERT_NOT_EV',
  'MBPROV_SIG_KEY_MISMATCH',
  'MBPROV_TLS_INVALID',
]);

/** Where the data lives, without the credentials of a database URL. */
function databaseLine(config: Config): string {
  if (!config.databaseUrl) return `SQLite ${join(config.dataDir, 'mbprov.sqlite')}`;
  const url = new URL(config.databaseUrl);
  const schema = config.databaseSchema ? `, schema ${config.databaseSchema}` : '';
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}${schema}`;
}

/** The TLS files, checked as the portal loads them at start. */
function tlsLine(config: Config): string {
  const { tlsCertFile, tlsKeyFile } = config.server;
  if (!tlsCertFile || !tlsKeyFile)
    return `a development certificate generated in ${join(config.dataDir, 'tls')}`;
  const [leaf] = loadCertificates(readTlsFiles(tlsCertFile, tlsKeyFile).cert);
  if (!leaf) return tlsCertFile;
  const described = describeCertificate(leaf);
  return `${described.subject}, until ${described.notAfter}`;
}

/** The SM-DP+ of eSIM orders: the ES2+ client certificate, key and CA files checked as at start, or the test one. */
function esimLine(esim: NonNullable<Config['esim']>): string {
  if (!esim.es2plus) return 'the built-in TEST SM-DP+ (delivers no profile to a real device)';
  const { cert } = readEs2plusCredentials(esim.es2plus);
  const [leaf] = loadCertificates(cert);
  const client = leaf
    ? `${describeCertificate(leaf).subject} until ${describeCertificate(leaf).notAfter}`
    : esim.es2plus.clientCertFile;
  const ca = esim.es2plus.caFile ? `CA ${esim.es2plus.caFile}` : "the system's CAs";
  return `ES2+ ${esim.es2plus.url}, client ${client}, ${ca}`;
}

/** The SMTP server of receipts, and where its login comes from (the names of the variables, never their values). */
function smtpLine(smtp: NonNullable<Config['smtp']>): string {
  const tls = smtp.secure ? 'implicit TLS' : 'STARTTLS required';
  const login = smtp.userEnv ? `login from ${smtp.userEnv} and ${smtp.passwordEnv}` : 'no login';
  return `${smtp.host}:${smtp.port}, ${tls}, ${login}${smtp.caFile ? `, CA ${smtp.caFile}` : ''}`;
}

/** Registers `mbprov config check`: what would stop the portal at start, found without starting it. */
export function registerConfig(program: Command, setStatus: (status: number) => void): void {
  const config = program.command('config').description('Check a portal configuration.');
  config
    .command('check')
    .description(
      'Check a configuration as the portal does at start, without starting it or writing anything: the schema ' +
        '(unknown keys included), the signing key and certificate (validity, CA, key usage, EV), the TLS files, ' +
        'the SMTP login variables and CA file, the ES2+ client certificate, key and CA files of the SM-DP+.',
    )
    .option('-c, --config <file>', 'configuration file (JSON); default MBPROV_CONFIG, else the embedded demo')
    .addHelpText(
      'after',
      '\nExit status: 0 ready (warnings on standard error), 1 the portal would refuse to start (the reason is printed),\n' +
        '2 usage error or unreadable file. The environment applies as for mbprov serve.',
    )
    .action(async (o: { config?: string }) => {
      const file = o.config ?? process.env.MBPROV_CONFIG;
      try {
        const loaded = loadConfig(file ? { file } : {});
        out(`configuration: ${file ?? 'the embedded demo'}`);
        out(`  operator: ${loaded.operator.name} (${loaded.operator.carrierId})`);
        out(`  plans: ${loaded.plans.length}, SIMs listed: ${loaded.sims.length}`);
        out(`  public URL: ${loaded.server.publicUrl}`);
        out(`  database: ${databaseLine(loaded)}`);
        out(`  TLS: ${tlsLine(loaded)}`);
        if (loaded.signing.keyFile) {
          const signer = await loadSigner(loaded);
          const warnings = checkSigner(signer, new Date(), loaded.operator.carrierId, {
            requireEv: loaded.signing.requireEv,
          });
          const cert = describeCertificate(signer.certificate);
          out(`  signer: ${cert.subject}, ${cert.ev ? 'EV' : 'not EV'}, until ${cert.notAfter}`);
          if (signer.next) {
            const next = describeCertificate(signer.next);
            out(
              `  next signer (in TrustedCertificates): ${next.subject}, ${next.ev ? 'EV' : 'not EV'}, ${next.notBefore} to ${next.notAfter}`,
            );
          }
          for (const warning of warnings) process.stderr.write(`mbprov: warning: ${warning}\n`);
        } else {
          out(`  signer: a TEST chain generated in ${join(loaded.dataDir, 'signing')} (development only)`);
        }
        if (loaded.smtp) {
          // As at start: the login's environment variables set, the CA file readable (no connection is made).
          (await openSmtpMailer(loaded.smtp)).close();
          out(`  receipts by e-mail: ${smtpLine(loaded.smtp)}`);
        }
        if (loaded.esim) out(`  eSIM: ${esimLine(loaded.esim)}`);
        out('ready');
        setStatus(EXIT.ok);
      } catch (error) {
        if (!(error instanceof MbprovError) || !REFUSALS.has(error.code)) throw error;
        process.stderr.write(`mbprov: ${error.code}: ${error.message}\n`);
        setStatus(EXIT.invalid);
      }
    });
}
