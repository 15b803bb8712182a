import { join } from 'node:path';
import { loadConfig, openStore, type Store } from '@mbprov/portal';

/**
 * Opens the portal database of a configuration (--config, else MBPROV_CONFIG, else the embedded demo; plus the
 * environment), runs `use` on it and closes it.
 */
export async function withStore<T>(file: string | undefined, use: (store: Store) => Promise<T>): Promise<T> {
  const source = file ?? process.env.MBPROV_CONFIG;
  const config = loadConfig(source ? { file: source } : {});
  const store = await openStore({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    sqliteFile: join(config.dataDir, 'mbprov.sqlite'),
  });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
