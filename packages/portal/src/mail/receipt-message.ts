import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eta } from 'eta';
import { t } from '../views/i18n.ts';
import type { Lang, ReceiptView } from '../views/models.ts';
import { receiptRows } from '../views/receipt.ts';
import { DEFAULT_TEMPLATES_DIR } from '../views/render.ts';

/** The receipt e-mail's subject and bodies. */
export interface ReceiptMail {
  subject: string;
  text: string;
  html: string;
}

/** Who sends the receipt and how its times read. */
export interface ReceiptMailContext {
  lang: Lang;
  /** IANA time zone of the operator's customers (operator.timeZone). */
  timeZone: string;
  /** The operator's name in `lang`. */
  operatorName: string;
  supportPhone?: string;
}

let eta: Eta | undefined;

/** The HTML body: the template is compiled on first use; autoescaping keeps every value text. */
function html(data: object): string {
  if (!eta) {
    eta = new Eta({ autoEscape: true, rmWhitespace: true });
    eta.loadTemplate('@mail-receipt', readFileSync(join(DEFAULT_TEMPLATES_DIR, 'mail-receipt.eta'), 'utf8'));
  }
  return eta.render('@mail-receipt', data);
}

/**
 * The receipt e-mail of a purchase, in the customer's language: the same rows as the completion and status pages
 * (views/receipt.ts), as plain text and as simple HTML.
 */
export function receiptMail(receipt: ReceiptView, context: ReceiptMailContext): ReceiptMail {
  const { lang, operatorName: operator } = context;
  const rows = receiptRows(receipt, lang, context.timeZone);
  const subject = t(lang, 'mail.receipt.subject', { operator, order: receipt.orderNumber });
  const parts = {
    heading: t(lang, 'mail.receipt.heading'),
    intro: t(lang, 'mail.receipt.intro', { operator }),
    keep: t(lang, 'receipt.keep'),
    support: context.supportPhone
      ? t(lang, 'mail.receipt.support', { phone: context.supportPhone })
      : undefined,
    why: t(lang, 'mail.receipt.why', { operator }),
  };
  const text = [
    operator,
    '',
    parts.heading,
    '',
    parts.intro,
    '',
    ...rows.map((row) => `${t(lang, 'common.labelColon', { label: row.label })}${row.value}`),
    '',
    parts.keep,
    ...(parts.support ? [parts.support] : []),
    '',
    parts.why,
    '',
  ].join('\n');
  return { subject, text, html: html({ lang, subject, operator, rows, ...parts }) };
}
