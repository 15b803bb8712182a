import { parseIccId } from '../identifiers/device-parameters.ts';
import {
  type EsimNextStep,
  type EsimOperationStatus,
  esimOperationStatus,
  nextStepOf,
} from './esim-results.ts';

/** Most entries read from each X-MP-LPAError-* header: the app reports the errors of one earlier attempt. */
export const MAX_LPA_ERRORS = 8;
/** Longest timestamp entry kept ("5/18/2018 11:17:23 PM +09:00" is 28 characters). */
const MAX_TIMESTAMP = 40;

/** The failed eSIM downloads the Mobile Plans app reported with a launch (docs/mobile-plans.md). */
export interface LpaErrors {
  /** The ESimOperationStatus names of X-MP-LPAError-Codes, in order (an unknown name counts as Other). */
  codes: EsimOperationStatus[];
  /** X-MP-LPAError-TimeStamps as sent ("Date Time UTC offset"), entries of other characters left out. */
  timestamps: string[];
  /** X-MP-LPAError-ICCIDs: the profile the user tried to download (trailing F removed). */
  iccids: string[];
  /** Entries that were not what the documentation describes (unknown status names, malformed entries). */
  ignored: number;
  /** The step the customer should take: that of the first failure that is not Success. */
  nextStep: EsimNextStep;
}

/** The comma-separated entries of a header, at most MAX_LPA_ERRORS, and how many more there were. */
function entries(header: string | string[] | undefined): { values: string[]; dropped: number } {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  if (text.trim() === '') return { values: [], dropped: 0 };
  const all = text.split(',', MAX_LPA_ERRORS + 1).map((v) => v.trim());
  return { values: all.slice(0, MAX_LPA_ERRORS), dropped: all.length > MAX_LPA_ERRORS ? 1 : 0 };
}

/**
 * Reads the X-MP-LPAError-* headers of a launch. Undefined when there is no error code. Every list is bounded; an
 * entry that is not a documented status name counts as Other (and in `ignored`), a malformed timestamp or ICCID is
 * left out (and counted): headers explain an earlier failure, they never refuse the launch.
 */
export function readLpaErrors(headers: Record<string, string | string[] | undefined>): LpaErrors | undefined {
  const codes = entries(headers['x-mp-lpaerror-codes']);
  if (codes.values.length === 0) return undefined;
  const times = entries(headers['x-mp-lpaerror-timestamps']);
  const iccids = entries(headers['x-mp-lpaerror-iccids']);
  let ignored = codes.dropped + times.dropped + iccids.dropped;
  const statuses = codes.values.map((v) => {
    const status = esimOperationStatus(v);
    if (!status) ignored++;
    return status ?? 'Other';
  });
  const timestamps = times.values.filter((v) => v.length <= MAX_TIMESTAMP && /^[0-9A-Za-z:/. +-]+$/.test(v));
  const profiles = iccids.values.flatMap((v) => parseIccId(v.replace(/[Ff]$/, '')) ?? []);
  ignored += times.values.length - timestamps.length + iccids.values.length - profiles.length;
  const failure = statuses.find((s) => s !== 'Success');
  return {
    codes: statuses,
    timestamps,
    iccids: profiles,
    ignored,
    nextStep: failure ? nextStepOf(failure) : 'success',
  };
}
