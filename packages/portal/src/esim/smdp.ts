import type { StatusCodeData } from './es2plus-wire.ts';

/**
 * The operator's SM-DP+ as the portal uses it: the four ES2+ functions of GSMA SGP.22 section 5.3 that prepare a
 * profile for download. One real implementation speaks ES2+ over mutually authenticated HTTPS (es2plus-client.ts);
 * the test SM-DP+ (test-smdp.ts) answers it on loopback. Every method resolves on Executed-Success (or
 * Executed-WithWarning) and otherwise throws an {@link SmdpError} (smdp-error.ts).
 */
export interface Smdp {
  /** Reserves a profile: the given ICCID, or one of `profileType`; for `eid` when given. Answers its ICCID. */
  downloadOrder(input: { eid?: string; iccid?: string; profileType?: string }): Promise<{ iccid: string }>;
  /**
   * Links the reserved profile to an EID and a matching ID (the SM-DP+ generates one when none is given) and, with
   * `releaseFlag`, releases it for download. Answers the matching ID, and the SM-DP+ address when it gives one.
   */
  confirmOrder(input: ConfirmOrderInput): Promise<{ matchingId: string; eid?: string; smdpAddress?: string }>;
  /** Ends an order that was not downloaded; the profile becomes Available again, or Unavailable. */
  cancelOrder(input: {
    iccid: string;
    eid?: string;
    matchingId?: string;
    finalProfileStatusIndicator: 'Available' | 'Unavailable';
  }): Promise<void>;
  /** Releases a confirmed order (ConfirmOrder without releaseFlag) for download. */
  releaseProfile(input: { iccid: string }): Promise<void>;
}

/** What ConfirmOrder takes. */
export interface ConfirmOrderInput {
  iccid: string;
  eid?: string;
  matchingId?: string;
  confirmationCode?: string;
  smdsAddress?: string;
  releaseFlag: boolean;
}

/** The subject and reason codes this portal knows, by what they mean (SGP.22 5.1.6 and the ES2+ functions of 5.3). */
export const SMDP_STATUS = {
  requesterUnknown: { subjectCode: '1.1', reasonCode: '1.1' },
  requesterNotAllowed: { subjectCode: '1.1', reasonCode: '1.2' },
  executionError: { subjectCode: '1.2', reasonCode: '4.2' },
  busy: { subjectCode: '1.2', reasonCode: '4.4' },
  parameterInvalid: { subjectCode: '1.6', reasonCode: '2.1' },
  parameterMissing: { subjectCode: '1.6', reasonCode: '2.2' },
  conditionalParameterMissing: { subjectCode: '1.6', reasonCode: '2.3' },
  eidInvalid: { subjectCode: '8.1.1', reasonCode: '2.1' },
  eidOtherOrder: { subjectCode: '8.1.1', reasonCode: '3.10' },
  iccidInUse: { subjectCode: '8.2.1', reasonCode: '3.3' },
  iccidInvalidTransition: { subjectCode: '8.2.1', reasonCode: '3.5' },
  iccidUnknown: { subjectCode: '8.2.1', reasonCode: '3.9' },
  profileTypeUnavailable: { subjectCode: '8.2.5', reasonCode: '3.7' },
  profileTypeUnknown: { subjectCode: '8.2.5', reasonCode: '3.9' },
  matchingIdInUse: { subjectCode: '8.2.6', reasonCode: '3.3' },
  matchingIdRefused: { subjectCode: '8.2.6', reasonCode: '3.8' },
  matchingIdOtherOrder: { subjectCode: '8.2.6', reasonCode: '3.10' },
  smdsUnreachable: { subjectCode: '8.9', reasonCode: '5.1' },
} as const satisfies Record<string, Pick<StatusCodeData, 'subjectCode' | 'reasonCode'>>;
/** A named subject and reason pair. */
export type SmdpStatusName = keyof typeof SMDP_STATUS;
