// Activations per second end to end over HTTPS on loopback: a load client (this process) drives the portal (a
// child process) through the real flow per SIM: GET the entry page, then POST the checkout form; the POST is the
// activation (payment, validation, signing, one transaction). Reported beside raw RSA signing in the same run.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { Agent } from 'node:https';
import { typicalDocument } from './documents.ts';
import { opsPerSecond, type Row, type SuiteResult } from './measure.ts';
import { type Answer, httpsCall, startPortalProcess } from './portal-process.ts';

/** A GET without a body, or a POST of the checkout form, with the browser's cookies. */
function call(agent: Agent, url: URL, method: 'GET' | 'POST', cookie: string, body?: string) {
  const type: Record<string, string> = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
  return httpsCall(agent, url, method, { cookie, ...type }, body);
}

/** The name=value pairs of the cookies an answer sets. */
const cookiesOf = (answer: Answer) =>
  ([answer.headers['set-cookie'] ?? []].flat() as string[]).map((c) => c.split(';')[0] as string);

const fieldOf = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

/** Runs the activation load against a portal process; returns activations/s and latency percentiles of the POST. */
async function load(databaseUrl: string | undefined, sims: number, concurrency: number, seconds: number) {
  const portal = await startPortalProcess(sims, databaseUrl);
  const base = portal.url;
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: concurrency });
  let next = 0;
  let done = 0;
  let failed = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline && next < sims) {
      const i = next++;
      const iccid = `89012690${String(i).padStart(11, '0')}`;
      const page = await call(agent, new URL(`/?IccId=${iccid}&DevId=490154203237518`, base), 'GET', '');
      const cookie = cookiesOf(page).join('; ');
      const form = new URLSearchParams({
        planId: 'day-1gb',
        cardNumber: '4242424242424242',
        cardExpiry: '12/39',
        cardCvc: '123',
        cardName: 'Bench',
        checkoutId: fieldOf(page.body, 'checkoutId'),
        _csrf: fieldOf(page.body, '_csrf'),
      }).toString();
      const start = performance.now();
      const answer = await call(agent, new URL('/checkout', base), 'POST', cookie, form);
      if (answer.status === 303) {
        latencies.push(performance.now() - start);
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
      name: `activations over HTTPS, ${label} (8 concurrent clients)`,
      value: r.rate,
      unit: 'activations/s',
      baseline: 'raw sign',
      ratio: r.rate / raw,
    });
    notes.push(
      `${label}: ${r.done} activations in the run, ${r.failed} failed; checkout POST latency p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms.`,
    );
  }
  const ratios = rows.slice(1).map((r) => `${(r.ratio ?? 0).toFixed(2)}x`);
  notes.push(
    `Issue 14's target, activations at least 0.5x raw signing: ${ratios.join(' (SQLite) and ')} (PostgreSQL), not met. ` +
      'Signing is a small part of an activation: it is two HTTPS requests (the entry page rendered, the form parsed and ' +
      'checked) with 7 and 21 SQL statements (the checkout state machine of docs/checkout.md re-reads its row under ' +
      'lock at each step so that crashes and double submits stay safe), the test payment, and the document built and ' +
      'validated on the event loop before it is signed on the thread pool; the load client shares the two cores. ' +
      'The checkout is redesigned around hosted payments in issue 15, which is where its statements are cut.',
  );
  return {
    title: 'Portal: activations end to end',
    description:
      'Each activation is the real flow of one SIM over HTTPS on loopback: GET the entry page (subscriber, checkout, CSRF token), then POST the checkout: test payment, document built, validated (XSD and rules), signed on the thread pool, one database transaction. The portal runs in its own process; the load client keeps 8 activations in flight. Latency is that of the checkout POST.',
    rows,
    notes,
  };
}
