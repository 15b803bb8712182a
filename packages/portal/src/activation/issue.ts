import { createHash, randomUUID } from 'node:crypto';
import { type CarrierProvisioning, MbprovError, signModelAsync, validateModel } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import type { Db } from '../storage/database.ts';
import { insertNextVersion } from '../storage/documents.ts';
import { type Plan, planRow } from '../storage/plans.ts';
import type { Subscriber } from '../storage/subscribers.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import { subscriberDocument, usageDocument } from './document.ts';
import { sealForStorage } from './documents-at-rest.ts';

/** A signed document ready to store and serve. */
export interface SignedDocument {
  xml: string;
  etag: string;
  kind: 'full' | 'usage';
  /** The UsageTimestamp of its plan, if it carries one: a refresh compares it with the subscription's usage. */
  usageAt?: string;
  /** The document as stored: compressed, then encrypted (documents-at-rest.ts). */
  sealed: Buffer;
}

/** The RefreshURL of a subscriber. */
export function refreshUrl(ctx: PortalContext, subscriber: Subscriber): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/refresh/${subscriber.id}`;
}

/**
 * Refuses a document that does not validate (XSD and the documented rules): an operator configuration error, logged
 * with its diagnostics (never its credentials) and refused with a reference the user can quote; it is never sent.
 */
function checkModel(ctx: PortalContext, model: CarrierProvisioning): void {
  const validation = validateModel(model);
  if (validation.valid) return;
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

/**
 * Validates and signs a document, off the event loop, and seals it for storage. Runs outside any transaction: the
 * first document of a configuration stores its compression dictionary on the pool.
 */
export async function signChecked(
  ctx: PortalContext,
  model: CarrierProvisioning,
  kind: SignedDocument['kind'],
): Promise<SignedDocument> {
  checkModel(ctx, model);
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
    // 96 bits of the content's hash: an ETag is only compared with the same subscriber's newest one.
    etag: `"${createHash('sha256').update(xml).digest('base64url').slice(0, 16)}"`,
    kind,
    ...(usageAt ? { usageAt } : {}),
    sealed: await sealForStorage(ctx, xml, dictionarySamples),
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

// When the made-up subscriber of the dictionary samples lives: a fixed time keeps the dictionary of a configuration
// the same in every process and after restarts (one row, not one per start).
const SAMPLE_TIME = '2026-01-01T00:00:00.000Z';

/**
 * What the compression dictionary of the deployment is made of (documents-at-rest.ts): the usage and the full
 * document of a made-up subscriber on the first configured plan, credentials masked, the full one last (deflate
 * reaches the end of its dictionary most cheaply).
 */
function dictionarySamples(ctx: PortalContext): CarrierProvisioning[] {
  const configured = ctx.config.plans[0];
  if (!configured) return [];
  const plan: Plan = { id: configured.id, ...planRow(configured, SAMPLE_TIME) };
  const subscriber: Subscriber = {
    id: '00000000-0000-4000-8000-000000000000',
    sim_id: '8900000000000000000',
    iccid: '8900000000000000000',
    imsi: '001010000000000',
    min: null,
    eid: null,
    device_id: null,
    refresh_user: 'r0000000000000000',
    refresh_password_hash: '',
    credential_version: 1,
    created_at: SAMPLE_TIME,
    updated_at: SAMPLE_TIME,
    status: 'active',
  };
  const ends = new Date(Date.parse(SAMPLE_TIME) + plan.duration_days * 86_400_000).toISOString();
  const subscription: Subscription = {
    id: '00000000-0000-4000-8000-000000000001',
    subscriber_id: subscriber.id,
    plan_id: plan.id,
    status: 'active',
    starts_at: SAMPLE_TIME,
    ends_at: ends,
    data_limit_mb: plan.data_limit_mb,
    usage_mb: 0,
    usage_at: SAMPLE_TIME,
    wifi_octets: 0,
    wifi_usage_at: null,
    checkout_id: '00000000-0000-4000-8000-000000000002',
    created_at: SAMPLE_TIME,
  };
  const atSampleTime = { ...ctx, clock: () => new Date(SAMPLE_TIME) };
  return [
    usageDocument(ctx.config, subscriber, plan, subscription),
    fullModel(atSampleTime, subscriber, subscription, plan, true),
  ];
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

/**
 * Checks, before anyone pays, that the document a purchase would activate validates: a configuration that makes an
 * invalid document is found before the charge, not after it (the activation signs the final one).
 */
export function preflightDocument(
  ctx: PortalContext,
  subscriber: Subscriber,
  subscription: Subscription,
  plan: Plan,
): void {
  checkModel(ctx, fullModel(ctx, subscriber, subscription, plan));
}

/** Stores a new version of a subscriber's document, sealed at rest; returns its version. */
export async function storeDocument(
  db: Db,
  ctx: PortalContext,
  subscriberId: string,
  doc: SignedDocument,
): Promise<number> {
  return insertNextVersion(db, {
    subscriber_id: subscriberId,
    kind: doc.kind,
    etag: doc.etag,
    sealed: doc.sealed,
    created_at: ctx.clock().toISOString(),
    usage_at: doc.usageAt ?? null,
  });
}
