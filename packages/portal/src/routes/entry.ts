import type { FastifyInstance } from 'fastify';
import { newCheckoutId } from '../activation/checkout.ts';
import { isWifiOnly, planKindFor, subscriberForSim } from '../activation/subscribers.ts';
import type { PortalContext } from '../context.ts';
import { expireEndedOf } from '../hotspot/disconnect.ts';
import {
  cdmaDeviceKey,
  type DeviceParameters,
  imeiOf,
  mayBeCdma,
  parseDeviceParameters,
} from '../identifiers/device-parameters.ts';
import { issueCheckoutTicket } from '../security/checkout-ticket.ts';
import { activePlans, getPlan } from '../storage/plans.ts';
import { findSimsByAny, type Sim } from '../storage/sims.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription, usageTimeOf } from '../storage/subscriptions.ts';
import type { HomeView, Lang, PlansView, Scenario } from '../views/models.ts';
import type { Renderer } from '../views/render.ts';
import { browserSubscriber } from './browser-subscriber.ts';
import { rememberSubscriber, requestLang, sendPage } from './pages.ts';
import { planView, simView } from './presenters.ts';
import { statusView } from './subscriber-pages.ts';

/**
 * The inventory row the identifiers of a visit name: IccId as an ICCID, SubId as an IMSI (and, with 10 digits, also
 * as a MIN), a DevId that may be an ESN or MEID (also one of 8 or 14 digits) as the device a row binds. Each is
 * looked up on its own; when they name different rows, or the row found binds another CDMA device than the DevId,
 * the visit is refused as a conflict (MBPROV_SUBSCRIBER_IDS_CONFLICT) instead of one identifier silently winning.
 */
async function simOfVisit(
  ctx: PortalContext,
  params: DeviceParameters,
  cdmaDevice: string | undefined,
): Promise<{ sim: Sim | undefined } | { conflict: { rows: string[]; matched: string[] } }> {
  const sub = params.subId;
  const rows = await findSimsByAny(ctx.store.db, {
    ...(params.iccId ? { iccid: params.iccId } : {}),
    ...(sub ? { imsi: sub.value } : {}),
    ...(sub?.kind === 'min-or-imsi' ? { min: sub.value } : {}),
    ...(cdmaDevice ? { esnMeid: cdmaDevice } : {}),
  });
  const conflict = () => ({
    conflict: { rows: rows.map((r) => r.sim.id), matched: rows.map((r) => r.matched.join('+')) },
  });
  if (rows.length > 1) return conflict();
  const sim = rows[0]?.sim;
  if (sim && cdmaDevice && sim.esn_meid && sim.esn_meid !== cdmaDevice) return conflict();
  return { sim };
}

/** Which of the seed's scenarios a subscriber without an active plan is in. */
async function scenarioOf(
  ctx: PortalContext,
  subscriber: Subscriber,
  params: DeviceParameters,
  lang: Lang,
): Promise<{ scenario: Scenario; previous?: PlansView['previous']; activePlanId?: string }> {
  const latest = await latestSubscription(ctx.store.db, subscriber.id);
  const wifiOnly = isWifiOnly(subscriber);
  const mode = ctx.config.operator.renewWhileActive;
  if (latest?.status === 'active' && latest.ends_at > ctx.clock().toISOString() && mode !== 'refuse')
    return { scenario: mode === 'extend' ? 'active-extend' : 'active-replace', activePlanId: latest.plan_id };
  if (latest) {
    const plan = await getPlan(ctx.store.db, latest.plan_id);
    const exhausted = latest.status === 'exhausted';
    const previous = {
      name: plan ? planView(plan, lang).name : latest.plan_id,
      // A plan whose data ran out ended then, not at its scheduled end.
      endedAt: exhausted ? (usageTimeOf(latest) ?? latest.ends_at) : latest.ends_at,
    };
    return { scenario: exhausted ? 'renewal-exhausted' : 'renewal-expired', previous };
  }
  if (wifiOnly) return { scenario: 'wifi-first-use' };
  // A USB modem the operator sells is recognized by the Type Allocation Code of its IMEI.
  const imei = params.devId ? imeiOf(params.devId) : subscriber.device_id;
  const tac = imei && /^\d{14,15}$/.test(imei) ? imei.slice(0, 8) : undefined;
  return {
    scenario: tac && ctx.config.operator.usbModemTacs.includes(tac) ? 'first-use-usb' : 'first-use-embedded',
  };
}

/**
 * The plans page of a subscriber, with a fresh signed checkout ticket (its checkout id is the idempotency key of the
 * purchase): showing the page stores nothing, the checkout is stored when the form is posted.
 */
export async function plansView(
  ctx: PortalContext,
  subscriber: Subscriber,
  params: DeviceParameters,
  lang: Lang,
  csrfToken: string,
  error?: PlansView['error'],
  selectedPlanId?: string,
  receiptEmail: NonNullable<PlansView['receiptEmail']> = { value: '', invalid: false },
): Promise<PlansView> {
  const { scenario, previous, activePlanId } = await scenarioOf(ctx, subscriber, params, lang);
  // Extending means more of the same plan: that is the only one on offer then. A customer without a SIM sees the
  // Wi-Fi plans, a SIM's customer the mobile ones (whose documents carry the Wi-Fi networks too).
  const plans = (await activePlans(ctx.store.db, planKindFor(subscriber))).filter(
    (p) => scenario !== 'active-extend' || p.id === activePlanId,
  );
  return {
    page: 'plans',
    scenario,
    sim: simView(subscriber),
    plans: plans.map((p) => planView(p, lang)),
    checkoutId: issueCheckoutTicket(ctx.secrets, {
      checkoutId: newCheckoutId(),
      subscriberId: subscriber.id,
      shownAt: ctx.clock(),
    }),
    csrfToken,
    ...(previous ? { previous } : {}),
    ...(error ? { error } : {}),
    ...(selectedPlanId && plans.some((p) => p.id === selectedPlanId) ? { selectedPlanId } : {}),
    // Operator billing charges the account without a page of its own; every other provider has a hosted page.
    payment: ctx.payments.origins.length === 0 ? 'account' : 'hosted',
    ...(ctx.payments.name === 'test' ? { testPayments: true } : {}),
    ...(ctx.mailer ? { receiptEmail } : {}),
  };
}

/** The start page: it leads customers without a SIM to /wifi when Wi-Fi plans are on sale. */
async function homeView(ctx: PortalContext): Promise<HomeView> {
  const wifi = (await activePlans(ctx.store.db, 'wifi')).length > 0;
  return { page: 'home', ...(wifi ? { wifi } : {}) };
}

/**
 * The AccountExperienceURL: Windows opens it with SubId, DevId and IccId. Invalid parameters are a 400 page that
 * names them (nothing is written); no parameters explain the site; an unknown SIM gets a friendly page; a SIM with
 * an active plan sees its status; otherwise the plans of its scenario.
 */
export function entryRoutes(app: FastifyInstance, ctx: PortalContext, renderer: Renderer): void {
  app.get(
    '/',
    { config: { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const { params, problems } = parseDeviceParameters(request.query as Record<string, unknown>);
      if (problems.length) {
        for (const p of problems)
          if (p.code) request.log.warn({ code: p.code, param: p.param }, 'malformed device identifier');
        return sendPage(ctx, renderer, request, reply, { page: 'invalid-parameters', problems }, lang);
      }
      // 8 or 14 digits are IMEI-like and an ESN or MEID too: looked up as the device a row binds as well.
      const cdmaDevice =
        params.devId && mayBeCdma(params.devId) ? cdmaDeviceKey(params.devId.value) : undefined;
      if (!params.iccId && !params.subId && !cdmaDevice) {
        // Coming back from checkout or the status page without parameters: the browser's subscriber.
        const known = params.devId ? undefined : await browserSubscriber(ctx, request);
        if (known) {
          const active = await activeSubscription(ctx.store.db, known.id);
          if (active) return reply.redirect('/status', 303);
        }
        return params.devId
          ? sendPage(ctx, renderer, request, reply, { page: 'unknown-sim' }, lang)
          : sendPage(ctx, renderer, request, reply, await homeView(ctx), lang);
      }
      const found = await simOfVisit(ctx, params, cdmaDevice);
      if ('conflict' in found) {
        request.log.warn(
          { code: 'MBPROV_SUBSCRIBER_IDS_CONFLICT', ...found.conflict },
          'identifiers name different SIMs',
        );
        return sendPage(
          ctx,
          renderer,
          request,
          reply,
          {
            page: 'ids-conflict',
            ...(params.iccId ? { iccid: params.iccId } : {}),
            ...(params.subId ? { subId: params.subId.value } : {}),
          },
          lang,
        );
      }
      const sim = found.sim;
      if (sim?.status !== 'available') {
        return sendPage(
          ctx,
          renderer,
          request,
          reply,
          {
            page: 'unknown-sim',
            ...(params.iccId ? { iccid: params.iccId } : {}),
            ...(params.subId ? { subId: params.subId.value } : {}),
          },
          lang,
        );
      }
      const subscriber = await subscriberForSim(ctx, sim, params.devId?.value);
      rememberSubscriber(reply, subscriber.id);
      await expireEndedOf(ctx, subscriber.id);
      const active = await activeSubscription(ctx.store.db, subscriber.id);
      if (active)
        return sendPage(ctx, renderer, request, reply, await statusView(ctx, subscriber, active, lang), lang);
      return sendPage(
        ctx,
        renderer,
        request,
        reply,
        await plansView(ctx, subscriber, params, lang, reply.generateCsrf()),
        lang,
      );
    },
  );

  // Buying while a plan is active (operator.renewWhileActive extend or replace), linked from the status page: the
  // plans page of the browser's subscriber.
  app.get(
    '/renew',
    { config: { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const subscriber = await browserSubscriber(ctx, request);
      if (!subscriber) return reply.redirect('/', 303);
      await expireEndedOf(ctx, subscriber.id);
      if (
        ctx.config.operator.renewWhileActive === 'refuse' &&
        (await activeSubscription(ctx.store.db, subscriber.id))
      )
        return reply.redirect('/status', 303);
      return sendPage(
        ctx,
        renderer,
        request,
        reply,
        await plansView(ctx, subscriber, {}, lang, reply.generateCsrf()),
        lang,
      );
    },
  );
}
