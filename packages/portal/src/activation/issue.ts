import { createHash, randomUUID } from 'node:crypto';
import { type CarrierProvisioning, MbprovError, signModelAsync, validateModel } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import type { Db } from '../storage/database.ts';
import { insertNextVersion } from '../storage/documents.ts';
import type { Plan } from '../storage/plans.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import { subscriberDocument } from './document.ts';

/** A signed document ready to store and serve. */
export interface SignedDocument {
  xml: string;
  etag: string;
  kind: 'full' | 'usage';
  /** The UsageTimestamp of its plan, if it carries one: a refresh compares it with the subscription's usage. */
  usageAt?: string;
}

/** The RefreshURL of a subscriber. */
export function refreshUrl(ctx: PortalContext, subscriber: Subscriber): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/refresh/${subscriber.id}`;
}

/**
 * Validates (XSD and the documented rules) and signs a document, off the event loop. A document that does not
 * validate is an operator configuration error: it is logged with its diagnostics (never its credentials) and
 * refused with a reference the user can quote; it is never sent.
 */
export async function signChecked(
  ctx: PortalContext,
  model: CarrierProvisioning,
  kind: SignedDocument['kind'],
): Promise<SignedDocument> {
  const validation = validateModel(model);
  if (!validation.valid) {
    const reference = randomUUID();
    ctx.log.error(
      {
        reference,
        diagnostics: validation.diagnostics
          .filter((d) => d.severity === 'error')
          .map((d) => ({ code: d.code, path: d.path })),
      },
      'the provisioning document built from the configuration does not validate; check the operator configuration',
    );
    throw new MbprovError('MBPROV_DOCUMENT_INVALID', reference);
  }
  const { key, certificate, chain } = ctx.signer;
  const timer = ctx.metrics?.signing.startTimer({ kind });
  const xml = await signModelAsync(model, {
    key,
    certificate,
    chain,
    canonicalization: ctx.config.signing.canonicalization,
  });
  timer?.();
  const usageAt = model.Plans?.Plan[0]?.Usage?.UsageTimestamp;
  return {
    xml,
    etag: `"${createHash('sha256').update(xml).digest('base64url').slice(0, 27)}"`,
    kind,
    ...(usageAt ? { usageAt } : {}),
  };
}

/** The full document model of a subscription; `masked` replaces the credentials (for previews). */
export function fullModel(
  ctx: PortalContext,
  subscriber: Subscriber,
  subscription: Subscription,
  plan: Plan,
  masked = false,
): CarrierProvisioning {
  const mask = (secret: string) => (masked ? '********' : secret);
  return subscriberDocument(ctx.config, {
    subscriber,
    subscription,
    plan,
    refresh: {
      url: refreshUrl(ctx, subscriber),
      userName: subscriber.refresh_user,
      password: mask(ctx.secrets.refreshPassword(subscriber.id, subscriber.credential_version)),
    },
    hotspotPassword: mask(ctx.secrets.hotspotPassword(subscriber.id)),
    trusted: ctx.signer.trusted,
    now: ctx.clock(),
  });
}

/** The full signed document of a subscription. */
export async function fullDocument(
  ctx: PortalContext,
  subscriber: Subscriber,
  subscription: Subscription,
  plan: Plan,
): Promise<SignedDocument> {
  return signChecked(ctx, fullModel(ctx, subscriber, subscription, plan), 'full');
}

/** Stores a new version of a subscriber's document, encrypted at rest; returns its version. */
export async function storeDocument(
  db: Db,
  ctx: PortalContext,
  subscriberId: string,
  doc: SignedDocument,
): Promise<number> {
  return insertNextVersion(db, {
    id: randomUUID(),
    subscriber_id: subscriberId,
    kind: doc.kind,
    etag: doc.etag,
    xml_encrypted: ctx.secrets.encrypt(doc.xml),
    created_at: ctx.clock().toISOString(),
    usage_at: doc.usageAt ?? null,
  });
}
