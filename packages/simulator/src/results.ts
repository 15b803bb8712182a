import { escapeXmlAttribute, escapeXmlText } from '@mbprov/core';
import { HRESULT, type HResult, succeeded } from './hresult.ts';

/** The ResultsSchema v2 namespace of CarrierProvisioningResult documents (Windows 8.1 and later). */
export const RESULTS_V2 = 'http://www.microsoft.com/networking/CarrierControlResults/v2';

/** The ResultsSchema v1 namespace of CarrierProvisioningResult documents (Windows 8). */
export const RESULTS_V1 = 'http://www.microsoft.com/networking/CarrierControlResults/v1';

/** Which ResultsSchema a result is written in: v1 (Windows 8) or v2 (Windows 8.1 and later, the default). */
export type ResultsVersion = 'v1' | 'v2';

/** The signature outcome reported by a v1 result (ResultsSchema v1 Signature element). */
export interface SignatureResult {
  errorCode: HResult;
  /** Subject of the signer certificate, when the document was signed. */
  subject?: string;
  /**
   * The document's SignatureValue (base64), written as the Thumbprint element: the v1 element page says Thumbprint
   * "Contains the SignatureValue element of the Signature" (docs/simulator.md), not a certificate hash.
   */
  signatureValue?: string;
}

/** The outcome of one named item: a profile or a plan. */
export interface ItemResult {
  name: string;
  errorCode: HResult;
  /** Why, in words (not part of the XML). */
  reason?: string;
}

/** A section's outcome: a section-wide code, or one code per item. */
export interface SectionResult {
  /** Set when the whole section failed with one error (no items are listed then). */
  errorCode?: HResult;
  items: ItemResult[];
  reason?: string;
}

/** The mobile broadband section: a section-wide code, or one per profile. */
export interface MBNProfilesResult {
  errorCode?: HResult;
  reason?: string;
  DefaultProfile?: ItemResult;
  PurchaseProfile?: ItemResult;
}

/** What the engine reports for one document, section by section (absent sections were not in the document). */
export interface ProvisioningResult {
  /** Global/CarrierId of the document. */
  Issuer: string;
  /** Global/SubscriberId of the document. */
  Subscriber: string;
  Activation?: ItemResult;
  MBNProfiles?: MBNProfilesResult;
  WLANProfiles?: SectionResult;
  Provisioning?: { RefreshParameters?: ItemResult; TrustedCertificate?: ItemResult };
  Plans?: SectionResult;
  /** Messages (SMS rules) of MBNProfiles: the results schema has no element for them, so only the model reports them. */
  Messages?: ItemResult;
}

/** Collapses a section: when every item failed with the same error, the section carries it (results page remark). */
export function section(items: ItemResult[]): SectionResult {
  const first = items[0];
  if (first && !succeeded(first.errorCode) && items.every((i) => i.errorCode === first.errorCode)) {
    return { errorCode: first.errorCode, items: [], ...(first.reason ? { reason: first.reason } : {}) };
  }
  return { items };
}

/** A section that failed whole, e.g. WLAN service not running. */
export function failedSection(errorCode: HResult, reason: string): SectionResult {
  return { errorCode, items: [], reason };
}

/** True when nothing failed (warnings allowed). */
export function fullySucceeded(result: ProvisioningResult): boolean {
  const codes: HResult[] = [];
  const add = (s?: SectionResult) => {
    if (!s) return;
    if (s.errorCode) codes.push(s.errorCode);
    for (const i of s.items) codes.push(i.errorCode);
  };
  if (result.MBNProfiles?.errorCode) codes.push(result.MBNProfiles.errorCode);
  add(result.WLANProfiles);
  add(result.Plans);
  for (const item of [
    result.Activation,
    result.Messages,
    result.MBNProfiles?.DefaultProfile,
    result.MBNProfiles?.PurchaseProfile,
    result.Provisioning?.RefreshParameters,
    result.Provisioning?.TrustedCertificate,
  ]) {
    if (item) codes.push(item.errorCode);
  }
  return codes.every(succeeded);
}

function leaf(name: string, item: ItemResult | undefined, named: boolean, pad: string): string[] {
  if (!item) return [];
  const nameAttr = named ? ` name="${escapeXmlAttribute(item.name)}"` : '';
  return [`${pad}<${name} errorCode="${item.errorCode}"${nameAttr}/>`];
}

function container(
  name: string,
  result: SectionResult | undefined,
  childName: string,
  nameAttr = 'name',
): string[] {
  if (!result) return [];
  if (result.errorCode) return [`  <${name} errorCode="${result.errorCode}"/>`];
  if (!result.items.length) return [`  <${name}/>`];
  const items = result.items.flatMap((i) => leaf(childName, i, true, '    '));
  // ResultsSchema v1 spells the WLANProfile attribute `Name`, v2 `name`.
  const renamed = nameAttr === 'name' ? items : items.map((l) => l.replace(' name="', ` ${nameAttr}="`));
  return [`  <${name}>`, ...renamed, `  </${name}>`];
}

/** Options of {@link resultToXml}. */
export interface ResultXmlOptions {
  /** The ResultsSchema to write (default v2). */
  version?: ResultsVersion;
  /** The signature outcome, written by v1 only (its Signature element is required; v2 has none). */
  signature?: SignatureResult;
}

/**
 * Writes the result as a CarrierProvisioningResult document: ResultsSchema v2 by default; v1 as Windows 8 writes it,
 * which has no Plans element (Plans are not reported), spells WLANProfile's attribute `Name`, names no mobile broadband profile, and ends with the
 * required Signature element (errorCode, and the signer's Subject and the SignatureValue as Thumbprint when the
 * document was signed).
 */
export function resultToXml(result: ProvisioningResult, options: ResultXmlOptions = {}): string {
  const v1 = options.version === 'v1';
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<CarrierProvisioningResult xmlns="${v1 ? RESULTS_V1 : RESULTS_V2}">`,
    `  <Issuer>${escapeXmlText(result.Issuer)}</Issuer>`,
    `  <Subscriber>${escapeXmlText(result.Subscriber)}</Subscriber>`,
    ...leaf('Activation', result.Activation, false, '  '),
  ];
  if (result.MBNProfiles) {
    const mbn = result.MBNProfiles;
    if (mbn.errorCode) lines.push(`  <MBNProfiles errorCode="${mbn.errorCode}"/>`);
    else {
      lines.push('  <MBNProfiles>');
      // v1 profiles are AttemptedLeafObject: an errorCode and no name.
      lines.push(...leaf('DefaultProfile', mbn.DefaultProfile, !v1, '    '));
      lines.push(...leaf('PurchaseProfile', mbn.PurchaseProfile, !v1, '    '));
      lines.push('  </MBNProfiles>');
    }
  }
  lines.push(...container('WLANProfiles', result.WLANProfiles, 'WLANProfile', v1 ? 'Name' : 'name'));
  if (result.Provisioning) {
    const children = [
      ...leaf('RefreshParameters', result.Provisioning.RefreshParameters, false, '    '),
      ...leaf('TrustedCertificate', result.Provisioning.TrustedCertificate, false, '    '),
    ];
    lines.push(
      ...(children.length ? ['  <Provisioning>', ...children, '  </Provisioning>'] : ['  <Provisioning/>']),
    );
  }
  if (v1) {
    const sig = options.signature ?? { errorCode: HRESULT.S_OK };
    if (sig.subject !== undefined && sig.signatureValue !== undefined) {
      lines.push(
        `  <Signature errorCode="${sig.errorCode}">`,
        `    <Subject>${escapeXmlText(sig.subject)}</Subject>`,
        `    <Thumbprint>${sig.signatureValue}</Thumbprint>`,
        '  </Signature>',
      );
    } else lines.push(`  <Signature errorCode="${sig.errorCode}"/>`);
  } else lines.push(...container('Plans', result.Plans, 'Plan'));
  lines.push('</CarrierProvisioningResult>', '');
  return lines.join('\n');
}

export { HRESULT };
