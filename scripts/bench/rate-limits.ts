// What counting the rate limits across processes costs on the hot paths: RefreshURL 304s and usage updates per second
// of a portal on PostgreSQL whose limits count in its own memory (one process), in PostgreSQL (the default on
// PostgreSQL) and in Redis, in interleaved rounds, over HTTPS on loopback.
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { loadSecrets } from '@mbprov/portal/testing';
import autocannon from 'autocannon';
import { median, type Row, type SuiteResult } from './measure.ts';
import { activeSubscriber, type PortalProcess, startPortalProcess } from './portal-process.ts';

const COUNTERS = ['memory', 'database', 'redis'] as const;
type Counter = (typeof COUNTERS)[number];
const LABEL: Record<Counter, string> = {
  memory: 'in process memory',
  database: 'in PostgreSQL',
  redis: 'in Redis',
};
const ROUNDS = 3;
const SECONDS = 3;

/** Many PCs at once: far more connections than the 8 of the other measurements. */
const MANY = 64;

async function rate(options: autocannon.Options): Promise<{ rps: number; errors: number }> {
  const result = await autocannon({ connections: 8, duration: SECONDS, ...options });
  return { rps: result.requests.average, errors: result.errors + result.timeouts };
}

export async function runRateLimits(): Promise<SuiteResult> {
  const secretKey = randomBytes(32).toString('base64');
  const secrets = loadSecrets(secretKey, '/nonexistent');
  const databaseUrl = process.env.MBPROV_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
  const portals: Partial<Record<Counter, PortalProcess>> = {};
  const samples = Object.fromEntries(
    COUNTERS.map((c) => [c, { refresh: [] as number[], many: [] as number[], usage: [] as number[] }]),
  );
  let errors = 0;
  try {
    for (const counter of COUNTERS)
      portals[counter] = await startPortalProcess(50, databaseUrl, {
        MBPROV_SECRET_KEY: secretKey,
        MBPROV_BENCH_RATE_COUNTER: counter,
      });
    const targets = await Promise.all(
      COUNTERS.map(async (counter) => {
        const portal = portals[counter] as PortalProcess;
        const subscriber = await activeSubscriber(agent, portal, secrets, '8901269000000000000');
        return { counter, portal, subscriber };
      }),
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const { counter, portal, subscriber } of targets) {
        const refresh = await rate({
          url: subscriber.url,
          headers: { authorization: subscriber.authorization, 'if-none-match': subscriber.etag },
        });
        const many = await rate({
          url: subscriber.url,
          connections: MANY,
          headers: { authorization: subscriber.authorization, 'if-none-match': subscriber.etag },
        });
        let t = Date.now() - 3_600_000 + round * 100_000;
        let usage = 0;
        const updates = await rate({
          url: `${portal.url}/api/v1/usage`,
          method: 'POST',
          headers: { authorization: `Bearer ${portal.key}`, 'content-type': 'application/json' },
          requests: [
            {
              setupRequest: (req) => {
                usage += 1;
                t += 10;
                const at = new Date(t).toISOString();
                return {
                  ...req,
                  body: JSON.stringify({ updates: [{ iccid: subscriber.iccid, usageMegabytes: usage, at }] }),
                };
              },
            },
          ],
        });
        samples[counter]?.refresh.push(refresh.rps);
        samples[counter]?.many.push(many.rps);
        samples[counter]?.usage.push(updates.rps);
        errors += refresh.errors + many.errors + updates.errors;
      }
    }
  } finally {
    agent.destroy();
    for (const portal of Object.values(portals)) await portal?.stop();
  }
  const rows: Row[] = [];
  for (const [what, unit, key] of [
    ['RefreshURL 304', 'answers/s', 'refresh'],
    [`RefreshURL 304, ${MANY} connections`, 'answers/s', 'many'],
    ['usage updates (one report per request)', 'updates/s', 'usage'],
  ] as const) {
    const base = samples.memory?.[key] ?? [];
    for (const counter of COUNTERS) {
      const mine = samples[counter]?.[key] ?? [];
      rows.push({
        name: `PostgreSQL, limits counted ${LABEL[counter]}: ${what}`,
        value: median(mine),
        unit,
        baseline: counter === 'memory' ? 'baseline' : 'in memory',
        // The median of the ratios within each round (measurements moments apart).
        ratio: counter === 'memory' ? 1 : median(mine.map((m, i) => m / (base[i] as number))),
      });
    }
  }
  return {
    title: 'Rate limits counted across processes',
    description: `autocannon with 8 connections (${MANY} where said) for ${SECONDS} s per measurement, ${ROUNDS} interleaved rounds, over HTTPS on loopback, against one portal process on PostgreSQL per counter (docs/deploy/several-processes.md): its own memory (\`rateLimits.shared: false\`), the PostgreSQL table \`rate_limits\` (the default on PostgreSQL) and Redis (\`rateLimits.redisUrl\`). A RefreshURL request counts one page-limit hit; a usage update reads its address's failed logins and counts one hit of its API key. Hits that arrive while a round trip to the store runs go together in the next one (one statement or one MULTI per batch).`,
    rows,
    notes: [`Connection errors and timeouts: ${errors}.`],
  };
}
