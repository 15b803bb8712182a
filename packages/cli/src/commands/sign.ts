import { writeFile } from 'node:fs/promises';
import {
  type Canonicalization,
  type DigestName,
  formatDiagnostic,
  loadCertificates,
  MbprovError,
  signDocument,
  validateDocument,
} from '@mbprov/core';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { readInput } from '../io.ts';

interface SignFlags {
  key: string;
  cert: string;
  chain?: string;
  output?: string;
  exclusive?: boolean;
  withComments?: boolean;
  digest: DigestName;
  allowSha1?: boolean;
  passphraseEnv?: string;
  skipValidation?: boolean;
}

/** Signs one document; returns the exit status. */
export async function signFile(
  input: string,
  flags: SignFlags,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const xml = await readInput(input);
  if (!flags.skipValidation) {
    const result = validateDocument(xml);
    if (!result.valid) {
      for (const d of result.diagnostics) if (d.severity === 'error') err(formatDiagnostic(input, d));
      err(`mbprov: error MBPROV_SIG_DOCUMENT_INVALID: ${input} is not valid; it was not signed.`);
      return EXIT.invalid;
    }
  }
  const [certificate, ...bundled] = loadCertificates(await readInput(flags.cert));
  if (!certificate) throw new MbprovError('MBPROV_CERT_INVALID', `${flags.cert} holds no certificate.`);
  const chain = [...bundled, ...(flags.chain ? loadCertificates(await readInput(flags.chain)) : [])];
  const canonicalization: Canonicalization =
    `${flags.exclusive ? 'excC14n' : 'c14n'}${flags.withComments ? 'WithComments' : ''}` as Canonicalization;
  const passphrase = flags.passphraseEnv ? process.env[flags.passphraseEnv] : undefined;
  const signed = signDocument(xml, {
    key: Buffer.from(await readInput(flags.key)),
    ...(passphrase !== undefined ? { passphrase } : {}),
    certificate,
    chain,
    canonicalization,
    digest: flags.digest,
    allowSha1: flags.allowSha1 === true,
    onWarning: (d) => err(`mbprov: warning ${d.code}: ${d.message}`),
  });
  if (flags.output) {
    try {
      await writeFile(flags.output, signed);
    } catch (error) {
      throw new MbprovError('MBPROV_IO_ERROR', `cannot write ${flags.output}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    err(`mbprov: signed ${input} -> ${flags.output}`);
  } else {
    out(signed.replace(/\n$/, ''));
  }
  return EXIT.ok;
}

/** Registers `mbprov sign`. */
export function registerSign(program: Command, setStatus: (status: number) => void): void {
  program
    .command('sign')
    .description(
      'Sign a provisioning document with an enveloped XML-DSig signature (like ConvertTo-SignedXml). Validates first.',
    )
    .argument('<file>', 'the unsigned provisioning XML; - reads standard input')
    .requiredOption('--key <file>', 'signer private key (PEM, PKCS#8 or PKCS#1; RSA or ECDSA P-256/P-384)')
    .requiredOption(
      '--cert <file>',
      'signer certificate (PEM or DER); further certificates in the file are sent as the chain',
    )
    .option('--chain <file>', 'intermediate certificates to include (PEM bundle)')
    .option('-o, --output <file>', 'write the signed document here (default: standard output)')
    .option('--exclusive', 'canonicalize SignedInfo with exclusive C14N instead of C14N 1.0')
    .option('--with-comments', 'use the #WithComments canonicalization variant')
    .option('--digest <hash>', 'sha256, sha384 or sha512 (sha1 needs --allow-sha1)', 'sha256')
    .option('--allow-sha1', 'allow RSA-SHA1 (weak; only for old Windows tooling)')
    .option('--passphrase-env <var>', 'read the key passphrase from this environment variable')
    .option('--skip-validation', 'sign without validating first (not recommended)')
    .addHelpText(
      'after',
      '\nExit status: 0 signed, 1 document invalid (not signed), 2 usage, key or I/O error.',
    )
    .action(async (file: string, flags: SignFlags) => {
      if (!['sha256', 'sha384', 'sha512', 'sha1'].includes(flags.digest)) {
        throw new MbprovError(
          'MBPROV_CLI_USAGE',
          `--digest must be sha256, sha384, sha512 or sha1, not "${flags.digest}".`,
        );
      }
      const print = (stream: NodeJS.WriteStream) => (line: string) => stream.write(`${line}\n`);
      setStatus(await signFile(file, flags, print(process.stdout), print(process.stderr)));
    });
}
