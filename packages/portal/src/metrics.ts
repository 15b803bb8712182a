import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The portal's Prometheus metrics (served on /metrics to keys with metrics:read). */
export interface PortalMetrics {
  registry: Registry;
  activations: Counter<'outcome'>;
  refreshes: Counter<'status'>;
  usageReports: Counter<'status'>;
  /** RADIUS authorize answers by reason (active, no-plan, expired, exhausted, suspended, unknown). */
  radiusAuthorize: Counter<'reason'>;
  /** RADIUS authentication outcomes after the password check (Accept, Reject): what post-auth records. */
  radiusAuthentications: Counter<'result'>;
  /** RADIUS accounting records by result (applied, duplicate, unknown-user, nas-restart). */
  radiusAccounting: Counter<'result'>;
  signing: Histogram<'kind'>;
  queueDepth: Gauge;
  signerExpiry: Gauge;
}

/**
 * Creates the metrics; `queueDepth` is read when Prometheus scrapes. `signerNotAfter` is the end of the signing
 * certificate's validity, for an alert well before documents start being refused.
 */
export function createMetrics(queueDepth: () => Promise<number>, signerNotAfter?: Date): PortalMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mbprov_process_' });
  return {
    registry,
    activations: new Counter({
      name: 'mbprov_activations_total',
      help: 'Checkouts by outcome (completed, declined, already-active, plan-unavailable, failed).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'mbprov_refresh_requests_total',
      help: 'RefreshURL answers by HTTP status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    usageReports: new Counter({
      name: 'mbprov_usage_reports_total',
      help: 'Usage reports by result (applied, duplicate, stale, unknown-sim, no-plan, invalid).',
      labelNames: ['status'],
      registers: [registry],
    }),
    radiusAuthorize: new Counter({
      name: 'mbprov_radius_authorize_total',
      help: 'RADIUS authorize answers by reason (active, no-plan, expired, exhausted, suspended, unknown).',
      labelNames: ['reason'],
      registers: [registry],
    }),
    radiusAuthentications: new Counter({
      name: 'mbprov_radius_authentications_total',
      help: 'RADIUS authentications by result after the password check (accept, reject).',
      labelNames: ['result'],
      registers: [registry],
    }),
    radiusAccounting: new Counter({
      name: 'mbprov_radius_accounting_records_total',
      help: 'RADIUS accounting records by result (applied, unchanged, unknown-user, nas-restart).',
      labelNames: ['result'],
      registers: [registry],
    }),
    signing: new Histogram({
      name: 'mbprov_signing_duration_seconds',
      help: 'Time to validate and sign a provisioning document.',
      labelNames: ['kind'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    signerExpiry: new Gauge({
      name: 'mbprov_signer_expiry_timestamp_seconds',
      help: 'When the signing certificate expires (Unix time); alert well before it.',
      registers: [registry],
      collect() {
        if (signerNotAfter) this.set(Math.floor(signerNotAfter.getTime() / 1000));
      },
    }),
    queueDepth: new Gauge({
      name: 'mbprov_queue_depth',
      help: 'Background jobs waiting or running.',
      registers: [registry],
      async collect() {
        this.set(await queueDepth().catch(() => 0));
      },
    }),
  };
}
