/**
 * @mbprov/simulator: a model of the Windows mobile broadband provisioning engine, to test provisioning documents,
 * portals and refresh servers without Windows. Rules and their sources: docs/simulator.md.
 */
export { addDays, addDuration, parseDuration } from './duration.ts';
export { HRESULT, type HResult, succeeded } from './hresult.ts';
export { type HttpsFetchOptions, httpsRefreshFetch } from './https-fetch.ts';
export { Machine, type ProvisionOptions, type ProvisionOutcome } from './machine.ts';
export { type IncomingMessage, type MessageOutcome, receiveMessage } from './messages.ts';
export { REFRESH_RETRY_DAYS, type RefreshAttempt, type RefreshFetch, refreshHeaders } from './refresh.ts';
export {
  failedSection,
  fullySucceeded,
  type ItemResult,
  type MBNProfilesResult,
  type ProvisioningResult,
  RESULTS_V1,
  RESULTS_V2,
  type ResultsVersion,
  type ResultXmlOptions,
  resultToXml,
  type SectionResult,
  type SignatureResult,
} from './results.ts';
export * from './state.ts';
export { type AcceptedSigner, type ConsentPrompt, checkSignature, type Source } from './trust.ts';
