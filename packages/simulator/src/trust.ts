import {
  type CarrierProvisioning,
  type CertificateSummary,
  formatWindowsDn,
  MbprovError,
  parseWindowsDn,
  verifyDocument,
} from '@mbprov/core';
import type { CertificateName, MachineState } from './state.ts';

/**
 * Where a document comes from, which decides what signature it needs (account provisioning page, *Signature*):
 * - `app`: the mobile broadband app with the operator's SIM (ProvisioningAgent.CreateFromNetworkAccountId): none.
 * - `website`: the operator's web site with the SIM present (msProvisionNetworks): an EV certificate ("Account
 *   provisioning metadata must be signed with an extended validation (EV) certificate when provided by the web
 *   site", website provisioning page) chaining to a trusted root; associated with the mobile broadband hardware, or
 *   trusted by an earlier document, it is accepted without asking, else with the user's consent the first time.
 * - `wifi-provider`: a Wi-Fi provider's app or site without a SIM: a trusted EV certificate, with the user's consent
 *   the first time the certificate is seen (however it is trusted, it must be EV).
 * - `refresh`: a document fetched from the RefreshURL in the background: a certificate the carrier's earlier
 *   documents trusted (TrustedCertificates), the hardware association, or one the user consented to before.
 */
export type Source = 'app' | 'website' | 'wifi-provider' | 'refresh';

/** Asks the user whether to trust a certificate seen for the first time; the answer is remembered. */
export type ConsentPrompt = (signer: CertificateSummary) => boolean;

/** The signer a document was accepted with, when it needed one. */
export interface AcceptedSigner {
  signer: CertificateSummary;
  /** Why the signer was trusted. */
  trustedBy: 'hardware' | 'trusted-certificates' | 'consent';
  /** True when the user was asked just now. */
  prompted: boolean;
  /** The document's SignatureValue (base64), which a v1 result reports as its Thumbprint. */
  signatureValue: string;
}

/** Distinguished names compare without regard to case or spacing. */
function sameName(a: string, b: string): boolean {
  try {
    return (
      formatWindowsDn(parseWindowsDn(a)).toLowerCase() === formatWindowsDn(parseWindowsDn(b)).toLowerCase()
    );
  } catch {
    return false;
  }
}

function named(signer: CertificateSummary, names: readonly CertificateName[]): boolean {
  return names.some((n) => sameName(n.SubjectName, signer.subject) && sameName(n.IssuerName, signer.issuer));
}

/**
 * Applies the signing requirements table to a document from `source`. Throws (the document is rejected whole)
 * when a signature is needed and missing, broken, untrusted or refused by the user; records consent.
 */
export function checkSignature(
  state: MachineState,
  xml: string | Uint8Array,
  doc: CarrierProvisioning,
  source: Source,
  consent: ConsentPrompt | undefined,
): AcceptedSigner | undefined {
  if (source === 'app') return undefined; // unsigned metadata is accepted from the operator's own app
  if (source === 'website' && !state.capabilities.sim) {
    throw new MbprovError(
      'MBPROV_SIM_NO_SIM',
      'The operator web site path needs the operator SIM in the PC; without one, use source wifi-provider.',
    );
  }
  if (doc.Signature === undefined) {
    throw new MbprovError(
      'MBPROV_SIM_SIGNATURE_REQUIRED',
      `A document from ${source === 'refresh' ? 'the RefreshURL' : `a ${source}`} must be signed (XML-DSig with an X.509 certificate).`,
    );
  }
  // EV before anything that would vouch for the certificate: the web site and Wi-Fi provider paths need it always
  // (docs/simulator.md, *EV from the web site*), with the policy valid along the chain (the chain check's EV walk);
  // a background refresh is vouched for by TrustedCertificates.
  const verified = verifyDocument(xml, {
    trustAnchors: state.trustedRoots,
    now: new Date(state.now),
    requireEv: source !== 'refresh',
  });
  if (!verified.valid || !verified.signer) {
    const error = verified.errors[0];
    if (error?.code === 'MBPROV_CERT_NOT_EV') {
      throw new MbprovError(
        'MBPROV_CERT_NOT_EV',
        `${verified.signer?.subject ?? 'The signer'} is not an EV certificate (${error.message}): a document ${source === 'website' ? 'an operator web site hands over' : 'from a Wi-Fi provider'} must be signed with one, even by a certificate the PC already trusts.`,
      );
    }
    throw new MbprovError(
      error?.code ?? 'MBPROV_SIG_SIGNATURE_MISMATCH',
      `The signature is not accepted: ${error?.message ?? 'unknown reason'}`,
    );
  }
  const signer = verified.signer;
  const signatureValue = verified.signatureValue ?? '';
  const carrier = state.carriers[doc.Global.CarrierId.toLowerCase()];
  // The COSA database / experience metadata ties certificates to the SIM's operator: no SIM, no association.
  if (source !== 'wifi-provider' && state.capabilities.sim && named(signer, state.hardwareCertificates)) {
    return { signer, trustedBy: 'hardware', prompted: false, signatureValue };
  }
  if (carrier && named(signer, carrier.TrustedCertificates))
    return { signer, trustedBy: 'trusted-certificates', prompted: false, signatureValue };
  if (state.consentedCertificates.includes(signer.thumbprint))
    return { signer, trustedBy: 'consent', prompted: false, signatureValue };
  if (source === 'refresh') {
    throw new MbprovError(
      'MBPROV_SIM_CERT_NOT_TRUSTED',
      `The refreshed document is signed by ${signer.subject}, which no earlier document of this carrier trusted.`,
    );
  }
  if (!consent?.(signer)) {
    throw new MbprovError(
      'MBPROV_SIM_CONSENT_DENIED',
      `The user did not agree to trust ${signer.subject} (thumbprint ${signer.thumbprint}).`,
    );
  }
  state.consentedCertificates.push(signer.thumbprint);
  return { signer, trustedBy: 'consent', prompted: true, signatureValue };
}
