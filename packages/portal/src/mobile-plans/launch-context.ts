import type { FastifyReply, FastifyRequest } from 'fastify';
import { EID } from '../identifiers/eid.ts';

/** The signed cookie carrying a Mobile Plans launch across the portal's pages and the hosted checkout. */
export const MOBILE_PLANS_COOKIE = 'mbprov_mp';

/**
 * What the portal keeps of a Mobile Plans launch until the flow ends: which kind of SIM, the app's transactionId
 * (echoed in every notification), the EID, the installed profile or SIM the purchase is for, and the subscriber once
 * there is one. Signed by the portal (HMAC, @fastify/cookie), so a page never trusts these from the query.
 */
export interface MobilePlansContext {
  kind: 'esim' | 'physical';
  transactionId?: string;
  /** The eSIM's EID (kind esim). */
  eid?: string;
  /** The physical SIM, or the eSIM profile already installed that the purchase tops up; absent for a new eSIM line. */
  iccid?: string;
  /** The subscriber of the launch; absent for a new eSIM customer until the purchase starts. */
  subscriberId?: string;
}

/** Each field's allowed form: what a context read back must match (the signature already rules out forgery). */
const FIELDS: Record<keyof MobilePlansContext, RegExp> = {
  kind: /^(esim|physical)$/,
  transactionId: /^[\x21-\x7e]{1,64}$/,
  eid: EID,
  iccid: /^\d{19,20}$/,
  subscriberId: /^[0-9a-f-]{36}$/,
};

/** Remembers the launch in this browser: a session cookie, signed, HttpOnly, Secure, SameSite=Lax. */
export function rememberMobilePlans(reply: FastifyReply, context: MobilePlansContext): void {
  reply.setCookie(MOBILE_PLANS_COOKIE, Buffer.from(JSON.stringify(context)).toString('base64url'), {
    path: '/',
    signed: true,
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
  });
}

/** The launch this browser came with, if its cookie is present, signed by us and well-formed. */
export function mobilePlansContext(request: FastifyRequest): MobilePlansContext | undefined {
  const raw = request.cookies[MOBILE_PLANS_COOKIE];
  if (!raw || raw.length > 1024) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed as Record<string, unknown>);
  const valid = entries.every(([key, value]) => {
    const pattern = FIELDS[key as keyof MobilePlansContext];
    return pattern !== undefined && typeof value === 'string' && pattern.test(value);
  });
  return valid && 'kind' in parsed ? (parsed as MobilePlansContext) : undefined;
}

/** Forgets the launch (the flow ended: cancelled, or the customer left). */
export function forgetMobilePlans(reply: FastifyReply): void {
  reply.clearCookie(MOBILE_PLANS_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}
