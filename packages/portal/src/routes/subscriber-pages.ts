import { timingSafeEqual } from 'node:crypto';
import { type CarrierProvisioning, parseDocument } from '@mbprov/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { openStoredDocument } from '../activation/documents-at-rest.ts';
import { isWifiOnly } from '../activation/subscribers.ts';
import type { PortalContext } from '../context.ts';
import { profilePlatforms } from '../hotspot/device-profiles.ts';
import { mobilePlansContext } from '../mobile-plans/launch-context.ts';
import { latestFullDocument } from '../storage/documents.ts';
import { getPlan } from '../storage/plans.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription, type Subscription } from '../storage/subscriptions.ts';
import type { CompleteView, DevicesView, Lang, PasspointSignInView, StatusView } from '../views/models.ts';
import type { Renderer } from '../views/render.ts';
import { browserSubscriber } from './browser-subscriber.ts';
import { platformOf } from './device-platform.ts';
import { requestLang, sendPage } from './pages.ts';
import {
  deviceProfileUrl,
  documentUrl,
  planView,
  receiptView,
  simView,
  topUpView,
  usageView,
  wifiDocumentUrl,
} from './presenters.ts';

/** The status page of an active subscription. */
export async function statusView(
  ctx: PortalContext,
  subscriber: Subscriber,
  subscription: Subscription,
  lang: Lang,
): Promise<StatusView> {
  const plan = await getPlan(ctx.store.db, subscription.plan_id);
  if (!plan) throw new Error(`subscription ${subscription.id} names a missing plan`);
  const { renewWhileActive } = ctx.config.operator;
  const receipt = await receiptView(ctx, subscription, plan, lang);
  const topUp = topUpView(ctx, subscription, plan);
  return {
    page: 'status',
    sim: simView(subscriber),
    plan: planView(plan, lang),
    startsAt: subscription.starts_at,
    endsAt: subscription.ends_at,
    ...usageView(subscription, lang),
    completeUrl: '/complete',
    ...(isWifiOnly(subscriber) ? { wifiOnly: true } : {}),
    ...(renewWhileActive === 'refuse' ? {} : { renew: { mode: renewWhileActive, url: '/renew' } }),
    ...(receipt ? { receipt } : {}),
    ...(topUp ? { topUp } : {}),
  };
}

/**
 * What the user types the first time a Passpoint network of the document asks: Windows cannot carry a TTLS password
 * in the document. The same credentials as WISPr's, the user name with the network's NAI realm.
 */
function passpointSignIn(
  ctx: PortalContext,
  subscriber: Subscriber,
  profiles: readonly string[],
): PasspointSignInView | undefined {
  const inDocument = new Set(profiles);
  const networks = ctx.config.operator.wifi.filter((w) => w.kind === 'passpoint' && inDocument.has(w.name));
  const realm = networks[0]?.naiRealm;
  if (!realm) return undefined;
  return {
    networks: networks.map((w) => w.name),
    userName: `${subscriber.refresh_user}@${realm}`,
    password: ctx.secrets.hotspotPassword(subscriber.id),
  };
}

/**
 * The device profiles of the completion page: offered when the operator runs a hotspot network that iPhones, Macs or
 * Android phones can join (hotspot/device-profiles.ts), with the visitor's platform named for the page to show first.
 */
function devicesView(
  ctx: PortalContext,
  subscriber: Subscriber,
  userAgent: string | undefined,
): DevicesView | undefined {
  const platforms = profilePlatforms(ctx.config);
  if (platforms.length === 0) return undefined;
  const platform = platformOf(userAgent);
  return {
    ...(platform ? { platform } : {}),
    apple: deviceProfileUrl(ctx, 'apple', subscriber.id),
    ...(platforms.includes('android') ? { android: deviceProfileUrl(ctx, 'android', subscriber.id) } : {}),
    linkMinutes: ctx.config.wifiAccounts.documentLinkMinutes,
  };
}

/** Names of the Wi-Fi profiles of a document. */
function wifiProfiles(model: CarrierProvisioning | undefined): string[] {
  return model?.WLANProfiles?.WLANProfile.map((p) => p.name) ?? [];
}

/**
 * The completion and status pages of the browser's subscriber (signed cookie), and the document download: a
 * capability URL (the ms-settings:wifi-provisioning handler fetches it without the browser's cookies).
 */
export function subscriberRoutes(app: FastifyInstance, ctx: PortalContext, renderer: Renderer): void {
  app.get('/complete', async (request, reply) => {
    // A purchase started in the Mobile Plans app is handed back to the app, not to msProvisionNetworks.
    if (mobilePlansContext(request)) return reply.redirect('/mobile-plans/complete', 303);
    const lang = requestLang(request, reply);
    const subscriber = await browserSubscriber(ctx, request);
    const stored = subscriber ? await latestFullDocument(ctx.store.db, subscriber.id) : undefined;
    const subscription = subscriber ? await latestSubscription(ctx.store.db, subscriber.id) : undefined;
    const plan = subscription ? await getPlan(ctx.store.db, subscription.plan_id) : undefined;
    if (!subscriber || !stored || !plan) return reply.redirect('/', 303);
    const xml = await openStoredDocument(ctx, stored.sealed);
    // Without a SIM no page of the portal runs in Windows' legacy web host: no msProvisionNetworks, and a
    // short-lived document link instead of the SIM's lasting one (docs/hotspot.md).
    const wifiOnly = isWifiOnly(subscriber);
    const url = wifiOnly ? wifiDocumentUrl(ctx, subscriber.id) : documentUrl(ctx, subscriber.id);
    const model = parseDocument(xml).model;
    const profiles = wifiProfiles(model);
    const passpoint = passpointSignIn(ctx, subscriber, profiles);
    const receipt = subscription ? await receiptView(ctx, subscription, plan, lang) : undefined;
    const devices = devicesView(ctx, subscriber, request.headers['user-agent']);
    const view: CompleteView = {
      page: 'complete',
      sim: simView(subscriber),
      plan: planView(plan, lang),
      ...(wifiOnly
        ? { wifiOnly: { linkMinutes: ctx.config.wifiAccounts.documentLinkMinutes } }
        : { signedXml: xml }),
      downloadUrl: url,
      wifiProvisioningUrl: `ms-settings:wifi-provisioning?uri=${encodeURIComponent(url)}`,
      wifiProfiles: profiles,
      ...(ctx.config.operator.supportPhone ? { supportPhone: ctx.config.operator.supportPhone } : {}),
      ...(receipt ? { receipt } : {}),
      ...(passpoint ? { passpoint } : {}),
      ...(devices ? { devices } : {}),
    };
    return sendPage(ctx, renderer, request, reply, view, lang);
  });

  app.get('/status', async (request, reply) => {
    const lang = requestLang(request, reply);
    const subscriber = await browserSubscriber(ctx, request);
    const active = subscriber ? await activeSubscription(ctx.store.db, subscriber.id) : undefined;
    if (!subscriber || !active) return reply.redirect('/', 303);
    return sendPage(ctx, renderer, request, reply, await statusView(ctx, subscriber, active, lang), lang);
  });

  app.get<{ Params: { subscriberId: string; token: string } }>(
    '/document/:subscriberId/:token',
    { config: { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const { subscriberId, token } = request.params;
      const expected = Buffer.from(ctx.secrets.documentToken(subscriberId));
      const given = Buffer.from(token);
      const valid = given.length === expected.length && timingSafeEqual(given, expected);
      return sendDocument(
        ctx,
        reply,
        valid ? await latestFullDocument(ctx.store.db, subscriberId) : undefined,
      );
    },
  );
}

/** Answers a stored document as the download (application/xml, never cached), or 404 when there is none. */
export async function sendDocument(
  ctx: PortalContext,
  reply: FastifyReply,
  stored: { sealed: Uint8Array } | undefined,
): Promise<FastifyReply> {
  if (!stored) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
  return reply
    .header('content-type', 'application/xml; charset=utf-8')
    .header('content-disposition', 'attachment; filename="provisioning.xml"')
    .header('cache-control', 'no-store')
    .send(await openStoredDocument(ctx, stored.sealed));
}
