import {
  formatDiagnostic,
  loadCertificates,
  MbprovError,
  type VerifyResult,
  verifyDocument,
} from '@mbprov/core';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';
import { readInput } from '../io.ts';

interface VerifyFlags {
  trust: string[];
  requireEv?: boolean;
  source?: string;
  json?: boolean;
  at?: string;
  allowSha1?: boolean;
}

/**
 * Where the document goes, as `mbprov sim apply --source` says: a web site (`website`, `wifi-provider`) hands over
 * documents Windows accepts only with an EV signer ("Account provisioning metadata must be signed with an extended
 * validation (EV) certificate when provided by the web site", docs/certificates.md); `refresh` and `app` need none.
 */
const EV_BY_SOURCE: Record<string, boolean> = {
  website: true,
  'wifi-provider': true,
  refresh: false,
  app: false,
};

/** Verifies one signed document; returns the exit status: 0 valid, 1 invalid or untrusted. */
export async function verifyFile(
  input: string,
  flags: VerifyFlags,
  out: (line: string) => void,
  note: (line: string) => void = () => {},
): Promise<number> {
  if (flags.source !== undefined && !(flags.source in EV_BY_SOURCE))
    throw new MbprovError(
      'MBPROV_CLI_USAGE',
      `--source must be one of ${Object.keys(EV_BY_SOURCE).join(', ')}; "${flags.source}" is not.`,
    );
  const requireEv =
    flags.requireEv === true || (flags.source !== undefined && EV_BY_SOURCE[flags.source] === true);
  const anchors = [];
  for (const file of flags.trust) anchors.push(...loadCertificates(await readInput(file)));
  const now = flags.at ? new Date(flags.at) : undefined;
  if (now && Number.isNaN(now.getTime()))
    throw new MbprovError('MBPROV_CLI_USAGE', `--at "${flags.at}" is not a date.`);
  const result: VerifyResult = verifyDocument(await readInput(input), {
    trustAnchors: anchors,
    requireEv,
    allowSha1: flags.allowSha1 === true,
    ...(now ? { now } : {}),
  });
  if (flags.json) {
    out(JSON.stringify({ file: input, ...result }, null, 2));
  } else if (result.valid && result.signer) {
    const s = result.signer;
    out(
      `${input}: valid signature by ${s.subject}${s.ev ? ' (EV)' : ''}, thumbprint ${s.thumbprint}, expires ${s.notAfter.toISOString()}`,
    );
    out(`  chain: ${result.chain.map((c) => c.subject).join(' <- ')}`);
    if (!s.ev && flags.source === undefined)
      note(
        `${input}: the signer is not an EV certificate: Windows refuses such a document from a web site (check with --source website).`,
      );
  } else {
    for (const e of result.errors) out(formatDiagnostic(input, e));
  }
  return result.valid ? EXIT.ok : EXIT.invalid;
}

/** Registers `mbprov verify`. */
export function registerVerify(program: Command, setStatus: (status: number) => void): void {
  program
    .command('verify')
    .description(
      'Verify the signature of a provisioning document in the strict CarrierControlSignature profile.',
    )
    .argument('<file>', 'the signed provisioning XML; - reads standard input')
    .requiredOption(
      '--trust <file>',
      'trusted root certificate(s), PEM or DER; repeatable',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--require-ev', 'require an Extended Validation signer certificate')
    .option(
      '--source <source>',
      'where the document goes, as for mbprov sim apply: website or wifi-provider require an EV signer ' +
        '(as Windows does for documents a web site hands over); refresh or app do not',
    )
    .option('--at <date>', 'check certificate validity at this date (ISO 8601) instead of now')
    .option('--allow-sha1', 'accept SHA-1 signatures and digests')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nWithout --source or --require-ev a signer without EV is accepted (a note on standard error says Windows\n' +
        'refuses it from a web site), as before. Exit status: 0 valid and trusted, 1 invalid or untrusted (the reason\n' +
        'is printed with its code), 2 usage or I/O error.',
    )
    .action(async (file: string, flags: VerifyFlags) => {
      setStatus(
        await verifyFile(
          file,
          flags,
          (line) => process.stdout.write(`${line}\n`),
          (line) => process.stderr.write(`mbprov: note: ${line}\n`),
        ),
      );
    });
}
