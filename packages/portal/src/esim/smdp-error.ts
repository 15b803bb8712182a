import { type Code, MbprovError } from '@mbprov/core';
import type { ExecutionStatusBody } from './es2plus-wire.ts';
import { SMDP_STATUS, type SmdpStatusName } from './smdp.ts';

/** What a refusal means for the portal, by the name of its subject and reason pair. */
const MEANING: Record<SmdpStatusName, { code: Code; says: string }> = {
  requesterUnknown: { code: 'MBPROV_SMDP_REFUSED', says: 'the SM-DP+ does not know the function requester' },
  requesterNotAllowed: {
    code: 'MBPROV_SMDP_REFUSED',
    says: 'the function requester may not call this function',
  },
  executionError: { code: 'MBPROV_SMDP_UNAVAILABLE', says: 'the SM-DP+ failed internally' },
  busy: { code: 'MBPROV_SMDP_UNAVAILABLE', says: 'the SM-DP+ is busy' },
  parameterInvalid: { code: 'MBPROV_SMDP_REFUSED', says: 'a parameter is invalid' },
  parameterMissing: { code: 'MBPROV_SMDP_REFUSED', says: 'a mandatory parameter is missing' },
  conditionalParameterMissing: { code: 'MBPROV_SMDP_REFUSED', says: 'a conditional parameter is missing' },
  eidInvalid: { code: 'MBPROV_SMDP_REFUSED', says: 'the EID is invalid' },
  eidOtherOrder: { code: 'MBPROV_SMDP_CONFLICT', says: 'the order is for another EID' },
  iccidInUse: { code: 'MBPROV_SMDP_CONFLICT', says: 'the ICCID is already in use' },
  iccidInvalidTransition: { code: 'MBPROV_SMDP_CONFLICT', says: "the profile's state does not allow this" },
  iccidUnknown: { code: 'MBPROV_SMDP_REFUSED', says: 'the SM-DP+ does not know the ICCID' },
  profileTypeUnavailable: { code: 'MBPROV_SMDP_CONFLICT', says: 'no profile of the type is available' },
  profileTypeUnknown: { code: 'MBPROV_SMDP_REFUSED', says: 'the profile type is unknown' },
  matchingIdInUse: { code: 'MBPROV_SMDP_CONFLICT', says: 'the matching ID is already in use' },
  matchingIdRefused: { code: 'MBPROV_SMDP_REFUSED', says: 'the matching ID is refused' },
  matchingIdOtherOrder: { code: 'MBPROV_SMDP_CONFLICT', says: 'the matching ID belongs to another order' },
  smdsUnreachable: { code: 'MBPROV_SMDP_UNAVAILABLE', says: 'the SM-DS could not be reached' },
};

/** The name of a subject and reason pair this portal knows, if it knows it. */
export function smdpStatusName(subjectCode: string, reasonCode: string): SmdpStatusName | undefined {
  return (Object.keys(SMDP_STATUS) as SmdpStatusName[]).find(
    (name) => SMDP_STATUS[name].subjectCode === subjectCode && SMDP_STATUS[name].reasonCode === reasonCode,
  );
}

/**
 * An ES2+ call that did not succeed. `outcomeUnknown` is true when the SM-DP+ may have executed it all the same
 * (no answer in time, the connection broke after the request went out): the caller must then undo what it may
 * have done. `execution` is the SM-DP+'s own refusal, when it answered one.
 */
export class SmdpError extends MbprovError {
  /** The function that failed (downloadOrder, confirmOrder, ...). */
  readonly function: string;
  /** Whether the SM-DP+ may have executed the call anyway. */
  readonly outcomeUnknown: boolean;
  /** The SM-DP+'s answer when it refused (Failed or Expired, with its subject and reason codes). */
  readonly execution?: ExecutionStatusBody;
  /** The name of the subject and reason pair, when this portal knows it. */
  readonly statusName?: SmdpStatusName;

  constructor(
    code: Code,
    fn: string,
    message: string,
    details: { outcomeUnknown: boolean; status?: ExecutionStatusBody; statusName?: SmdpStatusName },
  ) {
    super(code, `SM-DP+ ${fn}: ${message}`);
    this.name = 'SmdpError';
    this.function = fn;
    this.outcomeUnknown = details.outcomeUnknown;
    if (details.status) this.execution = details.status;
    if (details.statusName) this.statusName = details.statusName;
  }
}

/** Shortens text an SM-DP+ sent before it goes into a message (its own message may be anything). */
const shown = (text: string | undefined) =>
  text === undefined ? '' : ` "${text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}"`;

/**
 * The error of an answer that is not a success: Expired and the busy or failing SM-DP+ are worth a retry
 * (MBPROV_SMDP_UNAVAILABLE); the refusals by state are conflicts (MBPROV_SMDP_CONFLICT); every other pair, known or
 * not, is a refusal the operator must look at (MBPROV_SMDP_REFUSED). The message names the pair and what it means.
 */
export function refusalOf(fn: string, status: ExecutionStatusBody): SmdpError {
  const data = status.statusCodeData;
  if (status.status === 'Expired')
    return new SmdpError('MBPROV_SMDP_UNAVAILABLE', fn, `the request expired${shown(data?.message)}`, {
      outcomeUnknown: false,
      status,
    });
  const name = data ? smdpStatusName(data.subjectCode, data.reasonCode) : undefined;
  const pair = data ? `${data.subjectCode}/${data.reasonCode}` : 'without status code data';
  const meaning = name ? MEANING[name] : undefined;
  return new SmdpError(
    meaning?.code ?? 'MBPROV_SMDP_REFUSED',
    fn,
    `Failed ${pair}${meaning ? ` (${meaning.says})` : ''}${shown(data?.message)}`,
    { outcomeUnknown: false, status, ...(name ? { statusName: name } : {}) },
  );
}
