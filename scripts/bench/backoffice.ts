// RefreshURL answers (200 and 304, authenticated) and usage updates per second over HTTPS on loopback, on SQLite and
// PostgreSQL, beside a bare Fastify route of the same process and TLS certificate (the baseline).
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { loadSecrets } from '@mbprov/portal/testing';
import autocannon from 'autocannon';
import type { Row, SuiteResult } from './measure.ts';
import { activeSubscriber, startPortalProcess } from './portal-process.ts';

const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });

const portalProcess = (databaseUrl: string | undefined, secretKey: string) =>
  startPortalProcess(50, databaseUrl, { MBPROV_SECRET_KEY: secretKey });

async function load(
  options: autocannon.Options,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const result = await autocannon({ connections: 8, duration: 5, ...options });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}

export async function runBackoffice(): Promise<SuiteResult> {
  const secretKey = randomBytes(32).toString('base64');
  const secrets = loadSecrets(secretKey, '/nonexistent');
  const rows: Row[] = [];
  const notes: string[] = [];
  const postgres = process.env.MBPROV_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  for (const [label, databaseUrl] of [
    ['SQLite', undefined],
    ['PostgreSQL', postgres],
  ] as const) {
    const p = await portalProcess(databaseUrl, secretKey);
    try {
      // One subscriber with an active plan, bought through the real flow.
      const iccid = '8901269000000000000';
      const { url, authorization: basic, etag } = await activeSubscriber(agent, p, secrets, iccid);

      const bare = await load({ url: `${p.bare}/bare` });
      const full = await load({ url, headers: { authorization: basic } });
      const cached = await load({
        url,
        headers: { authorization: basic, 'if-none-match': etag },
      });
      let t = Date.parse('2026-11-21T00:00:00Z');
      let usage = 0;
      const usageRun = await load({
        url: `${p.url}/api/v1/usage`,
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              usage += 1;
              t += 1000;
              return {
                ...req,
                body: JSON.stringify({
                  updates: [{ iccid, usageMegabytes: usage, at: new Date(t).toISOString() }],
                }),
              };
            },
          },
        ],
      });
      rows.push({
        name: `${label}: bare Fastify route (baseline)`,
        value: bare.rps,
        unit: 'requests/s',
        baseline: 'baseline',
        ratio: 1,
      });
      rows.push({
        name: `${label}: RefreshURL 200 (Basic auth, signed document)`,
        value: full.rps,
        unit: 'answers/s',
        baseline: 'bare route',
        ratio: full.rps / bare.rps,
      });
      rows.push({
        name: `${label}: RefreshURL 304 (If-None-Match)`,
        value: cached.rps,
        unit: 'answers/s',
        baseline: 'bare route',
        ratio: cached.rps / bare.rps,
      });
      rows.push({
        name: `${label}: usage updates (one report per request)`,
        value: usageRun.rps,
        unit: 'updates/s',
        baseline: 'bare route',
        ratio: usageRun.rps / bare.rps,
      });
      notes.push(
        `${label} latency p50/p99: bare ${bare.p50}/${bare.p99} ms, refresh 200 ${full.p50}/${full.p99} ms, refresh 304 ${cached.p50}/${cached.p99} ms, usage ${usageRun.p50}/${usageRun.p99} ms; non-2xx answers: refresh ${full.non2xx}, usage ${usageRun.non2xx} (304s count as non-2xx: ${cached.non2xx}).`,
      );
    } finally {
      await p.stop();
    }
  }
  agent.destroy();
  return {
    title: 'Back office: RefreshURL and usage updates',
    description:
      'autocannon with 8 connections for 5 s per measurement, over HTTPS on loopback, against the portal in its own process. The RefreshURL checks HTTP Basic credentials (SHA-256, constant time) and answers the stored signed document (decrypted from rest) or 304 for a matching ETag; a usage update is one POST /api/v1/usage with one report (bearer key check, one transaction). The baseline is a bare Fastify route in the portal process with the same TLS certificate.',
    rows,
    notes,
  };
}
