// The baseline of the back-office benchmark: a minimal Fastify HTTPS server that does the work of the portal's hot
// paths and nothing else, on the same database, TLS certificate and secret key, with hand-written SQL. What the
// portal does beyond it (plugins, security headers, rate limits, metrics, its storage layer) is the overhead the
// benchmark measures.
// - GET /refresh/:id: HTTP Basic, one indexed statement for the credential hash, the newest document's id and ETag and
//   the subscription's usage time (the portal compares it with the document's to know whether to sign again); SHA-256 of the password compared in constant time; 304 on a matching ETag, else
//   one more statement for the document row, decrypted and inflated.
// - POST /usage: a bearer key compared in constant time against its SHA-256, the JSON body, one guarded UPDATE that
//   finds the subscription from the ICCID and never moves usage backwards.
import { createHash, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';

/** Where the portal keeps its data, and what the baseline shares with it. */
export interface SameWorkOptions {
  tls: { key: Buffer; cert: Buffer };
  /** The PostgreSQL URL and schema, or the SQLite file. */
  database: { url: string; schema: string } | { sqliteFile: string };
  /** The XML of a stored document: decrypted and inflated, as the portal does (activation/documents-at-rest.ts). */
  open(stored: string): Promise<string>;
  /** The bearer token the usage route accepts. */
  apiKey: string;
}

interface RefreshRow {
  refresh_user: string;
  refresh_password_hash: string;
  document_id: string | null;
  etag: string | null;
}

/** One statement each, on either engine: `$n` placeholders for PostgreSQL, `@pn` for SQLite. */
interface Queries {
  refresh(id: string): Promise<RefreshRow | undefined>;
  document(id: string): Promise<string | undefined>;
  usage(iccid: string, usageMb: number, at: string): Promise<number | undefined>;
}

const REFRESH = (p: (n: number) => string) => `select s.refresh_user, s.refresh_password_hash,
  (select d.id from documents d where d.subscriber_id = ${p(1)} order by d.version desc limit 1) as document_id,
  (select d.etag from documents d where d.subscriber_id = ${p(1)} order by d.version desc limit 1) as etag,
  (select q.usage_at from subscriptions q where q.subscriber_id = ${p(1)}
    order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1) as usage_at
  from subscribers s where s.id = ${p(1)}`;
const DOCUMENT = (p: (n: number) => string) => `select xml_encrypted from documents where id = ${p(1)}`;
const USAGE = (p: (n: number) => string, greatest: string) => `update subscriptions
  set usage_mb = ${greatest}(usage_mb, ${p(2)}), usage_at = ${p(3)}
  where id = (select q.id from subscriptions q where q.subscriber_id =
      (select s.id from subscribers s where s.sim_id = (select id from sims where iccid = ${p(1)}))
    order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1)
  and status in ('active', 'exhausted') and (usage_at is null or usage_at < ${p(3)})
  returning usage_mb`;

function postgresQueries(url: string, schema: string): Queries & { close(): Promise<void> } {
  // The portal's pool size (storage/postgres-engine.ts).
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  const p = (n: number) => `$${n}`;
  const [refresh, document, usage] = [REFRESH(p), DOCUMENT(p), USAGE(p, 'greatest')];
  return {
    refresh: async (id) => (await pool.query<RefreshRow>({ name: 'r', text: refresh, values: [id] })).rows[0],
    document: async (id) =>
      (await pool.query<{ xml_encrypted: string }>({ name: 'd', text: document, values: [id] })).rows[0]
        ?.xml_encrypted,
    usage: async (iccid, usageMb, at) =>
      (await pool.query<{ usage_mb: number }>({ name: 'u', text: usage, values: [iccid, usageMb, at] }))
        .rows[0]?.usage_mb,
    close: () => pool.end(),
  };
}

function sqliteQueries(file: string): Queries & { close(): Promise<void> } {
  const db = new SQLite(file);
  db.pragma('busy_timeout = 5000');
  const p = (n: number) => `@p${n}`;
  const [refresh, document, usage] = [
    db.prepare<[{ p1: string }], RefreshRow>(REFRESH(p)),
    db.prepare<[{ p1: string }], { xml_encrypted: string }>(DOCUMENT(p)),
    db.prepare<[{ p1: string; p2: number; p3: string }], { usage_mb: number }>(USAGE(p, 'max')),
  ];
  return {
    refresh: async (id) => refresh.get({ p1: id }),
    document: async (id) => document.get({ p1: id })?.xml_encrypted,
    usage: async (iccid, usageMb, at) => usage.get({ p1: iccid, p2: usageMb, p3: at })?.usage_mb,
    close: async () => {
      db.close();
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Starts the baseline on a free loopback port; returns its URL and how to stop it. */
export async function startSameWorkServer(
  options: SameWorkOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const queries =
    'url' in options.database
      ? postgresQueries(options.database.url, options.database.schema)
      : sqliteQueries(options.database.sqliteFile);
  const keyHash = sha256(options.apiKey);
  const app: FastifyInstance = Fastify({ https: options.tls });
  app.get<{ Params: { id: string } }>('/refresh/:id', async (request, reply) => {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(request.headers.authorization ?? '');
    const decoded = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const row = colon > 0 ? await queries.refresh(request.params.id) : undefined;
    const given = sha256(decoded.slice(colon + 1));
    const stored = Buffer.from(row?.refresh_password_hash ?? '0'.repeat(64), 'hex');
    const ok = stored.length === given.length && timingSafeEqual(stored, given);
    if (!row || !ok || decoded.slice(0, colon) !== row.refresh_user) return reply.code(401).send();
    if (!row.etag || !row.document_id) return reply.code(404).send();
    reply.header('etag', row.etag);
    if (request.headers['if-none-match'] === row.etag) return reply.code(304).send();
    const xml = await queries.document(row.document_id);
    return reply.header('content-type', 'application/xml; charset=utf-8').send(await options.open(xml ?? ''));
  });
  app.post<{ Body: { updates: Array<{ iccid: string; usageMegabytes: number; at: string }> } }>(
    '/usage',
    async (request, reply) => {
      const token = sha256((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!timingSafeEqual(token, keyHash)) return reply.code(401).send();
      const report = request.body.updates[0];
      if (!report) return reply.code(400).send();
      const at = new Date(report.at).toISOString();
      const usage = await queries.usage(report.iccid, Math.round(report.usageMegabytes), at);
      return {
        results: [
          usage === undefined
            ? { index: 0, status: 'stale' }
            : { index: 0, status: 'applied', usageMegabytes: usage },
        ],
      };
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
