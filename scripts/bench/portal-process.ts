// The portal child processes and the HTTPS client the portal, back-office and scale benchmarks share.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { type Agent, request } from 'node:https';
import type { Readable } from 'node:stream';
import type { Secrets } from '@mbprov/portal/testing';
import { ACCEPTED_TEST_CARD, payOnTestPage } from '../../packages/cli/src/demo/test-payment-page.ts';

/** An answer of the portal, body decoded as UTF-8. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS request over a (keep-alive) agent. */
export function httpsCall(
  agent: Agent,
  url: string | URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: { ...headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A running portal-server.ts: the portal's URL, an admin API key, the bare-route baseline URL. */
export interface PortalProcess {
  url: string;
  key: string;
  bare: string;
  /** The same-work baseline of the back-office benchmark (same-work-server.ts). */
  sameWork: string;
  /** The CPU time the process (the portal and both baselines) has used so far, in seconds, where it can be read. */
  cpuSeconds(): number | undefined;
  /** Stops the portal and waits until it has dropped its PostgreSQL schemas and data folder. */
  stop(): Promise<void>;
}

/** A child process that printed "ready" and its fields; stop() sends SIGTERM and waits for it to exit. */
export interface ReadyProcess {
  fields: string[];
  /**
   * The CPU time the process has used so far, in seconds (user and system, from /proc: Linux), or undefined where
   * it cannot be read.
   */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** utime + stime of a process in seconds, read from /proc/<pid>/stat (fields 14 and 15, after the command's ")"). */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/**
 * Runs a TypeScript script in a child process and waits for its line "ready <field> <field> …" on file descriptor 3.
 * The child's stdout goes to /dev/null: a portal logs there as in production, at the cost it has in production.
 */
export async function spawnReady(
  script: URL,
  args: string[],
  env: Record<string, string> = {},
): Promise<ReadyProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], {
    stdio: ['ignore', openSync('/dev/null', 'w'), 'inherit', 'pipe'],
    env: { ...process.env, ...env },
  });
  const fields = await new Promise<string[]>((resolve, reject) => {
    (child.stdio[3] as Readable).on('data', (d: Buffer) => {
      const m = /^ready (.*)$/m.exec(d.toString());
      if (m) resolve((m[1] as string).trim().split(/\s+/));
    });
    child.on('exit', (code) => reject(new Error(`${script.pathname} exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { fields, cpuSeconds: () => cpuSecondsOf(child.pid), stop };
}

/** Starts portal-server.ts with `sims` generated SIMs, on SQLite or the given PostgreSQL database. */
export async function startPortalProcess(
  sims: number,
  databaseUrl: string | undefined,
  env: Record<string, string> = {},
): Promise<PortalProcess> {
  const { fields, cpuSeconds, stop } = await spawnReady(
    new URL('./portal-server.ts', import.meta.url),
    [String(sims), ...(databaseUrl ? [databaseUrl] : [])],
    env,
  );
  const [url, key, bare, sameWork] = fields as [string, string, string, string];
  return { url, key, bare, sameWork, cpuSeconds, stop };
}

/** A subscriber with an active plan, as its PC calls the RefreshURL: the URL, the Basic credentials, the ETag. */
export interface RefreshingSubscriber {
  iccid: string;
  url: string;
  authorization: string;
  etag: string;
}

/** What a purchase cost: the portal's answer to the return, and the time the portal itself took (its two requests). */
export interface Purchase {
  answer: Answer;
  /** Milliseconds of POST /checkout plus the return's GET: the portal's work, without the payment page's. */
  portalMs: number;
}

/**
 * Buys `planId` for a SIM through the real flow of a browser: the entry page (its cookies, checkout id and CSRF
 * token), the checkout form (303 to the test payment service's page), the accepted test card on that page (303 to
 * the return URL), and the return (303 /complete when the plan is active).
 */
export async function purchase(
  agent: Agent,
  base: string,
  iccid: string,
  planId = 'month-10gb',
): Promise<Purchase> {
  const page = await httpsCall(agent, `${base}/?IccId=${iccid}&DevId=490154203237518`, 'GET', {});
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1] ?? '';
  const cookie = ([page.headers['set-cookie'] ?? []].flat() as string[])
    .map((c) => c.split(';')[0])
    .join('; ');
  const form = new URLSearchParams({
    planId,
    checkoutId: field('checkoutId'),
    _csrf: field('_csrf'),
  }).toString();
  let start = performance.now();
  const started = await httpsCall(
    agent,
    `${base}/checkout`,
    'POST',
    { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    form,
  );
  let portalMs = performance.now() - start;
  if (started.status !== 303) return { answer: started, portalMs };
  const paid = await payOnTestPage(String(started.headers.location), ACCEPTED_TEST_CARD, { agent });
  if (!paid.location) return { answer: { ...paid }, portalMs };
  start = performance.now();
  const answer = await httpsCall(agent, `${base}${new URL(paid.location).pathname}`, 'GET', { cookie });
  portalMs += performance.now() - start;
  return { answer, portalMs };
}

/**
 * Buys a plan for the SIM `iccid` through the real flow (entry page, checkout form), looks the subscriber up through
 * the back-office API and fetches its document once from the RefreshURL. `secrets` derive its refresh password (the
 * portal's secret key, MBPROV_SECRET_KEY, must be the same).
 */
export async function activeSubscriber(
  agent: Agent,
  portal: PortalProcess,
  secrets: Secrets,
  iccid: string,
): Promise<RefreshingSubscriber> {
  const bought = (await purchase(agent, portal.url, iccid)).answer;
  if (bought.status !== 303) throw new Error(`purchase answered ${bought.status}`);
  const lookup = JSON.parse(
    (
      await httpsCall(agent, `${portal.url}/api/v1/subscribers?iccid=${iccid}`, 'GET', {
        authorization: `Bearer ${portal.key}`,
      })
    ).body,
  ) as { subscriber: { id: string; refreshUser: string } };
  const { id, refreshUser: user } = lookup.subscriber;
  const authorization = `Basic ${Buffer.from(`${user}:${secrets.refreshPassword(id, 1)}`).toString('base64')}`;
  const url = `${portal.url}/refresh/${id}`;
  const first = await httpsCall(agent, url, 'GET', { authorization });
  if (first.status !== 200)
    throw new Error(`refresh answered ${first.status} for ${JSON.stringify(lookup.subscriber)}`);
  return { iccid, url, authorization, etag: String(first.headers.etag) };
}
