import type { Config } from '../config/schema.ts';

/** The longest User-Name a RADIUS attribute carries (RFC 2865 5.1: 253 octets). */
const MAX_USER_NAME = 253;

/**
 * The realms a User-Name may carry, lower case: radius.realms and the NAI realms of the passpoint networks (their
 * credentials are user@realm).
 */
export function acceptedRealms(config: Config): Set<string> {
  const realms = [...config.radius.realms];
  for (const wifi of config.operator.wifi) if (wifi.naiRealm) realms.push(wifi.naiRealm);
  return new Set(realms.map((r) => r.toLowerCase()));
}

/**
 * The subscriber's user name (its refresh_user) a RADIUS User-Name stands for: the name itself, or `user@realm` with
 * an accepted realm removed. Undefined when it cannot be one (another realm, decoration such as `realm!user`, empty,
 * too long): the caller treats it as an unknown user.
 */
export function hotspotUserName(userName: string, realms: Set<string>): string | undefined {
  if (userName.length === 0 || Buffer.byteLength(userName) > MAX_USER_NAME) return undefined;
  const at = userName.lastIndexOf('@');
  const user = at < 0 ? userName : userName.slice(0, at);
  if (at >= 0 && !realms.has(userName.slice(at + 1).toLowerCase())) return undefined;
  // Printable ASCII without spaces, as every subscriber user name is (activation/subscribers.ts): anything else is no one.
  return /^[\x21-\x7e]{1,128}$/.test(user) ? user : undefined;
}
