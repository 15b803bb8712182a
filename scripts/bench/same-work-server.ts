// The baseline of the back-office benchmark: a minimal Fastify HTTPS server that does the work of the portal's hot
// paths and nothing else, on the same database, TLS certificate and secret key, with hand-written SQL. The work is
// what the portal must do for the answer it gives: the same checks, the same writes, the same rate limits counted in
// the same store (on PostgreSQL the table all portal processes share, through the portal's own batched counter, as
// the baseline opens stored documents with the portal's own reader). What the portal does beyond it (security
// headers, its storage layer, metrics, the access log) is the overhead the benchmark measures.
// - GET /refresh/:id: one rate-limit hit of the address; HTTP Basic; one indexed statement for the credential hash,
//   the newest document's version and ETag and the subscription's usage time (the portal compares it with the document's
//   to know whether to sign again); SHA-256 of the password compared in constant time; 304 on a matching ETag, else
//   one more statement for the document row, decrypted and inflated.
// - POST /usage: the body checked against a JSON schema with the portal's limits, a bearer key compared in constant
//   time against its SHA-256, the address's failed logins read and the key's rate-limit hit counted together, the
//   report's time checked against the accepted window, one UPDATE that finds the subscription from the ICCID, applies
//   only a newer report to an active or exhausted plan that has begun, never moves usage backwards and exhausts a
//   capped Fixed plan, answering the usage and whether it is used up; a report that did not apply costs one select
//   more to say why (unknown SIM, no plan, stale, duplicate).
import { createHash, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';

/** Counts in the store the portal's rate limits use (its RateCounter). */
export interface SameWorkLimits {
  hit(name: string, windowMs: number, now: number): Promise<{ count: number }>;
  read(name: string, windowMs: number, now: number): Promise<{ count: number }>;
}

/** Where the portal keeps its data, and what the baseline shares with it. */
export interface SameWorkOptions {
  tls: { key: Buffer; cert: Buffer };
  /** The PostgreSQL URL and schema, or the SQLite file. */
  database: { url: string; schema: string } | { sqliteFile: string };
  /** The XML of a stored document: decrypted and inflated, as the portal does (activation/documents-at-rest.ts). */
  open(stored: Uint8Array): Promise<string>;
  /** The bearer token the usage route accepts. */
  apiKey: string;
  /**
   * A rate counter of the portal's kind on the same store, and the portal's limits per minute. Without one the
   * baseline counts nothing: the work without the limits (MBPROV_BENCH_SAME_WORK_LIMITS=off in portal-server.ts).
   */
  limits?: SameWorkLimits;
  perMinute: { refresh: number; api: number; apiAuthFailures: number };
  /** How far ahead of the clock, and how far back, a usage report may be dated (the portal's usageReports). */
  usageWindow: { maxFutureSeconds: number; maxAgeDays: number };
}

interface RefreshRow {
  refresh_user: string;
  refresh_password_hash: string;
  document_version: number | null;
  etag: string | null;
}

/** Why a report did not apply, from the rows it names. */
interface ReportState {
  subscriber: string | null;
  status: string | null;
  starts_at: string | null;
  usage_at: string | null;
}

/** One statement each, on either engine: `$n` placeholders for PostgreSQL, `@pn` for SQLite. */
interface Queries {
  refresh(id: string): Promise<RefreshRow | undefined>;
  document(subscriber: string, version: number): Promise<Buffer | undefined>;
  usage(
    iccid: string,
    usageMb: number,
    at: string,
    latest: string,
  ): Promise<{ usage_mb: number; exhausted: number } | undefined>;
  report(iccid: string): Promise<ReportState | undefined>;
}

const CURRENT = (
  subscriber: string,
) => `(select q.id from subscriptions q where q.subscriber_id = ${subscriber}
    order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1)`;
const REFRESH = (p: (n: number) => string) => `select s.refresh_user, s.refresh_password_hash,
  (select d.version from documents d where d.subscriber_id = ${p(1)} order by d.version desc limit 1) as document_version,
  (select d.etag from documents d where d.subscriber_id = ${p(1)} order by d.version desc limit 1) as etag,
  (select q.usage_at from subscriptions q where q.subscriber_id = ${p(1)}
    order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1) as usage_at
  from subscribers s where s.id = ${p(1)}`;
const DOCUMENT = (p: (n: number) => string) =>
  `select sealed from documents where subscriber_id = ${p(1)} and version = ${p(2)}`;
// $1 ICCID, $2 usage (integer), $3 time of the report, $4 the latest time accepted (a stored one past it counts as none).
const USAGE = (p: (n: number) => string, greatest: string) => {
  const fixed = `(select plan_type from plans where plans.id = subscriptions.plan_id) = 'Fixed'
    and subscriptions.data_limit_mb is not null`;
  return `update subscriptions set usage_mb = ${greatest}(usage_mb, ${p(2)}), usage_at = ${p(3)},
    status = case when ${fixed} and ${greatest}(usage_mb, ${p(2)}) >= data_limit_mb then 'exhausted' else status end
  where id = ${CURRENT(`(select s.id from subscribers s where s.sim_id = (select id from sims where iccid = ${p(1)}))`)}
    and status in ('active', 'exhausted') and starts_at <= ${p(3)}
    and (usage_at is null or usage_at > ${p(4)} or usage_at < ${p(3)})
  returning usage_mb, case when ${fixed} and usage_mb >= data_limit_mb then 1 else 0 end as exhausted`;
};
const REPORT = (p: (n: number) => string) => `select s.id as subscriber, q.status, q.starts_at, q.usage_at
  from sims m left join subscribers s on s.sim_id = m.id left join subscriptions q on q.id = ${CURRENT('s.id')}
  where m.iccid = ${p(1)}`;

function postgresQueries(url: string, schema: string): Queries & { close(): Promise<void> } {
  // The portal's pool size (storage/postgres-engine.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  const p = (n: number) => (n === 2 ? `$${n}::integer` : `$${n}`);
  const [refresh, document, usage, report] = [REFRESH(p), DOCUMENT(p), USAGE(p, 'greatest'), REPORT(p)];
  return {
    refresh: async (id) => (await pool.query<RefreshRow>({ name: 'r', text: refresh, values: [id] })).rows[0],
    document: async (subscriber, version) =>
      (await pool.query<{ sealed: Buffer }>({ name: 'd', text: document, values: [subscriber, version] }))
        .rows[0]?.sealed,
    usage: async (iccid, usageMb, at, latest) =>
      (
        await pool.query<{ usage_mb: number; exhausted: number }>({
          name: 'u',
          text: usage,
          values: [iccid, usageMb, at, latest],
        })
      ).rows[0],
    report: async (iccid) =>
      (await pool.query<ReportState>({ name: 's', text: report, values: [iccid] })).rows[0],
    close: () => pool.end(),
  };
}

function sqliteQueries(file: string): Queries & { close(): Promise<void> } {
  const db = new SQLite(file);
  // The portal's settings of its connection (storage/sqlite-engine.ts): without NORMAL each commit waits for an fsync.
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const p = (n: number) => `@p${n}`;
  const [refresh, document, usage, report] = [
    db.prepare<[{ p1: string }], RefreshRow>(REFRESH(p)),
    db.prepare<[{ p1: string; p2: number }], { sealed: Buffer }>(DOCUMENT(p)),
    db.prepare<[{ p1: string; p2: number; p3: string; p4: string }], { usage_mb: number; exhausted: number }>(
      USAGE(p, 'max'),
    ),
    db.prepare<[{ p1: string }], ReportState>(REPORT(p)),
  ];
  return {
    refresh: async (id) => refresh.get({ p1: id }),
    document: async (subscriber, version) => document.get({ p1: subscriber, p2: version })?.sealed,
    usage: async (iccid, usageMb, at, latest) => usage.get({ p1: iccid, p2: usageMb, p3: at, p4: latest }),
    report: async (iccid) => report.get({ p1: iccid }),
    close: async () => {
      db.close();
    },
  };
}

/** Why a report of `at` did not apply. */
function notApplied(state: ReportState | undefined, at: string): string {
  if (!state?.subscriber) return 'unknown-sim';
  if (state.status !== 'active' && state.status !== 'exhausted') return 'no-plan';
  return at === state.usage_at ? 'duplicate' : 'stale';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

// The portal's limits on a usage report (routes/api/usage.ts), for one report per request.
const USAGE_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['updates'],
  properties: {
    updates: {
      type: 'array',
      minItems: 1,
      maxItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['iccid', 'usageMegabytes', 'at'],
        properties: {
          iccid: { type: 'string', pattern: '^\\d{19,20}$' },
          usageMegabytes: { type: 'number', minimum: 0, maximum: 2_147_483_646 },
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

const MINUTE_MS = 60_000;

/** Starts the baseline on a free loopback port; returns its URL and how to stop it. */
export async function startSameWorkServer(
  options: SameWorkOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const queries =
    'url' in options.database
      ? postgresQueries(options.database.url, options.database.schema)
      : sqliteQueries(options.database.sqliteFile);
  const { limits, perMinute, usageWindow } = options;
  const keyHash = sha256(options.apiKey);
  const app: FastifyInstance = Fastify({ https: options.tls });
  app.get<{ Params: { id: string } }>('/refresh/:id', async (request, reply) => {
    const used = await limits?.hit(`same-work refresh ${request.ip}`, MINUTE_MS, Date.now());
    if (used && used.count > perMinute.refresh) return reply.code(429).send();
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const row = colon > 0 ? await queries.refresh(request.params.id) : undefined;
    const given = sha256(decoded.slice(colon + 1));
    const stored = Buffer.from(row?.refresh_password_hash ?? '0'.repeat(64), 'hex');
    const ok = stored.length === given.length && timingSafeEqual(stored, given);
    if (!row || !ok || decoded.slice(0, colon) !== row.refresh_user) return reply.code(401).send();
    if (!row.etag || row.document_version === null) return reply.code(404).send();
    reply.header('etag', row.etag);
    if (request.headers['if-none-match'] === row.etag) return reply.code(304).send();
    const sealed = await queries.document(request.params.id, row.document_version);
    return reply
      .header('content-type', 'application/xml; charset=utf-8')
      .send(await options.open(sealed ?? Buffer.alloc(0)));
  });
  app.post<{ Body: { updates: Array<{ iccid: string; usageMegabytes: number; at: string }> } }>(
    '/usage',
    { schema: { body: USAGE_BODY } },
    async (request, reply) => {
      const now = Date.now();
      const token = sha256((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (limits) {
        const [failures, used] = await Promise.all([
          limits.read(`same-work failures ${request.ip}`, MINUTE_MS, now),
          limits.hit('same-work key', MINUTE_MS, now),
        ]);
        if (failures.count >= perMinute.apiAuthFailures || used.count > perMinute.api)
          return reply.code(429).send();
      }
      if (!timingSafeEqual(token, keyHash)) return reply.code(401).send();
      const report = request.body.updates[0] as { iccid: string; usageMegabytes: number; at: string };
      const time = Date.parse(report.at);
      const latest = now + usageWindow.maxFutureSeconds * 1000;
      if (time > latest || time < now - usageWindow.maxAgeDays * 86_400_000) return reply.code(400).send();
      const at = new Date(time).toISOString();
      const usageMb = Math.round(report.usageMegabytes);
      const applied = await queries.usage(report.iccid, usageMb, at, new Date(latest).toISOString());
      const result = applied
        ? {
            index: 0,
            status: 'applied',
            usageMegabytes: applied.usage_mb,
            exhausted: applied.exhausted === 1,
          }
        : { index: 0, status: notApplied(await queries.report(report.iccid), at) };
      return { results: [result] };
    },
  );
  const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/^http:/, 'https:');
  return {
    url,
    close: async () => {
      await app.close();
      await queries.close();
    },
  };
}
