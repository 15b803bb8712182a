import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import type { Logger } from '../../context.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../webhook-signature.ts';
import type { PaymentAnswer, PaymentEventType, WebhookEvent } from './api.ts';

/** Seconds after the event at which each delivery attempt starts, as the first one fails (then it is dropped). */
export const WEBHOOK_RETRY_SECONDS: readonly number[] = [0, 1, 5, 30, 120];

/** Options of {@link WebhookSender}. */
export interface WebhookSenderOptions {
  /**
   * The portal's `POST /payments/webhook` (https). Without one, events are not delivered: the portal then learns each
   * outcome from its status check alone (the customer's return, the expiry sweep), as after a lost webhook.
   */
  url?: string;
  secret: string;
  /** PEM of the certificate(s) to trust for the portal (its development certificate); the system's CAs otherwise. */
  ca?: string;
  clock: () => Date;
  log: Logger;
  /** Most events waiting for delivery at once; more are dropped (logged): the portal's status check covers them. */
  maxPending?: number;
  /** How long one attempt may take. */
  timeoutMs?: number;
  /** Test hook: every delivery starts this much later (a slow provider; the service's statusDelayMs). */
  delayMs?: number;
}

/**
 * Delivers the test service's webhooks as Stripe does: each event is signed anew at each attempt (so the timestamp is
 * fresh), retried on the schedule of {@link WEBHOOK_RETRY_SECONDS} until the portal answers 2xx. Pending events live
 * in this process only: after a restart the portal learns the outcome from its status check instead.
 */
export class WebhookSender {
  /** Each waiting event: when it was queued (the retry schedule counts from then), its timer or attempt in flight. */
  private readonly pending = new Map<
    string,
    { queuedAt: number; timer?: NodeJS.Timeout; abort?: () => void }
  >();
  private closed = false;
  /** Deliveries reuse their connections, as a provider's webhook workers do: no TLS handshake per event. */
  private readonly agent: Agent;

  constructor(private readonly options: WebhookSenderOptions) {
    this.agent = new Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) });
  }

  /** Queues the event `type` about `payment`; answers its event id. */
  send(type: PaymentEventType, payment: PaymentAnswer): string {
    const event: WebhookEvent = {
      id: `evt_${randomUUID()}`,
      type,
      created: Math.floor(this.options.clock().getTime() / 1000),
      data: payment,
    };
    if (this.closed || !this.options.url) return event.id;
    if (this.pending.size >= (this.options.maxPending ?? 1000)) {
      this.options.log.error({ event: event.id, type }, 'test payments: webhook queue full, event dropped');
      return event.id;
    }
    this.pending.set(event.id, { queuedAt: performance.now() });
    this.schedule(event.id, Buffer.from(JSON.stringify(event)), 0);
    return event.id;
  }

  /** How many events are waiting for a delivery that succeeds. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Stops every retry and attempt in flight. */
  close(): void {
    this.closed = true;
    this.agent.destroy();
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.abort?.();
    }
    this.pending.clear();
  }

  private schedule(id: string, body: Buffer, attempt: number): void {
    const entry = this.pending.get(id);
    const delay = WEBHOOK_RETRY_SECONDS[attempt];
    if (!entry) return;
    if (delay === undefined) {
      this.pending.delete(id);
      this.options.log.warn(
        { event: id, attempts: attempt },
        'test payments: webhook not delivered, given up',
      );
      return;
    }
    const wait = Math.max(0, entry.queuedAt + delay * 1000 + (this.options.delayMs ?? 0) - performance.now());
    // unref: a pending retry never keeps the process alive.
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.attempt(id, body).then((status) => {
        if (!this.pending.has(id)) return;
        if (status >= 200 && status < 300) {
          this.pending.delete(id);
          return;
        }
        this.options.log.info({ event: id, attempt, status }, 'test payments: webhook refused, will retry');
        this.schedule(id, body, attempt + 1);
      });
    }, wait).unref();
  }

  /** One delivery; answers the HTTP status, or 0 when the portal could not be reached in time. */
  private attempt(id: string, body: Buffer): Promise<number> {
    const { url, secret, clock, timeoutMs = 10_000 } = this.options;
    if (!url) return Promise.resolve(0);
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, clock()),
          },
        },
        (res) => {
          res.resume();
          // 'close' always comes; the answer counts only when it arrived whole.
          res.on('close', () => resolve(res.complete ? (res.statusCode ?? 0) : 0));
        },
      );
      const entry = this.pending.get(id);
      if (entry) entry.abort = () => req.destroy(new Error('closed'));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(0));
      req.end(body);
    });
  }
}
