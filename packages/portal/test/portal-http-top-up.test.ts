// "Running low?" on the status page over HTTP (operator.topUp): shown once usage passes usagePercent of the allowance
// or the plan ends within daysBefore days; with renewWhileActive extend it leads to the renewal page, with refuse it
// says when a new plan can be bought (the plan's end in operator.timeZone, as the receipt shows it), in both languages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { applyUsageReports } from '../src/backoffice/usage.ts';
import { buildServer } from '../src/server.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import { t } from '../src/views/i18n.ts';
import { type TestContext, testContext } from './helpers/context.ts';
import { Browser } from './helpers/http.ts';
import { buyPlan } from './helpers/purchase.ts';

const NOW = new Date('2026-11-21T10:00:00Z');
const DAY = 86_400_000;

let ctx: TestContext;
let app: FastifyInstance;
let sims = 0;

before(async () => {
  ctx = await testContext('sqlite', {
    now: NOW,
    configure: (c) => {
      c.operator.timeZone = 'Asia/Tokyo';
      c.rateLimits.entryPerMinute = 1000;
    },
  });
  app = await buildServer(ctx, { logger: false });
});
after(async () => {
  await app.close();
  await ctx.close();
});

/**
 * A SIM whose plan `planId` was bought `daysAgo` days ago (through the checkout) and has used `usedMb` (a usage
 * report, as billing sends it); answers the URL Windows opens for it.
 */
async function activeSim(planId: string, daysAgo: number, usedMb: number): Promise<string> {
  const n = String(++sims).padStart(3, '0');
  const sim = { iccid: `8901260000000050${n}`, imsi: `310260000050${n}` };
  await addSims(ctx.store.db, [sim], NOW.toISOString());
  const found = await findSim(ctx.store.db, { iccid: sim.iccid });
  assert.ok(found);
  const subscriber = await subscriberForSim(ctx, found, undefined);
  ctx.setNow(new Date(NOW.getTime() - daysAgo * DAY));
  try {
    await buyPlan(ctx, subscriber.id, planId);
  } finally {
    ctx.setNow(NOW);
  }
  const [usage] = await applyUsageReports(ctx, [
    { iccid: sim.iccid, usageMegabytes: usedMb, at: new Date(NOW.getTime() + 1000).toISOString() },
  ]);
  assert.equal(usage?.status, 'applied');
  return `/?${new URLSearchParams({ SubId: sim.imsi, IccId: sim.iccid })}`;
}

/** The status page of `url` in `lang`, and the text of its "Running low?" section (undefined without one). */
async function statusPage(url: string, lang: 'en' | 'ja' = 'en', browser = new Browser(app)) {
  const page = await browser.get(`${url}&lang=${lang}`);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.includes(t(lang, 'status.heading')), 'the status page');
  const section = /<section aria-labelledby="renew-title" class="top-up">([\s\S]*?)<\/section>/.exec(
    page.body,
  )?.[1];
  return {
    page,
    browser,
    topUp: section
      ?.replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  };
}

/** Runs `check` with operator settings changed, then puts them back. */
async function withOperator(change: Partial<TestContext['config']['operator']>, check: () => Promise<void>) {
  const saved = { ...ctx.config.operator };
  Object.assign(ctx.config.operator, change);
  try {
    await check();
  } finally {
    ctx.config.operator = saved;
  }
}

describe('Running low? on the status page', () => {
  it('is absent while usage is under the threshold and the end is far', async () => {
    const { topUp } = await statusPage(await activeSim('month-10gb', 5, 5000));
    assert.equal(topUp, undefined);
  });

  it('with refuse (the default): past 80% of the data, says when the next plan can be bought', async () => {
    const url = await activeSim('month-10gb', 5, 8500);
    const en = await statusPage(url);
    assert.ok(en.topUp?.startsWith('Running low?'), en.topUp);
    assert.ok(en.topUp?.includes('You have used 85% of your data.'));
    // 30 days from November 16, 10:00 UTC: December 16 in Tokyo; a month plan's end is a date, as on the receipt.
    assert.ok(
      en.topUp?.includes('you can buy the next one from December 16, 2026, when this plan ends.'),
      en.topUp,
    );
    assert.ok(en.topUp?.includes(t('en', 'status.topUp.refuseData')));
    assert.ok(!en.topUp?.includes('/renew') && !en.page.body.includes('href="/renew"'), 'no renewal link');
    const ja = await statusPage(url, 'ja');
    assert.ok(ja.topUp?.startsWith(t('ja', 'status.topUp.title')));
    assert.ok(ja.topUp?.includes('データ容量の85%を使用しました。'));
    assert.ok(
      ja.topUp?.includes('次のプランは、このプランが終了する2026年12月16日からご購入いただけます。'),
      ja.topUp,
    );
  });

  it('near the end (operator.topUp.daysBefore): a day pass shows its end with the time of day', async () => {
    const url = await activeSim('day-1gb', 0, 100);
    const { topUp } = await statusPage(url);
    // Bought now (10:00 UTC), it ends tomorrow at 19:00 in Tokyo.
    assert.ok(topUp?.includes('Your plan ends on November 22, 2026 at 7:00 PM GMT+9.'), topUp);
    assert.ok(!topUp?.includes('% of your data'), 'usage is low');
    await withOperator({ topUp: { usagePercent: 80, daysBefore: 0 } }, async () => {
      assert.equal((await statusPage(url)).topUp, undefined, 'daysBefore 0: only usage counts');
    });
  });

  it('follows operator.topUp.usagePercent', async () => {
    const url = await activeSim('month-10gb', 5, 6000);
    assert.equal((await statusPage(url)).topUp, undefined);
    await withOperator({ topUp: { usagePercent: 60, daysBefore: 2 } }, async () => {
      assert.ok((await statusPage(url)).topUp?.includes('You have used 60% of your data.'));
    });
  });

  it('with renewWhileActive extend: offers the renewal, which opens the plans page to add to the plan', async () => {
    const url = await activeSim('month-10gb', 29, 2000);
    await withOperator({ renewWhileActive: 'extend' }, async () => {
      const { topUp, browser } = await statusPage(url);
      assert.ok(topUp?.includes('Your plan ends on November 22, 2026.'), topUp);
      assert.ok(topUp?.includes(t('en', 'status.renew.body.extend')));
      assert.ok(!topUp?.includes(t('en', 'status.topUp.refuseData')));
      const { page } = await statusPage(url, 'en', browser);
      assert.match(page.body, /<a class="button" href="\/renew">/);
      assert.equal(page.body.match(/href="\/renew"/g)?.length, 1, 'one renewal link');
      const renew = await browser.get('/renew');
      assert.equal(renew.statusCode, 200);
      assert.ok(renew.body.includes(t('en', 'plans.heading.active-extend')));
    });
  });
});
