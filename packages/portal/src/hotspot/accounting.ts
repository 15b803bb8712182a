import type { PortalContext } from '../context.ts';
import { applyAccountingRecord, stopNasSessions } from '../storage/radius-sessions.ts';
import { radiusUser } from '../storage/radius-users.ts';
import { requestDisconnects } from './disconnect.ts';
import { count, octets, type RestAttributeMap, required, text } from './rest-attributes.ts';
import { acceptedRealms, hotspotUserName } from './user-name.ts';

/** What an accounting record did (the rest module answers 200 for all: FreeRADIUS then acknowledges it). */
export type AccountingAnswer =
  | { result: 'applied'; octets: number; usageMegabytes: number; exhausted: boolean }
  /** A repeated or older record, no new octets, or no plan to count them against: nothing changed but the session. */
  | { result: 'unchanged' }
  /** A user name that is no subscriber's: nothing is stored (anonymous traffic grows no table). */
  | { result: 'unknown-user' }
  /** Accounting-On or -Off: the NAS restarted, its open sessions are closed. */
  | { result: 'nas-restart'; closed: number }
  /** A status this does not account (Failed, tunnel records). */
  | { result: 'ignored' };

/** Acct-Status-Type by name (rest's default) or number (`raw_value = yes`), RFC 2866 5.1. */
const STATUS: Record<string, 'start' | 'stop' | 'interim' | 'on' | 'off'> = {
  Start: 'start',
  '1': 'start',
  Stop: 'stop',
  '2': 'stop',
  'Interim-Update': 'interim',
  Alive: 'interim',
  '3': 'interim',
  'Accounting-On': 'on',
  '7': 'on',
  'Accounting-Off': 'off',
  '8': 'off',
};

/** The NAS a record comes from: its NAS-Identifier, else its address (RFC 2865 requires one of them). */
function nasOf(attributes: RestAttributeMap): string {
  const identifier = text(attributes, 'NAS-Identifier');
  if (identifier) return `id:${identifier}`;
  const address = text(attributes, 'NAS-IP-Address') ?? text(attributes, 'NAS-IPv6-Address');
  return `ip:${address ?? required(attributes, 'NAS-IP-Address')}`;
}

/**
 * Applies an accounting record FreeRADIUS posted: Start, Interim-Update and Stop add the session's new octets (input
 * and output, Gigawords included) to the subscriber's current plan, once, and never backwards
 * (storage/radius-sessions.ts); Accounting-On/Off closes the NAS's open sessions. A malformed record (no
 * Acct-Session-Id, a counter out of range) is refused before anything is written.
 */
export async function account(ctx: PortalContext, attributes: RestAttributeMap): Promise<AccountingAnswer> {
  const kind = STATUS[required(attributes, 'Acct-Status-Type')];
  const nas = nasOf(attributes);
  const now = ctx.clock().toISOString();
  if (kind === 'on' || kind === 'off') {
    const closed = await stopNasSessions(
      ctx.store.db,
      nas,
      kind === 'on' ? 'NAS-Reboot' : 'NAS-Request',
      now,
    );
    return { result: 'nas-restart', closed };
  }
  if (!kind) return { result: 'ignored' };
  const userName = required(attributes, 'User-Name');
  const sessionId = required(attributes, 'Acct-Session-Id');
  const input = octets(attributes, 'Input');
  const output = octets(attributes, 'Output');
  const sessionTime = attributes['Acct-Session-Time'] ? count(attributes, 'Acct-Session-Time') : null;
  const name = hotspotUserName(userName, acceptedRealms(ctx.config));
  const user = name ? await radiusUser(ctx.store.db, name) : undefined;
  if (!user) return { result: 'unknown-user' };
  const outcome = await applyAccountingRecord(
    ctx.store,
    {
      nas,
      sessionId,
      subscriberId: user.subscriberId,
      userName,
      kind,
      nasIpAddress: text(attributes, 'NAS-IP-Address') ?? text(attributes, 'NAS-IPv6-Address') ?? null,
      nasIdentifier: text(attributes, 'NAS-Identifier') ?? null,
      framedIpAddress: text(attributes, 'Framed-IP-Address') ?? null,
      callingStationId: text(attributes, 'Calling-Station-Id') ?? null,
      calledStationId: text(attributes, 'Called-Station-Id') ?? null,
      uniqueSessionId: text(attributes, 'Acct-Unique-Session-Id') ?? null,
      inputOctets: input,
      outputOctets: output,
      sessionTime,
      terminateCause: text(attributes, 'Acct-Terminate-Cause') ?? null,
    },
    now,
  );
  if (outcome.status === 'applied' && outcome.exhausted)
    await requestDisconnects(ctx, [user.subscriberId], 'exhausted');
  return outcome.status === 'applied'
    ? {
        result: 'applied',
        octets: outcome.octets,
        usageMegabytes: outcome.usageMb,
        exhausted: outcome.exhausted,
      }
    : { result: 'unchanged' };
}
