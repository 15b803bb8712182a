import { parseIccId } from '../identifiers/device-parameters.ts';
import { EID } from '../identifiers/eid.ts';
import { knownParameters } from '../identifiers/query-parameters.ts';
import type { MobilePlansParam, ParameterProblem } from '../views/models.ts';

/** Most ICCIDs an `iccids` list may hold: an eSIM holds a handful of profiles; more is not a device talking. */
export const MAX_LAUNCH_ICCIDS = 16;
/** The longest transactionId the Mobile Plans documentation allows. */
export const MAX_TRANSACTION_ID = 64;

/** What the Mobile Plans app says about every launch, eSIM or physical SIM. */
interface LaunchCommon {
  /** The device's IMEI (14 to 16 digits: with or without check digit, or an IMEISV). */
  imei?: string;
  /** ISO 3166 alpha-2 of where the user is, upper case. */
  location?: string;
  /** ISO 3166 alpha-2 of the PC's region setting, upper case. */
  market?: string;
  /** The app's session id: logged, and echoed in every notification's purchase metadata. */
  transactionId?: string;
}

/** A launch for an eSIM: its EID and the ICCIDs of the operator's profiles already on it (trailing F removed). */
export interface EsimLaunch extends LaunchCommon {
  kind: 'esim';
  eid: string;
  iccids: string[];
}

/** A launch for a physical SIM: its ICCID (trailing F removed). */
export interface PhysicalSimLaunch extends LaunchCommon {
  kind: 'physical';
  iccid: string;
}

/** A Mobile Plans launch, read from its query. */
export type MobilePlansLaunch = EsimLaunch | PhysicalSimLaunch;

/** The parameters the portal reads; every other one is ignored, as the documentation requires. */
const NAMES: Readonly<Record<string, MobilePlansParam>> = {
  eid: 'eid',
  iccids: 'iccids',
  iccid: 'iccid',
  imei: 'imei',
  location: 'location',
  market: 'market',
  transactionid: 'transactionId',
};

/** An ICCID as the app sends it: the documentation says a trailing F (padding nibble) is removed; we remove it too. */
function launchIccid(value: string): string | undefined {
  return parseIccId(value.replace(/[Ff]$/, ''));
}

/**
 * Reads one parameter into `launch` (the partial launch being built), or names its problem. The `iccids` list is
 * split on commas with spaces around entries tolerated; its length is checked before any entry is read.
 */
function readParam(
  name: MobilePlansParam,
  value: string,
  into: Partial<Record<MobilePlansParam, string | string[]>>,
): string | undefined {
  switch (name) {
    case 'eid':
      if (!EID.test(value)) return 'eid.format';
      into.eid = value;
      return undefined;
    case 'iccids': {
      const entries = value.split(',', MAX_LAUNCH_ICCIDS + 1);
      if (entries.length > MAX_LAUNCH_ICCIDS) return 'iccids.count';
      const iccids = entries.map((e) => launchIccid(e.trim()));
      if (iccids.some((i) => i === undefined)) return 'iccids.format';
      into.iccids = [...new Set(iccids as string[])];
      return undefined;
    }
    case 'iccid': {
      const iccid = launchIccid(value);
      if (!iccid) return 'iccid.format';
      into.iccid = iccid;
      return undefined;
    }
    case 'imei':
      if (!/^\d{14,16}$/.test(value)) return 'imei.format';
      into.imei = value;
      return undefined;
    case 'location':
    case 'market':
      if (!/^[A-Za-z]{2}$/.test(value)) return 'country.format';
      into[name] = value.toUpperCase();
      return undefined;
    case 'transactionId':
      // Printable ASCII: it goes to logs and back to the app; the documentation's example holds '/' and '.'.
      if (value.length > MAX_TRANSACTION_ID || !/^[\x21-\x7e]+$/.test(value)) return 'transactionId.format';
      into.transactionId = value;
      return undefined;
  }
}

/**
 * Validates a Mobile Plans launch query (docs/mobile-plans.md, "Launch parameters"). Names match case-insensitively;
 * a parameter given twice or an invalid value is a problem the refusal page names; unknown parameters are ignored.
 * An `eid` makes it an eSIM launch, else an `iccid` a physical SIM's; one with neither, or with both, is refused.
 */
export function parseMobilePlansLaunch(
  query: Record<string, unknown>,
): { launch: MobilePlansLaunch; problems: [] } | { launch?: undefined; problems: ParameterProblem[] } {
  const read: Partial<Record<MobilePlansParam, string | string[]>> = {};
  const { values, problems } = knownParameters(query, NAMES);
  for (const [name, value] of values) {
    const problem = readParam(name, value, read);
    if (problem) problems.push({ param: name, value, problem });
  }
  if (problems.length) return { problems };
  const common: LaunchCommon = {
    ...(read.imei ? { imei: read.imei as string } : {}),
    ...(read.location ? { location: read.location as string } : {}),
    ...(read.market ? { market: read.market as string } : {}),
    ...(read.transactionId ? { transactionId: read.transactionId as string } : {}),
  };
  if (read.eid && read.iccid)
    return { problems: [{ param: 'iccid', value: read.iccid as string, problem: 'launch.both' }] };
  if (read.eid)
    return {
      launch: { kind: 'esim', eid: read.eid as string, iccids: (read.iccids as string[]) ?? [], ...common },
      problems: [],
    };
  if (read.iccid)
    return { launch: { kind: 'physical', iccid: read.iccid as string, ...common }, problems: [] };
  return { problems: [{ param: 'eid', value: '', problem: 'launch.missing' }] };
}
