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
  api_keys: ApiKeyTable;
  audit_log: AuditTable;
  jobs: JobTable;
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

/** The SIM inventory. */
export interface SimTable {
  iccid: string;
  imsi: string;
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
}

/** A SIM that reached the portal at least once. */
export interface SubscriberTable {
  id: string;
  iccid: string;
  imsi: string;
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
  /** The checkout that paid for it (unique: one subscription per payment). */
  checkout_id: string;
  created_at: string;
}

/** A checkout: the idempotency key of one purchase attempt, from the plans page to the subscription. */
export interface CheckoutTable {
  id: string;
  subscriber_id: string;
  plan_id: string | null;
  amount_minor: number | null;
  currency: string | null;
  /** open (page shown), pending (payment asked), captured (paid, not yet active), completed, declined, refunded. */
  status: string;
  payment_reference: string | null;
  failure: string | null;
  subscription_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A version of a subscriber's signed provisioning document, encrypted at rest (it holds credentials). */
export interface DocumentTable {
  id: string;
  subscriber_id: string;
  version: number;
  /** full (profiles, plans, provisioning) or usage (Plans with Usage only). */
  kind: string;
  etag: string;
  xml_encrypted: string;
  created_at: string;
  /** The UsageTimestamp the document carries (null: stored before it was recorded). */
  usage_at: string | null;
  /** Generated on both dialects so inserts need not give it. */
  seq: Generated<number>;
}
