/**
 * Turns a page's view model into a full HTML page. Every template is read and compiled once, when the renderer is
 * created; rendering is then a plain function call. The view code here prepares what the templates show (texts in
 * the page's language, display values, links) so the templates hold markup only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import { ACTIVATION_RESULTS, type EsimNextStep, REGISTRATION_STATES } from '../mobile-plans/esim-results.ts';
import type { PurchaseMetadata } from '../mobile-plans/notification.ts';
import {
  formatDate,
  formatDateTime,
  hasMessage,
  type MessageKey,
  type MessageParams,
  maskImsi,
  problemMessage,
  t,
} from './i18n.ts';
import type {
  CompleteView,
  DevicesView,
  ErrorView,
  IdsConflictView,
  InvalidParametersView,
  Lang,
  MobilePlansCancelView,
  MobilePlansCompleteView,
  PageContext,
  PlansView,
  PlanView,
  StatusView,
  TopUpView,
  UnknownSimView,
  View,
} from './models.ts';
import { formatPlanEnd, receiptRows } from './receipt.ts';

/** Where the templates are, unless createRenderer is told otherwise. */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** The URL prefix the static files (styles.css, provision.js) are served under. */
export const STATIC_PREFIX = '/static/';
/** The folder of the static files on disk. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** The names of the fields the plans page posts to /checkout (application/x-www-form-urlencoded). */
export const CHECKOUT_FIELDS = {
  planId: 'planId',
  checkoutId: 'checkoutId',
  csrf: '_csrf',
  /** Where to e-mail the receipt (optional; only when smtp is configured). */
  receiptEmail: 'receiptEmail',
} as const;

/** The names of the fields the sign-up, log-in and voucher forms post. */
export const WIFI_FIELDS = {
  email: 'email',
  password: 'password',
  code: 'code',
  csrf: '_csrf',
} as const;

/** Options of createRenderer. */
export interface RendererOptions {
  /** Folder holding layout.eta and one template per page; the package's own templates by default. */
  templatesDir?: string;
}

/** Renders pages. */
export interface Renderer {
  /** The full HTML document of `view`, in `ctx.lang`. */
  render(view: View, ctx: PageContext): string;
}

const PAGES: readonly View['page'][] = [
  'home',
  'wifi',
  'wifi-signup',
  'wifi-login',
  'wifi-voucher',
  'invalid-parameters',
  'unknown-sim',
  'ids-conflict',
  'plans',
  'status',
  'complete',
  'operator-error',
  'payment-pending',
  'error',
  'mobile-plans-esim',
  'mobile-plans-complete',
  'mobile-plans-cancel',
];
const PARTIALS = ['layout', '_plan-facts', '_receipt', '_sim', '_device-setup'] as const;

/** Creates a renderer: reads and compiles every template now, so a broken template fails at start-up. */
export function createRenderer(options: RendererOptions = {}): Renderer {
  const dir = options.templatesDir ?? DEFAULT_TEMPLATES_DIR;
  const eta = new Eta({ cache: true, autoEscape: true, rmWhitespace: true, views: dir });
  for (const name of [...PARTIALS, ...PAGES]) {
    eta.loadTemplate(`@${name}`, readFileSync(join(dir, `${name}.eta`), 'utf8'));
  }
  return {
    render(view, ctx) {
      return eta.render(`@${view.page}`, templateData(view, ctx));
    },
  };
}

/** The HTTP status a page is sent with. */
export function httpStatus(view: View): number {
  switch (view.page) {
    case 'invalid-parameters':
      return 400;
    case 'ids-conflict':
      return 409;
    case 'error':
      return view.status;
    case 'operator-error':
      return 500;
    default:
      return 200;
  }
}

/**
 * Makes text safe inside a `<script type="application/xml">` data block. The HTML tokenizer ends the block at the
 * first `</script` and treats `<!--` specially, so every `<` followed by `/`, `!` or `\` gets a backslash after it:
 * `</` → `<\/`, `<!` → `<\!`, `<\` → `<\\`. The result contains no `</` and no `<!`; the mapping is one-to-one,
 * and unescapeFromScriptElement (the same rule as in provision.js) gives back the exact original text, so the
 * signature still verifies.
 */
export function escapeForScriptElement(xml: string): string {
  return xml.replace(/<([/!\\])/g, '<\\$1');
}

/** The inverse of escapeForScriptElement (provision.js applies the same replacement). */
export function unescapeFromScriptElement(text: string): string {
  return text.replace(/<\\([/!\\])/g, '<$1');
}

/** A language link of the switcher. */
export interface LanguageLink {
  lang: Lang;
  /** The language's own name: "English", "日本語". */
  label: string;
  href: string;
  current: boolean;
}

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', ja: '日本語' };

/** Links to this page in each language: the path and query of the page with `lang` set. */
export function languageLinks(ctx: PageContext): LanguageLink[] {
  const [rawPath = '/', rawQuery = ''] = ctx.path.split('?', 2);
  // Only a same-site absolute path: never "//host" or "https://…".
  const path =
    rawPath.startsWith('/') && !rawPath.startsWith('//') && !rawPath.includes('\\') ? rawPath : '/';
  return (Object.keys(LANGUAGE_NAMES) as Lang[]).map((lang) => {
    const params = new URLSearchParams(rawQuery);
    for (const [key, value] of Object.entries(ctx.query)) params.set(key, value);
    params.delete('lang');
    params.set('lang', lang);
    return {
      lang,
      label: LANGUAGE_NAMES[lang],
      href: `${path}?${params.toString()}`,
      current: lang === ctx.lang,
    };
  });
}

/** One labelled fact of a plan. */
export interface Fact {
  key: 'name' | 'type' | 'data' | 'duration' | 'bandwidth' | 'price';
  label: string;
  value: string;
}

/** The facts of a plan in display order: type, data, duration, speed, price. */
export function planFacts(plan: PlanView, lang: Lang): Fact[] {
  return [
    { key: 'type', label: t(lang, 'plan.type'), value: t(lang, `plan.type.${plan.planType}`) },
    { key: 'data', label: t(lang, 'plan.data'), value: plan.dataLimit ?? t(lang, 'plan.data.noLimit') },
    { key: 'duration', label: t(lang, 'plan.duration'), value: plan.duration },
    {
      key: 'bandwidth',
      label: t(lang, 'plan.bandwidth'),
      value: plan.bandwidth
        ? t(lang, 'plan.bandwidth.upTo', { speed: plan.bandwidth })
        : t(lang, 'plan.bandwidth.noCap'),
    },
    { key: 'price', label: t(lang, 'plan.price'), value: plan.price },
  ];
}

/** A date for display: ISO 8601 values are formatted for `lang`, anything else (already formatted) is kept. */
export function displayDate(value: string, lang: Lang): string {
  return /^\d{4}-\d{2}-\d{2}(?:[T ]|$)/.test(value) ? formatDate(value, lang) : value;
}

/** A received parameter value for display: "(empty)" when empty, cut to 80 characters. */
function displayValue(value: string, lang: Lang): string {
  if (value === '') return t(lang, 'invalid.empty');
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}

/** The footer's support and policy links: the phone (a tel: link) and the configured pages. */
interface FooterLinks {
  phone?: { label: string; text: string; href: string };
  links: Array<{ label: string; href: string }>;
}

/** The operator's support and policy links for the footer, in the page's language. */
function footerLinks(ctx: PageContext): FooterLinks {
  const { lang, operator } = ctx;
  const pages = [
    ['site.footer.supportPage', operator.supportUrl],
    ['site.footer.terms', operator.termsUrl],
    ['site.footer.privacy', operator.privacyUrl],
    ['site.footer.refunds', operator.refundUrl],
  ] as const;
  return {
    ...(operator.supportPhone
      ? {
          phone: {
            label: t(lang, 'common.labelColon', { label: t(lang, 'site.footer.phone') }),
            text: operator.supportPhone,
            // Dialled as digits: spaces, dashes and brackets are for reading.
            href: `tel:${operator.supportPhone.replace(/[^\d+]/g, '')}`,
          },
        }
      : {}),
    links: pages.flatMap(([key, href]) => (href ? [{ label: t(lang, key), href }] : [])),
  };
}

/** What every template receives as `it`. */
interface TemplateData {
  ctx: PageContext;
  view: View;
  /** t() bound to the page's language. */
  t: (key: MessageKey | (string & {}), params?: MessageParams) => string;
  title: string;
  languageLinks: LanguageLink[];
  /** Script files of the page, under /static/. */
  scripts: string[];
  staticPrefix: string;
  footer: FooterLinks;
  /** The Mobile Plans cancel button and failed-download notice of the layout, in the page's language. */
  mobilePlans?: {
    cancel: string;
    cancelUrl: string;
    lpa?: { title: string; body: string; reported: string; retryUrl?: string; retry: string };
  };
  /** CSS of this page alone, in a nonce'd style element of the head (built from indexes only, never from data). */
  pageStyle?: string;
  /** Page-specific display values. */
  page: Record<string, unknown>;
}

function templateData(view: View, ctx: PageContext): TemplateData {
  const lang = ctx.lang;
  const tl = (key: MessageKey | (string & {}), params?: MessageParams) => t(lang, key, params);
  const base = {
    ctx,
    view,
    t: tl,
    languageLinks: languageLinks(ctx),
    staticPrefix: STATIC_PREFIX,
    scripts: [] as string[],
    footer: footerLinks(ctx),
    ...(ctx.mobilePlans ? { mobilePlans: mobilePlansLayout(ctx) } : {}),
  };
  switch (view.page) {
    case 'home':
      return { ...base, title: tl('home.title'), page: {} };
    case 'wifi':
      return {
        ...base,
        title: tl('wifi.title'),
        page: {
          fields: WIFI_FIELDS,
          facts: Object.fromEntries(view.plans.map((plan) => [plan.id, planFacts(plan, lang)])),
        },
      };
    case 'wifi-signup':
    case 'wifi-login':
    case 'wifi-voucher':
      return {
        ...base,
        title: tl(`${view.page}.title`),
        page: { fields: WIFI_FIELDS, error: view.error ? tl(`wifi.error.${view.error}`) : undefined },
      };
    case 'invalid-parameters':
      return { ...base, title: tl('invalid.title'), page: invalidParameters(view, lang) };
    case 'unknown-sim':
      return { ...base, title: tl('unknownSim.title'), page: unknownSim(view) };
    case 'ids-conflict':
      return { ...base, title: tl('idsConflict.title'), page: unknownSim(view) };
    case 'plans':
      return {
        ...base,
        title: tl('plans.title'),
        pageStyle: submitAmountStyle(view.plans.length),
        page: plans(view, ctx),
      };
    case 'status':
      return { ...base, title: tl('status.title'), page: status(view, ctx) };
    case 'complete':
      return {
        ...base,
        title: tl('complete.title'),
        scripts: view.signedXml === undefined ? [] : [`${STATIC_PREFIX}provision.js`],
        page: complete(view, ctx),
      };
    case 'operator-error':
      return { ...base, title: tl('operatorError.title'), page: {} };
    case 'payment-pending':
      return { ...base, title: tl('pending.title'), page: {} };
    case 'error':
      return { ...base, title: tl(`error.${view.status}.title`), page: error(view, lang) };
    case 'mobile-plans-esim':
      return {
        ...base,
        title: tl('mp.esim.title'),
        page: {
          plans: view.plans.map((plan) => ({
            name: plan.name,
            price: plan.price,
            facts: planFacts(plan, lang),
          })),
        },
      };
    case 'mobile-plans-complete':
      return {
        ...base,
        title: tl('mp.complete.title'),
        scripts: [`${STATIC_PREFIX}mobile-plans.js`],
        page: mobilePlansComplete(view, ctx),
      };
    case 'mobile-plans-cancel':
      return {
        ...base,
        title: tl('mp.cancel.title'),
        scripts: [`${STATIC_PREFIX}mobile-plans.js`],
        page: { data: mobilePlansCancel(view, ctx) },
      };
  }
}

/** The layout's cancel button and, when the launch reported a failed download, its explanation and retry. */
function mobilePlansLayout(ctx: PageContext): TemplateData['mobilePlans'] {
  const { lang, mobilePlans } = ctx;
  if (!mobilePlans) return undefined;
  const lpa = mobilePlans.lpa;
  return {
    cancel: t(lang, 'mp.cancel'),
    cancelUrl: mobilePlans.cancelUrl,
    ...(lpa
      ? {
          lpa: {
            title: t(lang, 'mp.lpa.title'),
            body: stepMessage(lpa.nextStep, ctx),
            reported: t(lang, 'mp.lpa.reported', { codes: lpa.codes.join(', ') }),
            retry: t(lang, 'mp.lpa.retry'),
            ...(lpa.retryUrl ? { retryUrl: lpa.retryUrl } : {}),
          },
        }
      : {}),
  };
}

/** The sentence of a next step after an eSIM result. */
function stepMessage(step: EsimNextStep, ctx: PageContext): string {
  return t(ctx.lang, `mp.step.${step}`, { operator: ctx.operatorName });
}

/** The data- attributes mobile-plans.js reads: the metadata, and the texts it shows (no inline script: CSP). */
function metadataData(metadata: PurchaseMetadata, ctx: PageContext): Record<string, string> {
  return {
    'user-account': metadata.userAccount,
    'purchase-instrument': metadata.purchaseInstrument,
    line: metadata.line,
    status: metadata.moDirectStatus,
    'plan-name': metadata.planName,
    ...(metadata.transactionId ? { 'transaction-id': metadata.transactionId } : {}),
    'msg-working': t(ctx.lang, 'mp.status.working'),
    'msg-no-host': t(ctx.lang, 'mp.status.noHost'),
    'msg-error': t(ctx.lang, 'mp.status.error'),
  };
}

/** The completion page's hand-over: which call, its arguments, and every message the app's answers may need. */
function mobilePlansComplete(view: MobilePlansCompleteView, ctx: PageContext) {
  const { lang } = ctx;
  const n = view.notification;
  const operator = ctx.operatorName;
  const done =
    n.operation === 'profile-download'
      ? n.delayMinutes === undefined
        ? t(lang, 'mp.status.download')
        : t(lang, 'mp.status.delayed', { minutes: n.delayMinutes })
      : n.operation === 'purchase-with-profile-download'
        ? n.networkRegistrationMinutes === 0
          ? t(lang, 'mp.status.asyncNow')
          : t(lang, 'mp.status.async', { minutes: n.networkRegistrationMinutes })
        : t(lang, n.operation === 'balance-addition' ? 'mp.status.balance' : 'mp.status.cancelled');
  const data: Record<string, string> = {
    operation: n.operation,
    ...metadataData(view.metadata, ctx),
    'msg-done': done,
    'msg-download-cancelled': t(lang, 'mp.status.downloadCancelled'),
    ...('activationCode' in n ? { 'activation-code': n.activationCode } : {}),
    ...('iccid' in n && n.iccid ? { iccid: n.iccid } : {}),
    ...(n.operation === 'profile-download' && n.delayMinutes !== undefined
      ? { delay: String(n.delayMinutes) }
      : {}),
    ...(n.operation === 'purchase-with-profile-download'
      ? { 'registration-minutes': String(n.networkRegistrationMinutes) }
      : {}),
    'activation-results': JSON.stringify(
      Object.fromEntries(
        Object.entries(ACTIVATION_RESULTS).map(([name, step]) => [name, stepMessage(step, ctx)]),
      ),
    ),
    'registration-states': JSON.stringify(
      Object.fromEntries(
        Object.entries(REGISTRATION_STATES).map(([name, note]) => [
          name,
          t(lang, `mp.registration.${note}`, { operator }),
        ]),
      ),
    ),
  };
  return {
    data,
    ...orderFacts(view, ctx),
  };
}

/** The cancel page's hand-over: notifyCancelledPurchase with its metadata. */
function mobilePlansCancel(view: MobilePlansCancelView, ctx: PageContext): Record<string, string> {
  return {
    operation: 'cancelled-purchase',
    ...metadataData(view.metadata, ctx),
    'msg-done': view.downloadCancelled
      ? `${t(ctx.lang, 'mp.status.downloadCancelled')} ${t(ctx.lang, 'mp.status.cancelled')}`
      : t(ctx.lang, 'mp.status.cancelled'),
  };
}

function invalidParameters(view: InvalidParametersView, lang: Lang) {
  return {
    next: t(lang, view.mobilePlans ? 'mp.invalid.next' : 'invalid.next'),
    problems: view.problems.map((p) => ({
      label: t(lang, `param.${p.param}`),
      value: displayValue(p.value, lang),
      message: problemMessage(lang, p.problem),
    })),
  };
}

function unknownSim(view: UnknownSimView | IdsConflictView) {
  return { iccid: view.iccid, subId: view.subId === undefined ? undefined : maskImsi(view.subId) };
}

/**
 * The plans page's submit button names the price of the chosen plan without any script: the button holds one label
 * per plan, and each is shown while its radio is checked (CSS :has(), one rule per plan of the page); with no plan
 * chosen, or in a browser without :has(), the label without a price shows. Hidden labels are not part of the
 * button's accessible name.
 */
function submitAmountStyle(plans: number): string {
  const rules = Array.from(
    { length: plans },
    (_, i) => `.checkout:has(#plan-${i}:checked) #submit-${i}{display:inline}`,
  );
  return [...rules, '.checkout:has(.plan input:checked) .submit-label{display:none}'].join('\n');
}

function plans(view: PlansView, ctx: PageContext) {
  const lang = ctx.lang;
  const operator = ctx.operatorName;
  return {
    heading: t(lang, `plans.heading.${view.scenario}`),
    intro: t(lang, `plans.intro.${view.scenario}`, { operator }),
    // Data runs out at a time of day; a plan ends on its date (both in the operator's time zone).
    previous: view.previous
      ? t(lang, view.scenario === 'renewal-exhausted' ? 'plans.previous.exhausted' : 'plans.previous', {
          name: view.previous.name,
          date:
            view.scenario === 'renewal-exhausted'
              ? formatDateTime(view.previous.endedAt, lang, ctx.timeZone)
              : formatDate(view.previous.endedAt, lang, ctx.timeZone),
        })
      : undefined,
    error: view.error ? t(lang, `plans.error.${view.error}`) : undefined,
    errorTitle: t(
      lang,
      view.error && hasMessage(`plans.error.title.${view.error}`)
        ? `plans.error.title.${view.error}`
        : 'plans.error.title',
    ),
    test: view.testPayments ? t(lang, 'plans.test.body') : undefined,
    email: view.receiptEmail && {
      label: t(lang, 'plans.email.label'),
      hint: t(lang, 'plans.email.hint'),
      value: view.receiptEmail.value,
      error: view.receiptEmail.invalid ? t(lang, 'plans.email.invalid') : undefined,
    },
    note: t(lang, `pay.note.${view.payment}`),
    submit: t(lang, `pay.submit.${view.payment}`),
    plans: view.plans.map((plan, index) => ({
      id: plan.id,
      selected: plan.id === view.selectedPlanId,
      inputId: `plan-${index}`,
      submitId: `submit-${index}`,
      submit: t(lang, `pay.submit.${view.payment}.amount`, { amount: plan.price }),
      name: plan.name,
      price: plan.price,
      // The price is on the plan's first line already.
      facts: planFacts(plan, lang)
        .filter((fact) => fact.key !== 'price')
        .map((fact) => ({ ...fact, label: t(lang, 'common.labelColon', { label: fact.label }) })),
    })),
    fields: CHECKOUT_FIELDS,
  };
}

function status(view: StatusView, ctx: PageContext) {
  const lang = ctx.lang;
  const percent =
    view.usagePercent === undefined ? undefined : Math.max(0, Math.min(100, Math.round(view.usagePercent)));
  return {
    facts: planFacts(view.plan, lang),
    startsAt: displayDate(view.startsAt, lang),
    endsAt: displayDate(view.endsAt, lang),
    usagePercent: percent,
    usagePercentText: percent === undefined ? undefined : t(lang, 'status.usagePercent', { percent }),
    intro: t(lang, `status.intro${view.wifiOnly ? '.wifi' : ''}${view.renew ? '.renewable' : ''}`),
    receipt: view.receipt && receiptRows(view.receipt, lang, ctx.timeZone),
    renew: view.renew && {
      body: t(lang, `status.renew.body.${view.renew.mode}`),
      link: t(lang, `plans.heading.active-${view.renew.mode}`),
    },
    topUp: view.topUp && topUp(view.topUp, view.renew !== undefined, ctx),
  };
}

/** The "Running low?" lines: why, then how to top up, or (renewWhileActive refuse) when a new plan can be bought. */
function topUp(view: TopUpView, renewable: boolean, ctx: PageContext): string[] {
  const { lang } = ctx;
  const date = formatPlanEnd(view.endsAt, view.shortPlan, lang, ctx.timeZone);
  const lines = [
    ...(view.usedPercent !== undefined ? [t(lang, 'status.topUp.usage', { percent: view.usedPercent })] : []),
    ...(view.endsSoon ? [t(lang, 'status.topUp.ending', { date })] : []),
  ];
  if (renewable) return lines;
  return [
    ...lines,
    t(lang, 'status.topUp.refuse', { date }),
    ...(view.dataLimited ? [t(lang, 'status.topUp.refuseData')] : []),
  ];
}

/** The messages of provision.js for msProvisionNetworks' Result codes 1–8 and any other code. */
const RESULT_MESSAGES = [
  'code1',
  'code2',
  'code3',
  'code4',
  'code5',
  'code6',
  'code7',
  'code8',
  'code-other',
];

/** The order of a completion page (the legacy one and Mobile Plans'): the plan's name and facts, and the receipt. */
function orderFacts(view: CompleteView | MobilePlansCompleteView, ctx: PageContext) {
  return {
    facts: [
      { key: 'name', label: t(ctx.lang, 'plan.name'), value: view.plan.name },
      ...planFacts(view.plan, ctx.lang),
    ],
    receipt: view.receipt && receiptRows(view.receipt, ctx.lang, ctx.timeZone),
  };
}

function complete(view: CompleteView, ctx: PageContext) {
  const lang = ctx.lang;
  return {
    ...orderFacts(view, ctx),
    scriptXml: view.signedXml === undefined ? undefined : escapeForScriptElement(view.signedXml),
    status: {
      working: t(lang, 'complete.status.working'),
      success: t(lang, 'complete.status.success'),
      partial: t(lang, 'complete.status.partial'),
      failed: t(lang, 'complete.status.failed'),
      error: t(lang, 'complete.status.error'),
      unknown: t(lang, 'complete.status.unknown'),
      ...Object.fromEntries(
        RESULT_MESSAGES.map((kind) => [kind, t(lang, `complete.status.${kind}` as MessageKey)]),
      ),
      // {code} stays for provision.js to fill in.
      detail: t(lang, 'complete.status.detail', { code: '{code}' }),
      retry: t(lang, 'complete.status.retry'),
      support: view.supportPhone
        ? t(lang, 'complete.status.support', { operator: ctx.operatorName, phone: view.supportPhone })
        : t(lang, 'complete.status.supportNoPhone', { operator: ctx.operatorName }),
    } as Record<string, string>,
    showWifi: view.wifiProfiles.length > 0,
    devices: view.devices && devicesOf(view.devices),
  };
}

/** A device profile the completion page links to. */
interface DeviceLink {
  platform: 'apple' | 'android';
  url: string;
}

/**
 * The completion page's device setups: the visitor's Apple or Android device first (the Windows setup then folds away
 * under its name), the profiles of the other platforms a click away.
 */
function devicesOf(devices: DevicesView): {
  primary?: DeviceLink;
  others: DeviceLink[];
  linkMinutes: number;
} {
  const links: DeviceLink[] = [
    { platform: 'apple', url: devices.apple },
    ...(devices.android ? [{ platform: 'android' as const, url: devices.android }] : []),
  ];
  const primary = links.find((l) => l.platform === devices.platform);
  return {
    ...(primary ? { primary } : {}),
    others: links.filter((l) => l !== primary),
    linkMinutes: devices.linkMinutes,
  };
}

/** The message of each specific reason of an error page. */
const ERROR_REASONS: Record<NonNullable<ErrorView['reason']>, MessageKey> = {
  'checkout-limit': 'error.checkoutLimit.body',
  'login-limit': 'error.loginLimit.body',
  'signup-limit': 'error.signupLimit.body',
  'esim-unavailable': 'error.esimUnavailable.body',
  'esim-limit': 'error.esimLimit.body',
  'mobile-plans-context': 'error.mobilePlansContext.body',
};

function error(view: ErrorView, lang: Lang) {
  return {
    body: t(lang, view.reason ? ERROR_REASONS[view.reason] : `error.${view.status}.body`),
  };
}
