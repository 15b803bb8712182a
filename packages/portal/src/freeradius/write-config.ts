import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createCertificate, MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import { loadTls } from '../security/tls.ts';
import {
  CERT_FILES,
  type FreeRadiusClient,
  type FreeRadiusListen,
  freeRadiusConfigFiles,
} from './config-files.ts';

/** The public CA bundle of Debian (ca-certificates): a portal certificate from a public CA verifies against it. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** What `mbprov radius config` writes, besides the portal configuration. */
export interface WriteFreeRadiusOptions {
  /** The directory to write (created; files in it are replaced). */
  out: string;
  /** Environment variable FreeRADIUS reads the API key (scope radius) from; default MBPROV_RADIUS_API_KEY. */
  apiKeyEnv?: string;
  /** Environment variable holding the clients' RADIUS shared secret; default MBPROV_RADIUS_SECRET. */
  clientSecretEnv?: string;
  /**
   * The CA certificate(s) (PEM) that verify the portal's TLS certificate. Default: the development certificate
   * itself when the portal generates one, else Debian's public CA bundle.
   */
  portalCaFile?: string;
  /**
   * The EAP server certificate (PEM, chain after it), its key and the root CA that issued it. Without them a test CA
   * and a server certificate for `serverNames` are generated (clearly labelled test: Windows validates the server
   * against the CA a passpoint network names, radiusCaFile).
   */
  serverCertFile?: string;
  serverKeyFile?: string;
  serverCaFile?: string;
  /** Environment variable holding the passphrase of serverKeyFile, when it is encrypted. */
  serverKeyPassphraseEnv?: string;
  /** Names of a generated server certificate; default the passpoint networks' radiusServerNames, else radius.localhost. */
  serverNames?: string[];
  listen?: Partial<FreeRadiusListen>;
  /** The NAS allowed to send requests; default 127.0.0.1 only (the file is a template to edit). */
  clients?: FreeRadiusClient[];
  log?: 'stdout' | 'files';
}

/** What was written. */
export interface WrittenFreeRadiusConfig {
  dir: string;
  /** Paths relative to dir. */
  files: string[];
  /** A test CA and server certificate were generated for EAP (not for production). */
  generatedServerCertificate: boolean;
}

async function writeText(dir: string, path: string, content: string, mode = 0o640): Promise<void> {
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true, mode: 0o750 });
  await writeFile(file, content, { mode });
}

/** The server names a generated EAP certificate carries. */
function serverNamesOf(config: Config, options: WriteFreeRadiusOptions): string[] {
  if (options.serverNames?.length) return options.serverNames;
  const names = config.operator.wifi.flatMap((w) => w.radiusServerNames ?? []);
  return names.length ? [...new Set(names)] : ['radius.localhost'];
}

/** The PEM files of certs/ by path, and whether the EAP server certificate was generated. */
interface Certificates {
  files: Record<string, { content: string; mode: number }>;
  generated: boolean;
}

/** Reads a file the operator named, as MBPROV_IO_ERROR naming it when it cannot be read. */
async function readGiven(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads or generates the PEM files under certs/, before anything is written. */
async function certificates(config: Config, options: WriteFreeRadiusOptions): Promise<Certificates> {
  const portalCa =
    options.portalCaFile ?? (config.server.tlsCertFile ? SYSTEM_CA_BUNDLE : (await loadTls(config)).certFile);
  const files: Certificates['files'] = {
    [CERT_FILES.portalCa]: { content: await readGiven(portalCa), mode: 0o640 },
  };
  const given = [options.serverCertFile, options.serverKeyFile, options.serverCaFile];
  if (given.some((f) => f !== undefined)) {
    if (given.some((f) => f === undefined))
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        'The EAP server certificate, its key and its CA go together (--server-cert, --server-key, --server-ca).',
      );
    files[CERT_FILES.serverCert] = {
      content: await readGiven(options.serverCertFile as string),
      mode: 0o640,
    };
    files[CERT_FILES.serverKey] = { content: await readGiven(options.serverKeyFile as string), mode: 0o600 };
    files[CERT_FILES.serverCa] = { content: await readGiven(options.serverCaFile as string), mode: 0o640 };
    return { files, generated: false };
  }
  const ca = await createCertificate({
    subject: `CN=${config.operator.name} RADIUS TEST CA, O=mbprov, OU=TEST ONLY`,
    ca: true,
    days: 825,
  });
  const names = serverNamesOf(config, options);
  const server = await createCertificate({
    subject: `CN=${names[0]}, O=mbprov, OU=TEST ONLY`,
    issuer: ca,
    dnsNames: names,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    days: 825,
  });
  files[CERT_FILES.serverCert] = { content: server.certificatePem, mode: 0o640 };
  files[CERT_FILES.serverKey] = { content: server.privateKeyPem, mode: 0o600 };
  files[CERT_FILES.serverCa] = { content: ca.certificatePem, mode: 0o640 };
  return { files, generated: true };
}

/**
 * Writes a self-contained FreeRADIUS 3 configuration directory for the portal `config` describes
 * (config-files.ts): run it with `freeradius -d DIR` and the API key and shared secret in the environment.
 * Secrets never go in the files; the EAP server key is written owner-only.
 */
export async function writeFreeRadiusConfig(
  config: Config,
  options: WriteFreeRadiusOptions,
): Promise<WrittenFreeRadiusConfig> {
  const dir = resolve(options.out);
  const files = freeRadiusConfigFiles({
    dir,
    portalUrl: config.server.publicUrl,
    apiKeyEnv: options.apiKeyEnv ?? 'MBPROV_RADIUS_API_KEY',
    clientSecretEnv: options.clientSecretEnv ?? 'MBPROV_RADIUS_SECRET',
    ...(options.serverKeyPassphraseEnv ? { serverKeyPassphraseEnv: options.serverKeyPassphraseEnv } : {}),
    listen: { address: '*', authPort: 1812, acctPort: 1813, ...options.listen },
    clients: options.clients ?? [{ name: 'localhost', address: '127.0.0.1' }],
    log: options.log ?? 'stdout',
  });
  // Everything is read or generated first: a missing file writes nothing.
  const certs = await certificates(config, options);
  try {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    for (const sub of ['log', 'run', 'certs']) await mkdir(join(dir, sub), { recursive: true, mode: 0o750 });
    for (const [path, content] of Object.entries(files)) await writeText(dir, path, content);
    for (const [path, { content, mode }] of Object.entries(certs.files))
      await writeText(dir, path, content, mode);
    return {
      dir,
      files: [...Object.keys(files), ...Object.keys(certs.files)],
      generatedServerCertificate: certs.generated,
    };
  } catch (error) {
    if (error instanceof MbprovError) throw error;
    throw new MbprovError('MBPROV_IO_ERROR', `cannot write ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
