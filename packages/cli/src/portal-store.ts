import { configuredStore, openStore, type Store } from '@mbprov/portal';
import { portalConfig } from './portal-config.ts';

/**
 * Opens the portal database of a configuration (--config, else MBPROV_CONFIG, else the embedded demo; plus the
 * environment), runs `use` on it and closes it.
 */
export async function withStore<T>(file: string | undefined, use: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(configuredStore(portalConfig(file)));
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
