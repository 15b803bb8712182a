import { escapeXmlAttribute, escapeXmlText } from '@mbprov/core';
import { HRESULT, type HResult, succeeded } from './hresult.ts';

/** The ResultsSchema v2 namespace of CarrierProvisioningResult documents (Windows 8.1 and later). */
export const RESULTS_V2 = 'http://www.microsoft.com/networking/CarrierControlResults/v2';

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

function container(name: string, result: SectionResult | undefined, childName: string): string[] {
  if (!result) return [];
  if (result.errorCode) return [`  <${name} errorCode="${result.errorCode}"/>`];
  if (!result.items.length) return [`  <${name}/>`];
  return [`  <${name}>`, ...result.items.flatMap((i) => leaf(childName, i, true, '    ')), `  </${name}>`];
}

/** Writes the result as a CarrierProvisioningResult document (ResultsSchema v2). */
export function resultToXml(result: ProvisioningResult): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<CarrierProvisioningResult xmlns="${RESULTS_V2}">`,
    `  <Issuer>${escapeXmlText(result.Issuer)}</Issuer>`,
    `  <Subscriber>${escapeXmlText(result.Subscriber)}</Subscriber>`,
    ...leaf('Activation', result.Activation, false, '  '),
  ];
  if (result.MBNProfiles) {
    const mbn = result.MBNProfiles;
    if (mbn.errorCode) lines.push(`  <MBNProfiles errorCode="${mbn.errorCode}"/>`);
    else {
      lines.push('  <MBNProfiles>');
      lines.push(...leaf('DefaultProfile', mbn.DefaultProfile, true, '    '));
      lines.push(...leaf('PurchaseProfile', mbn.PurchaseProfile, true, '    '));
      lines.push('  </MBNProfiles>');
    }
  }
  lines.push(...container('WLANProfiles', result.WLANProfiles, 'WLANProfile'));
  if (result.Provisioning) {
    const children = [
      ...leaf('RefreshParameters', result.Provisioning.RefreshParameters, false, '    '),
      ...leaf('TrustedCertificate', result.Provisioning.TrustedCertificate, false, '    '),
    ];
    lines.push(
      ...(children.length ? ['  <Provisioning>', ...children, '  </Provisioning>'] : ['  <Provisioning/>']),
    );
  }
  lines.push(...container('Plans', result.Plans, 'Plan'));
  lines.push('</CarrierProvisioningResult>', '');
  return lines.join('\n');
}

export { HRESULT };
