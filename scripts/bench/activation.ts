// The activation alone, in process: what the portal does once a payment is captured (activateCaptured): the plan
// and subscriber read, the renewal planned, the full document built, validated (XSD and rules) and signed on the
// thread pool, compressed and encrypted, then one transaction (subscription, document version, checkout completed).
// Measured one activation at a time against raw RSA signing of the same-size document on one core, in interleaved
// rounds: the ratio is what issue 14's "activations at least 0.5x of raw signing" asks, without the HTTP requests,
// the payment service and the load client that the end-to-end purchase shares the two cores with.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPortal } from '@mbprov/portal';
import {
  activateCaptured,
  demoConfig,
  findSim,
  getCheckout,
  insertCheckout,
  markCaptured,
  newCheckoutId,
  orderNumber,
  subscriberForSim,
} from '@mbprov/portal/testing';
import pg from 'pg';
import { typicalDocument } from './documents.ts';
import { compareRounds } from './measure.ts';

/** Activations per round: prepared first (untimed), then activated one after another (timed). */
const PER_ROUND = 60;
const ROUNDS = 9;

/** Activations per second one at a time, and raw signatures per second, in interleaved rounds; their ratio. */
export async function measureActivations(
  databaseUrl: string | undefined,
): Promise<{ activations: number; raw: number; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-activation-'));
  const sims = PER_ROUND * (ROUNDS + 1);
  const config = demoConfig() as Record<string, unknown>;
  config.sims = Array.from({ length: sims }, (_, i) => ({
    iccid: `89012691${String(i).padStart(11, '0')}`,
    imsi: `3102608${String(i).padStart(8, '0')}`,
  }));
  config.dataDir = dir;
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  // A schema of its own on PostgreSQL, dropped at the end with its job queue's.
  const schema = `bench_act_${process.pid}_${Date.now()}`;
  const env = {
    PORT: '0',
    MBPROV_TEST_PAYMENTS_PORT: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, MBPROV_DATABASE_SCHEMA: schema } : {}),
  };
  const portal = await startPortal({ file, env, logger: false });
  const { ctx } = portal;
  const { db } = ctx.store;
  try {
    let next = 0;
    // A captured checkout of a SIM's first purchase, as the webhook or the return finds it.
    const captured = async () => {
      const iccid = `89012691${String(next++).padStart(11, '0')}`;
      const sim = await findSim(db, { iccid });
      if (!sim) throw new Error(`no SIM ${iccid}`);
      const subscriber = await subscriberForSim(ctx, sim, undefined);
      const id = newCheckoutId();
      const now = ctx.clock().toISOString();
      await insertCheckout(
        db,
        {
          id,
          subscriberId: subscriber.id,
          planId: 'month-10gb',
          amountMinor: 1999,
          currency: 'USD',
          clientKey: 'bench',
          orderNumber: orderNumber(id),
          receiptEmailEncrypted: null,
          lang: 'en',
          now,
        },
        { since: now, maxPerSubscriber: 1000, maxPerClient: 1_000_000 },
      );
      await markCaptured(db, id, { reference: `bench_${id}`, method: { kind: 'card' } }, now);
      const checkout = await getCheckout(db, id);
      if (!checkout) throw new Error(`checkout ${id} not stored`);
      return checkout;
    };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const bytes = Buffer.from(typicalDocument());
    let lastMs = 50;
    const comparison = await compareRounds(
      {
        activation: async () => {
          const batch = [];
          for (let i = 0; i < PER_ROUND; i++) batch.push(await captured());
          const started = performance.now();
          for (const checkout of batch) {
            const outcome = await activateCaptured(ctx, checkout);
            if (outcome.kind !== 'completed') throw new Error(`activation answered ${outcome.kind}`);
          }
          lastMs = performance.now() - started;
          return { ops: PER_ROUND, ms: lastMs };
        },
        // As long as the activation round before it took.
        raw: () => {
          let ops = 0;
          const started = performance.now();
          while (performance.now() - started < lastMs) {
            sign('sha256', bytes, key);
            ops++;
          }
          return { ops, ms: performance.now() - started };
        },
      },
      ROUNDS,
    );
    return {
      activations: comparison.rates.activation,
      raw: comparison.rates.raw,
      ratio: comparison.ratio('activation', 'raw'),
    };
  } finally {
    await portal.close();
    rmSync(dir, { recursive: true, force: true });
    if (databaseUrl) {
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(
        `drop schema if exists ${schema} cascade; drop schema if exists ${schema}_jobs cascade`,
      );
      await admin.end();
    }
  }
}
