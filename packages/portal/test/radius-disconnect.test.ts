// The walled garden closing on the network: when a plan expires (the sweep), is exhausted (accounting, billing's
// usage reports) or the operator suspends the subscriber (API), the disconnect-sessions job sends each open session's
// NAS a Disconnect-Request that FreeRADIUS's Dynamic Authorization listener verifies and logs; ACK and NAK 503 close
// the session row, a timeout leaves it open for the queue's retry. The local queue on SQLite, pg-boss on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { applyUsageReports } from '../src/backoffice/usage.ts';
import { account } from '../src/hotspot/accounting.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { PgBossQueue } from '../src/jobs/pg-boss-queue.ts';
import type { JobQueue } from '../src/jobs/queue.ts';
import { runExpirySweep, startJobs } from '../src/jobs/tasks.ts';
import { buildServer } from '../src/server.ts';
import { radiusSession } from '../src/storage/radius-sessions.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, POSTGRES_URL, type TestContext, testContext } from './helpers/context.ts';
import { installed } from './helpers/freeradius.ts';
import { FreeRadiusCoa } from './helpers/freeradius-coa.ts';
import { buyPlan } from './helpers/purchase.ts';
import { freeUdpPort } from './helpers/radius-udp.ts';

const haveFreeRadius = await installed('freeradius');
// Setup installs it (scripts/setup.sh): a missing tool fails the tests rather than skipping them.
if (!haveFreeRadius)
  throw new Error('freeradius (and freeradius-utils) are not installed: run npm run setup');
const SECRET_ENV = 'MBPROV_TEST_DISCONNECT_SECRET';
const SECRET = 'disconnect-test-shared-secret';
process.env[SECRET_ENV] = SECRET;
process.env.MBPROV_TEST_DEAD_NAS_SECRET = SECRET;

/** Sessions the listener acknowledges; any other id is NAKed with Session-Context-Not-Found. */
const KNOWN = ['expired-a', 'other-b', 'exhausted-c', 'billing-d', 'suspended-e', 'garden-h'];

const HOUR = 3_600_000;

for (const dialect of DIALECTS) {
  describe(`Disconnects when access closes, on ${dialect}`, {}, () => {
    let ctx: TestContext;
    let queue: JobQueue;
    let coa: FreeRadiusCoa;
    let app: FastifyInstance;
    let admin: string;
    let sims = 0;
    const bossSchema = `t_boss_disconnect_${process.pid}_${Date.now()}`;

    before(async () => {
      coa = await FreeRadiusCoa.start(SECRET, KNOWN);
      ctx = await testContext(dialect, {
        configure: (config) => {
          config.radius.nas = [
            {
              name: 'ap-lobby',
              address: '127.0.0.1',
              coaPort: coa.port,
              secretEnv: SECRET_ENV,
              action: 'disconnect',
              timeoutSeconds: 30,
            },
          ];
        },
      });
      // The local queue polls once an hour: the tests drain it themselves.
      queue =
        dialect === 'sqlite'
          ? new LocalQueue(ctx.store.db, ctx.clock, 3_600_000)
          : await PgBossQueue.start(POSTGRES_URL, bossSchema);
      ctx.queue = queue;
      await startJobs(ctx, queue);
      app = await buildServer(ctx, { logger: false });
      admin = (await createApiKey(ctx.store.db, 'ops', ['admin'], ctx.clock().toISOString())).key;
    });
    after(async () => {
      await queue?.stop();
      await app?.close();
      await ctx?.close();
      await coa?.stop();
      if (dialect === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${bossSchema} cascade`);
        await client.end();
      }
    });

    /** A subscriber with a SIM of its own and a 1 GB day plan bought now. */
    const subscriberWithPlan = async (): Promise<Subscriber & { iccid: string }> => {
      const n = String(++sims).padStart(3, '0');
      const iccid = `8901260000000077${n}`;
      await addSims(ctx.store.db, [{ iccid, imsi: `310260000077${n}` }], ctx.clock().toISOString());
      const sim = await findSim(ctx.store.db, { iccid });
      assert.ok(sim);
      const subscriber = await subscriberForSim(ctx, sim, undefined);
      await buyPlan(ctx, subscriber.id, 'day-1gb');
      return { ...subscriber, iccid };
    };

    /** An accounting record as FreeRADIUS's rest module posts it, from the NAS at `nas` (127.0.0.1: ap-lobby). */
    const record = (
      subscriber: Subscriber,
      status: string,
      session: string,
      extra: Record<string, string | number> = {},
    ) =>
      account(ctx, {
        'User-Name': { type: 'string', value: [subscriber.refresh_user] },
        'Acct-Status-Type': { type: 'integer', value: [status] },
        'Acct-Session-Id': { type: 'string', value: [session] },
        'NAS-IP-Address': { type: 'ipaddr', value: ['127.0.0.1'] },
        'Framed-IP-Address': { type: 'ipaddr', value: ['10.20.0.7'] },
        ...Object.fromEntries(
          Object.entries(extra).map(([name, value]) => [name, { type: 'string', value: [value] }]),
        ),
      });

    /** The Disconnect-Requests the listener received for `session`. */
    const disconnectsOf = (session: string) =>
      coa
        .received()
        .filter((r) => r.type === 'Disconnect-Request' && r.attributes['Acct-Session-Id'] === session);

    const sessionRow = (session: string, nas = 'ip:127.0.0.1') => radiusSession(ctx.store.db, nas, session);

    /** Runs the queued jobs, then checks the listener got one Disconnect for each session and their rows closed. */
    const expectDisconnected = async (...sessions: string[]) => {
      await queue.drain();
      for (const session of sessions) {
        assert.equal(disconnectsOf(session).length, 1, `${session}: ${coa.output.slice(-3000)}`);
        assert.equal((await sessionRow(session))?.status, 'stopped', session);
      }
    };

    it('expiry: the sweep disconnects the expired subscriber’s session, not another’s, and only once', async () => {
      const a = await subscriberWithPlan();
      await record(a, 'Start', 'expired-a');
      // A session at a NAS the configuration does not know: logged and skipped.
      await account(ctx, {
        'User-Name': { type: 'string', value: [a.refresh_user] },
        'Acct-Status-Type': { type: 'string', value: ['Start'] },
        'Acct-Session-Id': { type: 'string', value: ['elsewhere-a'] },
        'NAS-IP-Address': { type: 'ipaddr', value: ['192.0.2.99'] },
      });
      ctx.setNow(new Date(ctx.clock().getTime() + 12 * HOUR));
      const b = await subscriberWithPlan();
      await record(b, 'Start', 'other-b');
      ctx.setNow(new Date(ctx.clock().getTime() + 13 * HOUR));

      await runExpirySweep(ctx);
      await queue.drain();
      const [sent, again] = disconnectsOf('expired-a');
      assert.ok(sent, coa.output.slice(-3000));
      assert.equal(again, undefined);
      assert.equal(sent.attributes['User-Name'], a.refresh_user);
      assert.equal(sent.attributes['NAS-IP-Address'], '127.0.0.1');
      assert.equal(sent.attributes['Framed-IP-Address'], '10.20.0.7');
      const closed = await sessionRow('expired-a');
      assert.equal(closed?.status, 'stopped');
      assert.equal(closed?.stopped_at, ctx.clock().toISOString());
      assert.equal(closed?.terminate_cause, 'Admin-Reset');

      assert.deepEqual(disconnectsOf('other-b'), [], 'the active subscriber is left alone');
      assert.equal((await sessionRow('other-b'))?.status, 'open');
      assert.equal((await sessionRow('elsewhere-a', 'ip:192.0.2.99'))?.status, 'open');
      assert.match(JSON.stringify(ctx.log.lines), /not in radius\.nas/);

      const total = coa.received().length;
      await runExpirySweep(ctx);
      await queue.drain();
      assert.equal(coa.received().length, total, 'a second sweep sends nothing more');
      assert.doesNotMatch(JSON.stringify(ctx.log.lines), new RegExp(SECRET));
    });

    it('exhaustion by accounting: the Interim that uses up the plan disconnects its session', async () => {
      const c = await subscriberWithPlan();
      await record(c, 'Start', 'exhausted-c');
      assert.deepEqual(disconnectsOf('exhausted-c'), []);
      const answer = await record(c, 'Interim-Update', 'exhausted-c', {
        'Acct-Input-Octets': 600_000_000,
        'Acct-Output-Octets': 500_000_000,
      });
      assert.equal(answer.result === 'applied' && answer.exhausted, true);
      await expectDisconnected('exhausted-c');
    });

    it('exhaustion by a billing usage report disconnects the Wi-Fi session too', async () => {
      const d = await subscriberWithPlan();
      await record(d, 'Start', 'billing-d');
      // Billing measures after the purchase (a report at the purchase's own time is a duplicate of its start).
      ctx.setNow(new Date(ctx.clock().getTime() + 60_000));
      const [result] = await applyUsageReports(ctx, [
        { iccid: d.iccid, usageMegabytes: 1500, at: ctx.clock().toISOString() },
      ]);
      assert.deepEqual(result, { status: 'applied', usageMegabytes: 1500, exhausted: true });
      await expectDisconnected('billing-d');
    });

    it('suspension by the operator disconnects every open session; a NAK 503 (already gone) closes its row', async () => {
      const e = await subscriberWithPlan();
      await record(e, 'Start', 'suspended-e');
      await record(e, 'Start', 'vanished-e');
      const answer = await app.inject({
        method: 'POST',
        url: `/api/v1/subscribers/${e.id}/suspend`,
        headers: { authorization: `Bearer ${admin}` },
      });
      assert.equal(answer.statusCode, 200);
      // vanished-e is unknown to the NAS: its NAK 503 (already gone) closes the row too.
      await expectDisconnected('suspended-e', 'vanished-e');
    });

    it('a NAS configured for CoA gets a CoA-Request with its walled-garden Filter-Id; the session stays open', async () => {
      const nas = ctx.config.radius.nas;
      ctx.config.radius.nas = nas.map((n) => ({
        ...n,
        action: 'coa' as const,
        coaFilterId: 'walled-garden',
      }));
      try {
        const h = await subscriberWithPlan();
        await record(h, 'Start', 'garden-h');
        await app.inject({
          method: 'POST',
          url: `/api/v1/subscribers/${h.id}/suspend`,
          headers: { authorization: `Bearer ${admin}` },
        });
        await queue.drain();
        const sent = coa.received().filter((r) => r.attributes['Acct-Session-Id'] === 'garden-h');
        assert.deepEqual(
          sent.map((r) => [r.type, r.attributes['Filter-Id']]),
          [['CoA-Request', 'walled-garden']],
          coa.output.slice(-3000),
        );
        assert.equal((await sessionRow('garden-h'))?.status, 'open', 'it lives on in the walled garden');
      } finally {
        ctx.config.radius.nas = nas;
      }
    });

    it('nothing is queued when no NAS is configured', async () => {
      const nas = ctx.config.radius.nas;
      ctx.config.radius.nas = [];
      try {
        const f = await subscriberWithPlan();
        await record(f, 'Start', 'unconfigured-f');
        const before = await queue.depth();
        await applyUsageReports(ctx, [
          { iccid: f.iccid, usageMegabytes: 1500, at: ctx.clock().toISOString() },
        ]);
        assert.equal(await queue.depth(), before);
        await queue.drain();
        assert.deepEqual(disconnectsOf('unconfigured-f'), []);
        assert.equal((await sessionRow('unconfigured-f'))?.status, 'open');
      } finally {
        ctx.config.radius.nas = nas;
      }
    });

    // On the local queue only (SQLite): it records the attempt and the retry in the jobs table; pg-boss retries by
    // itself, out of this test's reach (docs/hotspot.md says so).
    if (dialect === 'sqlite')
      it('a NAS that does not answer leaves the session open and the job to be retried', async () => {
        const port = await freeUdpPort();
        const nas = ctx.config.radius.nas;
        ctx.config.radius.nas = [
          ...nas,
          {
            name: 'ap-dead',
            address: '127.0.0.3',
            coaPort: port,
            secretEnv: 'MBPROV_TEST_DEAD_NAS_SECRET',
            action: 'disconnect',
            timeoutSeconds: 1,
          },
        ];
        try {
          const g = await subscriberWithPlan();
          await account(ctx, {
            'User-Name': { type: 'string', value: [g.refresh_user] },
            'Acct-Status-Type': { type: 'string', value: ['Start'] },
            'Acct-Session-Id': { type: 'string', value: ['dead-g'] },
            'NAS-IP-Address': { type: 'ipaddr', value: ['127.0.0.3'] },
          });
          await app.inject({
            method: 'POST',
            url: `/api/v1/subscribers/${g.id}/suspend`,
            headers: { authorization: `Bearer ${admin}` },
          });
          await queue.drain();
          assert.equal((await sessionRow('dead-g', 'ip:127.0.0.3'))?.status, 'open');
          assert.match(JSON.stringify(ctx.log.lines), /NAS did not answer: session left open/);
          const [job] = await ctx.store.db
            .selectFrom('jobs')
            .selectAll()
            .where('name', '=', 'disconnect-sessions')
            .where('status', '!=', 'done')
            .execute();
          assert.ok(job, 'the job waits for its retry');
          assert.equal(job.attempts, 1);
        } finally {
          ctx.config.radius.nas = nas;
        }
      });
  });
}
