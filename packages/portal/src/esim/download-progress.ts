import type { PortalContext } from '../context.ts';
import { wireProblem } from '../http/wire-problem.ts';
import { advanceEsimProfile, esimProfileByIccid } from '../storage/esim-profiles.ts';
import type { EsimProfileState } from '../storage/schema.ts';
import {
  type ExecutionStatusBody,
  HandleDownloadProgressInfoRequest,
  NOTIFICATION_POINTS,
  unpaddedIccid,
} from './es2plus-wire.ts';
import { SMDP_STATUS, type SmdpStatusName } from './smdp.ts';

const failed = (name: SmdpStatusName, message: string): ExecutionStatusBody => ({
  status: 'Failed',
  statusCodeData: { ...SMDP_STATUS[name], message },
});
const SUCCESS: ExecutionStatusBody = { status: 'Executed-Success' };

/** Where each reported step moves a profile, and from which states (later states are never undone). */
const STEPS: Record<'downloaded' | 'installed' | 'failed', EsimProfileState[]> = {
  downloaded: ['ordering', 'released'],
  installed: ['ordering', 'released', 'downloaded'],
  failed: ['ordering', 'released', 'downloaded'],
};

/**
 * Applies an ES2+ HandleDownloadProgressInfo notification (SGP.22 5.3.5) from the SM-DP+ and answers the status of
 * the function: the body is checked against the message definition first (1.6/2.1 or 2.2), then the ICCID must be
 * a profile of the inventory (8.2.1/3.9) and the EID its order's (8.1.1/3.10); a refusal writes nothing. A
 * successful BPP download (point 3) makes the profile downloaded, the installation result (point 4) installed, or
 * failed with the eUICC's subject and reason codes. Profiles only move forward, so a repeated or late notification
 * changes nothing and still answers success (the SM-DP+ may retry a notification it saw no answer to). The other
 * points (eligibility, confirmation failure: the device may retry) are acknowledged and logged.
 */
export async function applyDownloadProgress(ctx: PortalContext, body: unknown): Promise<ExecutionStatusBody> {
  const problem = wireProblem(HandleDownloadProgressInfoRequest, body);
  if (problem)
    return failed(/required/i.test(problem) ? 'parameterMissing' : 'parameterInvalid', problem.slice(0, 300));
  const note = body as HandleDownloadProgressInfoRequest;
  const iccid = unpaddedIccid(note.iccid);
  const profile = await esimProfileByIccid(ctx.store.db, iccid);
  if (!profile) return failed('iccidUnknown', 'the ICCID is not a profile of this operator');
  if (note.eid !== undefined && profile.eid !== null && note.eid !== profile.eid)
    return failed('eidOtherOrder', 'the EID is not the one of the order');
  const ok = note.notificationPointStatus.status === 'Executed-Success';
  const point = note.notificationPointId;
  const now = ctx.clock().toISOString();
  const data = note.notificationPointStatus.statusCodeData;
  let step: keyof typeof STEPS | undefined;
  if (point === NOTIFICATION_POINTS.download && ok) step = 'downloaded';
  else if (point === NOTIFICATION_POINTS.installation) step = ok ? 'installed' : 'failed';
  const changed = step
    ? await advanceEsimProfile(
        ctx.store.db,
        iccid,
        step,
        STEPS[step],
        now,
        `installation ${note.notificationPointStatus.status}${data ? ` ${data.subjectCode}/${data.reasonCode}` : ''}`,
      )
    : false;
  ctx.log.info(
    { iccid, notificationPointId: point, status: note.notificationPointStatus.status, changed },
    'eSIM download progress',
  );
  return SUCCESS;
}
