import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { subscriberForEid, subscriberForSim } from '../activation/subscribers.ts';
import type { PortalContext } from '../context.ts';
import { expireEndedOf } from '../hotspot/disconnect.ts';
import {
  forgetMobilePlans,
  type MobilePlansContext,
  mobilePlansContext,
  rememberMobilePlans,
} from '../mobile-plans/launch-context.ts';
import type { MobilePlansLaunch } from '../mobile-plans/launch-parameters.ts';
import { parseMobilePlansLaunch } from '../mobile-plans/launch-parameters.ts';
import { type LpaErrors, readLpaErrors } from '../mobile-plans/lpa-errors.ts';
import {
  type CancelReason,
  cancelledMetadata,
  completedMetadata,
  purchaseNotification,
} from '../mobile-plans/notification.ts';
import type { RateLimits } from '../rate-limits/rate-limits.ts';
import { clearSession } from '../security/account-session.ts';
import { sameOriginGuard } from '../security/same-origin.ts';
import { deliveredProfile, orderedProfileOf } from '../storage/esim-profiles.ts';
import { activePlans, getPlan } from '../storage/plans.ts';
import { simsByIccids } from '../storage/sims.ts';
import { type Subscriber, subscriberByEid, subscriberById } from '../storage/subscribers.ts';
import { activeSubscription, subscriptionsOf } from '../storage/subscriptions.ts';
import type {
  ErrorView,
  Lang,
  LpaNoticeView,
  MobilePlansCompleteView,
  MobilePlansPage,
} from '../views/models.ts';
import type { Renderer } from '../views/render.ts';
import { browserSubscriber } from './browser-subscriber.ts';
import { plansView } from './entry.ts';
import {
  forgetSubscriber,
  MOBILE_PLANS_CANCEL_URL,
  rememberSubscriber,
  requestLang,
  sendLimited,
  sendPage,
} from './pages.ts';
import { planView, receiptView, simView } from './presenters.ts';
import { statusView } from './subscriber-pages.ts';

const HOUR_MS = 3_600_000;
/** Where a paid Mobile Plans purchase is handed to the app (and a failed download tried again). */
const COMPLETE_URL = '/mobile-plans/complete';
/** The reasons a cancel link may name (MobilePlansMoDirectStatus values the portal reports). */
const CANCEL_REASONS: ReadonlySet<string> = new Set<CancelReason>([
  'cancelled',
  'clientError',
  'invalidSim',
  'serviceError',
]);

/** Who a launch is for: a subscriber the portal knows (by the SIM, a profile of the eSIM, or the EID), or not. */
type LaunchSubscriber =
  | { kind: 'known'; subscriber: Subscriber; context: MobilePlansContext }
  | { kind: 'unknown-sim' }
  | { kind: 'new-esim' };

/**
 * The subscriber of a launch. A physical SIM is looked up by its ICCID in the SIM inventory. An eSIM is the
 * subscriber of the first ICCID of `iccids` the inventory holds (a returning customer: the purchase tops that profile
 * up), else the subscriber first known by the EID (its first profile of `iccids`, if any, is then the one topped up);
 * else a new customer, whose row is created only when the purchase starts.
 */
async function launchSubscriber(ctx: PortalContext, launch: MobilePlansLaunch): Promise<LaunchSubscriber> {
  const base = {
    kind: launch.kind,
    ...(launch.transactionId ? { transactionId: launch.transactionId } : {}),
    ...(launch.kind === 'esim' ? { eid: launch.eid } : {}),
  } as const;
  const wanted = launch.kind === 'physical' ? [launch.iccid] : launch.iccids;
  const rows = await simsByIccids(ctx.store.db, wanted);
  const sim = wanted.map((iccid) => rows.find((r) => r.iccid === iccid)).find((r) => r !== undefined);
  if (sim?.status === 'available' && sim.iccid) {
    const subscriber = await subscriberForSim(ctx, sim, launch.imei);
    return { kind: 'known', subscriber, context: { ...base, iccid: sim.iccid, subscriberId: subscriber.id } };
  }
  if (launch.kind === 'physical') return { kind: 'unknown-sim' };
  // A profile the portal ordered for a subscriber, now on this eSIM: that subscriber's line, topped up.
  const ordered = await orderedProfileOf(ctx.store.db, { iccids: launch.iccids });
  const owner = ordered && (await subscriberById(ctx.store.db, ordered.subscriberId));
  if (ordered && owner?.status === 'active')
    return {
      kind: 'known',
      subscriber: owner,
      context: { ...base, iccid: ordered.iccid, subscriberId: owner.id },
    };
  const byEid = await subscriberByEid(ctx.store.db, launch.eid);
  if (!byEid) return { kind: 'new-esim' };
  const installed = launch.iccids[0];
  return {
    kind: 'known',
    subscriber: byEid,
    context: { ...base, ...(installed ? { iccid: installed } : {}), subscriberId: byEid.id },
  };
}

/** The explanation of failed downloads the launch reported; its retry when the subscriber has a paid new line. */
async function lpaNotice(
  ctx: PortalContext,
  lpa: LpaErrors | undefined,
  found: LaunchSubscriber,
): Promise<LpaNoticeView | undefined> {
  if (!lpa || lpa.nextStep === 'success') return undefined;
  const newLine = found.kind === 'known' && found.context.kind === 'esim' && !found.context.iccid;
  const paid = newLine && (await activeSubscription(ctx.store.db, found.subscriber.id)) !== undefined;
  return { nextStep: lpa.nextStep, codes: lpa.codes, ...(paid ? { retryUrl: COMPLETE_URL } : {}) };
}

/** The cancel link of a launch that ends before any purchase, saying why (and the app's transactionId back). */
function cancelUrl(reason: CancelReason, transactionId: string | undefined): string {
  const query = new URLSearchParams({ reason, ...(transactionId ? { transactionId } : {}) });
  return `${MOBILE_PLANS_CANCEL_URL}?${query}`;
}

/**
 * The Mobile Plans flow (docs/mobile-plans.md), when mobilePlans.enabled:
 * - GET /mobile-plans, the launch URL registered at onboarding: reads the launch parameters (a refusal page naming the
 *   invalid ones, nothing written) and the X-MP-LPAError-* headers (logged, explained), finds the subscriber, keeps
 *   the launch in a signed cookie, and shows the plans or the active plan's status; a new eSIM customer sees the plans
 *   on offer and starts the purchase with POST /mobile-plans/esim (same origin, CSRF, limited per client address).
 * - The hosted checkout is the portal's own; its completion (/complete) sends a Mobile Plans browser to
 *   GET /mobile-plans/complete, the order confirmation that hands the purchase to the app (mobile-plans.js).
 * - GET /mobile-plans/cancel ends the flow (notifyCancelledPurchase) and signs the browser out;
 *   POST /mobile-plans/esim/cancel cancels a delayed profile download first.
 */
export function mobilePlansRoutes(
  app: FastifyInstance,
  ctx: PortalContext,
  renderer: Renderer,
  limits: RateLimits,
): void {
  if (!ctx.config.mobilePlans.enabled) return;
  const rateLimit = { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' };
  const formGuard = {
    config: { rateLimit },
    preHandler: [sameOriginGuard(ctx.config.server.publicUrl), app.csrfProtection],
  };

  /** An error page of the flow, with the cancel button that reports `reason` to the app. */
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    view: ErrorView,
    code: string,
    reason: CancelReason,
    transactionId?: string,
  ) => {
    request.log.warn({ code, transactionId }, 'Mobile Plans request refused');
    return sendPage(ctx, renderer, request, reply, view, lang, undefined, {
      cancelUrl: cancelUrl(reason, transactionId),
    });
  };

  /** The launch context and subscriber of this browser, when both are there and belong together. */
  const launched = async (
    request: FastifyRequest,
  ): Promise<{ context: MobilePlansContext; subscriber: Subscriber } | undefined> => {
    const context = mobilePlansContext(request);
    const subscriber = context?.subscriberId ? await browserSubscriber(ctx, request) : undefined;
    return context && subscriber && subscriber.id === context.subscriberId
      ? { context, subscriber }
      : undefined;
  };
  const contextMissing = (request: FastifyRequest, reply: FastifyReply, lang: Lang) =>
    refuse(
      request,
      reply,
      lang,
      { page: 'error', status: 400, reason: 'mobile-plans-context' },
      'MBPROV_MOBILE_PLANS_CONTEXT_MISSING',
      'clientError',
    );
  const esimUnavailable = (
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    transactionId?: string,
  ) =>
    refuse(
      request,
      reply,
      lang,
      { page: 'error', status: 503, reason: 'esim-unavailable' },
      'MBPROV_ESIM_NOT_CONFIGURED',
      'serviceError',
      transactionId,
    );

  app.get('/mobile-plans', { config: { rateLimit } }, async (request, reply) => {
    const lang = requestLang(request, reply);
    const parsed = parseMobilePlansLaunch(request.query as Record<string, unknown>);
    if (!parsed.launch) {
      request.log.warn(
        {
          code: 'MBPROV_MOBILE_PLANS_LAUNCH_INVALID',
          problems: parsed.problems.map((p) => `${p.param}: ${p.problem}`),
        },
        'invalid Mobile Plans launch',
      );
      const view = { page: 'invalid-parameters', problems: parsed.problems, mobilePlans: true } as const;
      return sendPage(ctx, renderer, request, reply, view, lang, undefined, {
        cancelUrl: cancelUrl('clientError', undefined),
      });
    }
    const launch = parsed.launch;
    const { transactionId } = launch;
    request.log.info(
      { transactionId, sim: launch.kind, market: launch.market, location: launch.location },
      'Mobile Plans launch',
    );
    const lpa = readLpaErrors(request.headers);
    if (lpa)
      request.log.warn(
        { code: 'MBPROV_MOBILE_PLANS_LPA_ERROR', transactionId, ...lpa },
        'the Mobile Plans app reported failed eSIM downloads',
      );
    const found = await launchSubscriber(ctx, launch);
    const notice = await lpaNotice(ctx, lpa, found);
    const page = (cancel: string): MobilePlansPage => ({
      cancelUrl: cancel,
      ...(notice ? { lpa: notice } : {}),
    });
    if (found.kind === 'unknown-sim') {
      request.log.info(
        { code: 'MBPROV_UNKNOWN_SIM', transactionId },
        'Mobile Plans launch for an unknown SIM',
      );
      const view = {
        page: 'unknown-sim',
        ...(launch.kind === 'physical' ? { iccid: launch.iccid } : {}),
      } as const;
      return sendPage(
        ctx,
        renderer,
        request,
        reply,
        view,
        lang,
        404,
        page(cancelUrl('invalidSim', transactionId)),
      );
    }
    if (found.kind === 'new-esim') {
      if (!ctx.esim) return esimUnavailable(request, reply, lang, transactionId);
      rememberMobilePlans(reply, {
        kind: 'esim',
        eid: (launch as { eid: string }).eid,
        ...(transactionId ? { transactionId } : {}),
      });
      const plans = await activePlans(ctx.store.db, 'mobile');
      const view = {
        page: 'mobile-plans-esim',
        plans: plans.map((p) => planView(p, lang)),
        csrfToken: reply.generateCsrf(),
      } as const;
      return sendPage(ctx, renderer, request, reply, view, lang, undefined, page(MOBILE_PLANS_CANCEL_URL));
    }
    const { subscriber, context } = found;
    rememberSubscriber(reply, subscriber.id);
    rememberMobilePlans(reply, context);
    await expireEndedOf(ctx, subscriber.id);
    const active = await activeSubscription(ctx.store.db, subscriber.id);
    const view = active
      ? await statusView(ctx, subscriber, active, lang)
      : await plansView(ctx, subscriber, {}, lang, reply.generateCsrf());
    return sendPage(ctx, renderer, request, reply, view, lang, undefined, page(MOBILE_PLANS_CANCEL_URL));
  });

  // A new eSIM customer starts the purchase: the subscriber of the EID is created now (one per EID, and at most
  // mobilePlans.newEsimsPerClientPerHour new ones per client address), then the plans page.
  app.post('/mobile-plans/esim', formGuard, async (request, reply) => {
    const lang = requestLang(request, reply);
    const context = mobilePlansContext(request);
    if (context?.kind !== 'esim' || !context.eid || context.iccid)
      return contextMissing(request, reply, lang);
    if (!ctx.esim) return esimUnavailable(request, reply, lang, context.transactionId);
    let subscriber = await subscriberByEid(ctx.store.db, context.eid);
    if (!subscriber) {
      const max = ctx.config.mobilePlans.newEsimsPerClientPerHour;
      const count = await limits.hit(
        `mobile-plans-esim ${ctx.secrets.clientKey(request.ip)}`,
        max,
        HOUR_MS,
        ctx.clock().getTime(),
      );
      if (count.count > max)
        return sendLimited(ctx, renderer, request, reply, lang, 'esim-limit', count.resetMs);
      subscriber = await subscriberForEid(ctx, context.eid);
      request.log.info(
        { transactionId: context.transactionId, subscriber: subscriber.id },
        'new eSIM customer',
      );
    }
    rememberSubscriber(reply, subscriber.id);
    rememberMobilePlans(reply, { ...context, subscriberId: subscriber.id });
    return reply.redirect('/renew', 303);
  });

  app.get(COMPLETE_URL, { config: { rateLimit } }, async (request, reply) => {
    const lang = requestLang(request, reply);
    const found = await launched(request);
    if (!found) return contextMissing(request, reply, lang);
    const { context, subscriber } = found;
    const subscription = await activeSubscription(ctx.store.db, subscriber.id);
    const plan = subscription ? await getPlan(ctx.store.db, subscription.plan_id) : undefined;
    if (!subscription || !plan) return reply.redirect('/renew', 303);
    // A line whose profile reached the eSIM since the launch (this page visited again after the download) is topped
    // up, not given a second profile.
    const delivered =
      context.kind === 'esim' && !context.iccid && context.eid
        ? await deliveredProfile(ctx.store.db, subscriber.id, context.eid)
        : undefined;
    if (delivered) context.iccid = delivered.iccid;
    const newLine = context.kind === 'esim' && !context.iccid;
    if (newLine && !ctx.esim) return esimUnavailable(request, reply, lang, context.transactionId);
    // The same subscriber and EID get the same undownloaded order again: a reload or a retry burns no profile.
    const order =
      newLine && ctx.esim
        ? await ctx.esim.order({
            subscriberId: subscriber.id,
            eid: context.eid as string,
            ...(context.transactionId ? { transactionId: context.transactionId } : {}),
          })
        : undefined;
    const notification = purchaseNotification(ctx.config.mobilePlans, context, order);
    const metadata = completedMetadata({
      firstPlan: (await subscriptionsOf(ctx.store.db, subscriber.id)).length <= 1,
      chargedToAccount: ctx.payments.origins.length === 0,
      notification,
      planName: plan.name,
      transactionId: context.transactionId,
    });
    request.log.info(
      { transactionId: context.transactionId, operation: notification.operation, iccid: order?.iccid },
      'Mobile Plans hand-over',
    );
    const receipt = await receiptView(ctx, subscription, plan, lang);
    const view: MobilePlansCompleteView = {
      page: 'mobile-plans-complete',
      sim: simView(subscriber),
      plan: planView(plan, lang),
      notification,
      metadata,
      ...(receipt ? { receipt } : {}),
      ...(notification.operation === 'profile-download' && notification.delayMinutes !== undefined
        ? { cancelDownload: { csrfToken: reply.generateCsrf(), iccid: notification.iccid } }
        : {}),
    };
    return sendPage(ctx, renderer, request, reply, view, lang);
  });

  /** Ends the flow: signs the browser out (the documentation requires it before control returns) and notifies. */
  const endFlow = (
    request: FastifyRequest,
    reply: FastifyReply,
    lang: Lang,
    reason: CancelReason,
    transactionId: string | undefined,
    downloadCancelled = false,
  ) => {
    forgetMobilePlans(reply);
    forgetSubscriber(reply);
    clearSession(reply);
    const view = {
      page: 'mobile-plans-cancel',
      metadata: cancelledMetadata(reason, transactionId),
      ...(downloadCancelled ? { downloadCancelled } : {}),
    } as const;
    return sendPage(ctx, renderer, request, reply, view, lang);
  };

  app.post<{ Body: Record<string, unknown> }>(
    '/mobile-plans/esim/cancel',
    formGuard,
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const found = await launched(request);
      const iccid = typeof request.body?.iccid === 'string' ? request.body.iccid : '';
      if (!found || !ctx.esim || !/^\d{19,20}$/.test(iccid)) return contextMissing(request, reply, lang);
      const { transactionId } = found.context;
      await ctx.esim.cancel({
        subscriberId: found.subscriber.id,
        iccid,
        ...(transactionId ? { transactionId } : {}),
      });
      request.log.info({ transactionId, iccid }, 'eSIM profile download cancelled');
      return endFlow(request, reply, lang, 'cancelled', transactionId, true);
    },
  );

  app.get<{ Querystring: Record<string, unknown> }>(
    MOBILE_PLANS_CANCEL_URL,
    { config: { rateLimit } },
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const { reason, transactionId } = request.query;
      const why =
        typeof reason === 'string' && CANCEL_REASONS.has(reason) ? (reason as CancelReason) : 'cancelled';
      // The signed launch's transactionId; a launch refused before it was kept names its own in the link (the app's
      // id, only echoed back to it).
      const given =
        typeof transactionId === 'string' && /^[\x21-\x7e]{1,64}$/.test(transactionId)
          ? transactionId
          : undefined;
      const id = mobilePlansContext(request)?.transactionId ?? given;
      request.log.info({ transactionId: id, reason: why }, 'Mobile Plans flow cancelled');
      return endFlow(request, reply, lang, why, id);
    },
  );
}
