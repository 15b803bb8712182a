import type { ParameterProblem } from '../views/models.ts';
import { knownParameters } from './query-parameters.ts';

/** The subscriber ID Windows passes as SubId: an IMSI (GSM, up to 15 digits) or a MIN (CDMA, 10 digits). */
export interface SubscriberId {
  value: string;
  /**
   * 10 digits may be either a MIN or an IMSI of 10 digits (an IMSI is "up to 15"): `min-or-imsi` is looked up as
   * both, the inventory knows which one it holds (docs/operator-guide.md, "Identifiers Windows sends").
   */
  kind: 'imsi' | 'min-or-imsi';
}

/**
 * The device ID Windows passes as DevId: an IMEI (GSM), an ESN or a MEID (CDMA). The seed gives IMEI up to 15
 * digits, ESN 11 digits and MEID 17 digits; the other common encodings are accepted too: ESN as 8 hex digits,
 * MEID as 14 hex digits, 15 hex digits (with its check digit) or 18 decimal digits.
 *
 * A value of 8 or 14 decimal digits is both IMEI-like and an ESN or MEID in hex whose digits happen to be decimal
 * (a pseudo-ESN `80xxxxxx`; a MEID of the decimal range, which is an IMEI without its check digit): it is
 * `imei-or-esn` or `imei-or-meid`, looked up as both, as a 10-digit SubId is (docs/operator-guide.md,
 * "Identifiers Windows sends"). 15 digits stay an IMEI: the IMEI's own length, and not a length Windows gives a
 * MEID. `encoding` is that of the CDMA reading.
 */
export interface DeviceId {
  value: string;
  kind: 'imei' | 'esn' | 'meid' | 'imei-or-esn' | 'imei-or-meid';
  encoding: 'decimal' | 'hex';
}

/** The parameters of a visit, as Windows sent them; each is optional ("If a property value is not provided by the mobile broadband device, that property is not included"). */
export interface DeviceParameters {
  subId?: SubscriberId;
  devId?: DeviceId;
  /** SIM ICCID, 19–20 digits. */
  iccId?: string;
}

/** Reads SubId: 6 to 15 digits is an IMSI (MCC + MNC + at least one MSIN digit); 10 digits may also be a MIN. */
export function parseSubId(value: string): SubscriberId | undefined {
  if (/^\d{10}$/.test(value)) return { value, kind: 'min-or-imsi' };
  if (/^\d{6,15}$/.test(value)) return { value, kind: 'imsi' };
  return undefined;
}

/** An ESN or MEID. */
interface CdmaDevice {
  value: string;
  kind: 'esn' | 'meid';
  encoding: 'decimal' | 'hex';
}

/**
 * A value known to be an ESN or MEID (the SIM import's ESN/MEID column, the configuration's esnMeid, a DevId that is
 * not an IMEI), read by its length alone: 8 hex digits an ESN, 11 decimal digits an ESN, 14 hex digits a MEID, 15 a
 * MEID with its check digit, 17 or 18 decimal digits a MEID. The alphabet only has to fit: hex digits may all be
 * decimal ones (`80123456`, a pseudo-ESN). Undefined for anything else.
 */
function cdmaDeviceOf(raw: string): CdmaDevice | undefined {
  const value = raw.trim().toUpperCase();
  const hex = /^[0-9A-F]+$/.test(value);
  const decimal = /^\d+$/.test(value);
  switch (value.length) {
    case 8:
      return hex ? { value, kind: 'esn', encoding: 'hex' } : undefined;
    case 11:
      return decimal ? { value, kind: 'esn', encoding: 'decimal' } : undefined;
    case 14:
    case 15:
      return hex ? { value, kind: 'meid', encoding: 'hex' } : undefined;
    case 17:
    case 18:
      return decimal ? { value, kind: 'meid', encoding: 'decimal' } : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads DevId (see {@link DeviceId}): 8 to 15 decimal digits are an IMEI (lenient below the IMEI's 15 digits),
 * except 11, the seed's ESN; those of 8 and 14 digits are also an ESN or MEID. Otherwise an ESN or MEID by
 * {@link cdmaDeviceOf}.
 */
export function parseDevId(raw: string): DeviceId | undefined {
  const value = raw.toUpperCase();
  const cdma = cdmaDeviceOf(value);
  if (/^\d{8,15}$/.test(value) && value.length !== 11) {
    if (value.length === 8 || value.length === 14)
      return { value, kind: value.length === 8 ? 'imei-or-esn' : 'imei-or-meid', encoding: 'hex' };
    return { value, kind: 'imei', encoding: 'decimal' };
  }
  return cdma;
}

/** The IMEI a DevId may be (an IMEI, or digits that are also an ESN or MEID); undefined for an ESN or MEID. */
export function imeiOf(id: DeviceId): string | undefined {
  return id.kind === 'esn' || id.kind === 'meid' ? undefined : id.value;
}

/** Whether a DevId may be an ESN or MEID, so that it is looked up as the device a row binds. */
export function mayBeCdma(id: DeviceId): boolean {
  return id.kind !== 'imei';
}

/** Largest 24-bit serial number (ESN and MEID), 8-bit ESN manufacturer code and 32-bit MEID manufacturer code. */
const SERIAL_MAX = 0xffffff;
const ESN_MANUFACTURER_MAX = 0xff;
const MEID_MANUFACTURER_MAX = 0xffffffff;

/**
 * Why a decimal ESN or MEID is malformed: its manufacturer code or serial number does not fit its field, so it has
 * no hexadecimal form (MBPROV_CDMA_DEVICE_ID_RANGE). Undefined for a well-formed one and for anything else.
 */
export function cdmaDecimalProblem(raw: string): string | undefined {
  const id = cdmaDeviceOf(raw);
  if (id?.encoding !== 'decimal') return undefined;
  const [codeDigits, codeMax] =
    id.kind === 'esn'
      ? [3, ESN_MANUFACTURER_MAX]
      : id.value.length === 18
        ? [10, MEID_MANUFACTURER_MAX]
        : [0, 0];
  if (codeDigits === 0) return undefined; // a 17-digit MEID has no agreed split
  const code = Number(id.value.slice(0, codeDigits));
  const serial = Number(id.value.slice(codeDigits));
  const name = id.kind === 'esn' ? 'ESN' : 'MEID';
  if (code > codeMax)
    return `the ${name}'s manufacturer code ${id.value.slice(0, codeDigits)} is above ${codeMax}`;
  if (serial > SERIAL_MAX)
    return `the ${name}'s serial number ${id.value.slice(codeDigits)} is above ${SERIAL_MAX}`;
  return undefined;
}

/**
 * The one spelling of a CDMA device identifier the inventory stores, so that the decimal and hexadecimal forms of
 * the same ESN or MEID match: an ESN as 8 hex digits (11 decimal digits are 3 for the 8-bit manufacturer code and 8
 * for the 24-bit serial), a MEID as 14 hex digits (18 decimal digits are 10 for the 32-bit manufacturer code and 8
 * for the 24-bit serial; a 15th hex digit is the check digit, dropped). A 17-digit decimal MEID (the seed's length)
 * has no agreed split and is kept as given. The value is read by its length ({@link cdmaDeviceOf}), so `80123456`
 * is an ESN here. Undefined when it is not an ESN or MEID, or is a decimal one whose fields overflow
 * ({@link cdmaDecimalProblem}).
 */
export function cdmaDeviceKey(raw: string): string | undefined {
  const id = cdmaDeviceOf(raw);
  if (!id || cdmaDecimalProblem(id.value)) return undefined;
  const hex = (decimal: string, width: number) =>
    Number(decimal).toString(16).toUpperCase().padStart(width, '0');
  if (id.kind === 'esn')
    return id.encoding === 'hex' ? id.value : hex(id.value.slice(0, 3), 2) + hex(id.value.slice(3), 6);
  if (id.encoding === 'hex') return id.value.slice(0, 14);
  if (id.value.length === 18) return hex(id.value.slice(0, 10), 8) + hex(id.value.slice(10), 6);
  return id.value;
}

/**
 * The decimal form of an ESN (8 hex: 3 + 8 digits) or MEID (14 or 15 hex: 10 + 8 digits), as printed on devices
 * and in some operators' systems; undefined for anything else. The inverse of {@link cdmaDeviceKey}.
 */
export function cdmaDeviceDecimal(raw: string): string | undefined {
  const id = cdmaDeviceOf(raw);
  if (id?.encoding !== 'hex') return undefined;
  const dec = (hex: string, width: number) => String(Number.parseInt(hex, 16)).padStart(width, '0');
  return id.kind === 'esn'
    ? dec(id.value.slice(0, 2), 3) + dec(id.value.slice(2), 8)
    : dec(id.value.slice(0, 8), 10) + dec(id.value.slice(8, 14), 8);
}

/** Reads IccId: 19 or 20 digits. */
export function parseIccId(value: string): string | undefined {
  return /^\d{19,20}$/.test(value) ? value : undefined;
}

const NAMES = { subid: 'SubId', devid: 'DevId', iccid: 'IccId' } as const;

/**
 * Validates the query Windows appends to the AccountExperienceURL. Names match case-insensitively; a parameter
 * given twice, or an invalid value, is a problem named in the 400 page. Unknown parameters are ignored.
 */
export function parseDeviceParameters(query: Record<string, unknown>): {
  params: DeviceParameters;
  problems: ParameterProblem[];
} {
  const params: DeviceParameters = {};
  const { values, problems } = knownParameters(query, NAMES);
  for (const [name, value] of values) {
    if (name === 'SubId') {
      const id = parseSubId(value);
      if (id) params.subId = id;
      else problems.push({ param: name, value, problem: 'subid.format' });
    } else if (name === 'DevId') {
      const id = parseDevId(value);
      if (!id) problems.push({ param: name, value, problem: 'devid.format' });
      else if (cdmaDecimalProblem(value))
        problems.push({
          param: name,
          value,
          problem: 'devid.cdma-range',
          code: 'MBPROV_CDMA_DEVICE_ID_RANGE',
        });
      else params.devId = id;
    } else {
      const id = parseIccId(value);
      if (id) params.iccId = id;
      else problems.push({ param: name, value, problem: 'iccid.format' });
    }
  }
  return { params, problems };
}
