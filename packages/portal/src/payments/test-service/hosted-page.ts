/**
 * The test service's hosted card page: the only place in mbprov where a card number is typed, on the service's own
 * origin. Server-rendered with no script at all; the form carries a token signed for its payment, and a post from
 * another origin is refused. The card number and security code are never stored, logged or sent back in a page.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TestPayment } from '../../storage/test-payments.ts';
import type { PaymentLang } from '../provider.ts';
import {
  CARD_FIELDS,
  type CardField,
  type CardProblem,
  cardBrand,
  checkCard,
  FIELD_MAX_LENGTH,
  TEST_CARD_OUTCOMES,
} from './cards.ts';
import type { TestPaymentLedger } from './ledger.ts';
import { formatAmount, problemText, type StringKey, text } from './strings.ts';

const TEMPLATE = readFileSync(new URL('../../../templates/test-payment.eta', import.meta.url), 'utf8');
const STYLESHEET = readFileSync(new URL('../../../public/test-payment.css', import.meta.url), 'utf8');
const STYLESHEET_PATH = '/pay.css';
// A card in the page's colours: no request for /favicon.ico.
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect x="1" y="3" width="14" height="10" rx="2" fill="#0b5cad"/><rect x="1" y="5" width="14" height="2" fill="#fff4d6"/></svg>',
)}`;

/** How each field of the card form is shown. */
const FIELD_VIEW: Record<
  CardField,
  { id: string; autocomplete: string; inputmode?: string; keep: boolean; hint?: StringKey }
> = {
  name: { id: 'card-name', autocomplete: 'cc-name', keep: true },
  // The card number and the security code are never echoed back.
  number: { id: 'card-number', autocomplete: 'cc-number', inputmode: 'numeric', keep: false },
  expiry: { id: 'card-expiry', autocomplete: 'cc-exp', keep: true },
  cvc: { id: 'card-cvc', autocomplete: 'cc-csc', inputmode: 'numeric', keep: false, hint: 'field.cvc.hint' },
};

const BRAND_NAMES: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  jcb: 'JCB',
  amex: 'American Express',
};

/** The card form as posted (every field a browser sends, bounded: longer values are never read). */
const CardForm = Type.Object(
  {
    token: Type.String({ maxLength: 200 }),
    name: Type.String({ maxLength: 256 }),
    number: Type.String({ maxLength: 256 }),
    expiry: Type.String({ maxLength: 256 }),
    cvc: Type.String({ maxLength: 256 }),
  },
  { additionalProperties: false },
);
const CancelForm = Type.Object({ token: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const PaymentParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

/** What the hosted page routes need. */
export interface HostedPageOptions {
  ledger: TestPaymentLedger;
  /** Signs the form tokens (derived from the service's API key: nothing to configure). */
  formKey: Buffer;
  clock: () => Date;
}

/** A page and its HTTP status, for the error handler too. */
export interface HostedPageAnswer {
  status: number;
  html: string;
  /** Origins the page's forms may lead to (the portal's return and cancel URLs), for form-action. */
  formOrigins: string[];
}

/** Registers `GET /pay.css`, `GET /pay/:id`, `POST /pay/:id` and `POST /pay/:id/cancel`. */
export function hostedPageRoutes(app: FastifyInstance, options: HostedPageOptions): void {
  const { ledger, formKey, clock } = options;
  const tokenOf = (id: string) => createHmac('sha256', formKey).update(`pay ${id}`).digest('base64url');
  const tokenValid = (id: string, token: string) => {
    const a = Buffer.from(tokenOf(id));
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  /** The payment a form was posted for, once its origin and token are checked; otherwise the page to answer. */
  const postedFor = async (id: string, origin: string | undefined, token: string) => {
    const payment = await ledger.find(id);
    if (!payment) return notFoundPage();
    if (!sameOrigin(origin, ledger.baseUrl) || !tokenValid(payment.id, token)) return stalePage(payment);
    return payment;
  };

  app.get(STYLESHEET_PATH, (_request, reply) =>
    reply
      .header('content-type', 'text/css; charset=utf-8')
      .header('cache-control', 'max-age=3600')
      .send(STYLESHEET),
  );

  app.get<{ Params: Static<typeof PaymentParams> }>(
    '/pay/:id',
    { schema: { params: PaymentParams } },
    async (request, reply) => {
      const payment = await ledger.find(request.params.id);
      if (!payment) return sendPage(reply, notFoundPage());
      return sendPage(reply, paymentPage(payment, { token: tokenOf(payment.id) }));
    },
  );

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof CardForm> }>(
    '/pay/:id',
    { schema: { params: PaymentParams, body: CardForm } },
    async (request, reply) => {
      const { token, ...input } = request.body;
      const payment = await postedFor(request.params.id, request.headers.origin, token);
      if ('html' in payment) return sendPage(reply, payment);
      if (payment.status !== 'open') return sendPage(reply, { ...paymentPage(payment), status: 409 });
      const outcome = checkCard(input, clock());
      if (!outcome.accepted) {
        const page = paymentPage(payment, { token, input, problems: outcome.problems });
        return sendPage(reply, { ...page, status: outcome.declined ? 402 : 422 });
      }
      if (!(await ledger.capture(payment, { brand: outcome.brand, last4: outcome.last4 })))
        return sendPage(reply, { ...paymentPage(await ledger.get(payment.id)), status: 409 });
      return reply.code(303).header('location', payment.return_url).send();
    },
  );

  app.post<{ Params: Static<typeof PaymentParams>; Body: Static<typeof CancelForm> }>(
    '/pay/:id/cancel',
    { schema: { params: PaymentParams, body: CancelForm } },
    async (request, reply) => {
      const payment = await postedFor(request.params.id, request.headers.origin, request.body.token);
      if ('html' in payment) return sendPage(reply, payment);
      const after = await ledger.cancel(payment);
      // Paid meanwhile (another tab): the shop's return page is where this customer belongs.
      const to = after.status === 'captured' ? after.return_url : after.cancel_url;
      return reply.code(303).header('location', to).send();
    },
  );
}

/** Writes a page with its headers: no caching (a card form), and a CSP that allows no script at all. */
export function sendPage(reply: FastifyReply, page: HostedPageAnswer): FastifyReply {
  const formAction = ["'self'", ...new Set(page.formOrigins)].join(' ');
  return reply
    .code(page.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'self'; img-src data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .send(page.html);
}

/** The page of an unknown payment (and of the error handler, in English: no payment says otherwise). */
export function notFoundPage(): HostedPageAnswer {
  return messagePage('en', 404, text('en', 'error.notFound'));
}

/** The page of a request the service cannot read. */
export function badRequestPage(): HostedPageAnswer {
  return messagePage('en', 400, text('en', 'error.bad'));
}

function stalePage(payment: TestPayment): HostedPageAnswer {
  const lang = payment.lang as PaymentLang;
  return messagePage(lang, 403, text(lang, 'error.stale'), {
    href: `/pay/${payment.id}`,
    text: text(lang, 'error.again'),
  });
}

const eta = new Eta({ autoEscape: true, rmWhitespace: true });
eta.loadTemplate('@page', TEMPLATE);

function render(lang: PaymentLang, data: Record<string, unknown>): string {
  return eta.render('@page', {
    lang,
    title: text(lang, 'page.title'),
    favicon: FAVICON,
    stylesheet: STYLESHEET_PATH,
    t: (key: StringKey, params?: Record<string, string>) => text(lang, key, params),
    ...data,
  });
}

function messagePage(
  lang: PaymentLang,
  status: number,
  message: string,
  link?: { href: string; text: string },
): HostedPageAnswer {
  return { status, html: render(lang, { message, link }), formOrigins: [] };
}

/**
 * A payment's page: the card form while it is open (with what was wrong with the last attempt, the name and expiry
 * kept), otherwise what became of it and a link back to the shop.
 */
function paymentPage(
  payment: TestPayment,
  form?: {
    token: string;
    input?: Record<CardField, string>;
    problems?: Partial<Record<CardField, CardProblem>>;
  },
): HostedPageAnswer {
  const lang = payment.lang as PaymentLang;
  const t = (key: StringKey) => text(lang, key);
  const view = {
    payment: {
      amount: formatAmount(lang, Number(payment.amount_minor), payment.currency),
      description: payment.description,
    },
  };
  const formOrigins = [new URL(payment.return_url).origin, new URL(payment.cancel_url).origin];
  if (payment.status !== 'open' || !form) {
    // An open payment without a form: a page of the error handler's; treat it as closed.
    const closed = `closed.${payment.status === 'open' ? 'expired' : payment.status}` as StringKey;
    const paid = payment.status === 'captured' || payment.status === 'refunded';
    const link = paid
      ? { href: payment.return_url, text: t('closed.toReturn') }
      : { href: payment.cancel_url, text: t('closed.toCancel') };
    return { status: 200, html: render(lang, { ...view, message: t(closed), link }), formOrigins };
  }
  const problems = form.problems ?? {};
  const fields = CARD_FIELDS.map((name) => {
    const shown = FIELD_VIEW[name];
    const problem = problems[name];
    const hintId = shown.hint ? `${shown.id}-hint` : undefined;
    const errorId = problem ? `${shown.id}-error` : undefined;
    return {
      id: shown.id,
      name,
      label: t(`field.${name}`),
      autocomplete: shown.autocomplete,
      inputmode: shown.inputmode,
      maxlength: FIELD_MAX_LENGTH[name],
      value: shown.keep ? (form.input?.[name] ?? '') : '',
      hint: shown.hint ? t(shown.hint) : undefined,
      error: problem ? problemText(lang, problem) : undefined,
      describedBy: [hintId, errorId].filter(Boolean).join(' '),
    };
  });
  const testCards = TEST_CARD_OUTCOMES.map(({ number, outcome }) => ({
    // As printed on the card: American Express in 4-6-5 digits, the others in fours.
    number:
      cardBrand(number) === 'amex'
        ? number.replace(/^(\d{4})(\d{6})/, '$1 $2 ')
        : number.replace(/(\d{4})(?=\d)/g, '$1 '),
    brand: BRAND_NAMES[cardBrand(number)],
    outcome: t(`testCards.${outcome}`),
  }));
  return {
    status: 200,
    html: render(lang, {
      ...view,
      form: {
        action: `/pay/${payment.id}`,
        cancelAction: `/pay/${payment.id}/cancel`,
        token: form.token,
        fields,
        errors: fields.filter((f) => f.error).map((f) => ({ id: f.id, text: f.error })),
      },
      testCards,
    }),
    formOrigins,
  };
}

/** Whether a form post came from the service's own pages: browsers send Origin on every form post. */
function sameOrigin(origin: string | undefined, baseUrl: string): boolean {
  return origin === undefined || origin === new URL(baseUrl).origin;
}
