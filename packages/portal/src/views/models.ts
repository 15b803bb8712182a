import type { EsimNextStep } from '../mobile-plans/esim-results.ts';
import type { MobilePlansNotification, PurchaseMetadata } from '../mobile-plans/notification.ts';

/**
 * What each page shows: the data the routes hand to the templates. Templates only format these; every
 * decision (scenario, which plans, what failed) is made before rendering.
 */

/** The portal languages. */
export type Lang = 'en' | 'ja';

/** Shared by every page. */
export interface PageContext {
  lang: Lang;
  /** CSP nonce for the one inline-free script tag (scripts are external files; the nonce still guards them). */
  nonce: string;
  /** Path and query of this page without `lang`, to build the language switcher links. */
  path: string;
  query: Record<string, string>;
  operatorName: string;
  /** The operator's logo, support and policy links, shown on every page. */
  operator: OperatorLinks;
  /** The signing chain is the generated test chain: every page shows a TEST banner. */
  testSigning: boolean;
  /** IANA time zone of the operator's customers (operator.timeZone): times on receipts are shown in it. */
  timeZone: string;
  /** Set on the pages of a Mobile Plans launch: every page then has a cancel button (docs/mobile-plans.md). */
  mobilePlans?: MobilePlansPage;
}

/** What every page of a Mobile Plans launch adds: the way out, and earlier failed downloads the app reported. */
export interface MobilePlansPage {
  /** The cancel page (it returns control to the app with notifyCancelledPurchase). */
  cancelUrl: string;
  /** The X-MP-LPAError-* headers of the launch, when they reported a failure. */
  lpa?: LpaNoticeView;
}

/** An earlier eSIM download that failed, as the launch page explains it. */
export interface LpaNoticeView {
  nextStep: Exclude<EsimNextStep, 'success'>;
  /** The ESimOperationStatus names reported. */
  codes: string[];
  /** Where the download can be tried again (the subscriber has a paid profile), when it can. */
  retryUrl?: string;
}

/** The operator's logo and links every page shows (operator.* settings); those not configured are left out. */
export interface OperatorLinks {
  /** The logo in the header (an https URL or a /static/ path); the operator name is its text alternative. */
  logoUrl?: string;
  supportPhone?: string;
  supportUrl?: string;
  termsUrl?: string;
  privacyUrl?: string;
  refundUrl?: string;
}

/** What a customer paid for a plan, as the completion and status pages show it. Times are ISO 8601. */
export interface ReceiptView {
  orderNumber: string;
  paidAt: string;
  amountMinor: number;
  currency: string;
  /** How it was paid: a card's brand and last four digits when the provider said them, or the account. */
  method: { kind: string; brand?: string; last4?: string; label?: string };
  planName: string;
  /** When the plan ends: shown with the time of day for plans shorter than a week. */
  endsAt: string;
  shortPlan: boolean;
}

/** A plan of the catalog as shown to the user (values already formatted for `lang`). */
export interface PlanView {
  id: string;
  name: string;
  /** Unrestricted, Fixed or Variable. */
  planType: 'Unrestricted' | 'Fixed' | 'Variable';
  /** e.g. "10 GB"; absent for Unrestricted. */
  dataLimit?: string;
  /** e.g. "30 days". */
  duration: string;
  /** e.g. "50 Mbps"; absent when not capped. */
  bandwidth?: string;
  /** e.g. "$9.99" / "¥1,100". */
  price: string;
}

/** Why the user is on the plans page (the seed's key scenarios). */
export type Scenario =
  | 'first-use-usb'
  | 'first-use-embedded'
  | 'renewal-expired'
  | 'renewal-exhausted'
  /** A purchase while a plan is active, as `operator.renewWhileActive` allows. */
  | 'active-extend'
  | 'active-replace'
  /** A customer without a SIM (an account or a voucher) before any plan: Wi-Fi plans only. */
  | 'wifi-first-use';

/** A query parameter Windows passed that is not valid: the AccountExperienceURL's, or a Mobile Plans launch's. */
export interface ParameterProblem {
  param: 'SubId' | 'DevId' | 'IccId' | MobilePlansParam;
  value: string;
  /** Message key: 'subid.format', 'devid.format', 'iccid.format', 'duplicate'… with English and Japanese texts. */
  problem: string;
  /** The catalog code of a problem that has one of its own, shown with the message and logged. */
  code?: 'MBPROV_CDMA_DEVICE_ID_RANGE';
}

/** The launch parameters of the Mobile Plans app (docs/mobile-plans.md). */
export type MobilePlansParam = 'eid' | 'iccids' | 'iccid' | 'imei' | 'location' | 'market' | 'transactionId';

/** The SIM as shown (identifiers partly masked). */
export interface SimView {
  iccid?: string;
  /** e.g. "310260*****6789". */
  imsiMasked?: string;
  /** A CDMA subscriber's MIN, e.g. "******4567". */
  minMasked?: string;
}

export interface HomeView {
  page: 'home';
  /** Wi-Fi plans are on sale: the page leads customers without a SIM to /wifi. */
  wifi?: boolean;
}

/** The Wi-Fi entry page (/wifi): the Wi-Fi plans, and the way in (sign up, log in, voucher) or the account. */
export interface WifiView {
  page: 'wifi';
  plans: PlanView[];
  /** The logged-in account: its address, whether a plan is active, and the log-out form's CSRF token. */
  account?: { email: string; active: boolean; csrfToken: string };
}

/** Why an account or voucher form was refused (shown on the form, nothing written). */
export type WifiFormError =
  | 'exists'
  | 'invalid-email'
  | 'weak-password'
  | 'login-failed'
  | 'invalid-code'
  | 'expired-code'
  | 'already-active'
  | 'plan-unavailable';

/** The sign-up, log-in and voucher forms. */
export interface WifiFormView {
  page: 'wifi-signup' | 'wifi-login' | 'wifi-voucher';
  csrfToken: string;
  /** The e-mail address typed (never the password), to fill in again. */
  email?: string;
  error?: WifiFormError;
}

export interface InvalidParametersView {
  page: 'invalid-parameters';
  problems: ParameterProblem[];
  /** The parameters of a Mobile Plans launch: the next step is to open Mobile Plans again. */
  mobilePlans?: boolean;
}

/** A Mobile Plans launch for an eSIM the portal does not know: the plans, and the button that starts the purchase. */
export interface MobilePlansEsimView {
  page: 'mobile-plans-esim';
  plans: PlanView[];
  csrfToken: string;
}

/** The order confirmation of a Mobile Plans purchase, which hands it to the app (mobile-plans.js). */
export interface MobilePlansCompleteView {
  page: 'mobile-plans-complete';
  sim: SimView;
  plan: PlanView;
  receipt?: ReceiptView;
  notification: MobilePlansNotification;
  metadata: PurchaseMetadata;
  /** A delayed download can be cancelled before the app offers it: the form's CSRF token and the profile. */
  cancelDownload?: { csrfToken: string; iccid: string };
}

/** The end of a Mobile Plans flow without a purchase: the page returns control to the app. */
export interface MobilePlansCancelView {
  page: 'mobile-plans-cancel';
  metadata: PurchaseMetadata;
  /** The customer cancelled a delayed eSIM download (notifyOperationCancel came first). */
  downloadCancelled?: boolean;
}

export interface UnknownSimView {
  page: 'unknown-sim';
  iccid?: string;
  subId?: string;
}

/** The identifiers of a visit name different subscribers of the inventory (MBPROV_SUBSCRIBER_IDS_CONFLICT). */
export interface IdsConflictView {
  page: 'ids-conflict';
  iccid?: string;
  subId?: string;
}

export interface PlansView {
  page: 'plans';
  scenario: Scenario;
  sim: SimView;
  plans: PlanView[];
  /**
   * The signed checkout ticket sent back in a hidden field: the purchase's idempotency key and subscriber. Nothing is
   * stored for it until the form is posted.
   */
  checkoutId: string;
  csrfToken: string;
  /**
   * The previous plan, for renewals: when it ended (ISO 8601), by date (renewal-expired: its scheduled end) or by
   * its data running out (renewal-exhausted: the time of the usage report that reached the allowance).
   */
  previous?: { name: string; endedAt: string };
  /** Set when a previous attempt of this page failed, or the customer came back from the payment page without paying. */
  error?:
    | 'declined'
    | 'canceled'
    | 'refunded'
    | 'provider-unavailable'
    | 'plan-unavailable'
    | 'already-active'
    | 'expired'
    /** The plans page was posted after checkouts.ttlMinutes (409). */
    | 'page-expired';
  /** The plan chosen in that attempt, selected again. */
  selectedPlanId?: string;
  /** How the customer pays: on the provider's hosted page, or charged to the mobile account (operator billing). */
  payment: 'hosted' | 'account';
  /** The built-in test payment service is in use: a banner says no real payment is taken. */
  testPayments?: boolean;
  /**
   * The optional "E-mail me the receipt" field, when smtp is configured: what the customer typed, and whether the
   * server refused it (MBPROV_RECEIPT_EMAIL_INVALID).
   */
  receiptEmail?: { value: string; invalid: boolean };
}

/** A payment the provider has not confirmed yet: the page asks again by itself. */
export interface PaymentPendingView {
  page: 'payment-pending';
  refreshSeconds: number;
}

export interface StatusView {
  page: 'status';
  sim: SimView;
  plan: PlanView;
  /** Formatted dates. */
  startsAt: string;
  endsAt: string;
  /** e.g. "1.2 GB of 10 GB"; absent for unrestricted plans without usage. */
  usage?: string;
  /** 0–100 for a usage bar. */
  usagePercent?: number;
  /** The completion page of the latest document, to install it again. */
  completeUrl: string;
  /** Set when a purchase while active is allowed: how it works, and the page to buy. */
  renew?: { mode: 'extend' | 'replace'; url: string };
  /** The purchase of the active plan (absent for plans activated without a checkout). */
  receipt?: ReceiptView;
  /** A customer without a SIM: the texts say so, and the account page (/wifi) is linked. */
  wifiOnly?: boolean;
  /**
   * "Running low?": the usage passed operator.topUp.usagePercent or the plan ends within operator.topUp.daysBefore.
   * With `renew` it offers the renewal; without (renewWhileActive refuse) it says when a new plan can be bought.
   */
  topUp?: TopUpView;
}

/** Why the status page suggests topping up, and when the plan ends. */
export interface TopUpView {
  /** The share of the allowance used (whole percent), when it passed the threshold. */
  usedPercent?: number;
  /** The plan ends within operator.topUp.daysBefore days. */
  endsSoon: boolean;
  /** When the plan ends (ISO 8601), shown like the receipt's plan end. */
  endsAt: string;
  shortPlan: boolean;
  /** The plan has a data allowance: it can also run out before its end. */
  dataLimited: boolean;
}

export interface CompleteView {
  page: 'complete';
  sim: SimView;
  plan: PlanView;
  /**
   * The signed provisioning document, handed to window.external.msProvisionNetworks by provision.js. Absent for a
   * customer without a SIM: Windows opens no page of the portal for them, so no page runs in the legacy web host
   * that has msProvisionNetworks (docs/hotspot.md); the ms-settings link and the download deliver the document.
   */
  signedXml?: string;
  /** A customer without a SIM: how many minutes the document links of the page work (wifiAccounts.documentLinkMinutes). */
  wifiOnly?: { linkMinutes: number };
  /** Download of the same document (application/xml). */
  downloadUrl: string;
  /** ms-settings:wifi-provisioning?uri=<https URL of the document>, for the Wi-Fi profiles. */
  wifiProvisioningUrl: string;
  /** Wi-Fi profile names in the document, listed in the instructions. */
  wifiProfiles: string[];
  /** The operator's customer support number (operator.supportPhone), named when Windows could not install. */
  supportPhone?: string;
  /** The purchase that activated the plan (absent for plans activated without a checkout). */
  receipt?: ReceiptView;
  /**
   * The sign-in for the Passpoint networks of the document: Windows cannot carry a TTLS password in a provisioning
   * document, so it asks the user the first time (docs/hotspot.md, Passpoint).
   */
  passpoint?: PasspointSignInView;
  /** The profiles for iPhones, iPads, Macs and Android phones, when the operator runs hotspots they can join. */
  devices?: DevicesView;
}

/**
 * The completion page's device profiles (docs/hotspot.md): the visitor's platform, read from the User-Agent, gets its
 * own setup first; the other platforms are a click away.
 */
export interface DevicesView {
  /** The visitor's platform, when the User-Agent names one the page knows. */
  platform?: 'windows' | 'apple' | 'android';
  /** The signed `.mobileconfig` link (a capability, short-lived). */
  apple: string;
  /** The `application/x-wifi-config` link, when the operator runs a Passpoint network (Android has no WISPr profile). */
  android?: string;
  /** How many minutes the links work. */
  linkMinutes: number;
}

/** What a user types the first time a Passpoint network asks. */
export interface PasspointSignInView {
  /** The Passpoint profile names. */
  networks: string[];
  /** <refresh user>@<NAI realm>. */
  userName: string;
  /** The subscriber's hotspot password (derived from the secret key). */
  password: string;
}

export interface OperatorErrorView {
  page: 'operator-error';
  /** A reference the user can quote; the details are in the log. */
  reference: string;
}

export interface ErrorView {
  page: 'error';
  status: 400 | 403 | 404 | 409 | 413 | 429 | 500 | 503;
  /**
   * A more specific explanation than the status's: too many checkouts for the SIM or from the client address; too
   * many failed logs-in or voucher codes; too many accounts created from the client address.
   */
  reason?:
    | 'checkout-limit'
    | 'login-limit'
    | 'signup-limit'
    /** Mobile Plans: an eSIM the portal does not know, and no SM-DP+ configured (503). */
    | 'esim-unavailable'
    /** Mobile Plans: too many new eSIM customers from the client address (429). */
    | 'esim-limit'
    /** Mobile Plans: a page of the flow without the signed launch context (400). */
    | 'mobile-plans-context';
  /** Where to start again (a refused checkout form: its SIM's plans page) instead of the start page. */
  again?: string;
}

/** Every page. */
export type View =
  | HomeView
  | WifiView
  | WifiFormView
  | InvalidParametersView
  | UnknownSimView
  | IdsConflictView
  | PlansView
  | StatusView
  | CompleteView
  | OperatorErrorView
  | PaymentPendingView
  | ErrorView
  | MobilePlansEsimView
  | MobilePlansCompleteView
  | MobilePlansCancelView;
