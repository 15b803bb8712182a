import { MbprovError } from '@mbprov/core';
import {
  configuredStore,
  createApiKey,
  listApiKeys,
  loadConfig,
  openStore,
  revokeApiKey,
  SCOPES,
  type Scope,
} from '@mbprov/portal';
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Opens the portal database of a configuration (--config, else MBPROV_CONFIG, else the embedded demo; plus environment). */
async function withStore<T>(
  file: string | undefined,
  use: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>,
): Promise<T> {
  const source = file ?? process.env.MBPROV_CONFIG;
  const config = loadConfig(source ? { file: source } : {});
  const store = await openStore(configuredStore(config));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** Registers `mbprov apikey`: back-office API keys (the secret is shown once; only its hash is stored). */
export function registerApiKey(program: Command, setStatus: (status: number) => void): void {
  const apikey = program.command('apikey').description('Manage back-office API keys of the portal database.');
  apikey
    .command('create')
    .description('Create a key; prints it once.')
    .requiredOption('--name <name>', 'who uses it, e.g. billing, gateway')
    .requiredOption(
      '--scope <scope>',
      `a scope (repeatable): ${SCOPES.join(', ')}`,
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('-c, --config <file>', 'portal configuration (default: the embedded demo, with the environment)')
    .action(async (o: { name: string; scope: string[]; config?: string }) => {
      const unknown = o.scope.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length)
        throw new MbprovError(
          'MBPROV_CLI_USAGE',
          `unknown scope ${unknown.join(', ')}; scopes: ${SCOPES.join(', ')}`,
        );
      const { id, key } = await withStore(o.config, (store) =>
        createApiKey(store.db, o.name, o.scope as Scope[], new Date().toISOString()),
      );
      out(`id ${id}`);
      out(`key ${key}`);
      process.stderr.write('mbprov: store the key now; it cannot be shown again.\n');
      setStatus(EXIT.ok);
    });
  apikey
    .command('list')
    .description('List keys (never their secrets).')
    .option('-c, --config <file>', 'portal configuration')
    .action(async (o: { config?: string }) => {
      const keys = await withStore(o.config, (store) => listApiKeys(store.db));
      for (const k of keys)
        out(
          `${k.id}  ${k.name.padEnd(16)} ${k.scopes}  created ${k.created_at}${k.revoked_at ? `  revoked ${k.revoked_at}` : ''}`,
        );
      setStatus(EXIT.ok);
    });
  apikey
    .command('revoke')
    .description('Revoke a key by id.')
    .argument('<id>', 'the key id (the part after mbp_)')
    .option('-c, --config <file>', 'portal configuration')
    .action(async (id: string, o: { config?: string }) => {
      const done = await withStore(o.config, (store) => revokeApiKey(store.db, id, new Date().toISOString()));
      if (!done) throw new MbprovError('MBPROV_CLI_USAGE', `no active key ${id}`);
      out(`revoked ${id}`);
      setStatus(EXIT.ok);
    });
}
