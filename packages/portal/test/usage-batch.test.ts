// A batch of usage reports is one statement (storage/usage-reports.ts) whose window functions must give what applying
// the reports one after the other gives. Random batches (repeated and out-of-order times, several reports per SIM,
// unknown SIMs, a capped plan crossing its allowance, a subscriber without a plan) are checked against a sequential
// model of the rules, on both engines, outcome by outcome and row by row afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { applyUsageReports, type UsageReport, type UsageResult } from '../src/backoffice/usage.ts';
import { findSim } from '../src/storage/sims.ts';
import { latestSubscription } from '../src/storage/subscriptions.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { buyPlan } from './helpers/purchase.ts';

/** SIMs of the demo inventory: two with a plan (1 GB Fixed, unlimited), one without, and one unknown. */
const WITH_PLAN = [
  { iccid: '8901260000000000018', plan: 'day-1gb' },
  { iccid: '8901260000000000026', plan: 'week-unlimited' },
];
const WITHOUT_PLAN = '8901260000000000034';
const UNKNOWN = '8901260999999999999';

/** The state of a subscription as the sequential rules see it. */
interface ModelRow {
  usageMb: number;
  usageAt: string | null;
  status: string;
  startsAt: string;
  cap: number | null;
}

/** The rules of backoffice/usage.ts applied one report at a time. */
function applySequentially(rows: Map<string, ModelRow>, reports: UsageReport[]): UsageResult[] {
  return reports.map((report) => {
    const row = report.iccid ? rows.get(report.iccid) : undefined;
    if (report.iccid === UNKNOWN) return { status: 'unknown-sim' };
    if (!row) return { status: 'no-plan' };
    const at = new Date(report.at).toISOString();
    if (row.startsAt > at) return { status: 'stale' };
    const stored = row.usageAt ?? '';
    if (at === stored) return { status: 'duplicate' };
    if (at < stored) return { status: 'stale' };
    row.usageMb = Math.max(row.usageMb, Math.round(report.usageMegabytes));
    row.usageAt = at;
    const exhausted = row.cap !== null && row.usageMb >= row.cap;
    if (exhausted) row.status = 'exhausted';
    return { status: 'applied', usageMegabytes: row.usageMb, exhausted };
  });
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

for (const dialect of DIALECTS) {
  describe(`usage batches on ${dialect}`, () => {
    let ctx: TestContext;
    const model = new Map<string, ModelRow>();
    const subscriberIds = new Map<string, string>();

    before(async () => {
      ctx = await testContext(dialect);
      for (const { iccid, plan } of WITH_PLAN) {
        const sim = await findSim(ctx.store.db, { iccid });
        assert.ok(sim);
        const subscriber = await subscriberForSim(ctx, sim, undefined);
        await buyPlan(ctx, subscriber.id, plan);
        subscriberIds.set(iccid, subscriber.id);
        const s = await latestSubscription(ctx.store.db, subscriber.id);
        assert.ok(s);
        const fixed = plan === 'day-1gb';
        model.set(iccid, {
          usageMb: s.usage_mb,
          usageAt: s.usage_at,
          status: s.status,
          startsAt: s.starts_at,
          cap: fixed ? s.data_limit_mb : null,
        });
      }
      const sim = await findSim(ctx.store.db, { iccid: WITHOUT_PLAN });
      assert.ok(sim);
      await subscriberForSim(ctx, sim, undefined);
    });
    after(() => ctx.close());

    /** The stored subscription of a SIM with a plan, as the model holds it. */
    const stored = async (iccid: string) => {
      const row = await latestSubscription(ctx.store.db, subscriberIds.get(iccid) as string);
      return { usageMb: row?.usage_mb, usageAt: row?.usage_at, status: row?.status };
    };
    const rowsMatchModel = async (round: number) => {
      for (const { iccid } of WITH_PLAN) {
        const { usageMb, usageAt, status } = model.get(iccid) as ModelRow;
        assert.deepEqual(await stored(iccid), { usageMb, usageAt, status }, `round ${round}, ${iccid}`);
      }
    };

    it('random batches give the outcomes and rows of applying their reports one by one', async () => {
      const next = random(dialect === 'sqlite' ? 7 : 11);
      const base = ctx.clock().getTime();
      const iccids = [...WITH_PLAN.map((p) => p.iccid), WITHOUT_PLAN, UNKNOWN];
      let exhausted = 0;
      const counts: Record<string, number> = {};
      let cursor = base - 3000;
      let usage = 0;
      for (let round = 0; round < 120; round++) {
        cursor += Math.floor(next() * 3) * 1000;
        const size = 1 + Math.floor(next() * 12);
        const reports: UsageReport[] = Array.from({ length: size }, () => {
          usage += (next() - 0.3) * 40;
          return {
            iccid: iccids[Math.floor(next() * iccids.length)] as string,
            // A few distinct times around a cursor that moves on, the first ones before the plans began: duplicates,
            // stale and applied reports all come often, with usage mostly but not always rising.
            at: new Date(cursor + (Math.floor(next() * 5) - 2) * 1000).toISOString(),
            usageMegabytes: Math.max(0, usage),
          };
        });
        const expected = applySequentially(model, reports);
        const got = await applyUsageReports(ctx, reports);
        assert.deepEqual(got, expected, `round ${round}: ${JSON.stringify(reports)}`);
        for (const r of expected) counts[r.status] = (counts[r.status] ?? 0) + 1;
        exhausted += expected.filter((r) => r.status === 'applied' && r.exhausted).length;
        await rowsMatchModel(round);
      }
      // The generator must have exercised what the test is about.
      assert.ok(
        (counts.applied ?? 0) > 100 && (counts.duplicate ?? 0) > 50 && (counts.stale ?? 0) > 50,
        JSON.stringify(counts),
      );
      assert.ok(exhausted > 0, 'the capped plan crossed its allowance');
    });

    it('concurrent batches for one subscription never move its usage backwards', async () => {
      const iccid = WITH_PLAN[1]?.iccid as string;
      const id = subscriberIds.get(iccid) as string;
      const start = ctx.clock().getTime() + 100_000;
      const reports = Array.from({ length: 40 }, (_, i) => ({
        iccid,
        at: new Date(start + i * 1000).toISOString(),
        usageMegabytes: 100_000 + i,
      }));
      // Sent in a shuffled order, all at once: every outcome is applied, stale or duplicate, and the row ends at the
      // newest report whatever order the engine ran them in.
      const shuffled = [...reports].sort(() => 0.5 - Math.random());
      const results = await Promise.all(shuffled.map((r) => applyUsageReports(ctx, [r])));
      for (const [result] of results)
        assert.ok(['applied', 'stale', 'duplicate'].includes(String(result?.status)), JSON.stringify(result));
      const row = await latestSubscription(ctx.store.db, id);
      assert.equal(row?.usage_at, reports.at(-1)?.at);
      assert.equal(row?.usage_mb, 100_039);
    });

    it('single reports (one UPDATE each when they apply) give the outcomes and rows of the sequential rules', async () => {
      const next = random(dialect === 'sqlite' ? 3 : 5);
      const iccids = [...WITH_PLAN.map((p) => p.iccid), WITHOUT_PLAN, UNKNOWN];
      const counts: Record<string, number> = {};
      // The rows as the tests before left them; times after theirs.
      for (const { iccid } of WITH_PLAN) Object.assign(model.get(iccid) as ModelRow, await stored(iccid));
      ctx.setNow(new Date(ctx.clock().getTime() + 600_000));
      let cursor = ctx.clock().getTime() - 250_000;
      let usage = 0;
      let report: UsageReport | undefined;
      for (let round = 0; round < 150; round++) {
        cursor += Math.floor(next() * 3) * 1000;
        usage += (next() - 0.3) * 60;
        // A report sent again now and then, as a billing system retries.
        report =
          report && next() < 0.2
            ? report
            : {
                iccid: iccids[Math.floor(next() * iccids.length)] as string,
                at: new Date(cursor + (Math.floor(next() * 5) - 2) * 1000).toISOString(),
                usageMegabytes: Math.max(0, usage),
              };
        const expected = applySequentially(model, [report]);
        assert.deepEqual(
          await applyUsageReports(ctx, [report]),
          expected,
          `round ${round}: ${JSON.stringify(report)}`,
        );
        const status = expected[0]?.status as string;
        counts[status] = (counts[status] ?? 0) + 1;
        await rowsMatchModel(round);
      }
      for (const status of ['applied', 'duplicate', 'stale', 'unknown-sim', 'no-plan'])
        assert.ok((counts[status] ?? 0) >= 5, JSON.stringify(counts));
    });

    // Only PostgreSQL runs two writers at once; on SQLite a statement (or the batch's read and update, in one
    // transaction) runs alone.
    if (dialect === 'postgres')
      for (const [shape, statementText, alongside] of [
        // Two reports (one of an unknown SIM) take the batch statement; one report alone takes the single UPDATE.
        ['a batch', '%with r (idx%', [{ iccid: UNKNOWN, at: '', usageMegabytes: 1 }]],
        ['a single report', '%update subscriptions%set usage_mb = case%', []],
      ] as const)
        it(`${shape} overtaken between its read and its update changes nothing, and reads as stale when evaluated again`, async () => {
          const iccid = WITH_PLAN[1]?.iccid as string;
          const id = subscriberIds.get(iccid) as string;
          const before = await latestSubscription(ctx.store.db, id);
          const t0 = Date.parse(before?.usage_at ?? '') + 1000;
          const sibling = await ctx.openSibling();
          // Other test files run usage statements on the same database, so a waiting statement counts only when the
          // sibling's transaction, or a statement already queued behind it, is what blocks it.
          const statementsWaiting = async (n: number, holder: number) => {
            for (let i = 0; i < 200; i++) {
              const { rows } = await sql<{ n: string }>`with recursive queue(pid) as (
                select ${holder}::int
                union
                select a.pid from pg_stat_activity a join queue q on q.pid = any(pg_blocking_pids(a.pid)))
              select count(*) as n from queue join pg_stat_activity a using (pid)
              where a.wait_event_type = 'Lock' and a.query like ${statementText}`.execute(sibling.db);
              if (Number(rows[0]?.n) >= n) return;
              await sleep(25);
            }
            assert.fail(`${n} usage statements never waited for the row lock`);
          };
          const reports = (at: number, usageMegabytes: number) => [
            { iccid, at: new Date(at).toISOString(), usageMegabytes },
            ...alongside.map((r) => ({ ...r, at: new Date(at).toISOString() })),
          ];
          const others = alongside.map(() => ({ status: 'unknown-sim' }));
          try {
            let newer: Promise<UsageResult[]> | undefined;
            let older: Promise<UsageResult[]> | undefined;
            // Another transaction holds the row: both statements take their snapshot, then queue for it, newer first.
            await sibling.transaction(async (tx) => {
              await tx
                .updateTable('subscriptions')
                .set({ usage_mb: sql`usage_mb` })
                .where('id', '=', before?.id as string)
                .execute();
              const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx);
              const holder = Number(rows[0]?.pid);
              newer = applyUsageReports(ctx, reports(t0 + 20_000, 200_020));
              await statementsWaiting(1, holder);
              older = applyUsageReports(ctx, reports(t0 + 10_000, 200_010));
              await statementsWaiting(2, holder);
            });
            assert.deepEqual(await newer, [
              { status: 'applied', usageMegabytes: 200_020, exhausted: false },
              ...others,
            ]);
            // When the holder commits, PostgreSQL wakes the waiting statements in no set order. Overtaken by the newer
            // (the case this test is about), the older reads as stale when evaluated again; if it took the row first,
            // it applied before the newer did, which is the sequential order of its arrival: both are right, and the
            // row is the newer report's either way.
            const olderResult = await older;
            const first = olderResult?.[0];
            if (first?.status === 'applied')
              assert.ok(first.usageMegabytes >= 200_010, JSON.stringify(olderResult));
            else
              assert.deepEqual(
                olderResult,
                [{ status: 'stale' }, ...others],
                'evaluated again after losing the race',
              );
            const row = await latestSubscription(ctx.store.db, id);
            assert.deepEqual([row?.usage_at, row?.usage_mb], [new Date(t0 + 20_000).toISOString(), 200_020]);
          } finally {
            await sibling.close();
          }
        });
  });
}
