import { accessReason, type PolicyReason } from '../backoffice/policy.ts';
import type { PortalContext } from '../context.ts';
import { radiusUser } from '../storage/radius-users.ts';
import { acceptedRealms, hotspotUserName } from './user-name.ts';

/** Why authorize lets a user name authenticate or not: the walled garden's reasons, and unknown. */
export type AuthorizeReason = Exclude<PolicyReason, 'unknown-sim'> | 'unknown';

/** What authorize answers FreeRADIUS. */
export type AuthorizeAnswer =
  | {
      reason: 'active';
      /** The subscriber's hotspot password (derived, never stored): FreeRADIUS checks PAP, CHAP, MS-CHAP with it. */
      password: string;
      /** Seconds until the plan ends (at least 1): the NAS ends the session then. */
      sessionTimeout: number;
      /** How often the NAS sends Interim-Update records (radius.interimIntervalSeconds). */
      interimInterval: number;
    }
  | { reason: Exclude<AuthorizeReason, 'active'>; message: string };

/** The Reply-Message of a refusal: what the NAS may show the user (English: RADIUS carries no language). */
function refusal(ctx: PortalContext, reason: Exclude<AuthorizeReason, 'active'>): string {
  const buy = `Buy a plan at ${ctx.config.server.publicUrl}/`;
  switch (reason) {
    case 'unknown':
      return 'Unknown user name.';
    case 'suspended':
      return 'This account is suspended; contact support.';
    case 'expired':
      return `Your plan has ended. ${buy}`;
    case 'exhausted':
      return `Your plan has no data left. ${buy}`;
    case 'no-plan':
      return `You have no plan. ${buy}`;
  }
}

/**
 * Decides a RADIUS Access-Request's User-Name as the walled garden decides a subscriber (backoffice/policy.ts
 * accessReason): an active plan answers the subscriber's hotspot password, for FreeRADIUS to check the password
 * itself; anything else is a refusal. The user is looked up in one statement whether or not it exists, and the
 * password is derived (one HMAC) for unknown names too, so that the time taken tells little about which names exist.
 */
export async function authorize(ctx: PortalContext, userName: string): Promise<AuthorizeAnswer> {
  const name = hotspotUserName(userName, acceptedRealms(ctx.config));
  const user = await radiusUser(ctx.store.db, name ?? '');
  const password = ctx.secrets.hotspotPassword(user?.subscriberId ?? 'no such subscriber');
  const now = ctx.clock();
  const reason: AuthorizeReason = user && name ? accessReason(user, now.toISOString()) : 'unknown';
  // An active reason implies a current subscription; the second test is for the type checker.
  if (reason !== 'active' || !user?.current) {
    const refused = reason === 'active' ? 'no-plan' : reason;
    return { reason: refused, message: refusal(ctx, refused) };
  }
  const endsAt = Date.parse(user.current.ends_at);
  return {
    reason,
    password,
    sessionTimeout: Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000)),
    interimInterval: ctx.config.radius.interimIntervalSeconds,
  };
}
