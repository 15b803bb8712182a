import type { Generated } from 'kysely';

/**
 * The portal's tables, one schema for SQLite and PostgreSQL. Times are ISO 8601 UTC text (portable and sortable),
 * money is integer minor units, identifiers are random text.
 */
export interface Database {
  sims: SimTable;
  plans: PlanTable;
  subscribers: SubscriberTable;
  subscriptions: SubscriptionTable;
  checkouts: CheckoutTable;
  documents: DocumentTable;
  document_dictionaries: DocumentDictionaryTable;
  api_keys: ApiKeyTable;
  audit_log: AuditTable;
  jobs: JobTable;
  test_payments: TestPaymentTable;
  rate_limits: RateLimitTable;
  radius_sessions: RadiusSessionTable;
  accounts: AccountTable;
  vouchers: VoucherTable;
  esim_profiles: EsimProfileTable;
}

/** Back-office API keys: only a hash of the secret part is kept. */
export interface ApiKeyTable {
  id: string;
  name: string;
  key_hash: string;
  /** Space-separated scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every change made through the back office. */
export interface AuditTable {
  id: string;
  at: string;
  /** The API key name (or "system"). */
  actor: string;
  action: string;
  target: string;
  /** JSON, never with secrets. */
  details: string;
}

/** The durable job queue of the SQLite deployment (PostgreSQL uses pg-boss). */
export interface JobTable {
  id: string;
  name: string;
  data: string;
  singleton_key: string | null;
  /** pending, running, done, failed. */
  status: string;
  attempts: number;
  run_at: string;
  last_error: string | null;
  created_at: string;
}

/**
 * The SIM inventory: one row per subscription the network knows, by whichever identifiers it has (at least one of
 * ICCID, IMSI and MIN; a CDMA row may bind its device's ESN or MEID).
 */
export interface SimTable {
  /** The row's own id (the ICCID for rows stored before migration 0008). */
  id: string;
  iccid: string | null;
  imsi: string | null;
  /** CDMA Mobile Identification Number (or MIN(IRM)), 10 digits. */
  min: string | null;
  /** The CDMA device bound to the row: ESN (8 hex) or MEID (14 hex), normalized by cdmaDeviceKey. */
  esn_meid: string | null;
  msisdn: string | null;
  /** available or suspended. */
  status: string;
  created_at: string;
}

/** The plan catalog (from the configuration; retired plans stay for history). */
export interface PlanTable {
  id: string;
  name: string;
  name_ja: string | null;
  plan_type: string;
  data_limit_mb: number | null;
  duration_days: number;
  bandwidth_kbps: number | null;
  price_minor: number;
  currency: string;
  /** active or retired. */
  status: string;
  updated_at: string;
  /** Who it is sold to: mobile (SIM customers) or wifi (customers without a SIM). */
  kind: string;
}

/**
 * A SIM (or CDMA subscription) that reached the portal at least once, its identifiers copied from its inventory row;
 * or a Wi-Fi-only customer (no SIM: sim_id, iccid, imsi and min are null), named by an account or a voucher.
 */
export interface SubscriberTable {
  id: string;
  /** The inventory row (sims.id); null for a Wi-Fi-only customer. */
  sim_id: string | null;
  iccid: string | null;
  imsi: string | null;
  min: string | null;
  /** The DevId of the last visit. */
  device_id: string | null;
  /** HTTP Basic user name of the RefreshURL. */
  refresh_user: string;
  /** SHA-256 of the current refresh password (the password itself is derived, never stored). */
  refresh_password_hash: string;
  credential_version: number;
  created_at: string;
  updated_at: string;
  /** active, or suspended by the operator (no internet, whatever the plan). */
  status: Generated<string>;
  /** The EID (32 digits) of a Mobile Plans eSIM customer the portal first knew by it (migration 0018). */
  eid: string | null;
}

/** A purchased plan period. At most one `active` per subscriber (a partial unique index enforces it). */
export interface SubscriptionTable {
  id: string;
  subscriber_id: string;
  plan_id: string;
  /** active, expired (by date) or exhausted (by data), suspended. */
  status: string;
  starts_at: string;
  ends_at: string;
  data_limit_mb: number | null;
  usage_mb: number;
  usage_at: string | null;
  /**
   * Octets the subscriber's Wi-Fi sessions used during it (RADIUS accounting, docs/hotspot.md): usage_mb counts their
   * whole megabytes beside billing's figure. Text or number as the driver reads a 64-bit integer.
   */
  wifi_octets: Generated<number | string>;
  /** When accounting last added Wi-Fi usage (the portal clock); the documents' UsageTimestamp is the later of the two. */
  wifi_usage_at: Generated<string | null>;
  /** The checkout that paid for it (unique: one subscription per payment). */
  checkout_id: string;
  created_at: string;
}

/**
 * A checkout: one purchase attempt, stored when its form is posted (the plans page only signs its id), keyed by
 * that id, which is the idempotency key of the payment.
 */
export interface CheckoutTable {
  id: string;
  subscriber_id: string;
  plan_id: string | null;
  amount_minor: number | null;
  currency: string | null;
  /**
   * Unfinished: pending (plan and price fixed, payment started or about to be), captured (paid, not yet active),
   * expiring (the expiry sweep is cancelling it). Ended: completed, declined, canceled (the customer gave up on the
   * provider's page, or it expired there), refunded (paid, then impossible to activate: another purchase won the
   * race, or the capture did not match), superseded (answered already-active or plan-unavailable before charging),
   * expired (cancelled by the sweep after checkouts.ttlMinutes; a charge it found was refunded and is in
   * payment_reference). See docs/checkout.md.
   */
  status: string;
  payment_reference: string | null;
  /** Why it ended without a plan: the decline reason, or already-active / plan-unavailable when superseded. */
  failure: string | null;
  subscription_id: string | null;
  /** A keyed hash of the client address that posted it (never the address): checkouts.maxPerClient counts it. */
  client_key: string | null;
  /** The payment provider that was asked (`test`, `stripe`, `operator-billing`), once a payment was started. */
  payment_provider: string | null;
  /** The provider's id of the payment it started (a Checkout Session, a charge): what status checks name. */
  payment_id: string | null;
  /** How it was paid, for the receipt (payments/provider.ts PaymentMethod): card, account or other. */
  method_kind: string | null;
  method_brand: string | null;
  method_last4: string | null;
  method_label: string | null;
  /** When the capture was recorded. */
  paid_at: string | null;
  /** What the customer quotes to support (receipts, e-mails): derived from the id (activation/order-number.ts). */
  order_number: string | null;
  /**
   * The address the receipt is e-mailed to, encrypted (Secrets.encrypt); cleared once the receipt is sent, or given
   * up (docs/receipts.md). Null when the customer asked for no e-mail.
   */
  receipt_email_encrypted: string | null;
  /** When the receipt e-mail was accepted by the SMTP server: it is never sent twice. */
  receipt_sent_at: string | null;
  /** When a worker claimed the sending of the receipt e-mail, so that no other sends it at the same time. */
  receipt_claimed_at: string | null;
  /** The language of the plans page that started it (en, ja): the receipt e-mail's. */
  lang: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A payment of the test payment service (payments/test-service/): the records a real provider keeps on its side,
 * stored in the portal's database by the service (never read by the checkout, which asks the service's API). It
 * holds no card data: only the brand and last four digits of the card that paid.
 */
export interface TestPaymentTable {
  /** The payment id (tp_…): in the hosted page's URL, so random and unguessable. */
  id: string;
  /** The portal's checkout id, the payment's idempotency key (unique: one payment per checkout). */
  checkout_id: string;
  /** SHA-256 (hex) of the creating request: the same key with another body is refused. */
  request_hash: string;
  amount_minor: number;
  currency: string;
  description: string;
  return_url: string;
  cancel_url: string;
  /** en or ja: the hosted page's language. */
  lang: string;
  /** After this the payment cannot be paid (ISO 8601). */
  expires_at: string;
  /** open, captured, canceled, expired (not paid in time), refunded. */
  status: string;
  /** The capture's id (tpc_…) once captured. */
  reference: string | null;
  method_brand: string | null;
  method_last4: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A version of a subscriber's signed provisioning document, compressed and encrypted at rest (it holds credentials),
 * keyed by subscriber and version.
 */
export interface DocumentTable {
  subscriber_id: string;
  version: number;
  /** full (profiles, plans, provisioning) or usage (Plans with Usage only). */
  kind: string;
  etag: string;
  /** The stored form of the XML (security/sealed-document.ts): bytes on both engines (bytea, blob). */
  sealed: Buffer;
  created_at: string;
  /** The UsageTimestamp the document carries (null: stored before it was recorded). */
  usage_at: string | null;
}

/**
 * A preset dictionary the stored documents are compressed against (security/sealed-document.ts), named by a keyed
 * hash of its content. Rows are only added: a document names the one it needs for as long as it is kept.
 */
export interface DocumentDictionaryTable {
  id: string;
  /** The dictionary, encrypted at rest (Secrets.encrypt): it is a document of the deployment, configured secrets included. */
  content_encrypted: string;
  created_at: string;
}

/**
 * The rate limits' counts when several portal processes share them (rate-limits/): one row per counter name and
 * fixed window. On PostgreSQL the table is UNLOGGED: a crash empties it, which only restarts the current minute's
 * counts, and no write-ahead log is written for a count.
 */
export interface RateLimitTable {
  /** What is counted and for whom (a route and a client address, an API key, an address's failed logins). */
  name: string;
  /** The window's start (ISO 8601). */
  window_start: string;
  count: number;
  /** When the row may be deleted: the window's end plus one window of slack for clocks that differ. */
  expires_at: string;
}

/**
 * A RADIUS accounting session (FreeRADIUS's rest module posts its Start, Interim-Update and Stop records): one row per
 * NAS and Acct-Session-Id, with the counters last applied, so a repeated or older record applies nothing. Kept after
 * Stop until the prune job deletes it; the open ones name what a Disconnect-Request needs (NAS, session id, user name,
 * framed address).
 */
export interface RadiusSessionTable {
  id: string;
  /** The NAS the session belongs to: its NAS-Identifier, else its NAS-IP-Address (or NAS-IPv6-Address). */
  nas: string;
  /** Acct-Session-Id. */
  session_id: string;
  subscriber_id: string;
  /** The subscription its octets counted against (the active one at the first record that had one). */
  subscription_id: string | null;
  /** The User-Name as the NAS sent it (realm included): what a Disconnect-Request names. */
  user_name: string;
  nas_ip_address: string | null;
  nas_identifier: string | null;
  framed_ip_address: string | null;
  calling_station_id: string | null;
  called_station_id: string | null;
  unique_session_id: string | null;
  /** Octets (Gigawords included) of the last record applied. Text or number as the driver reads a 64-bit integer. */
  input_octets: number | string;
  output_octets: number | string;
  /** Acct-Session-Time of the last record, seconds. */
  session_time: number | null;
  /** open, or stopped (a Stop, an Accounting-Off of its NAS, or no record for radius.openSessionHours). */
  status: string;
  /** Acct-Terminate-Cause of the Stop. */
  terminate_cause: string | null;
  started_at: string;
  /** When the last record arrived (the portal clock). */
  updated_at: string;
  stopped_at: string | null;
}

/**
 * A Wi-Fi-only customer's login (docs/hotspot.md): the e-mail address only encrypted (Secrets.encrypt) and as a keyed
 * hash for the lookup, never in clear; the password as a memory-hard hash (security/password.ts).
 */
export interface AccountTable {
  id: string;
  /** Secrets.accountEmailId of the normalized address: unique, what a login looks up. */
  email_id: string;
  email_encrypted: string;
  /** scrypt with its parameters and salt (security/password.ts), so the cost can be raised later. */
  password_hash: string;
  /** The account's subscriber (no SIM), created with the account. */
  subscriber_id: string;
  /** Login sessions carry it; logging out increments it, which ends every session of the account. */
  session_epoch: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A voucher code the operator issued for a plan: only a keyed hash of the code is kept; it is used once. */
export interface VoucherTable {
  id: string;
  /** Secrets.voucherCodeId of the normalized code: unique, what a redemption looks up. */
  code_id: string;
  /** The batch it was issued in (one API call). */
  batch_id: string;
  plan_id: string;
  /** After this it cannot be redeemed (ISO 8601). */
  expires_at: string;
  redeemed_at: string | null;
  /** The subscriber it activated a plan for. */
  subscriber_id: string | null;
  /** The checkout (payment provider `voucher`) that activated the plan. */
  checkout_id: string | null;
  created_at: string;
}

/** The states of an eSIM profile of the inventory (docs/mobile-plans.md). */
export type EsimProfileState = 'available' | 'ordering' | 'released' | 'downloaded' | 'installed' | 'failed';

/**
 * An eSIM profile the SM-DP+ can deliver, and its order: `ordering` while the ES2+ calls run, `released` once the
 * SM-DP+ waits for the device, then `downloaded` and `installed` as the SM-DP+ reports; `failed` when the
 * installation failed or the SM-DP+ refused the ICCID itself (the operator looks at it; it is out of stock).
 */
export interface EsimProfileTable {
  iccid: string;
  profile_type: string | null;
  /** The profile's IMSI when the inventory gave it: how a gateway that knows only the IMSI asks for the line. */
  imsi: string | null;
  state: EsimProfileState;
  matching_id: string | null;
  /** The SM-DP+ address of the Activation Code (the one ConfirmOrder answered, else the configured one). */
  smdp_address: string | null;
  eid: string | null;
  subscriber_id: string | null;
  /** The Mobile Plans transactionId of the purchase that ordered it. */
  transaction_id: string | null;
  /** Why it failed (the SM-DP+'s subject and reason codes), bounded. */
  failure: string | null;
  created_at: string;
  updated_at: string;
  released_at: string | null;
  downloaded_at: string | null;
  installed_at: string | null;
}
