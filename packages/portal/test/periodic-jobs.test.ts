// The periodic jobs on SQLite and PostgreSQL: pruning keeps each subscriber's newest versions and its newest full
// document and pages through the subscribers; regeneration pages through the active subscriptions with their
// subscriber and plan; the expiry sweep goes in batches; and the statements of a sweep batch, a prune batch and a
// regeneration page are answered from indexes (migration 0009_scale), never by reading a whole table.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { demoSims } from '../src/config/demo.ts';
import { expireSweep, pruneDocuments, regenerateDocuments } from '../src/jobs/tasks.ts';
import type { RanStatement } from '../src/storage/database.ts';
import {
  insertNextVersion,
  latestDocument,
  latestFullDocument,
  pruneDocumentsPage,
} from '../src/storage/documents.ts';
import { getPlan } from '../src/storage/plans.ts';
import { findSim } from '../src/storage/sims.ts';
import { type Subscriber, subscriberById } from '../src/storage/subscribers.ts';
import {
  activeSubscription,
  activeSubscriptionsPage,
  expireEndedBatch,
} from '../src/storage/subscriptions.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { buyPlan } from './helpers/purchase.ts';

/** The kinds of each subscriber's versions 1, 2, …, and the versions pruning keeps with keepVersions 3. */
const HISTORIES: Array<{ kinds: Array<'full' | 'usage'>; kept: number[] }> = [
  // The newest full document is older than the three newest versions: kept beside them.
  { kinds: ['full', 'usage', 'usage', 'usage', 'usage'], kept: [1, 3, 4, 5] },
  { kinds: ['usage', 'full', 'usage', 'full', 'usage', 'usage'], kept: [4, 5, 6] },
  // Nothing to prune.
  { kinds: ['full', 'usage'], kept: [1, 2] },
  // No full document at all: only the newest three.
  { kinds: ['usage', 'usage', 'usage', 'usage', 'usage', 'usage'], kept: [4, 5, 6] },
  // No document.
  { kinds: [], kept: [] },
];

for (const dialect of DIALECTS) {
  describe(`periodic jobs on ${dialect}`, () => {
    let ctx: TestContext;
    let subscribers: Subscriber[];

    before(async () => {
      ctx = await testContext(dialect);
      subscribers = [];
      for (const demo of demoSims) {
        const sim = await findSim(ctx.store.db, { iccid: demo.iccid });
        assert.ok(sim);
        subscribers.push(await subscriberForSim(ctx, sim, undefined));
      }
    });
    after(async () => {
      await ctx.close();
    });

    /** The stored versions of a subscriber, oldest first. */
    const versionsOf = async (subscriberId: string) =>
      (
        await ctx.store.db
          .selectFrom('documents')
          .select('version')
          .where('subscriber_id', '=', subscriberId)
          .orderBy('version')
          .execute()
      ).map((r) => r.version);

    it('pruning keeps the newest versions and the newest full document, one page of subscribers at a time', async () => {
      const byId = [...subscribers].sort((a, b) => (a.id < b.id ? -1 : 1));
      for (const [i, history] of HISTORIES.entries()) {
        for (const kind of history.kinds)
          await insertNextVersion(ctx.store.db, {
            subscriber_id: (byId[i] as Subscriber).id,
            kind,
            etag: '"e"',
            sealed: Buffer.from('v1.x'),
            created_at: ctx.clock().toISOString(),
            usage_at: null,
          });
      }
      const before = await Promise.all(
        byId.map(async (s) => [
          (await latestDocument(ctx.store.db, s.id))?.version,
          (await latestFullDocument(ctx.store.db, s.id))?.version,
        ]),
      );

      // One page: the first two subscribers by id are pruned, the others untouched; it says where to go on.
      const first = await pruneDocumentsPage(ctx.store.db, '', { pageSize: 2, keep: 3 });
      assert.deepEqual(first, { deleted: 1 + 3, next: byId[1]?.id });
      assert.deepEqual(await versionsOf(byId[0]?.id ?? ''), HISTORIES[0]?.kept);
      assert.deepEqual(await versionsOf(byId[1]?.id ?? ''), HISTORIES[1]?.kept);
      assert.deepEqual(await versionsOf(byId[3]?.id ?? ''), [1, 2, 3, 4, 5, 6]);

      // The job goes through every page (2, 2, 1 subscribers) to the end, keeping keepVersions 3 (not the default).
      ctx.config.documents.keepVersions = 3;
      assert.equal(await pruneDocuments(ctx, { pageSize: 2 }), 3);
      for (const [i, history] of HISTORIES.entries())
        assert.deepEqual(await versionsOf(byId[i]?.id ?? ''), history.kept, `subscriber ${i}`);
      const afterPrune = await Promise.all(
        byId.map(async (s) => [
          (await latestDocument(ctx.store.db, s.id))?.version,
          (await latestFullDocument(ctx.store.db, s.id))?.version,
        ]),
      );
      assert.deepEqual(afterPrune, before, 'the newest and the newest full document of each are kept');
      // A page past the last subscriber is the end; a second run finds nothing to delete.
      assert.deepEqual(
        await pruneDocumentsPage(ctx.store.db, byId.at(-1)?.id ?? '', { pageSize: 2, keep: 3 }),
        {
          deleted: 0,
          next: undefined,
        },
      );
      assert.equal(await pruneDocuments(ctx, { pageSize: 2 }), 0);
      // With the configured number: keepVersions 2 (the second subscriber keeps 4, its newest full document).
      ctx.config.documents.keepVersions = 2;
      assert.equal(await pruneDocuments(ctx), 2);
      assert.deepEqual(await versionsOf(byId[0]?.id ?? ''), [1, 4, 5]);
    });

    it('regeneration signs one document per active plan, page by page, with subscriber and plan from one join', async () => {
      const [a, b, c, expired] = subscribers as [Subscriber, Subscriber, Subscriber, Subscriber];
      for (const s of [a, b, c, expired]) await buyPlan(ctx, s.id);
      const start = ctx.clock();
      // The four day passes end; the sweep marks them so, one batch of one at a time, then a and b and c buy again.
      ctx.setNow(new Date(start.getTime() + 2 * 86_400_000));
      assert.equal(await expireSweep(ctx, { pageSize: 1 }), 4);
      assert.equal(await expireSweep(ctx, { pageSize: 1 }), 0);
      for (const s of [a, b, c]) await buyPlan(ctx, s.id, 'month-10gb');

      const active = [a, b, c].sort((x, y) => (x.id < y.id ? -1 : 1));
      const page = await activeSubscriptionsPage(ctx.store.db, '', 2);
      assert.equal(page.length, 2);
      for (const [i, row] of page.entries()) {
        const s = active[i] as Subscriber;
        assert.deepEqual(row.subscriber, await subscriberById(ctx.store.db, s.id));
        assert.deepEqual(row.subscription, await activeSubscription(ctx.store.db, s.id));
        assert.deepEqual(row.plan, await getPlan(ctx.store.db, 'month-10gb'));
      }
      const rest = await activeSubscriptionsPage(ctx.store.db, page[1]?.subscriber.id ?? '', 2);
      assert.deepEqual(
        rest.map((r) => r.subscriber.id),
        [active[2]?.id],
      );

      const versions = async () =>
        Promise.all([a, b, c, expired].map(async (s) => (await versionsOf(s.id)).at(-1) ?? 0));
      const was = await versions();
      assert.equal(await regenerateDocuments(ctx, { pageSize: 2 }), 3);
      const now = await versions();
      assert.deepEqual(
        now,
        was.map((v, i) => (i < 3 ? v + 1 : v)),
        'one new version per active plan, none for the expired one',
      );
      for (const s of [a, b, c]) assert.equal((await latestDocument(ctx.store.db, s.id))?.kind, 'full');
    });

    it('the expiry sweep, a prune batch and a regeneration page are answered from indexes', async () => {
      const ran: RanStatement[] = [];
      const sibling = await ctx.openSibling((statement) => ran.push(statement));
      ran.length = 0; // the migrations' statements of opening it
      try {
        await expireEndedBatch(sibling.db, ctx.clock().toISOString(), 2);
        await activeSubscriptionsPage(sibling.db, '', 2);
        await pruneDocumentsPage(sibling.db, '', { pageSize: 2, keep: 3 });
        // Explaining runs statements too: keep those of the jobs.
        const jobs = ran.splice(0);
        assert.equal(
          jobs.length,
          dialect === 'sqlite' ? 4 : 3,
          'SQLite reads the end of the prune page first',
        );
        const plans: string[] = [];
        for (const statement of jobs) {
          if (dialect === 'sqlite') {
            const plan = await sibling.db.executeQuery<{ detail: string }>(
              CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
            );
            plans.push(plan.rows.map((r) => r.detail).join('\n'));
          } else {
            // Tables of a few rows are read whole when that is cheaper: forbid it to see whether an index serves.
            plans.push(
              await sibling.transaction(async (tx) => {
                await sql`set local enable_seqscan = off`.execute(tx);
                const plan = await tx.executeQuery<{ 'QUERY PLAN': string }>(
                  CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
                );
                return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
              }),
            );
          }
        }
        const whole = dialect === 'sqlite' ? /\bSCAN (subscriptions|subscribers|documents)\b/ : /Seq Scan on/;
        for (const [i, plan] of plans.entries()) assert.doesNotMatch(plan, whole, `${ran[i]?.sql}\n${plan}`);
        assert.match(
          plans[0] ?? '',
          /subscriptions_active_ends/,
          'the sweep walks the active subscriptions by end',
        );
        assert.match(
          plans[1] ?? '',
          /subscriptions_one_active/,
          'a page walks the active subscriptions by subscriber',
        );
      } finally {
        await sibling.close();
      }
    });
  });
}
