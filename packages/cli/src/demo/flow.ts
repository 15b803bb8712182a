import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MbprovError, trustedCertificateEntry, verifyDocument } from '@mbprov/core';
import { CHECKOUT_FIELDS, demoSims, freeLoopbackPort, startPortal, TEST_CARDS } from '@mbprov/portal';
import { httpsRefreshFetch, Machine, type ProvisionOutcome } from '@mbprov/simulator';
import { describeMachine } from '../commands/sim.ts';
import { formValue, HttpsSession, radioValues } from './https-session.ts';
import { ACCEPTED_TEST_CARD, payOnTestPage } from './test-payment-page.ts';

/** The demo SIM scenarios a run can play (the ones that can buy a plan). */
export const DEMO_SCENARIOS = [
  'first-use-usb',
  'first-use-embedded',
  'renewal-expired',
  'renewal-exhausted',
] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

/** Options of runDemo. */
export interface DemoOptions {
  scenario?: DemoScenario;
  /** The plan to buy (an id of the demo catalog); the first plan the page offers by default. */
  planId?: string;
  /** Megabytes the operator's billing reports a week after the purchase. */
  usageMegabytes?: number;
  /** Keep the temporary data directory (database, keys) instead of deleting it. */
  keepData?: boolean;
}

/** What a demo run did, for callers that check it (the CLI prints the steps as they happen). */
export interface DemoResult {
  dataDir: string;
  portalUrl: string;
  planId: string;
  internetBefore: boolean;
  internetAfter: boolean;
  provision: ProvisionOutcome;
  usageOnPc?: number;
  pc: Machine;
}

/** Reports a step as it starts (`step`) and a detail line under it (`detail`). */
export interface DemoReporter {
  step(title: string): void;
  detail(line: string): void;
}

function expect(ok: boolean, what: string): asserts ok {
  if (!ok) throw new MbprovError('MBPROV_DEMO_FAILED', what);
}

/**
 * Runs the whole flow on loopback: a portal on a temporary data directory (embedded demo configuration), a Windows
 * PC simulated with the demo SIM, the purchase over HTTPS as a browser would do it, the signed document applied by
 * the simulator, the walled-garden answer before and after, a usage report from billing and the PC's refresh.
 */
export async function runDemo(options: DemoOptions, report: DemoReporter): Promise<DemoResult> {
  const scenario = options.scenario ?? 'first-use-usb';
  const sim = demoSims.find((s) => s.scenario === scenario);
  expect(sim !== undefined, `no demo SIM for the scenario ${scenario}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-demo-'));
  report.step(`Starting the portal (data in ${dataDir})`);
  const port = await freeLoopbackPort();
  const portalUrl = `https://localhost:${port}`;
  const portal = await startPortal({
    env: {
      MBPROV_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      MBPROV_PUBLIC_URL: portalUrl,
      // A port of its own, so that demos and tests run side by side.
      MBPROV_TEST_PAYMENTS_PORT: '0',
    },
    logger: false,
  });
  try {
    const file = (...path: string[]) => readFileSync(join(dataDir, ...path), 'utf8');
    const tlsCa = portal.tlsCertificate;
    const rootPem = file('signing', 'root.crt.pem');
    const signerPem = file('signing', 'signer.crt.pem');
    const api = new HttpsSession(portalUrl, tlsCa, {
      authorization: `Bearer ${file('demo-api-key.txt').trim()}`,
    });
    const internet = async (): Promise<boolean> => {
      const r = await api.get(`/api/v1/policy?iccid=${sim.iccid}`);
      expect(r.status === 200, `the policy API answered ${r.status}: ${r.body}`);
      const answer = JSON.parse(r.body) as { internet: boolean; reason: string };
      report.detail(`walled garden: internet ${answer.internet ? 'open' : 'closed'} (${answer.reason})`);
      return answer.internet;
    };
    report.detail(`listening on ${portalUrl}; TEST EV signing chain in ${join(dataDir, 'signing')}`);

    report.step(`A Windows PC meets the SIM ${sim.iccid} (${scenario})`);
    // The PC trusts the test root and the APN/COSA database ties the signer to the hardware, as on a real PC
    // after `mbprov cert test-ev` and the operator's COSA entry.
    const pc = Machine.create({
      trustedRoots: [rootPem],
      hardwareCertificates: [trustedCertificateEntry(new X509Certificate(signerPem))],
      capabilities: { sim: { iccid: sim.iccid, imsi: sim.imsi } },
    });
    const internetBefore = await internet();

    report.step('Windows opens the AccountExperienceURL');
    const browser = new HttpsSession(portalUrl, tlsCa, { 'accept-language': 'en' });
    const entry = `/?SubId=${sim.imsi}&DevId=${sim.devId}&IccId=${sim.iccid}`;
    const page = await browser.get(entry);
    expect(page.status === 200, `the entry page answered ${page.status}`);
    report.detail(`GET ${entry} -> 200`);
    const offered = radioValues(page.body, CHECKOUT_FIELDS.planId);
    report.detail(`plans offered: ${offered.join(', ')}`);
    const planId = options.planId ?? offered[0];
    expect(planId !== undefined && offered.includes(planId), `the page does not offer the plan ${planId}`);

    report.step(`Buying ${planId}: the test payment page, paid with the test card ${TEST_CARDS.accepted}`);
    const checkoutId = formValue(page.body, CHECKOUT_FIELDS.checkoutId);
    const csrf = formValue(page.body, CHECKOUT_FIELDS.csrf);
    expect(checkoutId !== undefined && csrf !== undefined, 'the plans page has no checkout form');
    const started = await browser.postForm('/checkout', {
      [CHECKOUT_FIELDS.planId]: planId,
      [CHECKOUT_FIELDS.checkoutId]: checkoutId,
      [CHECKOUT_FIELDS.csrf]: csrf,
    });
    const payPage = String(started.headers.location);
    expect(started.status === 303, `the checkout answered ${started.status}`);
    report.detail(`POST /checkout -> 303 ${payPage}`);
    const paidPage = await payOnTestPage(payPage, ACCEPTED_TEST_CARD, { ca: tlsCa });
    expect(paidPage.location !== undefined, `the payment page answered ${paidPage.status}`);
    report.detail(`the card, posted to the payment page -> 303 ${paidPage.location}`);
    const paid = await browser.get(new URL(paidPage.location).pathname);
    expect(paid.status === 303, `the return from the payment page answered ${paid.status}`);
    report.detail(
      `GET ${new URL(paidPage.location).pathname} (the portal asks the payment service) -> 303 ${String(paid.headers.location)}`,
    );
    const complete = await browser.get(String(paid.headers.location));
    expect(complete.status === 200, `the completion page answered ${complete.status}`);
    const download = /href="([^"]*\/document\/[^"]+)"/.exec(complete.body)?.[1];
    expect(download !== undefined, 'the completion page links no document');
    const signed = await browser.get(new URL(download).pathname);
    expect(signed.status === 200, `the document download answered ${signed.status}`);
    const verified = verifyDocument(signed.body, { trustAnchors: [rootPem], requireEv: true });
    expect(verified.valid, `the document does not verify: ${verified.errors.map((e) => e.code).join(', ')}`);
    report.detail(
      `signed document: ${signed.body.length} bytes, EV signer ${verified.signer?.subject} (${verified.signer?.thumbprint})`,
    );

    report.step('window.external.msProvisionNetworks: the PC applies the document');
    const provision = pc.provision(signed.body, { source: 'website' });
    expect(provision.ok, `the PC reported a failure:\n${provision.xml}`);
    for (const line of describeMachine(pc)) report.detail(line);
    const internetAfter = await internet();

    const usage = options.usageMegabytes ?? 250;
    const delayInDays = Object.values(pc.state.carriers)[0]?.refresh?.DelayInDays ?? 7;
    report.step(
      `Billing reports ${usage} MB; ${delayInDays} days later on the PC's clock its refresh timer (DelayInDays) runs`,
    );
    pc.advanceDays(delayInDays);
    const reported = await api.postJson('/api/v1/usage', {
      updates: [{ iccid: sim.iccid, usageMegabytes: usage, at: new Date().toISOString() }],
    });
    expect(reported.status === 200, `the usage API answered ${reported.status}: ${reported.body}`);
    const [attempt] = await pc.runDueRefreshes(httpsRefreshFetch({ ca: tlsCa }));
    expect(
      attempt?.status === 200 && attempt.outcome?.ok === true,
      `the refresh failed: ${JSON.stringify(attempt)}`,
    );
    report.detail(`GET ${attempt.url} (HTTP Basic) -> ${attempt.status}; next refresh ${attempt.nextDueAt}`);
    const carrier = Object.values(pc.state.carriers)[0];
    const usageOnPc = carrier?.Plans[carrier.DefaultProfile?.AssociatedPlan ?? '']?.Usage?.CurrentUsage;
    report.detail(`usage on the PC: ${usageOnPc} MB`);
    return { dataDir, portalUrl, planId, internetBefore, internetAfter, provision, usageOnPc, pc };
  } finally {
    await portal.close();
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  }
}
