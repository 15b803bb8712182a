import { ROOT, type Rule } from './rule.ts';

/** A GUID in braces, as base:GUID requires. */
export const GUID_PATTERN =
  /^\{[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}\}$/;
/** base:SubscriberType: XSD's \w (any character but punctuation, separators and controls), 1 to 20. */
export const SUBSCRIBER_ID_PATTERN = /^[^\p{P}\p{Z}\p{C}]{1,20}$/u;
/** Global DeviceId: 15–16 digits (IMEI, MEID in decimal) or a MAC address. */
export const DEVICE_ID_PATTERN = /^(\d{15,16}|([a-fA-F0-9]{2}:){5}[a-fA-F0-9]{2})$/;

/** Identity formats of the Global section. */
export const globalRules: Rule = (doc, report) => {
  const g = doc.Global;
  if (!g) return;
  // A missing CarrierId or SubscriberId is the schema's to report.
  if (g.CarrierId !== undefined && !GUID_PATTERN.test(g.CarrierId)) {
    report(
      'MBPROV_CARRIER_ID_FORMAT',
      `CarrierId "${g.CarrierId}" is not a GUID in braces such as {00000000-1111-2222-3333-444444444444}.`,
      `${ROOT}/Global/CarrierId`,
    );
  }
  if (g.SubscriberId !== undefined && !SUBSCRIBER_ID_PATTERN.test(g.SubscriberId)) {
    report(
      'MBPROV_SUBSCRIBER_ID_FORMAT',
      `SubscriberId "${g.SubscriberId}" must be 1 to 20 letters or digits (an IMSI, ICCID range or provider id).`,
      `${ROOT}/Global/SubscriberId`,
    );
  }
  if (g.DeviceId !== undefined && !DEVICE_ID_PATTERN.test(g.DeviceId)) {
    report(
      'MBPROV_DEVICE_ID_FORMAT',
      `DeviceId "${g.DeviceId}" must be 15 or 16 digits or a MAC address like 00:11:22:aa:bb:cc.`,
      `${ROOT}/Global/DeviceId`,
    );
  }
};
