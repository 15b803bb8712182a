// RefreshURL answers (200 and 304, authenticated) and usage updates per second over HTTPS on loopback, on SQLite and
// PostgreSQL, beside a bare Fastify route of the same process and TLS certificate (the baseline).
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:https';
import { loadSecrets } from '@mbprov/portal/testing';
import autocannon from 'autocannon';
import { median, type Row, type SuiteResult } from './measure.ts';
import { activeSubscriber, purchase, startPortalProcess } from './portal-process.ts';

const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });

const portalProcess = (databaseUrl: string | undefined, secretKey: string) =>
  startPortalProcess(50, databaseUrl, { MBPROV_SECRET_KEY: secretKey });

/** What one autocannon run measured. */
interface Run {
  rps: number;
  p50: number;
  p99: number;
  answers: number;
  /** Connection errors, timeouts and answers with another status than the pair's. */
  unexpected: number;
  /** Answers whose body the pair's check refused. */
  refused: number;
  /** CPU time the server process used per answer, in µs (undefined where it cannot be read). */
  cpu: number | undefined;
}

/**
 * A run of `options` whose answers must have the status `expect` and, when given, pass `check`; `cpuSeconds` reads
 * the CPU time of the process that answers.
 */
async function load(
  options: autocannon.Options,
  expect: number,
  check: Check | undefined,
  cpuSeconds: () => number | undefined,
): Promise<Run> {
  const refusedBefore = check?.refused ?? 0;
  const cpuBefore = cpuSeconds();
  const result = await autocannon({ connections: 8, duration: SECONDS_PER_RUN, ...options });
  const cpuAfter = cpuSeconds();
  const answered = result.statusCodeStats?.[`${expect}`]?.count ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    answers: result.requests.total,
    unexpected: result.errors + result.timeouts + (result.requests.total - answered),
    refused: (check?.refused ?? 0) - refusedBefore,
    cpu:
      cpuBefore === undefined || cpuAfter === undefined || result.requests.total === 0
        ? undefined
        : ((cpuAfter - cpuBefore) * 1e6) / result.requests.total,
  };
}

/** Counts the answers whose body is not the one measured (a usage report that did not apply). */
interface Check {
  refused: number;
}

/** A portal hot path and the same-work server (or a bare route) doing its work, measured side by side. */
interface Pair {
  name: string;
  unit: string;
  baseline: autocannon.Options;
  portal: autocannon.Options;
  /** The status every answer must have on both sides. */
  expect: number;
  check?: Check;
  /** Issue 14's target for portal/baseline, when there is one. */
  target?: number;
}

const ROUNDS = 5;
/** SIMs whose usage the usage pair reports, in turn. */
const USAGE_SUBSCRIBERS = 40;
const SECONDS_PER_RUN = 2;

/**
 * Each pair in ROUNDS rounds, baseline and portal moments apart (which goes first alternates), so that a shared
 * machine's drift affects both alike: rates are medians over the rounds, the ratio the median of per-round ratios.
 */
async function interleaved(pairs: Pair[], cpuSeconds: () => number | undefined) {
  const runs = pairs.map(() => ({ baseline: [] as Run[], portal: [] as Run[] }));
  // Warm-up, not counted: JIT, connection pools, prepared statements.
  for (const pair of pairs)
    for (const side of ['baseline', 'portal'] as const)
      await load({ ...pair[side], duration: 1 }, pair.expect, pair.check, cpuSeconds);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, pair] of pairs.entries()) {
      const into = runs[i] as { baseline: Run[]; portal: Run[] };
      for (const side of round % 2 === 0
        ? (['baseline', 'portal'] as const)
        : (['portal', 'baseline'] as const))
        into[side].push(await load(pair[side], pair.expect, pair.check, cpuSeconds));
    }
  }
  return pairs.map((pair, i) => {
    const { baseline, portal } = runs[i] as { baseline: Run[]; portal: Run[] };
    // A server answering errors answers fast: such a rate would mean nothing. A usage report can arrive after the
    // next one of its SIM on a loaded machine and be answered stale (correctly, and at about the same cost); more
    // than one in a thousand would mean the pair measures something else.
    const all = [...baseline, ...portal];
    const sum = (count: (r: Run) => number) => all.reduce((n, r) => n + count(r), 0);
    if (sum((r) => r.unexpected) > 0)
      throw new Error(`${pair.name}: ${sum((r) => r.unexpected)} errors or answers with another status`);
    if (sum((r) => r.refused) * 1000 > sum((r) => r.answers))
      throw new Error(
        `${pair.name}: ${sum((r) => r.refused)} of ${sum((r) => r.answers)} answers not the one measured`,
      );
    const latency = (rs: Run[]) => `${median(rs.map((r) => r.p50))}/${median(rs.map((r) => r.p99))}`;
    return {
      pair,
      baseline: median(baseline.map((r) => r.rps)),
      portal: median(portal.map((r) => r.rps)),
      ratio: median(portal.map((r, j) => r.rps / (baseline[j] as Run).rps)),
      baselineLatency: latency(baseline),
      portalLatency: latency(portal),
      refused: {
        baseline: baseline.reduce((n, r) => n + r.refused, 0),
        portal: portal.reduce((n, r) => n + r.refused, 0),
      },
      cpu: cpuPerAnswer(baseline, portal),
    };
  });
}

/**
 * The CPU time per answer of each side (medians over the rounds) and the portal's against the baseline's (median of
 * per-round quotients), or undefined where it cannot be read. The server process holds the portal and both baselines;
 * only the side under load works during its run. CPU time per answer moves less than a rate when other processes
 * share the cores: it says what the portal spends, where the rate says what it got.
 */
function cpuPerAnswer(
  baseline: Run[],
  portal: Run[],
): { baseline: number; portal: number; ratio: number } | undefined {
  if ([...baseline, ...portal].some((r) => r.cpu === undefined)) return undefined;
  const cpu = (r: Run) => r.cpu as number;
  return {
    baseline: median(baseline.map(cpu)),
    portal: median(portal.map(cpu)),
    ratio: median(portal.map((r, j) => cpu(r) / cpu(baseline[j] as Run))),
  };
}

export async function runBackoffice(): Promise<SuiteResult> {
  const secretKey = randomBytes(32).toString('base64');
  const secrets = loadSecrets(secretKey, '/nonexistent');
  const rows: Row[] = [];
  const latencies: string[] = [];
  const postgres = process.env.MBPROV_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  for (const [label, databaseUrl] of [
    ['SQLite', undefined],
    ['PostgreSQL', postgres],
  ] as const) {
    const p = await portalProcess(databaseUrl, secretKey);
    try {
      // One subscriber with an active plan for the RefreshURL, bought through the real flow, and others whose usage
      // changes: a usage change makes the next refresh sign a usage-only document with a new ETag.
      const iccid = '8901269000000000000';
      const { url, authorization: basic, etag } = await activeSubscriber(agent, p, secrets, iccid);
      const id = url.slice(url.lastIndexOf('/') + 1);
      const reporting = Array.from(
        { length: USAGE_SUBSCRIBERS },
        (_, i) => `89012690${String(i + 1).padStart(11, '0')}`,
      );
      for (const sim of reporting) {
        const bought = (await purchase(agent, p.url, sim)).answer;
        if (bought.status !== 303) throw new Error(`purchase for ${sim} answered ${bought.status}`);
      }

      // Usage reports round-robin over the reporting SIMs, each newer than the last of its SIM (a millisecond per
      // turn, from after the plans began) and with more usage, so that every one applies (the check counts those
      // that do not): billing systems report many subscribers, not one subscription over and over.
      let t = Date.now();
      let sent = 0;
      const applied: Check = { refused: 0 };
      const usageRequest = (url: string): autocannon.Options => ({
        url,
        method: 'POST',
        headers: { authorization: `Bearer ${p.key}`, 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (req) => {
              const sim = reporting[sent % USAGE_SUBSCRIBERS] as string;
              if (sent % USAGE_SUBSCRIBERS === 0) t += 1;
              sent += 1;
              return {
                ...req,
                body: JSON.stringify({
                  updates: [{ iccid: sim, usageMegabytes: sent, at: new Date(t).toISOString() }],
                }),
              };
            },
            onResponse: (status, body) => {
              if (status === 200 && !body.includes('"status":"applied"')) applied.refused += 1;
            },
          },
        ],
      });
      const pairs: Pair[] = [
        {
          name: 'RefreshURL 304 (Basic auth, If-None-Match)',
          unit: 'answers/s',
          baseline: {
            url: `${p.sameWork}/refresh/${id}`,
            headers: { authorization: basic, 'if-none-match': etag },
          },
          portal: { url: `${p.url}/refresh/${id}`, headers: { authorization: basic, 'if-none-match': etag } },
          expect: 304,
          target: 0.7,
        },
        {
          name: 'RefreshURL 200 (Basic auth, stored document opened)',
          unit: 'answers/s',
          baseline: { url: `${p.sameWork}/refresh/${id}`, headers: { authorization: basic } },
          portal: { url: `${p.url}/refresh/${id}`, headers: { authorization: basic } },
          expect: 200,
          target: 0.7,
        },
        {
          name: 'usage updates (one report per request)',
          unit: 'updates/s',
          baseline: usageRequest(`${p.sameWork}/usage`),
          portal: usageRequest(`${p.url}/api/v1/usage`),
          expect: 200,
          check: applied,
          target: 0.6,
        },
        {
          name: "fixed cost: the portal's /healthz against a bare Fastify route",
          unit: 'requests/s',
          baseline: { url: `${p.bare}/bare` },
          portal: { url: `${p.url}/healthz` },
          expect: 200,
        },
      ];
      for (const result of await interleaved(pairs, p.cpuSeconds)) {
        rows.push(
          {
            name: `${label}: ${result.pair.name}, same-work server`,
            value: result.baseline,
            unit: result.pair.unit,
            baseline: 'baseline',
            ratio: 1,
          },
          {
            name: `${label}: ${result.pair.name}, portal`,
            value: result.portal,
            unit: result.pair.unit,
            baseline: result.pair.target ? `same work (target ≥ ${result.pair.target}x)` : 'bare route',
            ratio: result.ratio,
          },
        );
        const stale = result.pair.check
          ? `; reports not applied (stale, overtaken by the next of their SIM): ${result.refused.portal} on the portal, ${result.refused.baseline} on the same-work server`
          : '';
        const cpu = result.cpu
          ? `; CPU time per answer ${Math.round(result.cpu.portal)} µs (same-work server ${Math.round(result.cpu.baseline)} µs, ${result.cpu.ratio.toFixed(2)}x)`
          : '';
        latencies.push(
          `${label}, ${result.pair.name}: p50/p99 ${result.portalLatency} ms (same-work server ${result.baselineLatency} ms)${cpu}${stale}.`,
        );
      }
    } finally {
      await p.stop();
    }
  }
  agent.destroy();
  return {
    title: 'Back office: RefreshURL and usage updates',
    description: `autocannon with 8 connections over HTTPS on loopback against the portal in its own process, in ${ROUNDS} interleaved rounds of ${SECONDS_PER_RUN} s per side (rates are medians over the rounds, ratios medians of per-round ratios). The baseline of each hot path is a minimal Fastify server in the same process, on the same database, TLS certificate and secret key, doing the same work with hand-written SQL and nothing else (scripts/bench/same-work-server.ts): the same rate limits counted in the same store as the portal's (process memory on SQLite; on PostgreSQL the table every portal process shares, through the portal's batched counter); for the RefreshURL one indexed statement (credential hash, newest ETag, usage time), SHA-256 compared in constant time, and for a 200 one more row read, decrypted and inflated (the portal's own reader of stored documents); for a usage update the body schema, a constant-time bearer check, the report window and one UPDATE with the portal's rules (the plan active or exhausted and begun, newer reports only, usage never backwards, a capped Fixed plan exhausted), answering the usage. The usage reports go round-robin to ${USAGE_SUBSCRIBERS} SIMs other than the refreshing one, dated after their plans began, and every answer is checked (the 304 pair answers 304s only, the 200 pair 200s, the usage pair applied reports). The portal does the same through its storage layer plus what it runs on every request: security headers, API key scopes, metrics, request logging at info (to /dev/null here). The last pair shows that fixed cost alone: the portal's /healthz against a bare Fastify route. The notes give latencies and the CPU time the server process spent per answer (the portal and both baselines run in it; only the side under load works): other processes on the two cores move it less than the rates.`,
    rows,
    notes: latencies,
  };
}
