// What the browser tests share: Debian's Chromium launched headless, axe-core run in a page, and button names with an
// amount in them.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Config } from '../../src/config/schema.ts';
import { freeLoopbackPort } from '../../src/free-port.ts';
import { type RunningPortal, startPortal } from '../../src/start.ts';

/** Debian's Chromium (/usr/bin/chromium, installed by npm run setup), or the binary MBPROV_CHROMIUM names, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.MBPROV_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A button name made from a text with an {amount} placeholder, for any amount. */
export function withAnyAmount(text: string): RegExp {
  const [before = '', after = ''] = text.split('{amount}');
  const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${quote(before)}.+${quote(after)}$`);
}

/** axe-core's browser build, injected into each page checked (it is not served by the portal). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The axe-core violations of the page as it is now (rule, impact, the elements), of every rule or of `rules`. The source is evaluated through
 * the DevTools protocol rather than added as a script tag: the page's CSP (script-src 'self') rightly refuses an
 * inline script, and nothing about the page is relaxed for the check.
 */
export async function axeViolations(page: Page, rules?: string[]): Promise<unknown[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (only) => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document, o: { runOnly?: string[] }) => Promise<AxeResults> };
      }
    ).axe;
    const results = await axe.run(document, only ? { runOnly: only } : {});
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  }, rules);
}

/** The part of axe-core's results the check reads. */
interface AxeResults {
  violations: Array<{
    id: string;
    impact?: string | null;
    help: string;
    nodes: Array<{ target: string[]; failureSummary?: string }>;
  }>;
}

/**
 * The embedded demo portal for a browser test: HTTPS on a free loopback port, `dataDir` as its data directory, the test
 * payment service on a port of its own (others may be running on this machine), and the limits per client address
 * lifted: every customer of these tests comes from 127.0.0.1, dozens of pages and checkouts a minute
 * (portal-http-checkout.test.ts tests the limits). `adjust` changes the configuration further.
 */
export async function startBrowserPortal(
  dataDir: string,
  adjust?: (config: Config) => void,
): Promise<{ portal: RunningPortal; baseUrl: string }> {
  const port = await freeLoopbackPort();
  const baseUrl = `https://localhost:${port}`;
  const portal = await startPortal({
    env: {
      MBPROV_DATA_DIR: dataDir,
      PORT: String(port),
      MBPROV_PUBLIC_URL: baseUrl,
      MBPROV_TEST_PAYMENTS_PORT: '0',
    },
    adjust: (config) => {
      config.rateLimits.entryPerMinute = 10_000;
      config.rateLimits.checkoutPerMinute = 10_000;
      config.checkouts.maxPerClient = 10_000;
      adjust?.(config);
    },
    logger: false,
  });
  return { portal, baseUrl };
}

/** Ends a browser test: the browser, the portal, and its data directory (each only if it was started). */
export async function stopBrowserPortal(
  browser: Browser | undefined,
  portal: RunningPortal | undefined,
  dataDir: string | undefined,
): Promise<void> {
  await browser?.close();
  await portal?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
