import { MbprovError, parseDocument } from '@mbprov/core';
import { addDays } from './duration.ts';
import type { ProvisionOutcome } from './machine.ts';
import type { RefreshSchedule } from './state.ts';

/** The HTTP client a refresh uses: `fetch` fits; tests pass one that trusts their test TLS certificate. */
export type RefreshFetch = (
  url: string,
  init: { method: 'GET'; headers: Record<string, string> },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** What one refresh attempt did. */
export interface RefreshAttempt {
  carrierId: string;
  url: string;
  /** Why it ran: the DelayInDays timer or an SMS RefreshProvisioning trigger. */
  reason: 'timer' | 'sms';
  /** HTTP status, when the server answered. */
  status?: number;
  /** The server said the document did not change (ETag). */
  notModified?: boolean;
  /** The applied document's outcome. */
  outcome?: ProvisionOutcome;
  /** Why it failed. */
  error?: { code: string; message: string };
  /** When the next timed refresh is due. */
  nextDueAt?: string;
}

/** Days before retrying after a failed refresh (the documents are silent; Windows retries later, not in a loop). */
export const REFRESH_RETRY_DAYS = 1;

/** The request headers of a refresh: HTTP Basic credentials and the ETag of the last document. */
export function refreshHeaders(schedule: RefreshSchedule & { etag?: string }): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/xml, text/xml' };
  if (schedule.UserName !== undefined) {
    const credentials = Buffer.from(`${schedule.UserName}:${schedule.Password ?? ''}`, 'utf8').toString(
      'base64',
    );
    headers.Authorization = `Basic ${credentials}`;
  }
  if (schedule.etag) headers['If-None-Match'] = schedule.etag;
  return headers;
}

/** Refuses a refreshed document that belongs to another carrier than the one whose RefreshURL served it. */
export function checkRefreshedCarrier(body: string, carrierId: string): void {
  // Not validated yet (the PC validates it when applying it): any part of the model may be missing.
  const id = parseDocument(body).model?.Global?.CarrierId?.toLowerCase();
  if (id !== undefined && id !== carrierId) {
    throw new MbprovError(
      'MBPROV_SIM_REFRESH_CARRIER_MISMATCH',
      `The RefreshURL of ${carrierId} served a document of carrier ${id}.`,
    );
  }
}

/** The next timed refresh after a successful (or not-modified) one. */
export function nextDue(now: Date, schedule: RefreshSchedule | undefined): string | undefined {
  return schedule?.DelayInDays !== undefined ? addDays(now, schedule.DelayInDays).toISOString() : undefined;
}
