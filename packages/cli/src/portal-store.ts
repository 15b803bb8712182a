import { configuredStore, loadConfig, openStore, type Store } from '@mbprov/portal';

/**
 * Opens the portal database of a configuration (--config, else MBPROV_CONFIG, else the embedded demo; plus the
 * environment), runs `use` on it and closes it.
 */
export async function withStore<T>(file: string | undefined, use: (store: Store) => Promise<T>): Promise<T> {
  const source = file ?? process.env.MBPROV_CONFIG;
  const config = loadConfig(source ? { file: source } : {});
  const store = await openStore(configuredStore(config));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
