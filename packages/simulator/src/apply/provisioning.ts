import { addDays } from '../duration.ts';
import { HRESULT } from '../hresult.ts';
import type { ProvisioningResult } from '../results.ts';
import type { ApplyContext } from './context.ts';

/**
 * Provisioning: TrustedCertificates replace the certificates this carrier's later documents may be signed with;
 * RefreshParameters schedule a refresh DelayInDays after now (without DelayInDays only an SMS trigger refreshes)
 * and keep the HTTP Basic credentials (Windows stores them encrypted; the simulator keeps them in its state).
 */
export function applyProvisioning(ctx: ApplyContext): ProvisioningResult['Provisioning'] {
  const p = ctx.doc.Provisioning;
  if (!p) return undefined;
  const out: NonNullable<ProvisioningResult['Provisioning']> = {};
  if (p.TrustedCertificates) {
    ctx.carrier.TrustedCertificates = p.TrustedCertificates.TrustedCertificate;
    out.TrustedCertificate = { name: 'TrustedCertificates', errorCode: HRESULT.S_OK };
  }
  const refresh = p.RefreshParameters;
  if (refresh) {
    ctx.carrier.refresh = {
      RefreshURL: refresh.RefreshURL,
      ...(refresh.UserName !== undefined ? { UserName: refresh.UserName } : {}),
      ...(refresh.Password !== undefined ? { Password: refresh.Password } : {}),
      ...(refresh.DelayInDays !== undefined
        ? { DelayInDays: refresh.DelayInDays, dueAt: addDays(ctx.now, refresh.DelayInDays).toISOString() }
        : {}),
    };
    out.RefreshParameters = { name: 'RefreshParameters', errorCode: HRESULT.S_OK };
  }
  return out;
}
