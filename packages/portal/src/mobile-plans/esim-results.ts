/**
 * The results the Mobile Plans app reports about eSIM operations, and what the customer reads for each: the values of
 * MobilePlansActivationError (the profileActivationCompleteScript's activationResult) and of the WinRT
 * ESimOperationStatus enumeration (the X-MP-LPAError-Codes header of the next launch, PascalCase), which share their
 * first 24 names. Each value has one next step: the pages and the script show that step's sentence.
 */

/** What the customer can do about a result. */
export type EsimNextStep = 'success' | 'retry' | 'free-space' | 'code' | 'device' | 'support';

/** Every documented MobilePlansActivationError value with its next step, in the documentation's order. */
export const ACTIVATION_RESULTS = {
  success: 'success',
  notAuthorized: 'support',
  notFound: 'support',
  policyViolation: 'support',
  insufficientSpaceOnCard: 'free-space',
  serverFailure: 'retry',
  serverNotReachable: 'retry',
  timeoutWaitingForUserConsent: 'retry',
  incorrectConfirmationCode: 'code',
  confirmationCodeMaxRetriesExceeded: 'support',
  cardRemoved: 'device',
  cardBusy: 'retry',
  other: 'support',
  cardGeneralFailure: 'device',
  confirmationCodeMissing: 'code',
  invalidMatchingId: 'support',
  noEligibleProfileForThisDevice: 'support',
  operationAborted: 'retry',
  eidMismatch: 'support',
  profileNotAvailableForNewBinding: 'support',
  profileNotReleasedByOperator: 'support',
  operationProhibitedByProfileClass: 'support',
  profileNotPresent: 'support',
  noCorrespondingRequest: 'retry',
  unknownError: 'support',
  lpaInitializationError: 'retry',
  modemNotFound: 'device',
  localSettingsAccessFailed: 'retry',
  invalidJson: 'support',
  invalidActivationCode: 'support',
  invalidIccid: 'support',
} as const satisfies Record<string, EsimNextStep>;

/** A MobilePlansActivationError value. */
export type ActivationResult = keyof typeof ACTIVATION_RESULTS;

/** The WinRT ESimOperationStatus names (PascalCase), which the X-MP-LPAError-Codes header carries. */
export const ESIM_OPERATION_STATUSES = [
  'Success',
  'NotAuthorized',
  'NotFound',
  'PolicyViolation',
  'InsufficientSpaceOnCard',
  'ServerFailure',
  'ServerNotReachable',
  'TimeoutWaitingForUserConsent',
  'IncorrectConfirmationCode',
  'ConfirmationCodeMaxRetriesExceeded',
  'CardRemoved',
  'CardBusy',
  'Other',
  'CardGeneralFailure',
  'ConfirmationCodeMissing',
  'InvalidMatchingId',
  'NoEligibleProfileForThisDevice',
  'OperationAborted',
  'EidMismatch',
  'ProfileNotAvailableForNewBinding',
  'ProfileNotReleasedByOperator',
  'OperationProhibitedByProfileClass',
  'ProfileNotPresent',
  'NoCorrespondingRequest',
] as const;

/** An ESimOperationStatus name. */
export type EsimOperationStatus = (typeof ESIM_OPERATION_STATUSES)[number];

const BY_LOWER = new Map<string, EsimOperationStatus>(
  ESIM_OPERATION_STATUSES.map((s) => [s.toLowerCase(), s]),
);

/** The ESimOperationStatus a header entry names (compared without case), or undefined for any other text. */
export function esimOperationStatus(value: string): EsimOperationStatus | undefined {
  return BY_LOWER.get(value.trim().toLowerCase());
}

/** The next step of an ESimOperationStatus: that of the activation result of the same name. */
export function nextStepOf(status: EsimOperationStatus): EsimNextStep {
  const name = `${status[0]?.toLowerCase()}${status.slice(1)}` as ActivationResult;
  return ACTIVATION_RESULTS[name];
}

/** Every documented MobilePlansNetworkRegistrationState value, with what the page says about it. */
export const REGISTRATION_STATES = {
  none: 'waiting',
  deregistered: 'waiting',
  searching: 'searching',
  home: 'connected',
  roaming: 'connected',
  partner: 'connected',
  denied: 'denied',
} as const;

/** What the page says about a network registration state. */
export type RegistrationNote = (typeof REGISTRATION_STATES)[keyof typeof REGISTRATION_STATES];
