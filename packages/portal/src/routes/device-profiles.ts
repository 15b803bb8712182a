import { buildWifiConfig, MOBILECONFIG_MIME_TYPE } from '@mbprov/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PortalContext } from '../context.ts';
import {
  type HotspotCredentials,
  hotspotDescriptionOf,
  profilePlatforms,
  profileSignerOf,
  signedMobileconfig,
} from '../hotspot/device-profiles.ts';
import { readDocumentLink } from '../security/document-link.ts';
import { latestFullDocument } from '../storage/documents.ts';
import { subscriberById } from '../storage/subscribers.ts';

/** The platforms with a download of their own: Windows gets the provisioning document instead. */
type ProfilePlatform = 'apple' | 'android';

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
}

/**
 * The Apple and Android profiles of a customer who bought a plan: capability links like the Wi-Fi-only document link
 * (security/document-link.ts), because iOS' profile installer and Android's Wi-Fi installer fetch or hand over the
 * download outside the page's cookies. The profile carries the hotspot password, so the link is short-lived
 * (wifiAccounts.documentLinkMinutes) and never cached; a link of any platform opens the others too, as it opens the
 * Windows document: the same credentials behind each.
 */
export function deviceProfileRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const signer = profileSignerOf(ctx.signer);
  const limit = { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } };

  /** The credentials of the link's subscriber, when the link is ours, unexpired, and the subscriber bought a plan. */
  async function credentialsOf(link: string): Promise<HotspotCredentials | undefined> {
    const id = readDocumentLink(ctx.secrets, link, ctx.clock());
    const subscriber = id ? await subscriberById(ctx.store.db, id) : undefined;
    if (!subscriber || !(await latestFullDocument(ctx.store.db, subscriber.id))) return undefined;
    return { userName: subscriber.refresh_user, password: ctx.secrets.hotspotPassword(subscriber.id) };
  }

  app.get<{ Params: { platform: string; link: string } }>(
    '/profile/:platform/:link',
    { config: limit },
    async (request, reply) => {
      const platform = request.params.platform as ProfilePlatform;
      if (!profilePlatforms(ctx.config).includes(platform)) return notFound(reply);
      const credentials = await credentialsOf(request.params.link);
      const description = credentials && hotspotDescriptionOf(ctx.config, credentials);
      if (!description) return notFound(reply);
      reply.header('cache-control', 'no-store');
      if (platform === 'apple')
        return reply
          .header('content-type', MOBILECONFIG_MIME_TYPE)
          .header('content-disposition', `attachment; filename="${description.identifier}.mobileconfig"`)
          .send(Buffer.from(signedMobileconfig(description, signer)));
      // AOSP: exactly these two headers describe the answer, and no Content-Disposition (the download would be
      // saved as a file instead of handed to the Wi-Fi installer).
      const config = buildWifiConfig(description);
      for (const [name, value] of Object.entries(config.headers)) reply.header(name, value);
      return reply.send(config.body);
    },
  );
}
