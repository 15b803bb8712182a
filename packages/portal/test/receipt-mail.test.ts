// Receipts by e-mail (docs/receipts.md): the plans page's optional address field (only with smtp configured, a bad
// address refused with nothing stored), the address stored encrypted, the receipt-mail job sending the receipt after
// the payment through nodemailer to a local SMTP server written for the test (helpers/smtp-server.ts: STARTTLS or
// implicit TLS, AUTH PLAIN/LOGIN, dot-unstuffing), in the customer's language, once, the address forgotten after it;
// failures retried; credentials from the environment, over TLS only, never logged. Purchases go through the real
// checkout and the test payment service's hosted page (helpers/purchase.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MbprovError } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery, sql } from 'kysely';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { ACCEPTED_TEST_CARD, cancelOnTestPage, payOnTestPage } from '../../cli/src/demo/test-payment-page.ts';
import { returnFromPayment, startCheckout } from '../src/activation/checkout.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { loadConfig } from '../src/config/load.ts';
import type { SmtpSettings } from '../src/config/schema.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { PgBossQueue } from '../src/jobs/pg-boss-queue.ts';
import { runExpirySweep, startJobs } from '../src/jobs/tasks.ts';
import { parseReceiptEmail } from '../src/mail/email-address.ts';
import { sendReceiptMail, UNSENT_RECEIPT_KEEP_MS } from '../src/mail/receipt-job.ts';
import { receiptMail } from '../src/mail/receipt-message.ts';
import { openSmtpMailer } from '../src/mail/smtp-mailer.ts';
import { buildServer } from '../src/server.ts';
import { type Checkout, forgetUnsentReceiptAddresses, getCheckout } from '../src/storage/checkouts.ts';
import type { RanStatement } from '../src/storage/database.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import { t } from '../src/views/i18n.ts';
import { countRows, DIALECTS, POSTGRES_URL, type TestContext, testContext } from './helpers/context.ts';
import { Browser, field } from './helpers/http.ts';
import { checkoutForm, payStarted } from './helpers/purchase.ts';
import { type SmtpServerOptions, TestSmtpServer } from './helpers/smtp-server.ts';

const SMTP_USER = 'portal@contoso.example';
const SMTP_PASSWORD = 'Sm7p-pa55word/for+the=test';
const ENV = { MBPROV_SMTP_USER: SMTP_USER, MBPROV_SMTP_PASSWORD: SMTP_PASSWORD };
const FROM = 'receipts@contoso.example';
const guard = { timeout: 120_000 };

let caFile: string;
let server: TestSmtpServer;
let sims = 0;

before(async () => {
  server = await TestSmtpServer.start({ users: { [SMTP_USER]: SMTP_PASSWORD } });
  caFile = join(mkdtempSync(join(tmpdir(), 'mbprov-smtp-')), 'smtp-ca.pem');
  writeFileSync(caFile, server.tls.caPem);
});
after(async () => {
  await server.close();
});

/** The smtp settings of `to` (the shared server unless given), with the login from ENV and the test CA trusted. */
function smtpSettings(to: TestSmtpServer = server, change: Partial<SmtpSettings> = {}): SmtpSettings {
  return {
    host: to.address.host,
    port: to.address.port,
    secure: false,
    from: { address: FROM },
    userEnv: 'MBPROV_SMTP_USER',
    passwordEnv: 'MBPROV_SMTP_PASSWORD',
    caFile,
    timeoutMs: 5_000,
    ...change,
  };
}

/** Another SMTP server for a test, with the settings that reach it (its own CA trusted); close it. */
async function otherServer(options: SmtpServerOptions, change: Partial<SmtpSettings> = {}) {
  const other = await TestSmtpServer.start({ users: { [SMTP_USER]: SMTP_PASSWORD }, ...options });
  const ca = join(mkdtempSync(join(tmpdir(), 'mbprov-smtp-')), 'ca.pem');
  writeFileSync(ca, other.tls.caPem);
  return { other, settings: smtpSettings(other, { caFile: ca, ...change }) };
}

/** A portal context on `dialect` with SMTP, a queue and its jobs. */
async function mailContext(
  dialect: (typeof DIALECTS)[number] = 'sqlite',
): Promise<TestContext & { queue: LocalQueue }> {
  const ctx = await testContext(dialect, {
    configure: (c) => {
      c.smtp = smtpSettings();
      c.operator.timeZone = 'Asia/Tokyo';
    },
  });
  ctx.mailer = await openSmtpMailer(ctx.config.smtp as SmtpSettings, ENV, { clientName: 'portal.test' });
  // Polls once an hour: the tests drain the queue themselves.
  const queue = new LocalQueue(ctx.store.db, ctx.clock, 3_600_000);
  ctx.queue = queue;
  await startJobs(ctx, queue);
  return Object.assign(ctx, { queue });
}

async function closeContext(ctx: TestContext & { queue: LocalQueue }): Promise<void> {
  await ctx.queue.stop();
  ctx.mailer?.close();
  await ctx.close();
}

/** A SIM of its own for a test, and its subscriber. */
async function newSubscriber(ctx: TestContext): Promise<{ id: string; iccid: string; imsi: string }> {
  const n = String(++sims).padStart(3, '0');
  const sim = { iccid: `8901260000000040${n}`, imsi: `310260000040${n}` };
  await addSims(ctx.store.db, [sim], ctx.clock().toISOString());
  const found = await findSim(ctx.store.db, { iccid: sim.iccid });
  assert.ok(found);
  return { ...sim, id: (await subscriberForSim(ctx, found, undefined)).id };
}

/**
 * A purchase by a new SIM as the plans page posts it (with `email` for the receipt, in `lang`), paid with the accepted
 * test card (a Visa ending in 4242) on the test payment service's page; answers the completed checkout.
 */
async function purchase(
  ctx: TestContext,
  options: { email?: string; lang?: 'en' | 'ja'; planId?: string } = {},
): Promise<Checkout> {
  const subscriber = await newSubscriber(ctx);
  const form = {
    ...checkoutForm(ctx, subscriber.id, options.planId ?? 'day-1gb'),
    lang: options.lang ?? 'en',
    ...(options.email ? { receiptEmail: options.email } : {}),
  };
  assert.equal((await payStarted(ctx, await startCheckout(ctx, form))).status, 303);
  assert.equal((await returnFromPayment(ctx, form.checkoutId, subscriber.id)).kind, 'completed');
  const completed = await getCheckout(ctx.store.db, form.checkoutId);
  assert.ok(completed);
  return completed;
}

/** The messages the server accepted since `from`, parsed by mailparser (an independent MIME reader). */
async function received(from: number, on: TestSmtpServer = server) {
  return Promise.all(
    on.messages.slice(from).map(async (m) => ({ envelope: m, mail: await simpleParser(m.data) })),
  );
}

/** Everything the context logged, as one string. */
const logText = (ctx: TestContext) => JSON.stringify(ctx.log.lines);

/** The stored jobs of the queue, as rows. */
const jobRows = (ctx: TestContext) =>
  ctx.store.db.selectFrom('jobs').selectAll().where('name', '=', 'receipt-mail').execute();

describe('the receipt e-mail address on the plans page', () => {
  let ctx: TestContext & { queue: LocalQueue };
  let app: FastifyInstance;
  const logged: string[] = [];

  before(async () => {
    ctx = await mailContext();
    // The server's own log (pino writes each line to the stream), to check what the refusals log.
    app = await buildServer(ctx, {
      logger: { level: 'info', stream: { write: (line: string) => logged.push(line) } },
    });
  });
  after(async () => {
    await app.close();
    await closeContext(ctx);
  });

  /** A browser on the plans page of a new SIM, in `lang`, and the form it would post. */
  async function plansPage(lang: 'en' | 'ja' = 'en') {
    const subscriber = await newSubscriber(ctx);
    const browser = new Browser(app);
    const page = await browser.get(
      `/?${new URLSearchParams({ SubId: subscriber.imsi, IccId: subscriber.iccid, lang })}`,
    );
    assert.equal(page.statusCode, 200, page.body.slice(0, 300));
    const form = {
      planId: 'month-10gb',
      checkoutId: field(page.body, 'checkoutId'),
      _csrf: field(page.body, '_csrf'),
    };
    return { browser, page, form, subscriber };
  }

  /** The checkout a subscriber of these tests started (each starts one). */
  const checkoutOf = (subscriberId: string) =>
    ctx.store.db
      .selectFrom('checkouts')
      .selectAll()
      .where('subscriber_id', '=', subscriberId)
      .executeTakeFirstOrThrow();

  it('is offered, labelled, in English and Japanese, only when SMTP is configured', guard, async () => {
    for (const lang of ['en', 'ja'] as const) {
      const { page } = await plansPage(lang);
      const input = /<input type="email"[^>]*>/.exec(page.body)?.[0];
      assert.ok(input, 'an e-mail field');
      assert.match(input, /id="receipt-email"/);
      assert.match(input, /name="receiptEmail"/);
      assert.match(input, /autocomplete="email"/);
      assert.match(input, /aria-describedby="receipt-email-hint"/);
      assert.doesNotMatch(input, /required|aria-invalid/);
      assert.ok(page.body.includes(`<label for="receipt-email">${t(lang, 'plans.email.label')}</label>`));
      assert.ok(page.body.includes(`id="receipt-email-hint">${t(lang, 'plans.email.hint')}</p>`));
    }
    const mailer = ctx.mailer;
    delete ctx.mailer;
    try {
      const { page } = await plansPage();
      assert.doesNotMatch(page.body, /receiptEmail|type="email"/, 'no field without SMTP');
    } finally {
      ctx.mailer = mailer;
    }
  });

  it(
    'refuses a bad address: 400, the plan still chosen, only the field marked, nothing stored',
    guard,
    async () => {
      const bad = [
        'no-at-sign.example.com',
        'two@@contoso.example',
        'a@b@contoso.example',
        'name @contoso.example',
        'name@contoso .example',
        'tab\t@contoso.example',
        'bell\u0007@contoso.example',
        'line\r\nBcc: victim@contoso.example',
        'a,b@contoso.example',
        '<a@contoso.example>',
        '"quoted"@contoso.example',
        `${'x'.repeat(243)}@contoso.example`,
        '@contoso.example',
        'name@',
      ];
      for (const [i, address] of bad.entries()) {
        const lang = i % 2 ? 'ja' : 'en';
        const { browser, form } = await plansPage(lang);
        const rows = await countRows(ctx, 'checkouts');
        const lines = logged.length;
        const answer = await browser.post('/checkout', { ...form, receiptEmail: address });
        assert.equal(answer.statusCode, 400, address);
        assert.equal(
          await countRows(ctx, 'checkouts'),
          rows,
          `nothing stored for ${JSON.stringify(address)}`,
        );
        const body = answer.body;
        assert.equal(body.match(/aria-invalid="true"/g)?.length, 1, 'one field marked');
        assert.match(body, /<input type="email" id="receipt-email"[^>]*aria-invalid="true"/);
        assert.match(body, /aria-describedby="receipt-email-hint receipt-email-error"/);
        assert.ok(body.includes(`id="receipt-email-error">${t(lang, 'plans.email.invalid')}</p>`));
        assert.ok(body.includes(`<a href="#receipt-email">${t(lang, 'plans.email.invalid')}</a>`), 'summary');
        assert.match(
          body,
          /<input type="radio" name="planId" id="plan-\d" value="month-10gb" required checked>/,
        );
        assert.doesNotMatch(body, /<input type="radio"[^>]*value="day-1gb"[^>]*checked/);
        assert.ok(logged.slice(lines).some((line) => line.includes('MBPROV_RECEIPT_EMAIL_INVALID')));
        assert.ok(!logged.slice(lines).join('').includes('contoso.example'), 'the address is not logged');
      }
    },
  );

  it('posts a good address: stored encrypted, never in clear, with the page language', guard, async () => {
    const { browser, form, subscriber } = await plansPage('ja');
    const answer = await browser.post('/checkout', {
      ...form,
      receiptEmail: '  Customer.Name+tag@Contoso.example ',
    });
    assert.equal(answer.statusCode, 303);
    assert.ok(String(answer.headers.location).startsWith(new URL(ctx.payments.origins[0] as string).origin));
    const row = await checkoutOf(subscriber.id);
    assert.ok(row.receipt_email_encrypted);
    assert.ok(!row.receipt_email_encrypted.includes('Customer'), 'encrypted at rest');
    assert.equal(ctx.secrets.decrypt(row.receipt_email_encrypted), 'Customer.Name+tag@Contoso.example');
    assert.equal(row.lang, 'ja');
    assert.equal(row.receipt_sent_at, null);
  });

  it('without SMTP, a posted address is ignored', guard, async () => {
    const { browser, form, subscriber } = await plansPage();
    const mailer = ctx.mailer;
    delete ctx.mailer;
    try {
      const answer = await browser.post('/checkout', { ...form, receiptEmail: 'not an address' });
      assert.equal(answer.statusCode, 303);
    } finally {
      ctx.mailer = mailer;
    }
    const row = await checkoutOf(subscriber.id);
    assert.equal(row.receipt_email_encrypted, null);
  });

  it('the e-mail carries the rows of the completion page', guard, async () => {
    const { browser, form, subscriber } = await plansPage();
    const posted = await browser.post('/checkout', { ...form, receiptEmail: 'rows@contoso.example' });
    assert.equal(posted.statusCode, 303);
    const paid = await payOnTestPage(String(posted.headers.location), ACCEPTED_TEST_CARD, { ca: ctx.tlsCa });
    const back = new URL(String(paid.location));
    assert.equal(back.pathname, `/checkout/${(await checkoutOf(subscriber.id)).id}/return`);
    assert.equal((await browser.get(back.pathname)).headers.location, '/complete');
    const page = await browser.get('/complete');
    const section = /<section class="card-box receipt"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    const receiptRows = [
      ...section.matchAll(/<div class="fact"><dt>([^<]*)<\/dt><dd[^>]*>([^<]*)<\/dd><\/div>/g),
    ].map((m) => [m[1] as string, m[2] as string]);
    assert.equal(receiptRows.length, 6, page.body);

    const from = server.messages.length;
    await ctx.queue.drain();
    const [sent] = await received(from);
    assert.ok(sent);
    for (const [label, value] of receiptRows) {
      const decoded = String(value).replaceAll('&amp;', '&');
      assert.ok(
        sent.mail.text?.includes(`${label}: ${decoded}`),
        `${label}: ${decoded} in\n${sent.mail.text}`,
      );
      assert.ok(String(sent.mail.html).includes(`>${value}</td>`), `${value} in the HTML`);
    }
  });
});

for (const dialect of DIALECTS)
  describe(`the receipt-mail job (${dialect})`, () => {
    let ctx: TestContext & { queue: LocalQueue };

    before(async () => {
      ctx = await mailContext(dialect);
    });
    after(() => closeContext(ctx));

    it('sends the receipt after the payment, then forgets the address', guard, async () => {
      const from = server.messages.length;
      const checkout = await purchase(ctx, { email: 'customer@contoso.example' });
      assert.equal(server.messages.length, from, 'not sent while the customer waits');
      assert.equal((await jobRows(ctx)).filter((j) => j.status === 'pending').length, 1);
      await ctx.queue.drain();

      const [sent, extra] = await received(from);
      assert.ok(sent);
      assert.equal(extra, undefined, 'one message');
      assert.deepEqual(sent.envelope.to, ['customer@contoso.example']);
      assert.equal(sent.envelope.from, FROM);
      assert.equal(sent.envelope.secure, true, 'over TLS');
      assert.equal(sent.envelope.user, SMTP_USER, 'logged in with the credentials of the environment');
      const { mail } = sent;
      const order = checkout.order_number as string;
      assert.equal(mail.subject, `Contoso Mobile (demo): your receipt, order ${order}`);
      assert.deepEqual(mail.from?.value, [{ address: FROM, name: 'Contoso Mobile (demo)' }]);
      assert.equal(mail.messageId, `<receipt.${order}@contoso.example>`);
      assert.equal(mail.headers.get('content-language'), 'en');
      const text = mail.text ?? '';
      for (const line of [
        `Order number: ${order}`,
        'Amount: $2.99',
        'Paid with: Visa ending in 4242',
        'Plan: 1 GB Day Pass',
        // A day pass ends at a time of day, shown in operator.timeZone (Asia/Tokyo: 10:00 UTC is 19:00 JST).
        'Plan ends: November 22, 2026 at 7:00 PM GMT+9',
        'Paid on: November 21, 2026 at 7:00 PM GMT+9',
        'Customer support: +1 555 0100',
      ])
        assert.ok(text.includes(line), `${line} in\n${text}`);
      const html = String(mail.html);
      assert.match(html, /^<!DOCTYPE html>\s*<html lang="en">/);
      assert.ok(
        html.includes(`<th scope="row" style="text-align: left; padding: 4px 16px 4px 0;">Order number</th>`),
      );
      assert.ok(html.includes(order) && html.includes('Visa ending in 4242') && html.includes('$2.99'));

      const after = await getCheckout(ctx.store.db, checkout.id);
      assert.equal(after?.receipt_email_encrypted, null, 'address forgotten');
      assert.ok(after?.receipt_sent_at);
      assert.deepEqual(
        (await jobRows(ctx)).map((j) => j.status),
        ['done'],
      );
    });

    it('writes the Japanese receipt for a purchase made in Japanese', guard, async () => {
      const from = server.messages.length;
      const checkout = await purchase(ctx, {
        email: 'kokyaku@contoso.example',
        lang: 'ja',
        planId: 'month-10gb',
      });
      await ctx.queue.drain();
      const [sent] = await received(from);
      assert.ok(sent);
      const order = checkout.order_number as string;
      assert.equal(sent.mail.subject, `【コントソ モバイル（デモ）】領収書（注文番号 ${order}）`);
      assert.deepEqual(sent.mail.from?.value, [{ address: FROM, name: 'コントソ モバイル（デモ）' }]);
      assert.equal(sent.mail.headers.get('content-language'), 'ja');
      const text = sent.mail.text ?? '';
      for (const line of [
        `注文番号：${order}`,
        '金額：$19.99',
        'お支払い方法：Visa（末尾 4242）',
        'プラン：10GB マンスリー',
        // A month plan ends on a date (in Asia/Tokyo).
        'プランの終了日時：2026年12月21日',
        'カスタマーサポート：+1 555 0100',
      ])
        assert.ok(text.includes(line), `${line} in\n${text}`);
      assert.match(String(sent.mail.html), /<html lang="ja">/);
    });

    it('sends no e-mail for a purchase without an address', guard, async () => {
      const from = server.messages.length;
      const jobs = (await jobRows(ctx)).length;
      const checkout = await purchase(ctx);
      await ctx.queue.drain();
      assert.equal(server.messages.length, from);
      assert.equal((await jobRows(ctx)).length, jobs, 'no job');
      assert.equal(await sendReceiptMail(ctx, checkout.id), false);
    });

    it('never sends a receipt twice: a repeated job, and two workers at once', guard, async () => {
      const from = server.messages.length;
      const checkout = await purchase(ctx, { email: 'once@contoso.example' });
      // Two workers (two portal processes) take the same receipt at once: one sends, the other finds it claimed.
      const both = await Promise.allSettled([
        sendReceiptMail(ctx, checkout.id),
        sendReceiptMail(ctx, checkout.id),
      ]);
      assert.equal(server.messages.length - from, 1, 'one message');
      const sentBy = both.filter((r) => r.status === 'fulfilled' && r.value === true);
      assert.equal(sentBy.length, 1);
      // The queued job, and the job queued again (a webhook and the return both activated), send nothing more.
      await ctx.queue.enqueue('receipt-mail', { checkoutId: checkout.id });
      await ctx.queue.drain();
      assert.equal(await sendReceiptMail(ctx, checkout.id), false);
      assert.equal(server.messages.length - from, 1, 'still one message');
    });

    it('SMTP down: the job fails, keeps the address, and the retry sends it', guard, async () => {
      const from = server.messages.length;
      const checkout = await purchase(ctx, { email: 'later@contoso.example' });
      await server.down();
      try {
        await ctx.queue.drain();
      } finally {
        await server.up();
      }
      assert.equal(server.messages.length, from, 'nothing sent');
      const [job] = (await jobRows(ctx)).filter((j) => j.data.includes(checkout.id));
      assert.equal(job?.status, 'pending', 'to be retried');
      assert.equal(job?.attempts, 1);
      assert.match(String(job?.last_error), /^SMTP 127\.0\.0\.1:\d+ did not take the message: ESOCKET/);
      assert.ok(
        ctx.log.lines.some(
          (l) => l.level === 'warn' && (l.obj as { code?: string }).code === 'MBPROV_MAIL_UNAVAILABLE',
        ),
      );
      const kept = await getCheckout(ctx.store.db, checkout.id);
      assert.ok(kept?.receipt_email_encrypted, 'the address is kept for the retry');
      assert.equal(kept.receipt_sent_at, null);
      assert.equal(kept.receipt_claimed_at, null, 'the claim was given back');

      // The queue retries after its backoff (2 s after the first attempt).
      await ctx.queue.drain();
      assert.equal(server.messages.length, from, 'not before the backoff');
      ctx.setNow(new Date(ctx.clock().getTime() + 3_000));
      await ctx.queue.drain();
      const [sent] = await received(from);
      assert.deepEqual(sent?.envelope.to, ['later@contoso.example']);
      assert.equal((await getCheckout(ctx.store.db, checkout.id))?.receipt_email_encrypted, null);
    });

    it('a refused message (451 after DATA) fails the job; the retry sends it once', guard, async () => {
      const from = server.messages.length;
      const checkout = await purchase(ctx, { email: 'greylisted@contoso.example' });
      server.refuse('DATA', 451);
      await ctx.queue.drain();
      assert.equal(server.messages.length, from);
      const [job] = (await jobRows(ctx)).filter((j) => j.data.includes(checkout.id));
      assert.match(String(job?.last_error), /did not take the message: EMESSAGE 451 after DATA$/);
      assert.ok(!String(job?.last_error).includes('greylisted'), 'the address is not in the error');
      ctx.setNow(new Date(ctx.clock().getTime() + 3_000));
      await ctx.queue.drain();
      assert.equal(server.messages.length - from, 1);
    });

    it('never logs the credentials nor the address', guard, async () => {
      const text = `${logText(ctx)}${JSON.stringify(await jobRows(ctx))}`;
      for (const secret of [
        SMTP_PASSWORD,
        Buffer.from(SMTP_PASSWORD).toString('base64'),
        Buffer.from(`\0${SMTP_USER}\0${SMTP_PASSWORD}`).toString('base64'),
        'customer@contoso.example',
        'later@contoso.example',
      ])
        assert.ok(!text.includes(secret), `${secret} is not logged`);
    });

    it('the expiry sweep forgets the addresses of receipts never sent after a day', guard, async () => {
      const checkout = await purchase(ctx, { email: 'never@contoso.example' });
      await server.down();
      try {
        await runExpirySweep(ctx);
        assert.ok(
          (await getCheckout(ctx.store.db, checkout.id))?.receipt_email_encrypted,
          'kept within a day',
        );
        ctx.setNow(new Date(ctx.clock().getTime() + UNSENT_RECEIPT_KEEP_MS + 60_000));
        await runExpirySweep(ctx);
      } finally {
        await server.up();
      }
      const forgotten = await getCheckout(ctx.store.db, checkout.id);
      assert.equal(forgotten?.receipt_email_encrypted, null);
      assert.equal(forgotten?.receipt_sent_at, null);
      assert.equal(await sendReceiptMail(ctx, checkout.id), false, 'nothing left to send');
    });

    it(
      'the sweep finds the addresses to forget by their partial index, not by reading every checkout',
      guard,
      async () => {
        const ran: RanStatement[] = [];
        const sibling = await ctx.openSibling((statement) => ran.push(statement));
        ran.length = 0; // the migrations' statements of opening it
        try {
          await forgetUnsentReceiptAddresses(sibling.db, ctx.clock().toISOString());
          const [statement, ...others] = ran.splice(0);
          assert.ok(statement);
          assert.equal(others.length, 0, 'one statement');
          const plan =
            dialect === 'sqlite'
              ? (
                  await sibling.db.executeQuery<{ detail: string }>(
                    CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]),
                  )
                ).rows
                  .map((r) => r.detail)
                  .join('\n')
              : await sibling.transaction(async (tx) => {
                  // A table of a few rows is read whole when that is cheaper: forbid it to see whether the index serves.
                  await sql`set local enable_seqscan = off`.execute(tx);
                  const rows = await tx.executeQuery<{ 'QUERY PLAN': string }>(
                    CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
                  );
                  return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
                });
          assert.match(plan, /checkouts_receipt_addresses/, plan);
        } finally {
          await sibling.close();
        }
      },
    );

    it('a checkout that ends without a plan forgets its address at once', guard, async () => {
      const subscriber = await newSubscriber(ctx);
      const form = {
        ...checkoutForm(ctx, subscriber.id, 'day-1gb'),
        receiptEmail: 'gave-up@contoso.example',
      };
      const started = await startCheckout(ctx, form);
      assert.equal(started.kind, 'pay');
      assert.ok((await getCheckout(ctx.store.db, form.checkoutId))?.receipt_email_encrypted);
      const canceled = await cancelOnTestPage((started as { url: string }).url, { ca: ctx.tlsCa });
      assert.equal(canceled.status, 303);
      assert.equal((await returnFromPayment(ctx, form.checkoutId, subscriber.id)).kind, 'canceled');
      assert.equal((await getCheckout(ctx.store.db, form.checkoutId))?.receipt_email_encrypted, null);
    });
  });

describe('the receipt-mail job on pg-boss (the PostgreSQL queue)', () => {
  it('is queued on completion and sent through the same handler, once', guard, async () => {
    const ctx = await testContext('postgres', {
      configure: (c) => {
        c.smtp = smtpSettings();
      },
    });
    ctx.mailer = await openSmtpMailer(ctx.config.smtp as SmtpSettings, ENV);
    const schema = `t_boss_receipts_${process.pid}_${Date.now()}`;
    const queue = await PgBossQueue.start(POSTGRES_URL, schema);
    ctx.queue = queue;
    try {
      await startJobs(ctx, queue);
      const from = server.messages.length;
      const checkout = await purchase(ctx, { email: 'boss@contoso.example' });
      await queue.drain();
      const [sent, extra] = await received(from);
      assert.deepEqual(sent?.envelope.to, ['boss@contoso.example']);
      assert.equal(extra, undefined);
      assert.ok((await getCheckout(ctx.store.db, checkout.id))?.receipt_sent_at);
    } finally {
      await queue.stop();
      ctx.mailer.close();
      await ctx.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    }
  });
});

describe('the SMTP connection', () => {
  let ctx: TestContext & { queue: LocalQueue };
  before(async () => {
    ctx = await mailContext();
  });
  after(() => closeContext(ctx));

  /** Sends a receipt through a mailer of `settings`; answers what the server got and the error, if any. */
  async function tryMailer(to: TestSmtpServer, settings: SmtpSettings, env: Record<string, string> = ENV) {
    const checkout = await purchase(ctx, { email: `try-${randomUUID()}@contoso.example` });
    const mailer = ctx.mailer;
    ctx.mailer = await openSmtpMailer(settings, env);
    const from = to.messages.length;
    const lines = to.lines.length;
    let error: unknown;
    try {
      await sendReceiptMail(ctx, checkout.id);
    } catch (e) {
      error = e;
    } finally {
      ctx.mailer.close();
      ctx.mailer = mailer;
    }
    return { messages: to.messages.slice(from), lines: to.lines.slice(lines), error };
  }

  it('logs in only after STARTTLS, with AUTH PLAIN or LOGIN from the environment', guard, async () => {
    const { messages, lines, error } = await tryMailer(server, smtpSettings());
    assert.equal(error, undefined);
    assert.equal(messages.length, 1);
    const tls = lines.findIndex((l) => l.line === 'STARTTLS');
    assert.ok(tls >= 0, 'STARTTLS asked');
    assert.ok(
      lines.slice(0, tls + 1).every((l) => !l.secure && !/^AUTH|^MAIL/.test(l.line)),
      'nothing in clear',
    );
    const auth = lines.find((l) => l.line.startsWith('AUTH'));
    assert.ok(auth?.secure, 'AUTH over TLS');
  });

  it(
    'logs in with AUTH LOGIN when the server offers only that, and with AUTH PLAIN when only that',
    guard,
    async () => {
      for (const mechanism of ['LOGIN', 'PLAIN'] as const) {
        const { other, settings } = await otherServer({ authMechanisms: [mechanism] });
        try {
          const { messages, lines, error } = await tryMailer(other, settings);
          assert.equal(error, undefined);
          assert.equal(messages[0]?.user, SMTP_USER);
          assert.ok(
            lines.some((l) => l.line.startsWith(`AUTH ${mechanism}`) && l.secure),
            mechanism,
          );
        } finally {
          await other.close();
        }
      }
    },
  );

  it(
    'lines that start with a dot arrive as written (dot-stuffing by nodemailer, unstuffing by the server)',
    guard,
    async () => {
      const mailer = await openSmtpMailer(smtpSettings(), ENV);
      const from = server.messages.length;
      const text = ['.', '.one dot', '..two dots', 'end.', ''].join('\n');
      try {
        await mailer.send({
          to: 'dots@contoso.example',
          senderName: 'Contoso',
          subject: 'dots',
          text,
          html: '<p>.</p>',
          key: `dots.${randomUUID()}`,
          lang: 'en',
        });
      } finally {
        mailer.close();
      }
      const [sent] = await received(from);
      assert.ok(server.messages[from]?.data.split('\r\n').includes('.one dot'), 'unstuffed on the wire');
      assert.equal(sent?.mail.text, text);
    },
  );

  it('a wrong password: MBPROV_MAIL_UNAVAILABLE naming EAUTH 535, never the password', guard, async () => {
    const { messages, error } = await tryMailer(server, smtpSettings(), {
      ...ENV,
      MBPROV_SMTP_PASSWORD: 'wrong-pass',
    });
    assert.equal(messages.length, 0);
    assert.ok(error instanceof MbprovError);
    assert.equal(error.code, 'MBPROV_MAIL_UNAVAILABLE');
    assert.match(error.message, /EAUTH 535/);
    assert.ok(!error.message.includes('wrong-pass'));
  });

  it('a server that offers no STARTTLS gets nothing: no login, no message', guard, async () => {
    const { other, settings } = await otherServer({ offerStartTls: false });
    try {
      const { messages, lines, error } = await tryMailer(other, settings);
      assert.ok(error instanceof MbprovError && error.code === 'MBPROV_MAIL_UNAVAILABLE');
      assert.match(error.message, /ETLS/);
      assert.equal(messages.length, 0);
      assert.ok(!lines.some((l) => /^(AUTH|MAIL|RCPT|DATA)/.test(l.line)), JSON.stringify(lines));
    } finally {
      await other.close();
    }
  });

  it('implicit TLS (secure: true, port 465 style) sends', guard, async () => {
    const { other, settings } = await otherServer({ mode: 'implicit' }, { secure: true });
    try {
      const { messages, lines, error } = await tryMailer(other, settings);
      assert.equal(error, undefined);
      assert.equal(messages.length, 1);
      assert.ok(lines.every((l) => l.secure));
    } finally {
      await other.close();
    }
  });

  it(
    'a server certificate not issued by the trusted CAs is refused before anything is sent',
    guard,
    async () => {
      const settings = smtpSettings();
      delete settings.caFile;
      const { messages, lines, error } = await tryMailer(server, settings);
      assert.ok(error instanceof MbprovError && error.code === 'MBPROV_MAIL_UNAVAILABLE', String(error));
      assert.equal(messages.length, 0);
      assert.ok(!lines.some((l) => l.secure), 'no command over the untrusted connection');
    },
  );

  it('gives up on a server that never answers after smtp.timeoutMs', guard, async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const { error } = await tryMailer(server, smtpSettings(server, { port, timeoutMs: 300 }));
      assert.ok(error instanceof MbprovError && error.code === 'MBPROV_MAIL_UNAVAILABLE', String(error));
      assert.match(error.message, /ETIMEDOUT/);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it(
    'refuses to start without the credentials the settings name, or with an unreadable CA file',
    guard,
    async () => {
      await assert.rejects(
        openSmtpMailer(smtpSettings(), { MBPROV_SMTP_USER: SMTP_USER }),
        (error: unknown) => {
          assert.ok(error instanceof MbprovError && error.code === 'MBPROV_CONFIG_INVALID');
          assert.match(
            error.message,
            /smtp\.passwordEnv: the environment variable MBPROV_SMTP_PASSWORD is not set/,
          );
          return true;
        },
      );
      await assert.rejects(
        openSmtpMailer(smtpSettings(server, { caFile: '/nonexistent/ca.pem' }), ENV),
        /smtp\.caFile/,
      );
      assert.throws(
        () =>
          loadConfig({
            adjust: (c) => {
              c.smtp = { ...smtpSettings() };
              delete c.smtp.passwordEnv;
            },
          }),
        /userEnv and passwordEnv go together/,
      );
    },
  );
});

describe('receiptMail', () => {
  it('keeps values text in the HTML body (escaped) and as written in the text body', () => {
    const mail = receiptMail(
      {
        orderNumber: 'QPQ1S-0STFQ',
        paidAt: '2026-11-21T10:05:00.000Z',
        amountMinor: 500,
        currency: 'JPY',
        method: { kind: 'other', label: '<b>Voucher</b>' },
        planName: 'Day "pass" <script>alert(1)</script> & more',
        endsAt: '2026-11-22T10:05:00.000Z',
        shortPlan: true,
      },
      { lang: 'en', timeZone: 'UTC', operatorName: 'Contoso & Co <Mobile>' },
    );
    assert.ok(mail.html.includes('Day &quot;pass&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; more'));
    assert.ok(mail.html.includes('&lt;b&gt;Voucher&lt;/b&gt;'));
    assert.ok(!mail.html.includes('<script>') && !mail.html.includes('<b>'));
    assert.ok(mail.text.includes('Plan: Day "pass" <script>alert(1)</script> & more'));
    assert.equal(mail.subject, 'Contoso & Co <Mobile>: your receipt, order QPQ1S-0STFQ');
    assert.ok(!mail.text.includes('Customer support'), 'no support line without operator.supportPhone');
  });
});

describe('parseReceiptEmail', () => {
  it('accepts what type=email accepts, up to 254 characters, trimmed; empty is no address', () => {
    assert.equal(parseReceiptEmail(''), undefined);
    assert.equal(parseReceiptEmail('   '), undefined);
    assert.equal(parseReceiptEmail('\u3000a@contoso.example\u3000'), 'a@contoso.example');
    assert.equal(
      parseReceiptEmail("o'brien+receipts@mail.contoso.example"),
      "o'brien+receipts@mail.contoso.example",
    );
    const longest = `${'x'.repeat(254 - '@contoso.example'.length)}@contoso.example`;
    assert.equal(parseReceiptEmail(longest), longest);
    assert.equal(parseReceiptEmail(`x${longest}`), 'invalid');
    for (const bad of ['a@-contoso.example', 'a@contoso..example', 'a@contoso.example.', 'ü@contoso.example'])
      assert.equal(parseReceiptEmail(bad), 'invalid', bad);
  });
});
