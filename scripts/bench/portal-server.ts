// The portal process of the activation benchmark: a fresh data folder, the demo configuration plus `simCount`
// generated SIMs, generous rate limits. Prints "ready <url>" when listening. Run by scripts/bench/portal.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig } from '../../packages/portal/src/config/demo.ts';
import { startPortal } from '../../packages/portal/src/index.ts';

const simCount = Number(process.argv[2] ?? 2000);
const databaseUrl = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-portal-'));
const config = demoConfig() as Record<string, unknown> & {
  sims: unknown[];
  rateLimits: Record<string, number>;
};
config.sims = Array.from({ length: simCount }, (_, i) => ({
  iccid: `89012690${String(i).padStart(11, '0')}`,
  imsi: `3102609${String(i).padStart(8, '0')}`,
}));
config.rateLimits = { entryPerMinute: 1_000_000, checkoutPerMinute: 1_000_000 };
config.dataDir = dir;
const file = join(dir, 'config.json');
writeFileSync(file, JSON.stringify(config));
const portal = await startPortal({
  file,
  logger: false,
  env: { PORT: '0', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
});
process.stdout.write(`ready ${portal.url}\n`);
process.on('SIGTERM', async () => {
  await portal.close();
  process.exit(0);
});
