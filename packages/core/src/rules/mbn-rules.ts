import { ROOT, type Rule } from './rule.ts';

/** Detects the image type of a base64 logo by its magic bytes. */
export function logoFormat(base64: string): 'png' | 'bmp' | undefined {
  const bytes = Buffer.from(base64.replace(/\s+/g, ''), 'base64');
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  // BMP: "BM", then the file size; the DIB header size at offset 14 is 12, 40, 52, 56, 64, 108 or 124.
  if (
    bytes.length >= 18 &&
    bytes[0] === 0x42 &&
    bytes[1] === 0x4d &&
    [12, 40, 52, 56, 64, 108, 124].includes(bytes.readUInt32LE(14))
  ) {
    return 'bmp';
  }
  return undefined;
}

/** Mobile broadband profiles and branding. */
export const mbnRules: Rule = (doc, report) => {
  const mbn = doc.MBNProfiles;
  if (!mbn) return;
  const at = `${ROOT}/MBNProfiles`;
  if (mbn.Branding) {
    report(
      'MBPROV_BRANDING_IGNORED',
      'Branding (Logo, Name) is ignored since Windows 10 version 1709; set Branding Name and Branding Icon in the COSA database.',
      `${at}/Branding`,
    );
    if (mbn.Branding.Logo !== undefined && !logoFormat(mbn.Branding.Logo)) {
      report(
        'MBPROV_BRANDING_LOGO_FORMAT',
        'Branding Logo is not a base64 PNG or BMP image (checked by its content); Windows 10 1709 and later ignore it without error, earlier versions would not show it.',
        `${at}/Branding/Logo`,
      );
    }
  }
  // A DefaultProfile without Context/AccessString is valid: the WWAN schema makes both optional, and a CDMA
  // network (no APN) or an LTE network that assigns the APN at attach connects without one (docs/validation.md).
  for (const kind of ['DefaultProfile', 'PurchaseProfile'] as const) {
    const ctx = mbn[kind]?.Context;
    if (ctx?.AuthProtocol === 'NONE' && ctx.UserLogonCred?.Password) {
      report(
        'MBPROV_MBN_PASSWORD_WITHOUT_AUTH',
        `${kind} has a password but AuthProtocol NONE, so the password is never sent.`,
        `${at}/${kind}/Context/AuthProtocol`,
      );
    }
  }
};
