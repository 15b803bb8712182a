import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MbprovError } from '@mbprov/core';
import { makePrivateDir } from './private-files.ts';

/** Keys derived from the one configured secret: one per purpose, so no key is used for two things. */
export interface Secrets {
  /** Encrypts text at rest (AES-256-GCM), as `v1.` and the base64 of nonce, tag and ciphertext. */
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /**
   * Encrypts bytes at rest (signed documents hold refresh and Wi-Fi credentials): nonce, tag and ciphertext, with
   * `context` authenticated but not encrypted (the stored format's marker), so a value moved under another marker
   * does not open.
   */
  seal(plaintext: Buffer, context: string): Buffer;
  /** The plaintext of what {@link Secrets.seal} made with the same key and context; throws on any other input. */
  open(sealed: Buffer, context: string): Buffer;
  /** The refresh password of a subscriber's credential version: derived, never stored (only its hash is). */
  refreshPassword(subscriberId: string, version: number): string;
  /** Per-subscriber WISPr hotspot password, derived the same way. */
  hotspotPassword(subscriberId: string): string;
  /** The capability token of a subscriber's document download URL (the ms-settings link has no cookie). */
  documentToken(subscriberId: string): string;
  /** The MAC of a plans page's checkout ticket (checkout id, subscriber, time shown): no row exists until it is posted. */
  checkoutTicketTag(ticket: string): string;
  /** A keyed hash of a client address, stored on checkouts to count them per client without keeping the address. */
  clientKey(address: string): string;
  /** A keyed hash of a normalized e-mail address: how an account is found without the address in clear. */
  accountEmailId(email: string): string;
  /** A keyed hash of a normalized voucher code: only this is stored. */
  voucherCodeId(code: string): string;
  /** The MAC of a Wi-Fi-only customer's short-lived document link (security/document-link.ts). */
  documentLinkTag(link: string): string;
  /**
   * A keyed hash naming stored content by what it holds (a compression dictionary, which may carry configured
   * secrets such as an APN password): equal content gets the same name, and the name reveals nothing of it.
   */
  contentId(content: string): string;
  /**
   * The bearer key of the built-in test payment service's API (payments/test-service/): the portal and the service it
   * starts derive it alike, so they agree without configuration.
   */
  testPaymentsApiKey: string;
  /** The secret the test payment service signs its webhooks with, derived the same way. */
  testPaymentsWebhookSecret: string;
  /** Key signing the portal's cookies. */
  cookieSecret: string;
  /** Whether the key came from a generated development file. */
  generated: boolean;
}

const derive = (key: Buffer, purpose: string) =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `mbprov ${purpose}`, 32));

/** The development secret key file of a data directory (used when no MBPROV_SECRET_KEY is configured). */
export function secretKeyFile(dataDir: string): string {
  return join(dataDir, 'secret.key');
}

/** The secrets of a portal configuration: its configured key, else the data directory's development key. */
export function configuredSecrets(config: { secretKey?: string | undefined; dataDir: string }): Secrets {
  return loadSecrets(config.secretKey, secretKeyFile(config.dataDir));
}

/**
 * The secret key: the configured one (MBPROV_SECRET_KEY, base64 of 32 bytes), or for development a key generated
 * once into `file` with mode 0600. Losing the key makes stored documents unreadable and refresh passwords change.
 */
export function loadSecrets(configured: string | undefined, file: string): Secrets {
  let key: Buffer;
  let generated = false;
  if (configured) {
    key = Buffer.from(configured, 'base64');
  } else {
    if (!existsSync(file)) {
      makePrivateDir(dirname(file));
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    }
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    generated = true;
  }
  if (key.length !== 32)
    throw new MbprovError('MBPROV_CONFIG_INVALID', 'The secret key must be 32 bytes, base64-encoded.');
  const encryption = derive(key, 'encryption at rest');
  const refresh = derive(key, 'refresh password');
  const hotspot = derive(key, 'hotspot password');
  const download = derive(key, 'document download');
  const ticket = derive(key, 'checkout ticket');
  const client = derive(key, 'client address');
  const content = derive(key, 'content id');
  const email = derive(key, 'account e-mail');
  const voucher = derive(key, 'voucher code');
  const link = derive(key, 'document link');
  const token = (k: Buffer, input: string) =>
    createHmac('sha256', k).update(input).digest('base64url').slice(0, 32);
  // 12-byte nonce, 16-byte tag, ciphertext; `context`, when given, is authenticated additional data.
  const seal = (plaintext: Buffer, context?: string) => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', encryption, iv);
    if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  };
  const open = (sealed: Buffer, context?: string) => {
    const decipher = createDecipheriv('aes-256-gcm', encryption, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  };
  return {
    generated,
    encrypt: (plaintext) => `v1.${seal(Buffer.from(plaintext, 'utf8')).toString('base64')}`,
    decrypt: (ciphertext) => open(Buffer.from(ciphertext.replace(/^v1\./, ''), 'base64')).toString('utf8'),
    seal: (plaintext, context) => seal(plaintext, context),
    open: (sealed, context) => open(sealed, context),
    refreshPassword: (subscriberId, version) => token(refresh, `${subscriberId}:${version}`),
    hotspotPassword: (subscriberId) => token(hotspot, subscriberId),
    documentToken: (subscriberId) => token(download, subscriberId),
    checkoutTicketTag: (text) => token(ticket, text),
    clientKey: (address) => token(client, address),
    accountEmailId: (address) => token(email, address),
    voucherCodeId: (code) => token(voucher, code),
    documentLinkTag: (text) => token(link, text),
    contentId: (text) => token(content, text).slice(0, 22),
    testPaymentsApiKey: derive(key, 'test payments api key').toString('base64url'),
    testPaymentsWebhookSecret: derive(key, 'test payments webhook secret').toString('base64url'),
    cookieSecret: derive(key, 'cookies').toString('base64'),
  };
}
