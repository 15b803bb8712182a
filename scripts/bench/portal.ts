// Purchases per second end to end over HTTPS on loopback: a load client (this process) drives the portal (a child
// process, with its built-in test payment service) through the real flow per SIM: the entry page, the checkout post
// (303 to the payment page), the test card on the payment page (303 back), and the return, which asks the payment
// service and activates (document built, validated, signed, one transaction). Reported beside raw RSA signing.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { Agent } from 'node:https';
import { measureActivations } from './activation.ts';
import { typicalDocument } from './documents.ts';
import { opsPerSecond, type Row, type SuiteResult } from './measure.ts';
import { purchase, startPortalProcess } from './portal-process.ts';

/**
 * Runs the purchase load against a portal process: each purchase is the entry page, the checkout post, the test
 * payment page (two requests to the payment service) and the return. Answers purchases/s and latency percentiles of
 * the portal's own two requests (the checkout post and the return).
 */
async function load(databaseUrl: string | undefined, sims: number, concurrency: number, seconds: number) {
  const portal = await startPortalProcess(sims, databaseUrl);
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: concurrency * 2 });
  let next = 0;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < sims) {
      const iccid = `89012690${String(next++).padStart(11, '0')}`;
      const { answer, portalMs } = await purchase(agent, portal.url, iccid, 'day-1gb');
      if (answer.status === 303 && answer.headers.location === '/complete') {
        latencies.push(portalMs);
        done++;
      } else failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  await portal.stop();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return { rate: done / elapsed, p50: pct(50), p99: pct(99), done, failed };
}

export async function runPortal(): Promise<SuiteResult> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const bytes = Buffer.from(typicalDocument());
  const raw = opsPerSecond(() => sign('sha256', bytes, key));
  const rows: Row[] = [
    {
      name: 'raw crypto.sign (RSA-2048, one core)',
      value: raw,
      unit: 'signatures/s',
      baseline: 'baseline',
      ratio: 1,
    },
  ];
  const notes: string[] = [];
  const postgres = process.env.MBPROV_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  for (const [label, url] of [
    ['SQLite', undefined],
    ['PostgreSQL', postgres],
  ] as const) {
    const r = await load(url, 3000, 8, 10);
    rows.push({
      name: `purchases over HTTPS, ${label} (8 concurrent customers)`,
      value: r.rate,
      unit: 'purchases/s',
      baseline: 'raw sign',
      ratio: r.rate / raw,
    });
    notes.push(
      `${label}: ${r.done} purchases in the run, ${r.failed} failed; the portal's two requests (checkout post and return) together p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms.`,
    );
  }
  const ratios = rows.slice(1).map((r) => `${(r.ratio ?? 0).toFixed(2)}x`);
  // The activation alone, in process, against raw signing in interleaved rounds (activation.ts).
  for (const [label, url] of [
    ['SQLite', undefined],
    ['PostgreSQL', postgres],
  ] as const) {
    const a = await measureActivations(url);
    rows.push(
      {
        name: `raw crypto.sign (RSA-2048, one core), in rounds beside the ${label} activations`,
        value: a.raw,
        unit: 'signatures/s',
        baseline: 'baseline',
        ratio: 1,
      },
      {
        name: `activation alone, in process, one at a time, ${label} (build, validate, sign, seal, one transaction)`,
        value: a.activations,
        unit: 'activations/s',
        baseline: 'raw sign',
        ratio: a.ratio,
      },
    );
    notes.push(
      `${label}, the activation alone: ${Math.round(a.activations)} activations/s one at a time, ${a.ratio.toFixed(2)}x raw signing measured in the rounds between them (activateCaptured on checkouts captured beforehand, untimed; each round activates 60 first purchases).`,
    );
  }
  notes.push(
    `Issue 14's target, activations at least 0.5x raw signing: ${ratios.join(' (SQLite) and ')} (PostgreSQL). ` +
      'A purchase is six HTTPS requests on the two cores this client shares with the portal: the entry page, the ' +
      "checkout post (checkout stored, document checked, the payment service's API asked), the payment service's " +
      'page and its card post (its own process, the same database), and the return (the API asked again, the ' +
      'document built, validated and signed, one transaction). Signing is one of about a dozen steps of that chain.',
  );
  return {
    title: 'Portal: purchases end to end',
    description:
      "Each purchase is the real flow of one SIM over HTTPS on loopback: the entry page (subscriber, checkout ticket, CSRF token), the checkout post (303 to the test payment service's hosted page), the accepted test card posted there (303 back to the portal), and the return: the portal asks the payment service, then builds, validates (XSD and rules) and signs the document on the thread pool and activates in one database transaction. The portal and its test payment service run in their own process; the load client keeps 8 purchases in flight. Latency is that of the portal's two requests.",
    rows,
    notes,
  };
}
