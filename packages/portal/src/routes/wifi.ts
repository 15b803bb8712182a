import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logIn, normalizeEmail, signUp } from '../activation/accounts.ts';
import { isWifiOnly } from '../activation/subscribers.ts';
import { redeemVoucher } from '../activation/vouchers.ts';
import type { PortalContext } from '../context.ts';
import { expireEndedOf } from '../hotspot/disconnect.ts';
import type { RateLimits } from '../rate-limits/rate-limits.ts';
import { clearSession, sessionAccount, startSession } from '../security/account-session.ts';
import { readDocumentLink } from '../security/document-link.ts';
import { sameOriginGuard } from '../security/same-origin.ts';
import { endSessions } from '../storage/accounts.ts';
import { latestFullDocument } from '../storage/documents.ts';
import { activePlans } from '../storage/plans.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import { activeSubscription } from '../storage/subscriptions.ts';
import type { ErrorView, Lang, WifiFormError, WifiFormView } from '../views/models.ts';
import { type Renderer, WIFI_FIELDS } from '../views/render.ts';
import { browserSubscriber } from './browser-subscriber.ts';
import { plansView } from './entry.ts';
import { forgetSubscriber, rememberSubscriber, requestLang, sendLimited, sendPage } from './pages.ts';
import { planView } from './presenters.ts';
import { sendDocument } from './subscriber-pages.ts';

const HOUR_MS = 3_600_000;

/** The Wi-Fi-only customer of this browser (browserSubscriber, without a SIM). */
export async function wifiSubscriber(
  ctx: PortalContext,
  request: FastifyRequest,
): Promise<Subscriber | undefined> {
  const subscriber = await browserSubscriber(ctx, request);
  return subscriber && isWifiOnly(subscriber) ? subscriber : undefined;
}

/**
 * The pages of customers without a SIM (docs/hotspot.md): /wifi (the Wi-Fi plans and the way in, or the account),
 * sign up, log in, log out, redeem a voucher, the Wi-Fi plans page (then the same checkout, completion and status
 * pages as SIM customers), and the short-lived document link the ms-settings:wifi-provisioning handler fetches.
 * Every form is same-origin and CSRF-protected; failed logins and voucher codes are limited per client address and
 * (logins) per e-mail address, account creation per client address, in `limits` (shared by the portal processes).
 */
export function wifiRoutes(
  app: FastifyInstance,
  ctx: PortalContext,
  renderer: Renderer,
  limits: RateLimits,
): void {
  const settings = ctx.config.wifiAccounts;
  const pageLimit = { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } };
  const formGuard = {
    config: { rateLimit: { max: ctx.config.rateLimits.checkoutPerMinute, timeWindow: '1 minute' } },
    preHandler: [sameOriginGuard(ctx.config.server.publicUrl), app.csrfProtection],
  };
  const now = () => ctx.clock().getTime();
  const clientFailures = (request: FastifyRequest) =>
    `wifi-failures client ${ctx.secrets.clientKey(request.ip)}`;
  const accountFailures = (emailId: string) => `wifi-failures account ${emailId}`;
  const field = (request: FastifyRequest, name: string) => {
    const value = ((request.body ?? {}) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };

  /** A form page, with a fresh CSRF token; a refused post's error and status. */
  const form = (
    request: FastifyRequest,
    reply: FastifyReply,
    page: WifiFormView['page'],
    lang: Lang,
    refused?: { error: WifiFormError; status: number; email?: string },
  ) => {
    const view: WifiFormView = {
      page,
      csrfToken: reply.generateCsrf(),
      ...(refused?.email ? { email: refused.email.slice(0, 254) } : {}),
      ...(refused ? { error: refused.error } : {}),
    };
    return sendPage(ctx, renderer, request, reply, view, lang, refused?.status);
  };

  /** The 429 page of a limit used up, saying when to come back. */
  const limited = (
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    reason: ErrorView['reason'],
    resetMs: number,
  ) => sendLimited(ctx, renderer, request, reply, lang, reason, resetMs);

  /** Where a customer goes once logged in or signed up: the status of an active plan, else the Wi-Fi plans. */
  const landing = async (subscriberId: string) =>
    (await activeSubscription(ctx.store.db, subscriberId)) ? '/status' : '/wifi/plans';

  app.get('/wifi', { config: pageLimit }, async (request, reply) => {
    const lang = requestLang(request, reply);
    const account = await sessionAccount(ctx, request);
    const plans = (await activePlans(ctx.store.db, 'wifi')).map((p) => planView(p, lang));
    if (account) await expireEndedOf(ctx, account.subscriber_id);
    const view = {
      page: 'wifi' as const,
      plans,
      ...(account
        ? {
            account: {
              email: ctx.secrets.decrypt(account.email_encrypted),
              active: (await activeSubscription(ctx.store.db, account.subscriber_id)) !== undefined,
              csrfToken: reply.generateCsrf(),
            },
          }
        : {}),
    };
    return sendPage(ctx, renderer, request, reply, view, lang);
  });

  for (const page of ['wifi-signup', 'wifi-login', 'wifi-voucher'] as const)
    app.get(`/${page.replace('-', '/')}`, { config: pageLimit }, async (request, reply) =>
      form(request, reply, page, requestLang(request, reply)),
    );

  app.post('/wifi/signup', formGuard, async (request, reply) => {
    const lang = requestLang(request, reply);
    const count = await limits.hit(
      `wifi-signup ${ctx.secrets.clientKey(request.ip)}`,
      settings.signupsPerClientPerHour,
      HOUR_MS,
      now(),
    );
    if (count.count > settings.signupsPerClientPerHour)
      return limited(request, reply, lang, 'signup-limit', count.resetMs);
    const email = field(request, WIFI_FIELDS.email);
    const outcome = await signUp(ctx, email, field(request, WIFI_FIELDS.password));
    if (outcome.kind !== 'created') {
      request.log.info({ code: 'MBPROV_ACCOUNT_REFUSED', reason: outcome.kind }, 'sign-up refused');
      const status = outcome.kind === 'exists' ? 409 : 400;
      return form(request, reply, 'wifi-signup', lang, { error: outcome.kind, status, email });
    }
    request.log.info({ account: outcome.account.id }, 'account created');
    startSession(ctx, reply, outcome.account);
    rememberSubscriber(reply, outcome.account.subscriber_id, settings.sessionHours * 3600);
    return reply.redirect('/wifi/plans', 303);
  });

  app.post('/wifi/login', formGuard, async (request, reply) => {
    const lang = requestLang(request, reply);
    const email = field(request, WIFI_FIELDS.email);
    const address = normalizeEmail(email);
    const names = [
      clientFailures(request),
      ...(address ? [accountFailures(ctx.secrets.accountEmailId(address))] : []),
    ];
    const max = [settings.loginFailuresPerClientPerHour, settings.loginFailuresPerAccountPerHour];
    // Refused before any password is checked once either count is used up: guessing costs the guesser.
    const counts = await Promise.all(
      names.map((name, i) => limits.read(name, max[i] as number, HOUR_MS, now())),
    );
    const over = counts.find((c, i) => c.count >= (max[i] as number));
    if (over) return limited(request, reply, lang, 'login-limit', over.resetMs);
    const account = await logIn(ctx, email, field(request, WIFI_FIELDS.password));
    if (!account) {
      await Promise.all(names.map((name, i) => limits.hit(name, max[i] as number, HOUR_MS, now())));
      request.log.info({ code: 'MBPROV_LOGIN_FAILED' }, 'login failed');
      return form(request, reply, 'wifi-login', lang, { error: 'login-failed', status: 401, email });
    }
    startSession(ctx, reply, account);
    rememberSubscriber(reply, account.subscriber_id, settings.sessionHours * 3600);
    return reply.redirect(await landing(account.subscriber_id), 303);
  });

  app.post('/wifi/logout', formGuard, async (request, reply) => {
    const account = await sessionAccount(ctx, request);
    if (account) await endSessions(ctx.store.db, account.id, ctx.clock().toISOString());
    clearSession(reply);
    forgetSubscriber(reply);
    return reply.redirect('/wifi', 303);
  });

  app.post('/wifi/voucher', formGuard, async (request, reply) => {
    const lang = requestLang(request, reply);
    const name = clientFailures(request);
    const max = settings.loginFailuresPerClientPerHour;
    const failures = await limits.read(name, max, HOUR_MS, now());
    if (failures.count >= max) return limited(request, reply, lang, 'login-limit', failures.resetMs);
    const subscriber = await wifiSubscriber(ctx, request);
    const outcome = await redeemVoucher(ctx, field(request, WIFI_FIELDS.code), subscriber?.id, lang);
    if (outcome.kind === 'invalid-code' || outcome.kind === 'expired-code') {
      await limits.hit(name, max, HOUR_MS, now());
      request.log.info({ code: 'MBPROV_VOUCHER_INVALID', reason: outcome.kind }, 'voucher refused');
      return form(request, reply, 'wifi-voucher', lang, { error: outcome.kind, status: 400 });
    }
    if (outcome.kind === 'already-active' || outcome.kind === 'plan-unavailable')
      return form(request, reply, 'wifi-voucher', lang, { error: outcome.kind, status: 409 });
    if (outcome.kind !== 'completed') throw new Error(`a voucher's activation ended ${outcome.kind}`);
    request.log.info({ subscriber: outcome.subscriberId }, 'voucher redeemed');
    rememberSubscriber(reply, outcome.subscriberId);
    return reply.redirect('/complete', 303);
  });

  app.get('/wifi/plans', { config: pageLimit }, async (request, reply) => {
    const lang = requestLang(request, reply);
    const subscriber = await wifiSubscriber(ctx, request);
    if (!subscriber) return reply.redirect('/wifi/login', 303);
    await expireEndedOf(ctx, subscriber.id);
    if (
      ctx.config.operator.renewWhileActive === 'refuse' &&
      (await activeSubscription(ctx.store.db, subscriber.id))
    )
      return reply.redirect('/status', 303);
    const view = await plansView(ctx, subscriber, {}, lang, reply.generateCsrf());
    return sendPage(ctx, renderer, request, reply, view, lang);
  });

  app.get<{ Params: { link: string } }>(
    '/wifi/document/:link',
    { config: pageLimit },
    async (request, reply) => {
      const id = readDocumentLink(ctx.secrets, request.params.link, ctx.clock());
      return sendDocument(ctx, reply, id ? await latestFullDocument(ctx.store.db, id) : undefined);
    },
  );
}
