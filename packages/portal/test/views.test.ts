// Pages: every view renders in both languages with every text translated, hostile values are escaped, the signed
// document cannot break out of its script element, and provision.js is ES5 and reports Windows' results.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import * as acorn from 'acorn';
import { JSDOM } from 'jsdom';
import {
  formatBandwidth,
  formatBytes,
  formatDate,
  formatDuration,
  formatMoney,
  hasMessage,
  LANGS,
  MissingMessageError,
  maskImsi,
  messages,
  negotiateLanguage,
  problemMessage,
  t,
} from '../src/views/i18n.ts';
import type { CompleteView, Lang, PageContext, PlanView, ReceiptView, View } from '../src/views/models.ts';
import {
  CHECKOUT_FIELDS,
  createRenderer,
  escapeForScriptElement,
  httpStatus,
  languageLinks,
  PUBLIC_DIR,
  unescapeFromScriptElement,
} from '../src/views/render.ts';

const renderer = createRenderer();

function ctx(lang: Lang, overrides: Partial<PageContext> = {}): PageContext {
  return {
    lang,
    nonce: 'n0nce-123',
    path: '/',
    query: { SubId: '310260123456789', IccId: '8901260123456789012' },
    operatorName: 'Contoso Mobile',
    operator: {},
    testSigning: false,
    timeZone: 'UTC',
    ...overrides,
  };
}

const plan: PlanView = {
  id: 'basic-10',
  name: 'Basic 10',
  planType: 'Fixed',
  dataLimit: '10 GB',
  duration: '30 days',
  bandwidth: '50 Mbps',
  price: '$9.99',
};
const unlimited: PlanView = {
  id: 'unl',
  name: 'Unlimited',
  planType: 'Unrestricted',
  duration: '7 days',
  price: '$20.00',
};
const sim = { iccid: '8901260123456789012', imsiMasked: '310260*****6789' };

const SIGNED_XML =
  '<?xml version="1.0" encoding="utf-8"?><CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1"><Global><CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>310260123456789</SubscriberId></Global></CarrierProvisioning>';

const completeView: CompleteView = {
  page: 'complete',
  sim,
  plan,
  signedXml: SIGNED_XML,
  downloadUrl: '/documents/abc.xml',
  wifiProvisioningUrl: 'ms-settings:wifi-provisioning?uri=https%3A%2F%2Fportal.example%2Fdocuments%2Fabc.xml',
  wifiProfiles: ['Contoso Hotspot', 'Contoso Passpoint'],
};

/** The Passpoint sign-in of a document with a Passpoint network (Windows asks for it the first time). */
const PASSPOINT = {
  networks: ['Contoso Passpoint'],
  userName: 'r8Xk2pQ9wLm4Zt7a@wifi.contoso.example',
  password: 'Qm5vW2xYk8pR3tZa9LcE1u',
};

/** A day pass bought with a JCB card: its end is shown with the time of day. */
const receipt: ReceiptView = {
  orderNumber: 'QPQ1S-0STFQ',
  paidAt: '2026-11-21T10:05:00.000Z',
  amountMinor: 500,
  currency: 'JPY',
  method: { kind: 'card', brand: 'jcb', last4: '0000' },
  planName: 'Day pass',
  endsAt: '2026-11-22T10:05:00.000Z',
  shortPlan: true,
};

/** One view of every page and variant: every scenario, error and status. */
const views: View[] = [
  { page: 'home' },
  {
    page: 'invalid-parameters',
    problems: [
      { param: 'SubId', value: 'abc', problem: 'subid.format' },
      { param: 'DevId', value: '12', problem: 'devid.format' },
      { param: 'IccId', value: '', problem: 'iccid.format' },
      { param: 'IccId', value: '8901260123456789012', problem: 'duplicate' },
      { param: 'SubId', value: 'x', problem: 'some.future.key' },
    ],
  },
  { page: 'unknown-sim', iccid: '8901260123456789012', subId: '310260123456789' },
  { page: 'unknown-sim' },
  ...(['first-use-usb', 'first-use-embedded', 'renewal-expired', 'renewal-exhausted'] as const).map(
    (scenario): View => ({
      page: 'plans',
      scenario,
      sim,
      plans: [plan, unlimited],
      checkoutId: 'chk-1',
      csrfToken: 'csrf-token-1',
      payment: 'hosted',
      ...(scenario.startsWith('renewal')
        ? { previous: { name: 'Old plan', endedAt: '2024-05-01T00:00:00Z' } }
        : {}),
    }),
  ),
  ...(
    [
      'declined',
      'canceled',
      'refunded',
      'provider-unavailable',
      'plan-unavailable',
      'already-active',
      'expired',
      'page-expired',
    ] as const
  ).map(
    (error, i): View => ({
      page: 'plans',
      scenario: 'first-use-embedded',
      sim,
      plans: [plan, unlimited],
      checkoutId: 'chk-2',
      csrfToken: 'csrf-token-2',
      error,
      selectedPlanId: unlimited.id,
      payment: i % 2 === 0 ? 'hosted' : 'account',
      testPayments: true,
    }),
  ),
  {
    page: 'plans',
    scenario: 'first-use-usb',
    sim,
    plans: [],
    checkoutId: 'chk-3',
    csrfToken: 'csrf-token-3',
    payment: 'hosted',
  },
  {
    page: 'status',
    sim,
    plan,
    startsAt: 'May 1, 2024',
    endsAt: 'May 31, 2024',
    usage: '1.2 GB of 10 GB',
    usagePercent: 12,
    completeUrl: '/complete/abc',
  },
  {
    page: 'status',
    sim,
    plan: unlimited,
    startsAt: '2024-05-01',
    endsAt: '2024-05-08',
    completeUrl: '/complete/x',
  },
  ...[
    { value: '', invalid: false },
    { value: 'not an address', invalid: true },
  ].map(
    (receiptEmail): View => ({
      page: 'plans',
      scenario: 'first-use-embedded',
      sim,
      plans: [plan, unlimited],
      checkoutId: 'chk-4',
      csrfToken: 'csrf-token-4',
      selectedPlanId: plan.id,
      payment: 'hosted',
      receiptEmail,
    }),
  ),
  {
    page: 'status',
    sim,
    plan,
    startsAt: '2026-11-01T00:00:00Z',
    endsAt: '2026-12-01T00:00:00Z',
    usage: '8.5 GB of 10 GB',
    usagePercent: 85,
    completeUrl: '/complete',
    renew: { mode: 'extend', url: '/renew' },
    topUp: {
      usedPercent: 85,
      endsSoon: true,
      endsAt: '2026-12-01T00:00:00Z',
      shortPlan: false,
      dataLimited: true,
    },
  },
  {
    page: 'status',
    sim,
    plan,
    startsAt: '2026-11-21T10:05:00Z',
    endsAt: '2026-11-22T10:05:00Z',
    completeUrl: '/complete',
    topUp: { endsSoon: true, endsAt: '2026-11-22T10:05:00Z', shortPlan: true, dataLimited: true },
  },
  completeView,
  { ...completeView, wifiProfiles: [] },
  { ...completeView, receipt },
  { ...completeView, passpoint: PASSPOINT },
  { ...completeView, signedXml: undefined, wifiOnly: { linkMinutes: 15 }, passpoint: PASSPOINT },
  {
    ...completeView,
    receipt: { ...receipt, method: { kind: 'account', label: 'Prepaid balance' }, shortPlan: false },
  },
  { page: 'operator-error', reference: 'ERR-7F3A-91' },
  { page: 'payment-pending', refreshSeconds: 3 },
  ...([400, 403, 404, 409, 413, 429, 500] as const).map((status): View => ({ page: 'error', status })),
];

function parse(html: string): Document {
  return new JSDOM(html).window.document;
}

function text(node: Element | Document | null): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('pages', () => {
  for (const lang of LANGS) {
    it(`renders every page in ${lang} with every text translated`, () => {
      for (const view of views) {
        const html = renderer.render(view, ctx(lang, { testSigning: true }));
        const doc = parse(html);
        const label = `${view.page} (${lang})`;
        assert.ok(html.startsWith('<!DOCTYPE html>'), label);
        assert.equal(doc.documentElement.getAttribute('lang'), lang, label);
        assert.ok(text(doc.querySelector('title')).endsWith('Contoso Mobile'), label);
        assert.equal(doc.querySelectorAll('h1').length, 1, `${label}: one h1`);
        assert.ok(text(doc.querySelector('h1')).length > 0, label);
        assert.ok(doc.querySelector('main#main'), label);
        assert.doesNotMatch(text(doc), /\{\w+\}/, `${label}: a placeholder was left unfilled`);
        assert.match(
          text(doc.querySelector('.test-banner')),
          lang === 'ja' ? /テスト用/ : /Test signing certificate/,
        );
        if (lang === 'ja') {
          // The Japanese page has no English sentence: no run of 4+ English words outside identifiers.
          const main = text(doc.querySelector('main')).replace(/(Basic 10|Old plan|Contoso \w+)/g, '');
          assert.doesNotMatch(
            main,
            /\b[A-Za-z]{2,}( [A-Za-z]{2,}){3,}\b/,
            `${label}: English text in ja page`,
          );
        }
        for (const input of doc.querySelectorAll('input:not([type=hidden])')) {
          const id = input.getAttribute('id');
          assert.ok(id && doc.querySelector(`label[for="${id}"]`), `${label}: input ${id} has a label`);
        }
        for (const script of doc.querySelectorAll('script')) {
          assert.equal(script.getAttribute('nonce'), 'n0nce-123', `${label}: script nonce`);
        }
      }
    });
  }

  it('shows the operator logo (its name as alt text) in the header and its support phone and links in the footer, on every page; without them the name and no links', () => {
    const operator = {
      logoUrl: '/static/demo-logo.svg',
      supportPhone: '+1 (555) 0100',
      supportUrl: 'https://support.contoso.example/',
      termsUrl: 'https://contoso.example/terms',
      privacyUrl: 'https://contoso.example/privacy',
      refundUrl: 'https://contoso.example/refunds',
    };
    for (const lang of LANGS)
      for (const view of views) {
        const label = `${view.page} (${lang})`;
        const doc = parse(renderer.render(view, ctx(lang, { operator, operatorName: 'Contoso モバイル' })));
        const logo = doc.querySelector('header .operator a[href="/"] img');
        assert.equal(logo?.getAttribute('src'), operator.logoUrl, label);
        assert.equal(logo?.getAttribute('alt'), 'Contoso モバイル', label);
        const footer = doc.querySelector('body > footer');
        assert.ok(footer, `${label}: a footer outside main (contentinfo)`);
        const links = [...footer.querySelectorAll('nav a')].map((a) => [text(a), a.getAttribute('href')]);
        assert.deepEqual(
          links,
          [
            ['+1 (555) 0100', 'tel:+15550100'],
            [t(lang, 'site.footer.supportPage'), operator.supportUrl],
            [t(lang, 'site.footer.terms'), operator.termsUrl],
            [t(lang, 'site.footer.privacy'), operator.privacyUrl],
            [t(lang, 'site.footer.refunds'), operator.refundUrl],
          ],
          label,
        );
        assert.equal(footer.querySelector('nav')?.getAttribute('aria-label'), t(lang, 'site.footer.nav'));
        const bare = parse(renderer.render(view, ctx(lang)));
        assert.equal(bare.querySelector('header img'), null, label);
        assert.equal(text(bare.querySelector('.operator')), 'Contoso Mobile', label);
        assert.equal(bare.querySelector('footer nav'), null, label);
      }
  });

  it('shows the TEST banner only with the test signing chain', () => {
    const html = renderer.render({ page: 'home' }, ctx('en', { testSigning: false }));
    assert.equal(parse(html).querySelector('.test-banner'), null);
  });

  it('throws for a missing message key or placeholder value, so untranslated texts cannot ship', () => {
    assert.throws(() => t('en', 'no.such.key'), MissingMessageError);
    assert.throws(() => t('ja', 'no.such.key'), MissingMessageError);
    assert.throws(() => t('en', 'complete.intro'), /needs a value for \{plan\}/);
    assert.equal(t('en', 'complete.intro', { plan: 'Basic' }), 'Basic is now active on your SIM.');
    assert.equal(hasMessage('problem.subid.format'), true);
    assert.equal(hasMessage('problem.nope'), false);
  });

  it('has a Japanese text for every English key, translated, with the same placeholders', () => {
    const en = messages('en');
    const ja = messages('ja');
    const keys = Object.keys(en) as Array<keyof typeof en>;
    assert.deepEqual(Object.keys(ja).sort(), [...keys].sort());
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of keys) {
      assert.deepEqual(placeholders(ja[key]), placeholders(en[key]), key);
      if (key !== 'site.footer.copyright' && key !== 'pay.description')
        assert.notEqual(ja[key], en[key], `${key} is not translated`);
      assert.doesNotMatch(en[key] + ja[key], /[<>]/, `${key}: messages are plain text`);
    }
    // Japanese texts are in the polite style.
    for (const key of ['plans.intro.renewal-expired', 'unknownSim.recent', 'error.404.body'] as const) {
      assert.match(ja[key], /(です|ます|ください)。?$/, key);
    }
  });

  it('puts no space around a name in a Japanese text (operator, plan, card brand), as Japanese is written', () => {
    const spaced = Object.entries(messages('ja')).filter(([, text]) =>
      // A space before the name (but after ©, a symbol) or after it.
      /(?<![©])[\s\u3000]\{(operator|name|plan|brand)\}|\{(operator|name|plan|brand)\}[\s\u3000]/.test(text),
    );
    assert.deepEqual(spaced, []);
    assert.equal(
      t('ja', 'home.intro', { operator: 'コントソ モバイル' }).slice(0, 18),
      'こちらはコントソ モバイルのモバイル',
    );
  });

  it('explains each parameter problem in both languages', () => {
    assert.match(problemMessage('en', 'subid.format'), /IMSI of up to 15 digits or a 10-digit MIN/);
    assert.match(
      problemMessage('en', 'devid.format'),
      /IMEI.*ESN \(11 digits or 8 hexadecimal.*MEID \(17 or 18/,
    );
    assert.match(problemMessage('en', 'iccid.format'), /19 or 20 digits/);
    assert.match(problemMessage('en', 'duplicate'), /more than once/);
    assert.match(problemMessage('ja', 'subid.format'), /15 桁以内の IMSI/);
    assert.match(problemMessage('ja', 'duplicate'), /複数回/);
    assert.equal(problemMessage('en', 'unknown.key'), t('en', 'problem.unknown'));
  });

  it('names each wrong parameter with its value on the 400 page', () => {
    const view: View = {
      page: 'invalid-parameters',
      problems: [
        { param: 'SubId', value: '12ab', problem: 'subid.format' },
        { param: 'IccId', value: '', problem: 'iccid.format' },
      ],
    };
    assert.equal(httpStatus(view), 400);
    const doc = parse(renderer.render(view, ctx('en')));
    const items = [...doc.querySelectorAll('.problems li')].map((li) => text(li));
    assert.equal(items.length, 2);
    assert.match(items[0] ?? '', /Subscriber ID \(SubId\) Value received: 12ab This must be an IMSI/);
    assert.match(items[1] ?? '', /SIM card number \(IccId\) Value received: \(empty\) .*19 or 20 digits/);
  });

  it('shows the scenario, the previous plan and the test-mode banner on the plans page, with no card field', () => {
    const view: View = {
      page: 'plans',
      scenario: 'renewal-exhausted',
      sim,
      plans: [plan],
      checkoutId: 'c',
      csrfToken: 't',
      previous: { name: 'Old plan', endedAt: '2024-05-01T00:00:00Z' },
      payment: 'hosted',
      testPayments: true,
    };
    const en = parse(renderer.render(view, ctx('en')));
    assert.equal(text(en.querySelector('h1')), 'You’ve used all your data');
    assert.equal(
      text(en.querySelector('.previous-plan')),
      'Your previous plan, Old plan, ran out of data on May 1, 2024 at 12:00 AM UTC.',
    );
    // A plan that ended by date says the date, in the operator's time zone.
    const expired = parse(
      renderer.render({ ...view, scenario: 'renewal-expired' }, ctx('en', { timeZone: 'Asia/Tokyo' })),
    );
    assert.equal(
      text(expired.querySelector('.previous-plan')),
      'Your previous plan, Old plan, ended on May 1, 2024.',
    );
    assert.match(text(en.querySelector('.banner.test')), /no real payment is taken/);
    assert.equal(en.querySelectorAll('input[autocomplete^="cc-"], input[name*="card" i]').length, 0);
    // One label without a price, one per plan with its price; the page's own style shows the checked plan's.
    assert.deepEqual(
      [...en.querySelectorAll('button[type=submit] span')].map((span) => [span.id, text(span)]),
      [
        ['', 'Continue to payment'],
        ['submit-0', 'Continue to pay $9.99'],
      ],
    );
    const style = en.querySelector('head style');
    assert.equal(style?.getAttribute('nonce'), 'n0nce-123');
    assert.match(text(style), /\.checkout:has\(#plan-0:checked\) #submit-0\{display:inline\}/);
    assert.match(text(en.querySelector('.hint')), /never sees your card number/);
    const ja = parse(renderer.render(view, ctx('ja')));
    assert.equal(text(ja.querySelector('h1')), 'データ容量をすべて使い切りました');
    assert.equal(
      text(ja.querySelector('.previous-plan')),
      '前回のプラン「Old plan」は2024年5月1日 0:00 UTCにデータ容量を使い切りました。',
    );
    const facts = [...en.querySelectorAll('.plan-fact')].map((f) => text(f));
    assert.deepEqual(facts, [
      'Type: Fixed data allowance',
      'Data: 10 GB',
      'Valid for: 30 days',
      'Speed: Up to 50 Mbps',
    ]);
    assert.equal(text(en.querySelector('[role=alert]')), '', 'no error banner without an error');
  });

  it('shows the usage meter and the link to install the document again', () => {
    const doc = parse(renderer.render(views.find((v) => v.page === 'status') as View, ctx('en')));
    const meter = doc.querySelector('meter');
    assert.equal(meter?.getAttribute('value'), '12');
    assert.equal(text(meter), '12% used');
    assert.equal(doc.querySelector('a[href="/complete/abc"]')?.textContent, 'Install the settings again');
  });
});

describe('escaping', () => {
  const hostile = '<script>alert(1)</script>';

  it('escapes a hostile parameter value', () => {
    const html = renderer.render(
      { page: 'invalid-parameters', problems: [{ param: 'SubId', value: hostile, problem: 'subid.format' }] },
      ctx('en'),
    );
    assert.ok(!html.includes(hostile));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const doc = parse(html);
    assert.equal(doc.querySelectorAll('script').length, 0);
    assert.equal(doc.querySelector('.problems code')?.textContent, hostile);
  });

  it('escapes a plan name with quotes and ampersands, in text and in attributes', () => {
    const name = 'Max "Unlimited" & <b>Friends</b>\'';
    const view: View = {
      page: 'plans',
      scenario: 'first-use-usb',
      sim,
      plans: [{ ...plan, id: 'x" onclick="alert(1)', name }],
      checkoutId: '"><script>alert(2)</script>',
      csrfToken: 'a&b"c',
      payment: 'hosted',
    };
    const html = renderer.render(view, ctx('en'));
    assert.ok(html.includes('Max &quot;Unlimited&quot; &amp; &lt;b&gt;Friends&lt;/b&gt;&#39;'));
    const doc = parse(html);
    assert.equal(doc.querySelectorAll('script').length, 0);
    assert.equal(doc.querySelector('b'), null);
    assert.equal(doc.querySelector('.plan-name')?.textContent, name);
    const radio = doc.querySelector('input[type=radio]');
    assert.equal(radio?.getAttribute('value'), 'x" onclick="alert(1)');
    assert.equal(radio?.getAttribute('onclick'), null);
    assert.equal(doc.querySelector('input[name=checkoutId]')?.getAttribute('value'), view.checkoutId);
    assert.equal(doc.querySelector('input[name=_csrf]')?.getAttribute('value'), 'a&b"c');
  });

  it('escapes the operator name, the query in the language links and refuses foreign paths', () => {
    const c = ctx('en', {
      operatorName: '<img src=x onerror=alert(1)>',
      path: '//evil.example/x',
      query: { q: '"><script>alert(3)</script>', lang: 'ja' },
    });
    const doc = parse(renderer.render({ page: 'home' }, c));
    assert.equal(doc.querySelectorAll('img, script').length, 0);
    const links = [...doc.querySelectorAll('nav.languages a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(links, [
      '/?q=%22%3E%3Cscript%3Ealert%283%29%3C%2Fscript%3E&lang=en',
      '/?q=%22%3E%3Cscript%3Ealert%283%29%3C%2Fscript%3E&lang=ja',
    ]);
  });

  it('keeps the other query parameters in the language links', () => {
    const links = languageLinks(ctx('ja', { path: '/plans', query: { SubId: '1', DevId: '2', IccId: '3' } }));
    assert.deepEqual(
      links.map((l) => [l.lang, l.label, l.href, l.current]),
      [
        ['en', 'English', '/plans?SubId=1&DevId=2&IccId=3&lang=en', false],
        ['ja', '日本語', '/plans?SubId=1&DevId=2&IccId=3&lang=ja', true],
      ],
    );
  });
});

describe('the signed document in the complete page', () => {
  const tricky = [
    SIGNED_XML,
    '<a><!-- </script><script>alert(1)</script> --><![CDATA[</script>]]></a>',
    '<a><!-- <!--<script> --><b>x</b></a>',
    // "<!--<script" without "-->" would put the tokenizer in the double-escaped state, where "</script>" does not end
    // the element: "<!" is escaped too.
    '<a><![CDATA[<!--<script>]]></a>',
    '<a>\\</a><![CDATA[<\\/ <\\! <\\\\ </SCRIPT ]]>',
    '<a><![CDATA[<\\/script>]]></a>',
  ];

  it('escapeForScriptElement is reversible and leaves no "</" or "<!"', () => {
    for (const xml of tricky) {
      const escaped = escapeForScriptElement(xml);
      assert.ok(!escaped.includes('</'), escaped);
      assert.ok(!escaped.includes('<!'), escaped);
      assert.equal(unescapeFromScriptElement(escaped), xml);
    }
  });

  for (const xml of tricky) {
    it(`cannot end its script element: ${xml.slice(0, 40)}`, () => {
      const html = renderer.render({ ...completeView, signedXml: xml }, ctx('en'));
      const doc = parse(html);
      const scripts = [...doc.querySelectorAll('script')];
      assert.deepEqual(
        scripts.map((s) => s.getAttribute('type') ?? s.getAttribute('src')),
        ['application/xml', '/static/provision.js'],
        'only the data block and provision.js',
      );
      const block = doc.getElementById('provisioning-document');
      assert.equal(unescapeFromScriptElement(block?.textContent ?? ''), xml);
      // Everything after the block is still parsed as HTML.
      assert.ok(doc.querySelector('footer.site-footer'));
      assert.equal(doc.querySelectorAll('#provision-status').length, 1);
    });
  }

  it('has the status area, the fallback and the Wi-Fi link only with Wi-Fi profiles', () => {
    const doc = parse(renderer.render(completeView, ctx('en')));
    const status = doc.getElementById('provision-status');
    assert.equal(status?.getAttribute('role'), 'status');
    assert.equal(status?.getAttribute('aria-live'), 'polite');
    for (const kind of ['working', 'success', 'partial', 'failed', 'error', 'unknown']) {
      assert.ok((status?.getAttribute(`data-${kind}`) ?? '').length > 10, kind);
    }
    const fallback = doc.getElementById('provision-fallback');
    assert.equal(fallback?.hasAttribute('hidden'), false, 'the fallback is shown without JavaScript');
    assert.ok(fallback?.querySelector('a[href="/documents/abc.xml"]'));
    assert.ok(fallback?.querySelector(`a[href="${completeView.wifiProvisioningUrl}"]`));
    assert.deepEqual(
      [...(fallback?.querySelectorAll('.wifi-profiles li') ?? [])].map((li) => li.textContent),
      ['Contoso Hotspot', 'Contoso Passpoint'],
    );
    assert.ok((fallback?.querySelectorAll('ol.steps > li').length ?? 0) >= 3);
    const noWifi = parse(renderer.render({ ...completeView, wifiProfiles: [] }, ctx('en')));
    assert.equal(noWifi.querySelector('a[href^="ms-settings:"]'), null);
    assert.equal(noWifi.querySelector('.wifi-profiles'), null);
    assert.equal(doc.getElementById('passpoint-title'), null, 'no sign-in without a Passpoint network');
  });

  it('shows the Passpoint sign-in (user name with the realm, password) for SIM and Wi-Fi-only customers, in both languages', () => {
    for (const view of [
      { ...completeView, passpoint: PASSPOINT },
      { ...completeView, signedXml: undefined, wifiOnly: { linkMinutes: 15 }, passpoint: PASSPOINT },
    ])
      for (const lang of ['en', 'ja'] as const) {
        const doc = parse(renderer.render(view, ctx(lang)));
        const section = doc.getElementById('passpoint-title')?.closest('section');
        assert.ok(section, `${lang}: the sign-in section`);
        assert.match(section.textContent ?? '', /Contoso Passpoint/);
        assert.deepEqual(
          [...section.querySelectorAll('dd code')].map((c) => c.textContent),
          [PASSPOINT.userName, PASSPOINT.password],
        );
      }
  });
});

describe('receipts', () => {
  it('show the order number, the time in the operator’s time zone, the amount, the card and the end of a short plan with its time', () => {
    const rows = (lang: Lang, view: View, timeZone = 'Asia/Tokyo') =>
      [...parse(renderer.render(view, ctx(lang, { timeZone }))).querySelectorAll('.receipt .fact')].map(
        (f) => `${text(f.querySelector('dt'))} ${text(f.querySelector('dd'))}`,
      );
    assert.deepEqual(rows('en', { ...completeView, receipt }), [
      'Order number QPQ1S-0STFQ',
      'Paid on November 21, 2026 at 7:05 PM GMT+9',
      'Amount ¥500',
      'Paid with JCB ending in 0000',
      'Plan Day pass',
      'Plan ends November 22, 2026 at 7:05 PM GMT+9',
    ]);
    assert.deepEqual(rows('ja', { ...completeView, receipt }), [
      '注文番号 QPQ1S-0STFQ',
      'お支払い日時 2026年11月21日 19:05 JST',
      '金額 ￥500',
      'お支払い方法 JCB（末尾 0000）',
      'プラン Day pass',
      'プランの終了日時 2026年11月22日 19:05 JST',
    ]);
    const monthly = { ...receipt, shortPlan: false, method: { kind: 'account', label: 'Prepaid balance' } };
    const status = views.find((v) => v.page === 'status') as View;
    assert.deepEqual(rows('en', { ...status, receipt: monthly } as View, 'UTC').slice(3), [
      'Paid with Your mobile account (Prepaid balance)',
      'Plan Day pass',
      'Plan ends November 22, 2026',
    ]);
    assert.deepEqual(rows('en', completeView), [], 'no receipt without a checkout');
  });
});

describe('the receipt e-mail field', () => {
  const plansWith = (receiptEmail: { value: string; invalid: boolean }) =>
    views.find((v) => v.page === 'plans' && v.receiptEmail?.invalid === receiptEmail.invalid) as View;

  it('is optional, labelled and hinted, typed as an e-mail address', () => {
    for (const lang of LANGS) {
      const doc = parse(renderer.render(plansWith({ value: '', invalid: false }), ctx(lang)));
      const input = doc.querySelector('#receipt-email');
      assert.equal(input?.getAttribute('type'), 'email');
      assert.equal(input?.getAttribute('name'), CHECKOUT_FIELDS.receiptEmail);
      assert.equal(input?.getAttribute('autocomplete'), 'email');
      assert.equal(input?.getAttribute('maxlength'), '254');
      assert.equal(input?.hasAttribute('required'), false);
      assert.equal(input?.hasAttribute('aria-invalid'), false);
      assert.equal(text(doc.querySelector('label[for="receipt-email"]')), t(lang, 'plans.email.label'));
      assert.equal(
        text(doc.querySelector(`#${input?.getAttribute('aria-describedby')}`)),
        t(lang, 'plans.email.hint'),
      );
      assert.equal(doc.querySelector('.banner.error'), null);
    }
    const without = parse(renderer.render(views.find((v) => v.page === 'plans') as View, ctx('en')));
    assert.equal(without.querySelector('#receipt-email'), null, 'absent without SMTP');
  });

  it('a refused address: only the field marked, its message linked from the summary, the plan and the value kept', () => {
    for (const lang of LANGS) {
      const doc = parse(renderer.render(plansWith({ value: 'not an address', invalid: true }), ctx(lang)));
      assert.deepEqual(
        [...doc.querySelectorAll('[aria-invalid="true"]')].map((e) => e.id),
        ['receipt-email'],
      );
      const input = doc.querySelector('#receipt-email');
      assert.equal(input?.getAttribute('value'), 'not an address');
      const described = (input?.getAttribute('aria-describedby') ?? '').split(' ');
      assert.deepEqual(described, ['receipt-email-hint', 'receipt-email-error']);
      assert.equal(text(doc.querySelector('#receipt-email-error')), t(lang, 'plans.email.invalid'));
      const summary = doc.querySelector('.banner.error[role="alert"]');
      assert.equal(text(summary?.querySelector('h2') ?? null), t(lang, 'plans.email.errorTitle'));
      assert.equal(summary?.querySelector('a')?.getAttribute('href'), '#receipt-email');
      assert.equal(doc.querySelector('input[type=radio]:checked')?.getAttribute('value'), plan.id);
    }
  });
});

describe('top-up on the status page', () => {
  const statusWith = (mode: 'renew' | 'refuse') =>
    views.find(
      (v) => v.page === 'status' && v.topUp && (mode === 'renew') === (v.renew !== undefined),
    ) as View;
  const section = (view: View, lang: Lang) =>
    parse(renderer.render(view, ctx(lang, { timeZone: 'Asia/Tokyo' }))).querySelector('section.top-up');

  it('with renewWhileActive extend: why (usage, end), then the renewal link', () => {
    const en = section(statusWith('renew'), 'en');
    assert.equal(text(en?.querySelector('h2') ?? null), 'Running low?');
    assert.deepEqual(
      [...(en?.querySelectorAll('p') ?? [])].map((p) => text(p)),
      [
        'You have used 85% of your data.',
        'Your plan ends on December 1, 2026.',
        t('en', 'status.renew.body.extend'),
        t('en', 'plans.heading.active-extend'),
      ],
    );
    assert.equal(en?.querySelector('a')?.getAttribute('href'), '/renew');
    const ja = section(statusWith('renew'), 'ja');
    assert.equal(text(ja?.querySelector('h2') ?? null), t('ja', 'status.topUp.title'));
    assert.match(text(ja), /データ容量の85%を使用しました。 プランは2026年12月1日に終了します。/);
  });

  it('with refuse: when a new plan can be bought, the end of a short plan with its time, no link', () => {
    const en = section(statusWith('refuse'), 'en');
    assert.deepEqual(
      [...(en?.querySelectorAll('p') ?? [])].map((p) => text(p)),
      [
        'Your plan ends on November 22, 2026 at 7:05 PM GMT+9.',
        'You can have one plan at a time: you can buy the next one from November 22, 2026 at 7:05 PM GMT+9, when this plan ends.',
        t('en', 'status.topUp.refuseData'),
      ],
    );
    assert.equal(en?.querySelector('a'), null);
    const ja = section(statusWith('refuse'), 'ja');
    assert.match(
      text(ja),
      /次のプランは、このプランが終了する2026年11月22日 19:05 JSTからご購入いただけます。/,
    );
  });

  it('without a reason to top up, the renewal is offered as before and there is no "Running low?"', () => {
    const plain = views.find((v) => v.page === 'status' && !v.topUp) as View;
    const doc = parse(
      renderer.render({ ...plain, renew: { mode: 'replace', url: '/renew' } } as View, ctx('en')),
    );
    assert.equal(doc.querySelector('section.top-up'), null);
    assert.equal(text(doc.querySelector('#renew-title')), t('en', 'status.renew.title'));
    assert.equal(doc.querySelector('#renew-title + p + p a')?.getAttribute('href'), '/renew');
  });
});

describe('forms', () => {
  it('every form posts with the CSRF field and works without JavaScript', () => {
    let forms = 0;
    for (const lang of LANGS) {
      for (const view of views) {
        const doc = parse(renderer.render(view, ctx(lang)));
        for (const form of doc.querySelectorAll('form')) {
          forms++;
          assert.equal(form.getAttribute('method'), 'post');
          assert.equal(form.getAttribute('action'), '/checkout');
          const csrf = form.querySelector(`input[type=hidden][name="${CHECKOUT_FIELDS.csrf}"]`);
          assert.ok(csrf?.getAttribute('value'), `${view.page}: CSRF field`);
          assert.ok(form.querySelector(`input[type=hidden][name="${CHECKOUT_FIELDS.checkoutId}"]`));
          assert.ok(form.querySelector('button[type=submit]'));
          // Card data never reaches the portal: the plan and the ticket only (and the receipt's address, if asked).
          assert.deepEqual(
            [...form.querySelectorAll('input')]
              .map((i) => i.getAttribute('name'))
              .filter((n) => n !== CHECKOUT_FIELDS.planId && n !== CHECKOUT_FIELDS.receiptEmail),
            [CHECKOUT_FIELDS.checkoutId, CHECKOUT_FIELDS.csrf],
          );
          const selected = form.querySelector('input[type=radio]:checked');
          if (view.page === 'plans' && view.selectedPlanId)
            assert.equal(
              selected?.getAttribute('value'),
              view.selectedPlanId,
              'the chosen plan stays chosen',
            );
          assert.ok(form.querySelectorAll(`input[type=radio][name="${CHECKOUT_FIELDS.planId}"]`).length > 0);
        }
        assert.equal(doc.querySelectorAll('[onclick], [onload], [onsubmit]').length, 0, 'no inline handlers');
        for (const script of doc.querySelectorAll('script')) {
          assert.ok(
            script.getAttribute('src') || script.getAttribute('type') === 'application/xml',
            'no inline script',
          );
        }
      }
    }
    assert.ok(forms >= 16, `${forms} forms checked`);
  });
});

describe('language negotiation', () => {
  const cases: Array<[string | undefined, Array<string | undefined>, Lang]> = [
    [undefined, [], 'en'],
    ['', [], 'en'],
    ['ja', [], 'ja'],
    ['ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7', [], 'ja'],
    ['en-US,en;q=0.9,ja;q=0.8', [], 'en'],
    ['fr-FR,fr;q=0.9,ja;q=0.5,en;q=0.4', [], 'ja'],
    ['en;q=0.2, ja;q=0.8', [], 'ja'],
    ['de, fr', [], 'en'],
    ['*', [], 'en'],
    ['en;q=0, *', [], 'ja'],
    ['ja;q=0', [], 'en'],
    ['JA-jp', [], 'ja'],
    ['ja;q=abc, en;q=0.1', [], 'en'],
    ['ja', ['en'], 'en'],
    ['en', ['ja'], 'ja'],
    ['en', [undefined, 'ja'], 'ja'],
    ['en', ['xx', 'ja'], 'ja'],
    ['ja', ['en', 'ja'], 'en'],
    ['ja', ['fr'], 'ja'],
  ];
  for (const [header, explicit, expected] of cases) {
    it(`${JSON.stringify(header)} with ${JSON.stringify(explicit)} → ${expected}`, () => {
      assert.equal(negotiateLanguage(header, ...explicit), expected);
    });
  }
});

describe('formatters', () => {
  it('formats data amounts', () => {
    assert.equal(formatBytes(10000, 'en'), '10 GB');
    assert.equal(formatBytes(10000, 'ja'), '10 GB');
    assert.equal(formatBytes(1500, 'en'), '1.5 GB');
    assert.equal(formatBytes(500, 'ja'), '500 MB');
    assert.equal(formatBytes(2_000_000, 'en'), '2 TB');
  });

  it('formats durations', () => {
    assert.equal(formatDuration(30, 'en'), '30 days');
    assert.equal(formatDuration(1, 'en'), '1 day');
    assert.equal(formatDuration(30, 'ja'), '30日間');
    assert.equal(formatDuration(1, 'ja'), '1日間');
  });

  it('formats bandwidths', () => {
    assert.equal(formatBandwidth(50_000, 'en'), '50 Mbps');
    assert.equal(formatBandwidth(512, 'ja'), '512 kbps');
    assert.equal(formatBandwidth(1_500, 'en'), '1.5 Mbps');
    assert.equal(formatBandwidth(1_200_000, 'ja'), '1.2 Gbps');
  });

  it('formats money from minor units', () => {
    assert.equal(formatMoney(999, 'USD', 'en'), '$9.99');
    assert.equal(formatMoney(1100, 'JPY', 'en'), '¥1,100');
    assert.equal(formatMoney(1100, 'JPY', 'ja'), '￥1,100');
    assert.equal(formatMoney(123456, 'USD', 'ja'), '$1,234.56');
  });

  it('formats dates', () => {
    assert.equal(formatDate('2024-05-01T00:00:00Z', 'en'), 'May 1, 2024');
    assert.equal(formatDate('2024-05-01T00:00:00Z', 'ja'), '2024年5月1日');
    assert.equal(formatDate('2024-04-30T20:00:00Z', 'ja', 'Asia/Tokyo'), '2024年5月1日');
    assert.equal(formatDate('not a date', 'en'), 'not a date');
  });

  it('masks subscriber numbers', () => {
    assert.equal(maskImsi('310260123456789'), '310260*****6789');
    assert.equal(maskImsi('44010123456789'), '440101****6789');
    assert.equal(maskImsi('3125551234'), '******1234');
    assert.equal(maskImsi('310260*****6789'), '310260*****6789');
  });
});

describe('provision.js', () => {
  const source = readFileSync(join(PUBLIC_DIR, 'provision.js'), 'utf8');

  it('is ES5 (and even ES3, for the oldest hosts)', () => {
    acorn.parse(source, { ecmaVersion: 5, sourceType: 'script' });
    acorn.parse(source, { ecmaVersion: 3, sourceType: 'script', allowReserved: false });
    // The check is real: ES2015+ syntax is refused at ecmaVersion 5.
    for (const modern of ['let a = 1;', 'const a = 1;', 'var f = () => 1;', 'var s = `x`;', 'class A {}']) {
      assert.throws(() => acorn.parse(modern, { ecmaVersion: 5 }), SyntaxError, modern);
    }
  });

  it('holds no language strings and uses no inline handlers', () => {
    assert.doesNotMatch(source, /installed|インストール/);
    assert.doesNotMatch(source, /innerHTML\s*=/);
  });

  const RESULTS = 'http://www.microsoft.com/networking/CarrierControlResults/v2';
  const result = (body: string) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<CarrierProvisioningResult xmlns="${RESULTS}">\n  <Issuer>{00000000-1111-2222-3333-444444444444}</Issuer>\n  <Subscriber>310260123456789</Subscriber>\n${body}</CarrierProvisioningResult>\n`;
  const oneWlanFailed = result(
    '  <MBNProfiles>\n    <DefaultProfile errorCode="00000000" name="Contoso"/>\n  </MBNProfiles>\n  <WLANProfiles>\n    <WLANProfile errorCode="00000000" name="Contoso Passpoint"/>\n    <WLANProfile errorCode="80070005" name="Contoso Hotspot"/>\n  </WLANProfiles>\n  <Plans>\n    <Plan errorCode="00000001" name="Basic 10"/>\n  </Plans>\n',
  );
  const allApplied = result(
    '  <MBNProfiles>\n    <DefaultProfile errorCode="00000000" name="Contoso"/>\n  </MBNProfiles>\n  <Plans>\n    <Plan errorCode="00000001" name="Basic 10"/>\n  </Plans>\n',
  );
  const sectionFailed = result('  <WLANProfiles errorCode="80070426"/>\n');

  interface Run {
    doc: Document;
    calls: unknown[][];
  }

  /** Renders the complete page, runs provision.js in the page's vm context and waits for it to settle. */
  async function run(
    lang: Lang,
    install: (window: JSDOM['window'], calls: unknown[][]) => void,
    view: CompleteView = completeView,
  ): Promise<Run> {
    const html = renderer.render(view, ctx(lang));
    const dom = new JSDOM(html, { runScripts: 'outside-only' });
    const calls: unknown[][] = [];
    install(dom.window, calls);
    vm.runInContext(source, dom.getInternalVMContext(), { filename: 'provision.js' });
    const status = dom.window.document.getElementById('provision-status') as HTMLElement;
    // Settled: a final state, or still nothing after 200 ms (no API). Bounded, never asserted on time.
    for (let i = 0; i < 100; i++) {
      const s = status.getAttribute('data-state');
      if (s !== 'working' && (s !== null || i >= 10)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return { doc: dom.window.document, calls };
  }

  function withApi(answer: (xml: string) => unknown) {
    return (window: JSDOM['window'], calls: unknown[][]) => {
      const external = {
        msProvisionNetworks(...args: unknown[]) {
          calls.push(args);
          return answer(String(args[0]));
        },
      };
      Object.defineProperty(window, 'external', { value: external, configurable: true });
    };
  }

  const state = (doc: Document) => doc.getElementById('provision-status')?.getAttribute('data-state');
  const fallbackHidden = (doc: Document) => {
    const fallback = doc.getElementById('provision-fallback') as HTMLElement;
    return fallback.hasAttribute('hidden') && fallback.style.display === 'none';
  };

  it('hands the exact signed document to msProvisionNetworks and lists a failed WLAN profile', async () => {
    const xml = '<a><!-- </script> <!-- <\\/ --></a>';
    const { doc, calls } = await run(
      'en',
      withApi(() => oneWlanFailed),
      { ...completeView, signedXml: xml },
    );
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0], [xml], 'one argument: the document exactly as signed');
    assert.equal(state(doc), 'partial');
    const status = doc.getElementById('provision-status');
    assert.equal(text(status?.querySelector('p') ?? null), t('en', 'complete.status.partial'));
    const items = [...(status?.querySelectorAll('li') ?? [])].map((li) => li.textContent);
    assert.deepEqual(items, ['WLANProfiles / WLANProfile "Contoso Hotspot": 0x80070005']);
    assert.equal(fallbackHidden(doc), false, 'the fallback stays for the rest');
  });

  it('reports success, hides the fallback, and treats S_FALSE as applied', async () => {
    const { doc, calls } = await run(
      'ja',
      withApi(() => allApplied),
    );
    assert.equal(calls.length, 1);
    assert.equal(state(doc), 'success');
    assert.equal(text(doc.getElementById('provision-status')), t('ja', 'complete.status.success'));
    assert.equal(fallbackHidden(doc), true);
  });

  it('reports a section that failed whole', async () => {
    const { doc } = await run(
      'en',
      withApi(() => sectionFailed),
    );
    assert.equal(state(doc), 'failed');
    assert.deepEqual(
      [...(doc.getElementById('provision-status')?.querySelectorAll('li') ?? [])].map((li) => li.textContent),
      ['WLANProfiles: 0x80070426'],
    );
  });

  it('shows the error and keeps the fallback when the method throws (user refused)', async () => {
    const { doc, calls } = await run(
      'ja',
      withApi(() => {
        const error = new Error('The operation was canceled by the user.') as Error & { number: number };
        error.number = 0x800704c7 | 0;
        throw error;
      }),
    );
    assert.equal(calls.length, 1);
    // ERROR_CANCELLED reads as the documented Result code 5, the user cancelled.
    assert.equal(state(doc), 'code5');
    const status = doc.getElementById('provision-status');
    assert.equal(text(status?.querySelector('p') ?? null), t('ja', 'complete.status.code5'));
    assert.equal(
      text(status?.querySelector('li') ?? null),
      'The operation was canceled by the user. (0x800704c7)',
    );
    assert.equal(fallbackHidden(doc), false);
  });

  it('shows the generic error with the host message for any other exception', async () => {
    const { doc } = await run(
      'en',
      withApi(() => {
        throw new Error('MBPROV_SCHEMA_INVALID: The document is rejected');
      }),
    );
    assert.equal(state(doc), 'error');
    const status = doc.getElementById('provision-status');
    assert.equal(text(status?.querySelector('p') ?? null), t('en', 'complete.status.error'));
    assert.equal(
      text(status?.querySelector('li') ?? null),
      'MBPROV_SCHEMA_INVALID: The document is rejected',
    );
    assert.equal(fallbackHidden(doc), false);
  });

  // The account provisioning page's own examples (ResultsSchema v1, ErrorCode and Name capitalised), with their
  // typographic quotes, and the same made well-formed.
  const V1 = 'http://www.microsoft.com/networking/CarrierControlResults/v1';
  const docExamples: Array<[string, string]> = [
    [
      '<CarrierProvisioningResult>\n    <WLANProfiles ErrorCode=”80070426”/>\n</CarrierProvisioningResult>',
      'WLANProfiles: 0x80070426',
    ],
    [
      `<CarrierProvisioningResult xmlns="${V1}"><WLANProfiles ErrorCode="80070426"/></CarrierProvisioningResult>`,
      'WLANProfiles: 0x80070426',
    ],
    [
      '<CarrierProvisioningResult>\n    <WLANProfiles>\n        <WLANProfile Name=”MyProfile” ErrorCode=”80070005”/>\n    </WLANProfiles>\n</CarrierProvisioningResult>',
      'WLANProfiles / WLANProfile "MyProfile": 0x80070005',
    ],
    [
      `<r:CarrierProvisioningResult xmlns:r="${V1}"><r:MBNProfiles><r:DefaultProfile ERRORCODE="0x8007048F"/></r:MBNProfiles></r:CarrierProvisioningResult>`,
      'MBNProfiles / DefaultProfile: 0x8007048f',
    ],
  ];
  for (const [answer, line] of docExamples) {
    it(`a failure written as the documentation writes it is a failure, with the manual steps: ${line}`, async () => {
      const { doc } = await run(
        'en',
        withApi(() => answer),
      );
      assert.equal(state(doc), 'failed', answer);
      const status = doc.getElementById('provision-status');
      assert.equal(text(status?.querySelector('p') ?? null), t('en', 'complete.status.failed'));
      assert.deepEqual(
        [...(status?.querySelectorAll('li') ?? [])].map((li) => li.textContent),
        [line],
      );
      assert.equal(fallbackHidden(doc), false);
    });
  }

  it('a failing root errorCode, or a code that is not an HRESULT, is a failure; a result without any code is not a success', async () => {
    const rootFailed = result(
      '  <WLANProfiles>\n    <WLANProfile errorCode="00000000" name="A"/>\n  </WLANProfiles>\n',
    ).replace('<CarrierProvisioningResult ', '<CarrierProvisioningResult errorCode="80004005" ');
    assert.equal(
      state(
        (
          await run(
            'en',
            withApi(() => rootFailed),
          )
        ).doc,
      ),
      'failed',
    );
    const garbled = result('  <Plans>\n    <Plan errorCode="oops" name="A"/>\n  </Plans>\n');
    const garbledRun = await run(
      'en',
      withApi(() => garbled),
    );
    assert.equal(state(garbledRun.doc), 'failed');
    assert.equal(text(garbledRun.doc.querySelector('#provision-status li')), 'Plans / Plan "A": oops');
    assert.equal(
      state(
        (
          await run(
            'en',
            withApi(() => result('')),
          )
        ).doc,
      ),
      'unknown',
    );
    // Other success codes (severity bit clear) are warnings, as S_FALSE.
    const warning = result('  <Plans>\n    <Plan errorCode="00000002" name="A"/>\n  </Plans>\n');
    assert.equal(
      state(
        (
          await run(
            'en',
            withApi(() => warning),
          )
        ).doc,
      ),
      'success',
    );
  });

  // ResultsSchema v1 requires Signature errorCode: it reports on the signature, not on a setting.
  const v1Result = (body: string) =>
    `<CarrierProvisioningResult xmlns="${V1}"><Issuer>{00000000-1111-2222-3333-444444444444}</Issuer><Subscriber>310260123456789</Subscriber>${body}<Signature errorCode="00000000"><Subject>CN=Contoso</Subject><Thumbprint>AAAA</Thumbprint></Signature></CarrierProvisioningResult>`;
  const listed = (doc: Document) =>
    [...(doc.getElementById('provision-status')?.querySelectorAll('li') ?? [])].map((li) => li.textContent);

  it('a v1 result whose only success is its Signature is a failure, not "some settings could not be installed"', async () => {
    const allFailed = v1Result(
      '<MBNProfiles errorCode="80070005"><DefaultProfile errorCode="80070005"/></MBNProfiles><WLANProfiles errorCode="80070426"/>',
    );
    const { doc } = await run(
      'en',
      withApi(() => allFailed),
    );
    assert.equal(state(doc), 'failed');
    assert.deepEqual(listed(doc), [
      'MBNProfiles: 0x80070005',
      'MBNProfiles / DefaultProfile: 0x80070005',
      'WLANProfiles: 0x80070426',
    ]);
    assert.equal(fallbackHidden(doc), false);
    // A section that did apply still makes it partial.
    const oneApplied = v1Result(
      '<MBNProfiles><DefaultProfile errorCode="00000000"/></MBNProfiles><WLANProfiles errorCode="80070426"/>',
    );
    const partial = await run(
      'en',
      withApi(() => oneApplied),
    );
    assert.equal(state(partial.doc), 'partial');
    // A failed Signature fails the whole document, whatever the sections say.
    const signatureFailed = oneApplied
      .replace('<WLANProfiles errorCode="80070426"/>', '')
      .replace('<Signature errorCode="00000000">', '<Signature errorCode="800b0100">');
    const refused = await run(
      'en',
      withApi(() => signatureFailed),
    );
    assert.equal(state(refused.doc), 'failed');
    assert.deepEqual(listed(refused.doc), ['Signature: 0x800b0100']);
  });

  it('errorCode "S_OK" (the result pages\' wording, any case) is success', async () => {
    for (const ok of ['S_OK', 's_ok', ' S_Ok ']) {
      const applied = v1Result(`<MBNProfiles><DefaultProfile errorCode="${ok}"/></MBNProfiles>`).replace(
        'errorCode="00000000"',
        `errorCode="${ok}"`,
      );
      const { doc } = await run(
        'en',
        withApi(() => applied),
      );
      assert.equal(state(doc), 'success', ok);
      assert.equal(fallbackHidden(doc), true, ok);
    }
    const mixed = v1Result(
      '<MBNProfiles><DefaultProfile errorCode="S_OK"/></MBNProfiles><WLANProfiles errorCode="80070426"/>',
    );
    const { doc } = await run(
      'en',
      withApi(() => mixed),
    );
    assert.equal(state(doc), 'partial');
    assert.deepEqual(listed(doc), ['WLANProfiles: 0x80070426']);
  });

  for (const lang of ['en', 'ja'] as const) {
    it(`each documented Result code 1–8 gets its own sentence, the support number and the raw code (${lang})`, async () => {
      for (let code = 1; code <= 8; code++) {
        for (const answer of [code, String(code)]) {
          const { doc } = await run(
            lang,
            withApi(() => answer),
            { ...completeView, supportPhone: '+1 555 0100' },
          );
          assert.equal(state(doc), `code${code}`, String(answer));
          const status = doc.getElementById('provision-status') as HTMLElement;
          const paragraphs = [...status.querySelectorAll('p')].map((p) => text(p));
          assert.deepEqual(paragraphs, [
            t(lang, `complete.status.code${code}`),
            t(lang, 'complete.status.support', { operator: 'Contoso Mobile', phone: '+1 555 0100' }),
          ]);
          assert.deepEqual(
            [...status.querySelectorAll('li')].map((li) => li.textContent),
            [t(lang, 'complete.status.detail', { code })],
          );
          const retry = status.querySelector('button');
          assert.equal(retry === null, code >= 2 && code <= 4, `Try again for code ${code}`);
          if (retry) assert.equal(text(retry), t(lang, 'complete.status.retry'));
          assert.equal(fallbackHidden(doc), false);
        }
      }
    });
  }

  it('a number with the result document: 0 and a clean result is success; a failure code shows its sentence and the result lines', async () => {
    for (const answer of [0, '0', { result: 0, xml: allApplied }, [0, allApplied]]) {
      const { doc } = await run(
        'en',
        withApi(() => answer),
      );
      assert.equal(state(doc), 'success', JSON.stringify(answer));
      assert.equal(fallbackHidden(doc), true);
    }
    // A parsed result (an XML DOM document), and a Number object, are read too.
    const parsedRun = await run('en', (window, calls) =>
      withApi(() => new window.DOMParser().parseFromString(sectionFailed, 'text/xml'))(window, calls),
    );
    assert.equal(state(parsedRun.doc), 'failed');
    // A host may hand a Number object.
    assert.equal(
      state(
        (
          await run(
            'en',
            withApi(() => new Number(7)),
          )
        ).doc,
      ),
      'code7',
    );
    // 0 with a failing result is not a success: the result says what failed.
    assert.equal(
      state(
        (
          await run(
            'en',
            withApi(() => ({ result: 0, xml: sectionFailed })),
          )
        ).doc,
      ),
      'failed',
    );
    const { doc } = await run(
      'en',
      withApi(() => ({ xml: oneWlanFailed, result: 6 })),
    );
    assert.equal(state(doc), 'code6');
    assert.deepEqual(
      [...(doc.querySelectorAll('#provision-status li') ?? [])].map((li) => li.textContent),
      [
        t('en', 'complete.status.detail', { code: 6 }),
        'WLANProfiles / WLANProfile "Contoso Hotspot": 0x80070005',
      ],
    );
    // Without a configured support number the sentence names customer support only.
    assert.equal(
      text(doc.querySelector('#provision-status .provision-support')),
      t('en', 'complete.status.supportNoPhone', { operator: 'Contoso Mobile' }),
    );
  });

  it('any other number is a failure shown with the generic sentence and the code (an HRESULT in hex)', async () => {
    for (const [answer, shown] of [
      [9, '9'],
      [0x80070426 | 0, '0x80070426'],
    ] as const) {
      const { doc } = await run(
        'en',
        withApi(() => answer),
      );
      assert.equal(state(doc), 'code-other');
      assert.equal(text(doc.querySelector('#provision-status p')), t('en', 'complete.status.code-other'));
      assert.equal(
        text(doc.querySelector('#provision-status li')),
        t('en', 'complete.status.detail', { code: shown }),
      );
      assert.equal(fallbackHidden(doc), false);
    }
  });

  it('Try again hands the document over again and shows the new answer', async () => {
    const answers: unknown[] = [5, allApplied];
    const { doc, calls } = await run(
      'en',
      withApi(() => answers.shift()),
    );
    assert.equal(state(doc), 'code5');
    (doc.querySelector('#provision-status button') as HTMLButtonElement).click();
    for (let i = 0; i < 100 && state(doc) !== 'success'; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls.length, 2);
    assert.equal(state(doc), 'success');
    assert.equal(fallbackHidden(doc), true);
  });

  it('says it cannot tell when Windows answers nothing readable', async () => {
    for (const answer of ['', 'not xml <', undefined]) {
      const { doc } = await run(
        'en',
        withApi(() => answer),
      );
      assert.equal(state(doc), 'unknown', String(answer));
      assert.equal(fallbackHidden(doc), false);
    }
  });

  it('parses the result with MSXML (ActiveXObject) when DOMParser is missing', async () => {
    const { doc } = await run('en', (window, calls) => {
      const RealParser = window.DOMParser;
      withApi(() => oneWlanFailed)(window, calls);
      function FakeXmlDom(this: { async: boolean; documentElement?: Element }, progId: string) {
        assert.equal(progId, 'Microsoft.XMLDOM');
        this.async = true;
      }
      FakeXmlDom.prototype.loadXML = function (this: { documentElement?: Element }, xml: string) {
        const parsed = new RealParser().parseFromString(xml, 'text/xml');
        if (parsed.getElementsByTagName('parsererror').length) return false;
        this.documentElement = parsed.documentElement;
        return true;
      };
      Object.defineProperty(window, 'DOMParser', { value: undefined, configurable: true, writable: true });
      Object.defineProperty(window, 'ActiveXObject', { value: FakeXmlDom, configurable: true });
    });
    assert.equal(state(doc), 'partial');
    assert.match(text(doc.getElementById('provision-status')), /WLANProfile "Contoso Hotspot": 0x80070005/);
  });

  it('does nothing without the API: the fallback stays and nothing is called', async () => {
    const { doc, calls } = await run('en', (window) => {
      Object.defineProperty(window, 'external', { value: {}, configurable: true });
    });
    assert.equal(calls.length, 0);
    assert.equal(state(doc), null);
    assert.equal(text(doc.getElementById('provision-status')), '');
    assert.equal(fallbackHidden(doc), false);
  });
});
