import { BoundedMemo } from '../certificates/cache.ts';
import { ROOT, type Rule, step } from './rule.ts';

/** RefreshParameters and TrustedCertificates. */
export const provisioningRules: Rule = (doc, report) => {
  const p = doc.Provisioning;
  const refresh = p?.RefreshParameters;
  if (refresh) {
    const at = `${ROOT}/Provisioning/RefreshParameters`;
    if (refresh.RefreshURL !== undefined && !isHttpsUrl(refresh.RefreshURL)) {
      report(
        'MBPROV_REFRESH_URL_NOT_HTTPS',
        `RefreshURL "${refresh.RefreshURL}" must be an https:// URL with a host.`,
        `${at}/RefreshURL`,
      );
    }
    if (refresh.DelayInDays !== undefined && (refresh.DelayInDays < 1 || refresh.DelayInDays > 730)) {
      report(
        'MBPROV_REFRESH_DELAY_RANGE',
        `DelayInDays is ${refresh.DelayInDays}; it must be 1 to 730.`,
        `${at}/DelayInDays`,
      );
    }
    if (refresh.Password !== undefined && refresh.UserName === undefined) {
      report(
        'MBPROV_REFRESH_PASSWORD_WITHOUT_USER',
        'RefreshParameters has a Password but no UserName.',
        `${at}/Password`,
      );
    }
    if (refresh.UserName !== undefined && refresh.Password === undefined) {
      report(
        'MBPROV_REFRESH_USER_WITHOUT_PASSWORD',
        'RefreshParameters has a UserName but no Password.',
        `${at}/UserName`,
      );
    }
  }
  const certs = p?.TrustedCertificates?.TrustedCertificate ?? [];
  certs.forEach((cert, i) => {
    const at = `${ROOT}/Provisioning/TrustedCertificates/${step('TrustedCertificate', i, certs.length)}`;
    for (const field of ['SubjectName', 'IssuerName'] as const) {
      if (!/^\s*[A-Za-z][\w.]*\s*=/.test(cert[field] ?? '')) {
        report(
          'MBPROV_TRUSTED_CERT_NAME_FORMAT',
          `${field} "${cert[field]}" is not a distinguished name such as CN=Contoso, O=Contoso.`,
          `${at}/${field}`,
        );
      }
    }
  });
};

// RefreshURLs are operator configuration: the same one comes in every document a portal builds and checks.
const httpsUrls = new BoundedMemo<boolean>(256);

/** True for an absolute https URL with a host. */
export function isHttpsUrl(value: string): boolean {
  return value.length > 2048 ? parsesAsHttps(value) : httpsUrls.get(value, () => parsesAsHttps(value));
}

function parsesAsHttps(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '';
  } catch {
    return false;
  }
}
