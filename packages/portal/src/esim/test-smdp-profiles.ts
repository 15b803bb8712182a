import { randomInt } from 'node:crypto';
import { type ExecutionStatusBody, unpaddedIccid } from './es2plus-wire.ts';
import { SMDP_STATUS, type SmdpStatusName } from './smdp.ts';

/**
 * The profile states an SM-DP+ keeps per ICCID (SGP.22 3.1.1 and 5.3): Available → Allocated (DownloadOrder without
 * EID) or Linked (with EID) → Confirmed (ConfirmOrder) or Released (ConfirmOrder with releaseFlag, or
 * ReleaseProfile) → Downloaded (the device fetched the bound package) → Installed (the eUICC reported success) or
 * Error; CancelOrder before the download makes it Available again or Unavailable.
 */
export type SmdpProfileState =
  | 'Available'
  | 'Allocated'
  | 'Linked'
  | 'Confirmed'
  | 'Released'
  | 'Downloaded'
  | 'Installed'
  | 'Error'
  | 'Unavailable';

/** One profile of the test SM-DP+. */
export interface SmdpProfile {
  iccid: string;
  profileType: string;
  state: SmdpProfileState;
  eid?: string;
  matchingId?: string;
}

/** A refusal as the SM-DP+ answers it: Failed with a known subject and reason pair. */
export class Refusal extends Error {
  constructor(
    readonly statusName: SmdpStatusName,
    message: string,
  ) {
    super(message);
  }

  /** The functionExecutionStatus of the answer. */
  get execution(): ExecutionStatusBody {
    return { status: 'Failed', statusCodeData: { ...SMDP_STATUS[this.statusName], message: this.message } };
  }
}

/** States from which an order may still be cancelled: ordered, not yet downloaded. */
const CANCELLABLE: readonly SmdpProfileState[] = ['Allocated', 'Linked', 'Confirmed', 'Released'];

/** A matching ID as SM-DP+s generate them: four groups of five characters of 0-9 and A-Z. */
function newMatchingId(): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from({ length: 4 }, () =>
    Array.from({ length: 5 }, () => chars[randomInt(chars.length)]).join(''),
  ).join('-');
}

/** The profile inventory of the test SM-DP+ and the ES2+ functions' effect on it; every refusal changes nothing. */
export class SmdpProfiles {
  private readonly byIccid = new Map<string, SmdpProfile>();

  /** Adds profiles in state Available (an ICCID it has already is left as it is). */
  add(profiles: ReadonlyArray<{ iccid: string; profileType?: string }>): void {
    for (const p of profiles)
      if (!this.byIccid.has(p.iccid))
        this.byIccid.set(p.iccid, {
          iccid: p.iccid,
          profileType: p.profileType ?? 'default',
          state: 'Available',
        });
  }

  /** A copy of every profile. */
  list(): SmdpProfile[] {
    return [...this.byIccid.values()].map((p) => ({ ...p }));
  }

  /** A copy of one profile. */
  get(iccid: string): SmdpProfile | undefined {
    const p = this.byIccid.get(unpaddedIccid(iccid));
    return p && { ...p };
  }

  private known(iccid: string): SmdpProfile {
    const p = this.byIccid.get(unpaddedIccid(iccid));
    if (!p) throw new Refusal('iccidUnknown', `ICCID ${iccid} is unknown`);
    return p;
  }

  private sameEid(p: SmdpProfile, eid: string | undefined): void {
    if (eid !== undefined && p.eid !== undefined && p.eid !== eid)
      throw new Refusal('eidOtherOrder', 'the EID is not the one of the order');
  }

  /** DownloadOrder: the given ICCID, or the first Available profile of the type. */
  downloadOrder(input: { eid?: string; iccid?: string; profileType?: string }): SmdpProfile {
    let p: SmdpProfile;
    if (input.iccid !== undefined) {
      p = this.known(input.iccid);
      if (input.profileType !== undefined && input.profileType !== p.profileType)
        throw new Refusal('parameterInvalid', 'profileType is not the type of the ICCID');
      if (p.state !== 'Available') throw new Refusal('iccidInUse', `ICCID ${input.iccid} is ${p.state}`);
    } else if (input.profileType !== undefined) {
      const ofType = [...this.byIccid.values()].filter((q) => q.profileType === input.profileType);
      if (ofType.length === 0) throw new Refusal('profileTypeUnknown', 'the profile type is unknown');
      const free = ofType.find((q) => q.state === 'Available');
      if (!free) throw new Refusal('profileTypeUnavailable', 'no profile of the type is available');
      p = free;
    } else throw new Refusal('conditionalParameterMissing', 'iccid or profileType is required');
    p.state = input.eid ? 'Linked' : 'Allocated';
    if (input.eid) p.eid = input.eid;
    return { ...p };
  }

  /** ConfirmOrder: links the order to a matching ID (generated when none is given), released with releaseFlag. */
  confirmOrder(input: {
    iccid: string;
    eid?: string;
    matchingId?: string;
    smdsAddress?: string;
    releaseFlag: boolean;
  }): SmdpProfile {
    const p = this.known(input.iccid);
    if (p.state !== 'Allocated' && p.state !== 'Linked')
      throw new Refusal(
        'iccidInvalidTransition',
        `ICCID ${input.iccid} is ${p.state}, not Allocated or Linked`,
      );
    this.sameEid(p, input.eid);
    if (input.smdsAddress !== undefined)
      throw new Refusal('smdsUnreachable', 'the test SM-DP+ has no SM-DS to register an event with');
    const taken = (id: string) => [...this.byIccid.values()].some((q) => q !== p && q.matchingId === id);
    if (input.matchingId !== undefined && taken(input.matchingId))
      throw new Refusal('matchingIdInUse', 'the matching ID is used by another order');
    let matchingId = input.matchingId;
    while (matchingId === undefined || taken(matchingId)) matchingId = newMatchingId();
    p.matchingId = matchingId;
    if (input.eid) p.eid = input.eid;
    p.state = input.releaseFlag ? 'Released' : 'Confirmed';
    return { ...p };
  }

  /** CancelOrder: an order not downloaded yet ends; the profile becomes Available again (or Unavailable). */
  cancelOrder(input: {
    iccid: string;
    eid?: string;
    matchingId?: string;
    finalProfileStatusIndicator: 'Available' | 'Unavailable';
  }): SmdpProfile {
    const p = this.known(input.iccid);
    if (!CANCELLABLE.includes(p.state))
      throw new Refusal('iccidInvalidTransition', `ICCID ${input.iccid} is ${p.state}: nothing to cancel`);
    this.sameEid(p, input.eid);
    if (input.matchingId !== undefined && input.matchingId !== p.matchingId)
      throw new Refusal('matchingIdOtherOrder', 'the matching ID is not the one of the order');
    p.state = input.finalProfileStatusIndicator;
    delete p.eid;
    delete p.matchingId;
    return { ...p };
  }

  /** ReleaseProfile: a confirmed order becomes downloadable. */
  releaseProfile(input: { iccid: string }): SmdpProfile {
    const p = this.known(input.iccid);
    if (p.state !== 'Confirmed')
      throw new Refusal('iccidInvalidTransition', `ICCID ${input.iccid} is ${p.state}, not Confirmed`);
    p.state = 'Released';
    return { ...p };
  }

  /**
   * The device's side (ES9+ through the LPA): the eUICC `eid` presents `matchingId`; a released order for it (or for
   * any EID) moves to Downloaded. Throws what the SM-DP+ would answer the LPA when no such order is released.
   */
  download(matchingId: string, eid: string): SmdpProfile {
    const p = [...this.byIccid.values()].find((q) => q.matchingId === matchingId);
    if (p?.state !== 'Released')
      throw new Refusal('matchingIdRefused', 'no released order for the matching ID');
    this.sameEid(p, eid);
    p.eid = eid;
    p.state = 'Downloaded';
    return { ...p };
  }

  /** The eUICC's installation result: Installed, or Error. */
  installed(iccid: string, ok: boolean): SmdpProfile {
    const p = this.known(iccid);
    p.state = ok ? 'Installed' : 'Error';
    return { ...p };
  }
}
