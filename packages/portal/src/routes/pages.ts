import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalContext } from '../context.ts';
import { mobilePlansContext } from '../mobile-plans/launch-context.ts';
import { withNonce } from '../security/headers.ts';
import { localizedName, negotiateLanguage } from '../views/i18n.ts';
import type { ErrorView, Lang, MobilePlansPage, OperatorLinks, PageContext, View } from '../views/models.ts';
import { httpStatus, type Renderer } from '../views/render.ts';

/** The cookie holding the chosen language. */
export const LANG_COOKIE = 'mbprov_lang';
/** The signed cookie tying a browser to the subscriber of the SIM it came with. */
export const SUBSCRIBER_COOKIE = 'mbprov_sub';

/** The language of a request: `?lang=`, then the cookie, then Accept-Language; a `?lang=` choice is remembered. */
export function requestLang(request: FastifyRequest, reply: FastifyReply): Lang {
  const query = request.query as Record<string, unknown>;
  const asked = typeof query.lang === 'string' ? query.lang : undefined;
  const lang = negotiateLanguage(request.headers['accept-language'], asked, request.cookies[LANG_COOKIE]);
  if (asked && asked === lang)
    reply.setCookie(LANG_COOKIE, lang, {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      maxAge: 31_536_000,
    });
  return lang;
}

/** Where the cancel button of a Mobile Plans page leads (routes/mobile-plans.ts). */
export const MOBILE_PLANS_CANCEL_URL = '/mobile-plans/cancel';

/**
 * Sends a page: the view rendered in the request's language, with the CSP nonce, and its HTTP status (or `status`).
 * A browser that came from the Mobile Plans app (its signed launch cookie) gets the app's cancel button on every
 * page; `mobilePlans` sets that part of the page instead (the launch itself, before the cookie is back).
 */
export function sendPage(
  ctx: PortalContext,
  renderer: Renderer,
  request: FastifyRequest,
  reply: FastifyReply,
  view: View,
  lang?: Lang,
  status?: number,
  mobilePlans?: MobilePlansPage,
): FastifyReply {
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>))
    if (typeof v === 'string' && k !== 'lang') query[k] = v;
  // The CSP every answer carries (server.ts), with this page's nonce on its script and style tags.
  const nonce = randomBytes(16).toString('base64');
  const csp = reply.getHeader('content-security-policy');
  if (typeof csp === 'string') reply.header('content-security-policy', withNonce(csp, nonce));
  const pageLang = lang ?? requestLang(request, reply);
  const page: PageContext = {
    lang: pageLang,
    nonce,
    path: request.url.split('?')[0] ?? '/',
    query,
    operatorName: localizedName(ctx.config.operator.name, ctx.config.operator.nameJa, pageLang),
    operator: operatorLinks(ctx.config.operator),
    testSigning: ctx.signer.test,
    timeZone: ctx.config.operator.timeZone,
  };
  const launched =
    mobilePlans ?? (mobilePlansContext(request) ? { cancelUrl: MOBILE_PLANS_CANCEL_URL } : undefined);
  if (launched) page.mobilePlans = launched;
  return reply
    .code(status ?? httpStatus(view))
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(renderer.render(view, page));
}

/** Sends the 429 page of a limit used up (`reason`), saying when to come back (Retry-After), and logs it. */
export function sendLimited(
  ctx: PortalContext,
  renderer: Renderer,
  request: FastifyRequest,
  reply: FastifyReply,
  lang: Lang,
  reason: ErrorView['reason'],
  resetMs: number,
): FastifyReply {
  request.log.info({ code: 'MBPROV_RATE_LIMITED', reason }, 'limit reached');
  reply.header('retry-after', String(Math.max(1, Math.ceil(resetMs / 1000))));
  return sendPage(ctx, renderer, request, reply, { page: 'error', status: 429, reason }, lang);
}

/** The operator's logo and links of every page, from its settings. */
function operatorLinks(operator: PortalContext['config']['operator']): OperatorLinks {
  const { logoUrl, supportPhone, supportUrl, termsUrl, privacyUrl, refundUrl } = operator;
  return { logoUrl, supportPhone, supportUrl, termsUrl, privacyUrl, refundUrl };
}

/** The subscriber id this browser came with (signed cookie), if any. */
export function cookieSubscriber(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SUBSCRIBER_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/**
 * Remembers the subscriber of this browser for the completion and status pages (signed, HttpOnly, session cookie);
 * `maxAgeSeconds` bounds it further (an account's, to its login session).
 */
export function rememberSubscriber(reply: FastifyReply, subscriberId: string, maxAgeSeconds?: number): void {
  reply.setCookie(SUBSCRIBER_COOKIE, subscriberId, {
    path: '/',
    signed: true,
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  });
}

/** Forgets the subscriber of this browser (a Wi-Fi-only customer logging out). */
export function forgetSubscriber(reply: FastifyReply): void {
  reply.clearCookie(SUBSCRIBER_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}
