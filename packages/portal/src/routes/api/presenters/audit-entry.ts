import { type Static, Type } from '@sinclair/typebox';
import type { AuditEntry } from '../../../storage/audit.ts';

/** A change made through the back office, as the audit log answers it. */
export const AuditEntryAnswer = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'The name of the API key that made the change.' }),
  action: Type.String({ description: 'e.g. plan.update, sims.import, subscriber.suspend.' }),
  target: Type.String({ description: 'What changed: a plan or subscriber id, inventory, all-active.' }),
  details: Type.Object(
    {},
    {
      additionalProperties: true,
      description:
        'What the change said, as the request spelled it (a plan change: its body); never secrets.',
    },
  ),
});
/** An audit entry as the API answers it. */
export type AuditEntryAnswer = Static<typeof AuditEntryAnswer>;

/** The API shape of a recorded change (its details are stored as JSON text). */
export function presentAuditEntry(entry: AuditEntry): AuditEntryAnswer {
  return {
    id: entry.id,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: JSON.parse(entry.details) as AuditEntryAnswer['details'],
  };
}
