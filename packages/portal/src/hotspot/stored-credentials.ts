import { MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import { configuredSecrets } from '../security/secrets.ts';
import { configuredStore, openStore } from '../storage/database.ts';
import { subscriberByIccid, subscriberById, subscriberByRefreshUser } from '../storage/subscribers.ts';
import type { HotspotCredentials } from './device-profiles.ts';

/**
 * The hotspot credentials of a stored subscriber, named by its id, its SIM's ICCID or its hotspot user name: what
 * `mbprov profile` renders for one customer. Opens the configuration's database and secret key (the same ones the
 * portal derives the password from) and closes them again. MBPROV_NOT_FOUND when no subscriber has that name.
 */
export async function storedCredentials(config: Config, who: string): Promise<HotspotCredentials> {
  const store = await openStore(configuredStore(config));
  try {
    const subscriber = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(who)
      ? await subscriberById(store.db, who)
      : /^\d{19,20}$/.test(who)
        ? await subscriberByIccid(store.db, who)
        : await subscriberByRefreshUser(store.db, who);
    if (!subscriber)
      throw new MbprovError(
        'MBPROV_NOT_FOUND',
        `No subscriber has the id, ICCID or hotspot user name ${who}.`,
      );
    const secrets = configuredSecrets(config);
    return { userName: subscriber.refresh_user, password: secrets.hotspotPassword(subscriber.id) };
  } finally {
    await store.close();
  }
}
