/**
 * The receipt's rows as the completion and status pages and the receipt e-mail show them: one formatting, so that a
 * page and an e-mail of the same purchase read alike.
 */
import { formatDate, formatDateTime, formatMoney, t } from './i18n.ts';
import type { Lang, ReceiptView } from './models.ts';

/** One labelled line of a receipt; `id` marks the order number (shown as an identifier). */
export interface ReceiptRow {
  label: string;
  value: string;
  id?: true;
}

/** How card brands are written, as providers name them in lower case. */
const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  jcb: 'JCB',
  discover: 'Discover',
  diners: 'Diners Club',
  unionpay: 'UnionPay',
};

/** How it was paid, in words: "Visa ending in 4242", "Your mobile account". */
function paidWith(method: ReceiptView['method'], lang: Lang): string {
  const brand = method.brand ? (BRANDS[method.brand] ?? method.brand) : undefined;
  if (method.kind === 'card' && brand)
    return method.last4
      ? t(lang, 'receipt.method.card', { brand, last4: method.last4 })
      : t(lang, 'receipt.method.cardNoDigits', { brand });
  if (method.kind === 'voucher') return t(lang, 'receipt.method.voucher');
  if (method.kind === 'account')
    return method.label
      ? t(lang, 'receipt.method.accountLabel', { label: method.label })
      : t(lang, 'receipt.method.account');
  return method.label ?? t(lang, 'receipt.method.other');
}

/** A plan's end in `timeZone`: with the time of day for short plans (a day pass ends at a time, not on a date). */
export function formatPlanEnd(endsAt: string, shortPlan: boolean, lang: Lang, timeZone: string): string {
  return shortPlan ? formatDateTime(endsAt, lang, timeZone) : formatDate(endsAt, lang, timeZone);
}

/** The receipt's rows, formatted for `lang` and the operator's time zone. */
export function receiptRows(receipt: ReceiptView, lang: Lang, timeZone: string): ReceiptRow[] {
  return [
    { label: t(lang, 'receipt.order'), value: receipt.orderNumber, id: true },
    { label: t(lang, 'receipt.paidAt'), value: formatDateTime(receipt.paidAt, lang, timeZone) },
    { label: t(lang, 'receipt.amount'), value: formatMoney(receipt.amountMinor, receipt.currency, lang) },
    { label: t(lang, 'receipt.method'), value: paidWith(receipt.method, lang) },
    { label: t(lang, 'receipt.plan'), value: receipt.planName },
    {
      label: t(lang, 'receipt.endsAt'),
      value: formatPlanEnd(receipt.endsAt, receipt.shortPlan, lang, timeZone),
    },
  ];
}
