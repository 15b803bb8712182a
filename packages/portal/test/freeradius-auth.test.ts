// Real authentication and accounting with FreeRADIUS (Debian's freeradius and freeradius-rest) configured by the
// code of `mbprov radius config`, its rest module calling the listening portal over HTTPS, on SQLite and PostgreSQL:
// radclient and radtest for PAP and MS-CHAP, eapol_test for EAP-TTLS; the walled garden's refusals; accounting
// records that consume a plan once and never backwards, beside billing's reports.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { openStoredDocument } from '../src/activation/documents-at-rest.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { policyFor } from '../src/backoffice/policy.ts';
import { applyUsageReports } from '../src/backoffice/usage.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { pruneRadiusSessions } from '../src/jobs/tasks.ts';
import { buildServer } from '../src/server.ts';
import { latestDocument } from '../src/storage/documents.ts';
import { openSessionsOf, radiusSession } from '../src/storage/radius-sessions.ts';
import { findSim } from '../src/storage/sims.ts';
import { type Subscriber, setSubscriberStatus } from '../src/storage/subscribers.ts';
import { activeSubscription, latestSubscription } from '../src/storage/subscriptions.ts';
import { countRows, DIALECTS, type TestContext, testContext, testTls } from './helpers/context.ts';
import {
  eapTtls,
  installed,
  type RunningFreeRadius,
  radclient,
  startFreeRadius,
} from './helpers/freeradius.ts';
import { buyPlan } from './helpers/purchase.ts';
import { refreshAs } from './helpers/refresh.ts';

const REALM = 'hotspot.contoso.example';
const haveFreeRadius = (await installed('freeradius')) && (await installed('radclient'));
const haveEapolTest = await installed('eapol_test');
// Setup installs it (scripts/setup.sh): a missing tool fails the tests rather than skipping them.
if (!haveFreeRadius)
  throw new Error('freeradius (and freeradius-utils) are not installed: run npm run setup');
if (!haveEapolTest) throw new Error('eapol_test (eapoltest) is not installed: run npm run setup');

/** The WISPr credentials a subscriber's newest signed document carries (HotspotProfile BasicAuth). */
async function documentCredentials(
  ctx: TestContext,
  subscriber: Subscriber,
): Promise<{ user: string; password: string }> {
  const stored = await latestDocument(ctx.store.db, subscriber.id);
  assert.ok(stored, 'the purchase signed a document');
  const model = parseDocument(await openStoredDocument(ctx, stored.sealed)).model;
  const auth = model?.WLANProfiles?.WLANProfile.map((p) => p.MSM?.security?.HotspotProfile?.BasicAuth).find(
    (a) => a !== undefined,
  );
  assert.ok(auth?.UserName && auth.Password, 'the document carries WISPr credentials');
  return { user: auth.UserName, password: auth.Password };
}

/** radtest with MS-CHAP (radclient computes the MS-CHAP challenge and response). */
function radtestMschap(server: RunningFreeRadius, user: string, password: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'radtest',
      ['-t', 'mschap', user, password, `127.0.0.1:${server.authPort}`, '0', server.secret],
      { timeout: 120_000 },
      (_error, stdout, stderr) => resolve(`${stdout}${stderr}`),
    );
  });
}

for (const dialect of DIALECTS) {
  describe(`FreeRADIUS with the rest module against the portal on ${dialect}`, {}, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    let radius: RunningFreeRadius;
    let key: string;
    let subscriber: Subscriber;
    let credentials: { user: string; password: string };
    const ICCID = '8901260000000000018';

    /** Sends an accounting record for the subscriber's session `session` with the given counters. */
    const accounting = (status: string, session: string, counters: Record<string, number> = {}) =>
      radclient(radius, 'acct', {
        'User-Name': credentials.user,
        'Acct-Status-Type': status,
        'Acct-Session-Id': session,
        'NAS-IP-Address': '192.0.2.10',
        'NAS-Identifier': 'ap-lobby',
        'Framed-IP-Address': '10.20.0.7',
        'Calling-Station-Id': '02-00-00-00-00-01',
        ...counters,
      });
    /** Posts an accounting body to the API directly, as the rest module would, with `authorization` if any. */
    const postAccounting = (authorization: string | undefined, body: object) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/radius/accounting',
        headers: authorization ? { authorization } : {},
        payload: body,
      });
    const usage = async () => {
      const s = await latestSubscription(ctx.store.db, subscriber.id);
      return { usageMb: s?.usage_mb, wifiOctets: Number(s?.wifi_octets), status: s?.status };
    };

    before(async () => {
      ctx = await testContext(dialect, {
        configure: (config) => {
          config.radius.realms = [REALM];
        },
      });
      const port = await freeLoopbackPort();
      ctx.config.server.publicUrl = `https://127.0.0.1:${port}`;
      app = await buildServer(ctx, { https: await testTls(), logger: false });
      await app.listen({ host: '127.0.0.1', port });
      key = (await createApiKey(ctx.store.db, 'freeradius', ['radius'], ctx.clock().toISOString())).key;
      const caFile = join(mkdtempSync(join(tmpdir(), 'mbprov-portal-ca-')), 'portal-ca.pem');
      writeFileSync(caFile, (await testTls()).cert);
      radius = await startFreeRadius(ctx.config, { apiKey: key, portalCaFile: caFile });
      const sim = await findSim(ctx.store.db, { iccid: ICCID });
      assert.ok(sim);
      subscriber = await subscriberForSim(ctx, sim, undefined);
      await buyPlan(ctx, subscriber.id, 'day-1gb');
      credentials = await documentCredentials(ctx, subscriber);
    });
    after(async () => {
      await radius?.stop();
      await app?.close();
      await ctx?.close();
    });

    it('accepts an active subscriber with PAP and the WISPr credentials of its signed document', async () => {
      const answer = await radclient(radius, 'auth', {
        'User-Name': credentials.user,
        'User-Password': credentials.password,
      });
      assert.equal(answer.code, 'Access-Accept', radius.output().slice(-3000));
      // The plan runs for a day from the test clock's now: the session may last as long.
      assert.equal(answer.attributes['Session-Timeout'], '86400');
      assert.equal(answer.attributes['Acct-Interim-Interval'], '300');
    });

    it('accepts user@realm for a configured realm, and refuses another realm', async () => {
      const withRealm = await radclient(radius, 'auth', {
        'User-Name': `${credentials.user}@${REALM.toUpperCase()}`,
        'User-Password': credentials.password,
      });
      assert.equal(withRealm.code, 'Access-Accept');
      const elsewhere = await radclient(radius, 'auth', {
        'User-Name': `${credentials.user}@example.org`,
        'User-Password': credentials.password,
      });
      assert.equal(elsewhere.code, 'Access-Reject');
    });

    it('accepts MS-CHAP, FreeRADIUS computing it from the password the portal answers', async () => {
      assert.match(
        await radtestMschap(radius, credentials.user, credentials.password),
        /Received Access-Accept/,
      );
      assert.match(await radtestMschap(radius, credentials.user, 'wrong'), /Received Access-Reject/);
    });

    it('rejects a wrong password and an unknown user', async () => {
      const wrong = await radclient(radius, 'auth', {
        'User-Name': credentials.user,
        'User-Password': `${credentials.password}x`,
      });
      assert.equal(wrong.code, 'Access-Reject');
      const unknown = await radclient(radius, 'auth', {
        'User-Name': 'rnosuchsubscriber',
        'User-Password': credentials.password,
      });
      assert.equal(unknown.code, 'Access-Reject');
      assert.equal(unknown.attributes['Reply-Message'], 'Unknown user name.');
    });

    it('authenticates EAP-TTLS with inner PAP, MS-CHAP-V2 and EAP-MSCHAPv2, and refuses a wrong password', {}, async () => {
      for (const inner of ['PAP', 'MSCHAPV2', 'EAP-MSCHAPV2'] as const) {
        const result = await eapTtls(radius, `${credentials.user}@${REALM}`, credentials.password, inner);
        assert.ok(result.ok, `EAP-TTLS/${inner}:\n${result.output.slice(-3000)}`);
      }
      for (const inner of ['PAP', 'MSCHAPV2'] as const) {
        const result = await eapTtls(radius, credentials.user, 'not the password', inner);
        assert.equal(result.ok, false, `EAP-TTLS/${inner} with a wrong password`);
      }
    });

    it('accounting: a session stores what a Disconnect needs and consumes the plan once, never backwards', async () => {
      assert.equal((await accounting('Start', 'sess-1')).code, 'Accounting-Response');
      const open = await openSessionsOf(ctx.store.db, subscriber.id);
      assert.equal(open.length, 1);
      assert.deepEqual(
        [open[0]?.nas_ip_address, open[0]?.session_id, open[0]?.user_name, open[0]?.framed_ip_address],
        ['192.0.2.10', 'sess-1', credentials.user, '10.20.0.7'],
      );
      assert.deepEqual(await usage(), { usageMb: 0, wifiOctets: 0, status: 'active' });

      const interim = {
        'Acct-Input-Octets': 1_500_000,
        'Acct-Output-Octets': 600_000,
        'Acct-Session-Time': 60,
      };
      assert.equal((await accounting('Interim-Update', 'sess-1', interim)).code, 'Accounting-Response');
      assert.deepEqual(await usage(), { usageMb: 2, wifiOctets: 2_100_000, status: 'active' });
      // The same record again, then an older one with smaller counters: nothing moves.
      await accounting('Interim-Update', 'sess-1', interim);
      await accounting('Interim-Update', 'sess-1', {
        'Acct-Input-Octets': 1_000,
        'Acct-Output-Octets': 1_000,
      });
      assert.deepEqual(await usage(), { usageMb: 2, wifiOctets: 2_100_000, status: 'active' });
      // 400,000 more octets complete the third megabyte.
      await accounting('Interim-Update', 'sess-1', {
        'Acct-Input-Octets': 1_900_000,
        'Acct-Output-Octets': 600_000,
      });
      assert.deepEqual(await usage(), { usageMb: 2, wifiOctets: 2_500_000, status: 'active' });
      await accounting('Interim-Update', 'sess-1', {
        'Acct-Input-Octets': 2_400_000,
        'Acct-Output-Octets': 600_000,
      });
      assert.deepEqual(await usage(), { usageMb: 3, wifiOctets: 3_000_000, status: 'active' });
    });

    it("billing's absolute reports count the cellular usage: Wi-Fi megabytes add to them", async () => {
      const [result] = await applyUsageReports(ctx, [
        { iccid: ICCID, usageMegabytes: 100, at: new Date(ctx.clock().getTime() + 1000).toISOString() },
      ]);
      assert.deepEqual(result, { status: 'applied', usageMegabytes: 103, exhausted: false });
      assert.equal((await usage()).usageMb, 103);
    });

    it('Gigawords count: enough octets exhaust the Fixed plan, the walled garden closes, authorize rejects', async () => {
      // One wrap of the 32-bit input counter: 4,294,967,296 more octets, beyond the 1,000 MB of day-1gb.
      await accounting('Interim-Update', 'sess-1', {
        'Acct-Input-Octets': 2_400_000,
        'Acct-Input-Gigawords': 1,
        'Acct-Output-Octets': 600_000,
      });
      const after = await usage();
      assert.equal(after.wifiOctets, 3_000_000 + 2 ** 32);
      assert.equal(after.usageMb, 100 + Math.floor((3_000_000 + 2 ** 32) / 1_000_000));
      assert.equal(after.status, 'exhausted');
      assert.equal((await policyFor(ctx, { iccid: ICCID })).reason, 'exhausted');
      const answer = await radclient(radius, 'auth', {
        'User-Name': credentials.user,
        'User-Password': credentials.password,
      });
      assert.equal(answer.code, 'Access-Reject');
      assert.match(answer.attributes['Reply-Message'] ?? '', /no data left/);
      // The next refresh answers a usage-only document with the Wi-Fi usage and its time.
      const refreshed = await refreshAs(app, ctx, subscriber);
      assert.equal(refreshed.statusCode, 200);
      const plan = parseDocument(refreshed.body).model?.Plans?.Plan[0];
      assert.equal(plan?.Usage?.CurrentUsage, after.usageMb);
      assert.equal(plan?.Usage?.OverLimit, true);
    });

    it('a Stop closes the session; a repeated Stop changes nothing; Accounting-On closes what a NAS lost', async () => {
      const before = await usage();
      const stop = {
        'Acct-Input-Octets': 2_400_000,
        'Acct-Input-Gigawords': 1,
        'Acct-Output-Octets': 600_000,
        'Acct-Terminate-Cause': 'User-Request',
      } as Record<string, number | string> as Record<string, number>;
      assert.equal((await accounting('Stop', 'sess-1', stop)).code, 'Accounting-Response');
      assert.equal((await accounting('Stop', 'sess-1', stop)).code, 'Accounting-Response');
      assert.deepEqual(await usage(), before);
      const session = await radiusSession(ctx.store.db, 'id:ap-lobby', 'sess-1');
      assert.equal(session?.status, 'stopped');
      assert.equal(session?.terminate_cause, 'User-Request');
      assert.deepEqual(await openSessionsOf(ctx.store.db, subscriber.id), []);

      await accounting('Start', 'sess-2');
      assert.equal((await openSessionsOf(ctx.store.db, subscriber.id)).length, 1);
      const on = await radclient(radius, 'acct', {
        'Acct-Status-Type': 'Accounting-On',
        'NAS-IP-Address': '192.0.2.10',
        'NAS-Identifier': 'ap-lobby',
        'Acct-Session-Id': '0',
      });
      assert.equal(on.code, 'Accounting-Response');
      assert.deepEqual(await openSessionsOf(ctx.store.db, subscriber.id), []);
    });

    it('accounting of an unknown user stores nothing', async () => {
      const sessions = await countRows(ctx, 'radius_sessions');
      const answer = await radclient(radius, 'acct', {
        'User-Name': 'rnosuchsubscriber',
        'Acct-Status-Type': 'Start',
        'Acct-Session-Id': 'anon-1',
        'NAS-IP-Address': '192.0.2.10',
      });
      assert.equal(answer.code, 'Accounting-Response');
      assert.equal(await countRows(ctx, 'radius_sessions'), sessions);
    });

    it('rejects suspended, no-plan and expired subscribers', async () => {
      const other = await subscriberForSim(
        ctx,
        (await findSim(ctx.store.db, { iccid: '8901260000000000026' })) as NonNullable<
          Awaited<ReturnType<typeof findSim>>
        >,
        undefined,
      );
      const password = ctx.secrets.hotspotPassword(other.id);
      const auth = () =>
        radclient(radius, 'auth', { 'User-Name': other.refresh_user, 'User-Password': password });
      const noPlan = await auth();
      assert.equal(noPlan.code, 'Access-Reject');
      assert.match(noPlan.attributes['Reply-Message'] ?? '', /no plan/);
      await buyPlan(ctx, other.id, 'week-unlimited');
      assert.equal((await auth()).code, 'Access-Accept');
      await setSubscriberStatus(ctx.store.db, other.id, 'suspended', ctx.clock().toISOString());
      const suspended = await auth();
      assert.equal(suspended.code, 'Access-Reject');
      assert.match(suspended.attributes['Reply-Message'] ?? '', /suspended/);
      await setSubscriberStatus(ctx.store.db, other.id, 'active', ctx.clock().toISOString());
      assert.equal((await auth()).code, 'Access-Accept');
      const active = await activeSubscription(ctx.store.db, other.id);
      ctx.setNow(new Date(Date.parse(active?.ends_at as string) + 1000));
      const expired = await auth();
      assert.equal(expired.code, 'Access-Reject');
      assert.match(expired.attributes['Reply-Message'] ?? '', /plan has ended/);
    });

    it('the API refuses missing and wrong credentials (401) and a key without the radius scope (403), writing nothing', async () => {
      const body = {
        'User-Name': { type: 'string', value: [credentials.user] },
        'Acct-Status-Type': { type: 'integer', value: ['Start'] },
        'Acct-Session-Id': { type: 'string', value: ['refused-1'] },
        'NAS-IP-Address': { type: 'ipaddr', value: ['192.0.2.10'] },
      };
      const other = (await createApiKey(ctx.store.db, 'billing', ['usage:write'], ctx.clock().toISOString()))
        .key;
      const basic = (password: string) => `Basic ${Buffer.from(`freeradius:${password}`).toString('base64')}`;
      const sessions = await countRows(ctx, 'radius_sessions');
      for (const [authorization, status] of [
        [undefined, 401],
        [basic(`${key.slice(0, -2)}xx`), 401],
        [basic('not a key'), 401],
        [basic(other), 403],
      ] as const) {
        const r = await postAccounting(authorization, body);
        assert.equal(r.statusCode, status, r.body);
      }
      assert.equal(await countRows(ctx, 'radius_sessions'), sessions);
      // The same key as a bearer token works too.
      const r = await postAccounting(`Bearer ${key}`, body);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(await countRows(ctx, 'radius_sessions'), sessions + 1);
    });

    it('malformed accounting is refused before anything is written', async () => {
      const sessions = await countRows(ctx, 'radius_sessions');
      for (const body of [
        { 'User-Name': { type: 'string', value: [credentials.user] } },
        {
          'User-Name': { type: 'string', value: [credentials.user] },
          'Acct-Status-Type': { type: 'integer', value: ['Interim-Update'] },
          'Acct-Session-Id': { type: 'string', value: ['bad-1'] },
          'NAS-IP-Address': { type: 'ipaddr', value: ['192.0.2.10'] },
          'Acct-Input-Octets': { type: 'integer', value: [-5] },
        },
        { 'User-Name': 'not an attribute object' },
      ]) {
        const r = await postAccounting(`Bearer ${key}`, body);
        assert.equal(r.statusCode, 400, r.body);
        assert.match(JSON.parse(r.body).code, /MBPROV_(RADIUS_ATTRIBUTE_INVALID|API_BAD_REQUEST)/);
      }
      assert.equal(await countRows(ctx, 'radius_sessions'), sessions);
    });

    it('the hourly job closes silent sessions and deletes old stopped ones', async () => {
      await accounting('Start', 'sess-silent');
      const total = await countRows(ctx, 'radius_sessions');
      ctx.setNow(new Date(ctx.clock().getTime() + (ctx.config.radius.openSessionHours + 1) * 3_600_000));
      const first = await pruneRadiusSessions(ctx);
      assert.ok(first.closed >= 1, 'the silent session is closed');
      assert.deepEqual(await openSessionsOf(ctx.store.db, subscriber.id), []);
      ctx.setNow(new Date(ctx.clock().getTime() + (ctx.config.radius.sessionRetentionDays + 1) * 86_400_000));
      const second = await pruneRadiusSessions(ctx);
      assert.equal(second.deleted, total);
      assert.equal(await countRows(ctx, 'radius_sessions'), 0);
    });
  });
}
