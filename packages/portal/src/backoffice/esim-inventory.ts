import { MbprovError } from '@mbprov/core';
import { ICCID_PATTERN } from '../esim/es2plus-wire.ts';
import type { Store } from '../storage/database.ts';
import {
  addEsimProfiles,
  esimImsisHeld,
  esimStatesOf,
  type NewEsimProfile,
} from '../storage/esim-profiles.ts';
import { cells } from './sims-csv.ts';

/** The largest inventory file read (a few million profiles). */
export const ESIM_INVENTORY_MAX_BYTES = 64 * 1024 * 1024;
/** The most profiles one file may hold. */
export const ESIM_INVENTORY_MAX_ROWS = 2_000_000;

/** An ICCID as profile providers deliver it: 19 or 20 digits, a 20th F as padding (ES2+'s form). */
const ICCID = new RegExp(ICCID_PATTERN);
const PROFILE_TYPE = /^[\x20-\x7e]{1,64}$/;
const IMSI = /^\d{6,15}$/;
/** The CSV columns, in their order (a header row may name the first one, two or three). */
const CSV_COLUMNS = ['iccid', 'profile_type', 'imsi'] as const;

const refuse = (where: string, why: string): never => {
  throw new MbprovError('MBPROV_ESIM_INVENTORY_INVALID', `${where}: ${why}; nothing is imported`);
};

/** An optional text field of a row: absent or empty, else matching `form`. */
function optional(where: string, value: unknown, form: RegExp, what: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !form.test(value)) refuse(where, what);
  return value as string;
}

/** Checks one row; the profile as stored (ICCID without its F padding). */
function profileOf(where: string, iccid: unknown, profileType: unknown, imsi: unknown): NewEsimProfile {
  if (typeof iccid !== 'string' || !ICCID.test(iccid)) refuse(where, 'the ICCID must be 19 or 20 digits');
  const type = optional(
    where,
    profileType,
    PROFILE_TYPE,
    'the profile type must be 1 to 64 printable characters',
  );
  const imsiValue = optional(where, imsi, IMSI, 'the IMSI must be 6 to 15 digits');
  return {
    iccid: (iccid as string).replace(/[Ff]$/, ''),
    ...(type ? { profileType: type } : {}),
    ...(imsiValue ? { imsi: imsiValue } : {}),
  };
}

/**
 * Reads an eSIM profile inventory: CSV with the columns ICCID, an optional profile type and an optional IMSI (by
 * position, or under a header row `iccid,profile_type,imsi`), or a JSON array of ICCID strings or `{ "iccid",
 * "profileType", "imsi" }` objects. The whole file is refused at its first bad row (MBPROV_ESIM_INVENTORY_INVALID
 * naming the line or index): an ICCID that is not 19 or 20 digits (a 20th F is padding and dropped), a profile type
 * that is not 1 to 64 printable characters, an IMSI that is not 6 to 15 digits, an ICCID or IMSI repeated in the
 * file, more than ESIM_INVENTORY_MAX_ROWS rows.
 */
export function readEsimInventory(text: string, format: 'csv' | 'json'): NewEsimProfile[] {
  if (text.length > ESIM_INVENTORY_MAX_BYTES)
    refuse('the file', `larger than ${ESIM_INVENTORY_MAX_BYTES} bytes`);
  const profiles: NewEsimProfile[] = [];
  const seen = new Set<string>();
  const seenImsis = new Set<string>();
  const add = (where: string, profile: NewEsimProfile) => {
    if (seen.has(profile.iccid)) refuse(where, `ICCID ${profile.iccid} repeated in the file`);
    if (profile.imsi && seenImsis.has(profile.imsi))
      refuse(where, `IMSI ${profile.imsi} repeated in the file`);
    if (profiles.length === ESIM_INVENTORY_MAX_ROWS)
      refuse(where, `more than ${ESIM_INVENTORY_MAX_ROWS} profiles`);
    seen.add(profile.iccid);
    if (profile.imsi) seenImsis.add(profile.imsi);
    profiles.push(profile);
  };
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse('the file', 'not JSON');
    }
    if (!Array.isArray(parsed))
      refuse('the file', 'a JSON inventory is an array of ICCIDs or { iccid, profileType, imsi }');
    for (const [i, item] of (parsed as unknown[]).entries()) {
      const where = `item ${i}`;
      if (typeof item === 'string') add(where, profileOf(where, item, undefined, undefined));
      else if (item && typeof item === 'object' && !Array.isArray(item)) {
        const { iccid, profileType, imsi, ...rest } = item as Record<string, unknown>;
        const unknown = Object.keys(rest)[0];
        if (unknown !== undefined) refuse(where, `unknown field ${unknown.slice(0, 40)}`);
        add(where, profileOf(where, iccid, profileType, imsi));
      } else refuse(where, 'an item is an ICCID or { iccid, profileType, imsi }');
    }
    return profiles;
  }
  let header = true;
  for (const [index, raw] of text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .entries()) {
    if (raw.trim() === '') continue;
    const row = cells(raw);
    if (header) {
      header = false;
      if (/^iccid$/i.test(row[0] ?? '')) {
        const named = row.map((c) => c.toLowerCase().replace('profiletype', 'profile_type'));
        if (row.length > CSV_COLUMNS.length || named.some((c, i) => c !== CSV_COLUMNS[i]))
          refuse(`line ${index + 1}`, `the header names the columns ${CSV_COLUMNS.join(', ')} in that order`);
        continue;
      }
    }
    if (row.length > CSV_COLUMNS.length)
      refuse(`line ${index + 1}`, 'a row has an ICCID, a profile type and an IMSI at most');
    add(`line ${index + 1}`, profileOf(`line ${index + 1}`, row[0], row[1], row[2]));
  }
  return profiles;
}

/** What an import did. */
export interface EsimImportSummary {
  /** Profiles added (state available). */
  added: number;
  /** Profiles the inventory held already with the same profile type (left as they are). */
  exists: number;
}

/**
 * Imports an inventory read by {@link readEsimInventory} in one transaction: every profile is added, or none. A
 * profile the inventory holds already with the same profile type and IMSI is counted and left as it is (an import
 * can be run again); with another type or IMSI, or an IMSI another profile holds, the whole import is refused. `progress` hears how many rows were written.
 */
export async function importEsimInventory(
  store: Store,
  profiles: readonly NewEsimProfile[],
  now: string,
  progress?: (done: number, total: number) => void,
): Promise<EsimImportSummary> {
  return store.transaction(async (tx) => {
    const held = await esimStatesOf(
      tx,
      profiles.map((p) => p.iccid),
    );
    const imsis = await esimImsisHeld(
      tx,
      profiles.flatMap((p) => (p.imsi ? [p.imsi] : [])),
    );
    for (const p of profiles) {
      const stored = held.get(p.iccid);
      if (stored && stored.profileType !== (p.profileType ?? null))
        refuse(
          `ICCID ${p.iccid}`,
          `the inventory holds it with profile type ${stored.profileType ?? '(none)'}`,
        );
      if (stored && stored.imsi !== (p.imsi ?? null))
        refuse(`ICCID ${p.iccid}`, `the inventory holds it with IMSI ${stored.imsi ?? '(none)'}`);
      const owner = p.imsi ? imsis.get(p.imsi) : undefined;
      if (owner && owner !== p.iccid)
        refuse(`ICCID ${p.iccid}`, `IMSI ${p.imsi} belongs to profile ${owner}`);
    }
    const fresh = profiles.filter((p) => !held.has(p.iccid));
    const added = await addEsimProfiles(tx, fresh, now, (done) => progress?.(done, fresh.length));
    return { added, exists: profiles.length - fresh.length };
  });
}
