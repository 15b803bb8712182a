import type { X509Certificate } from 'node:crypto';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CertificateDescription,
  type CertificateKeyType,
  createTestEvChain,
  describeCertificate,
  fromPkcs12,
  loadCertificates,
  MbprovError,
  sha256Fingerprint,
  thumbprint,
  toPkcs12,
  trustedCertificateXml,
} from '@mbprov/core';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { readInput } from '../io.ts';

/** Default password of the signer.p12 written by `mbprov cert test-ev`. */
export const DEFAULT_P12_PASSWORD = 'mbprov-test';

const TEST_ONLY_WARNING =
  'WARNING: TEST ONLY. This root and signer are for test PCs: never trust the root on a production or customer PC,\n' +
  'and never sign documents for customers with this signer. Anyone with root.key.pem can issue certificates it trusts.';

interface TestEvFlags {
  out: string;
  name: string;
  days: number;
  key: CertificateKeyType;
  password: string;
  force?: boolean;
  legacyP12?: boolean;
}

/** The files `cert test-ev` writes. */
const OUTPUT_NAMES = [
  'root.crt.pem',
  'root.cer',
  'root.key.pem',
  'signer.crt.pem',
  'signer.key.pem',
  'signer.p12',
];

/** One file written by `cert test-ev`. */
interface OutputFile {
  name: string;
  what: string;
  data: string | Uint8Array;
  secret: boolean;
}

/** Writes a test root + EV signer chain into a folder; refuses to replace files unless `force`. Returns the exit status. */
export async function writeTestEvChain(
  flags: TestEvFlags,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  await mkdirOrFail(flags.out);
  if (!flags.force) {
    const existing: string[] = [];
    for (const name of OUTPUT_NAMES)
      if (await exists(join(flags.out, name))) existing.push(join(flags.out, name));
    if (existing.length > 0) {
      throw new MbprovError(
        'MBPROV_OUTPUT_EXISTS',
        `refusing to overwrite ${existing.join(', ')} (pass --force to replace them); nothing was written`,
      );
    }
  }
  const chain = await createTestEvChain({ name: flags.name, days: flags.days, keyType: flags.key });
  const p12 = toPkcs12({
    certificatePem: chain.signer.certificatePem,
    privateKeyPem: chain.signer.privateKeyPem,
    chainPems: [chain.root.certificatePem],
    password: flags.password,
    friendlyName: flags.name,
    legacy: flags.legacyP12 === true,
  });
  const files: OutputFile[] = [
    {
      name: 'root.crt.pem',
      what: 'test root certificate (PEM)',
      data: chain.root.certificatePem,
      secret: false,
    },
    {
      name: 'root.cer',
      what: 'test root certificate (DER; certutil -addstore Root / Install-RootCertFromFile)',
      data: chain.root.certificate.raw,
      secret: false,
    },
    { name: 'root.key.pem', what: 'test root private key', data: chain.root.privateKeyPem, secret: true },
    {
      name: 'signer.crt.pem',
      what: 'EV signer certificate (PEM)',
      data: chain.signer.certificatePem,
      secret: false,
    },
    { name: 'signer.key.pem', what: 'EV signer private key', data: chain.signer.privateKeyPem, secret: true },
    {
      name: 'signer.p12',
      what: `EV signer with key and chain (PKCS#12, password: ${flags.password})`,
      data: p12,
      secret: true,
    },
  ];
  err(TEST_ONLY_WARNING);
  for (const f of files) {
    const path = join(flags.out, f.name);
    try {
      const mode = f.secret ? 0o600 : 0o644;
      await writeFile(path, f.data, { mode });
      await chmod(path, mode); // writeFile's mode only applies when it creates the file (--force)
    } catch (error) {
      throw new MbprovError('MBPROV_IO_ERROR', `cannot write ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    out(`${f.what}: ${path}`);
  }
  out(`signer thumbprint: ${thumbprint(chain.signer.certificate)}`);
  out(`root thumbprint:   ${thumbprint(chain.root.certificate)}`);
  return EXIT.ok;
}

async function mkdirOrFail(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot create ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads the certificates of a PEM/DER file, or of a .p12/.pfx file when a password is given. */
export async function readCertificates(file: string, password?: string): Promise<X509Certificate[]> {
  const bytes = await readInput(file);
  const pkcs12 = /\.(p12|pfx)$/i.test(file);
  try {
    if (pkcs12 || password !== undefined) {
      if (password === undefined) {
        throw new MbprovError('MBPROV_CLI_USAGE', `${file} is a PKCS#12 file: pass its --password`);
      }
      const contents = fromPkcs12(bytes, password);
      return loadCertificates([contents.certificatePem, ...contents.chainPems].join(''));
    }
    return loadCertificates(bytes);
  } catch (error) {
    if (
      error instanceof MbprovError &&
      error.code !== 'MBPROV_CLI_USAGE' &&
      error.code !== 'MBPROV_IO_ERROR'
    ) {
      throw new MbprovError(error.code, `${file}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Text lines describing one certificate. */
export function describeLines(d: CertificateDescription): string[] {
  return [
    `  Subject:     ${d.subject}`,
    `  Issuer:      ${d.issuer}`,
    `  Valid from:  ${d.notBefore}`,
    `  Valid to:    ${d.notAfter}`,
    `  Serial:      ${d.serialNumber}`,
    `  Thumbprint:  ${d.thumbprint}`,
    `  SHA-256:     ${d.sha256}`,
    `  EV:          ${d.ev ? 'yes (2.23.140.1.1)' : 'no'}`,
    `  CA:          ${d.isCa ? 'yes' : 'no'}${d.selfSigned ? ' (self-signed)' : ''}`,
    `  Key usage:   ${d.keyUsage.length ? d.keyUsage.join(', ') : '(no keyUsage extension: unrestricted)'}`,
    ...(d.extendedKeyUsage.length ? [`  Ext. usage:  ${d.extendedKeyUsage.join(', ')}`] : []),
    `  Key:         ${d.keyAlgorithm}`,
  ];
}

function positiveDays(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 36500) {
    throw new InvalidArgumentError(`expected a number of days from 1 to 36500, got "${value}"`);
  }
  return n;
}

/** Registers `mbprov cert` and its subcommands. */
export function registerCert(program: Command, setStatus: (status: number) => void): void {
  const cert = program
    .command('cert')
    .description(
      'Test EV certificate chains and certificate inspection (like Install-TestEVCert / Install-RootCertFromFile).',
    );
  const print = (stream: NodeJS.WriteStream) => (line: string) => stream.write(`${line}\n`);

  cert
    .command('test-ev')
    .description('Create a TEST root CA and an EV signing certificate issued by it, as files.')
    .requiredOption('--out <dir>', 'folder to write into (created when missing)')
    .option('--name <name>', 'signer common name; the root is "<name> Test Root"', 'MBAPTestCert')
    .option('--days <n>', 'validity in days', positiveDays, 365)
    .addOption(new Option('--key <type>', 'key algorithm').choices(['rsa', 'ecdsa']).default('rsa'))
    .option('--password <password>', 'password of signer.p12 (printable ASCII)', DEFAULT_P12_PASSWORD)
    .option(
      '--legacy-p12',
      'protect signer.p12 with 3DES/SHA-1 for Windows that cannot import AES-256 PKCS#12',
    )
    .option('--force', 'replace existing files')
    .addHelpText(
      'after',
      '\nWrites root.crt.pem, root.cer (DER), root.key.pem, signer.crt.pem, signer.key.pem and signer.p12;\n' +
        'key files and signer.p12 get mode 0600. Trust root.cer on a Windows test PC with\n' +
        '  certutil -addstore Root root.cer\n' +
        'See docs/certificates.md. Exit status: 0 written, 2 usage or I/O error, or a file exists (without --force).',
    )
    .action(async (flags: TestEvFlags) => {
      setStatus(await writeTestEvChain(flags, print(process.stdout), print(process.stderr)));
    });

  cert
    .command('thumbprint')
    .description(
      'Print the SHA-1 thumbprint (uppercase hex, as Windows shows it) of each certificate in a file.',
    )
    .argument(
      '<file>',
      'PEM (one or more certificates), DER, or .p12/.pfx with --password; - reads standard input',
    )
    .option('--sha256', 'print the SHA-256 fingerprint instead')
    .option('--password <password>', 'password of a PKCS#12 file')
    .action(async (file: string, flags: { sha256?: boolean; password?: string }) => {
      for (const c of await readCertificates(file, flags.password))
        process.stdout.write(`${flags.sha256 ? sha256Fingerprint(c) : thumbprint(c)}\n`);
      setStatus(EXIT.ok);
    });

  cert
    .command('inspect')
    .description('Describe each certificate in a file: names, validity, EV, CA, key usage, thumbprint.')
    .argument(
      '<file>',
      'PEM (one or more certificates), DER, or .p12/.pfx with --password; - reads standard input',
    )
    .option('--json', 'print a JSON array instead of text')
    .option('--password <password>', 'password of a PKCS#12 file')
    .action(async (file: string, flags: { json?: boolean; password?: string }) => {
      const descriptions = (await readCertificates(file, flags.password)).map(describeCertificate);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(descriptions, null, 2)}\n`);
      } else {
        descriptions.forEach((d, i) => {
          process.stdout.write(`${file}: certificate ${i + 1} of ${descriptions.length}\n`);
          for (const line of describeLines(d)) process.stdout.write(`${line}\n`);
        });
      }
      setStatus(EXIT.ok);
    });

  cert
    .command('trusted-entry')
    .description(
      'Print Provisioning/TrustedCertificates/TrustedCertificate elements (SubjectName, IssuerName) for the certificates in a file.',
    )
    .argument(
      '<file>',
      'PEM (one or more certificates), DER, or .p12/.pfx with --password; - reads standard input',
    )
    .option('--password <password>', 'password of a PKCS#12 file')
    .action(async (file: string, flags: { password?: string }) => {
      process.stdout.write(`${trustedCertificateXml(await readCertificates(file, flags.password))}\n`);
      setStatus(EXIT.ok);
    });
}
