// Who bulk subscriber i of the scale benchmark is: its ids, credentials and newest ETag follow from i, so that the
// loader writes them and the load client finds them again without holding millions of them in memory.
import { createHash } from 'node:crypto';

const pad = (i: number, width: number) => String(i).padStart(width, '0');

/** The ids of subscriber i: a random-looking UUID (as randomUUID gives the portal) and a refresh user name. */
export function subscriberOf(i: number): { id: string; refreshUser: string } {
  const h = createHash('sha256').update(`mbprov scale ${i}`).digest('hex');
  return {
    id: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
    refreshUser: `r${h.slice(32, 48)}`,
  };
}

/** The ICCID of bulk SIM i (19 digits, an issuer prefix of its own). */
export const iccidOf = (i: number) => `8999${pad(i, 15)}`;

/** The IMSI of bulk SIM i (test network 001-01). */
export const imsiOf = (i: number) => `00101${pad(i, 10)}`;

/** The ETag of version `version` of a subscriber's document (quoted, 16 characters, as long as the portal's). */
export const etagOf = (id: string, version: number) => `"${id.replaceAll('-', '').slice(0, 14)}.${version}"`;

/** The newest version each bulk subscriber has (its history: full, usage, full). */
export const VERSIONS = 3;

/** The versions each bulk subscriber keeps of its history: documents.keepVersions as configured by default. */
export const KEPT_VERSIONS = 2;
