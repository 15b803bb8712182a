// The portal started with `esim.testSmdp`: the built-in test SM-DP+ runs beside it with its generated TEST PKI, the
// portal's context orders through it, and the device's download reaches the portal as ES2+ notifications over HTTPS
// with the API key the start created. A configuration naming both SM-DP+s, or neither, does not start.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MbprovError, parseActivationCode } from '@mbprov/core';
import { newSubscriberRow } from '../src/activation/subscribers.ts';
import type { Config } from '../src/config/schema.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { startPortal } from '../src/start.ts';
import { addEsimProfiles, esimProfileByIccid } from '../src/storage/esim-profiles.ts';
import { insertSubscriber } from '../src/storage/subscribers.ts';
import { eidOf, iccids } from './helpers/smdp.ts';

async function environment() {
  const port = await freeLoopbackPort();
  const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-esim-start-'));
  return { MBPROV_DATA_DIR: dataDir, PORT: String(port), MBPROV_PUBLIC_URL: `https://localhost:${port}` };
}

const withEsim = (esim: Config['esim']) => (config: Config) => {
  config.payments.test.port = 0;
  config.esim = esim;
};

describe('portal with the built-in test SM-DP+', () => {
  it('orders through it and learns of the download from its notifications', async () => {
    const lines: string[] = [];
    const portal = await startPortal(
      {
        env: await environment(),
        adjust: withEsim({
          smdpAddress: 'smdp.demo.example',
          functionRequesterIdentifier: 'demo',
          testSmdp: { port: 0 },
        }),
        logger: false,
      },
      (line) => lines.push(line),
    );
    try {
      assert.ok(
        lines.some((l) => /eSIM: built-in TEST SM-DP\+ on https:\/\/127\.0\.0\.1:\d+/.test(l)),
        lines.join('\n'),
      );
      const { ctx, testSmdp } = portal;
      assert.ok(ctx.esim && testSmdp);
      const now = new Date().toISOString();
      // Imported while the portal runs: the test SM-DP+ learns them before the order.
      await addEsimProfiles(
        ctx.store.db,
        iccids(7000, 2).map((iccid) => ({ iccid })),
        now,
      );
      const subscriberId = randomUUID();
      await insertSubscriber(ctx.store.db, newSubscriberRow(ctx, subscriberId, now));
      const order = await ctx.esim.order({ subscriberId, eid: eidOf(7) });
      const code = parseActivationCode(order.activationCode);
      assert.equal(code.smdpAddress, 'smdp.demo.example');
      const sent = await testSmdp.simulateDownload(code.matchingId, eidOf(7));
      assert.deepEqual(
        sent.map((n) => n.httpStatus),
        [204, 204],
        JSON.stringify(sent),
      );
      assert.equal((await esimProfileByIccid(ctx.store.db, order.iccid))?.state, 'installed');
    } finally {
      await portal.close();
    }
  });

  it('does not start with both an ES2+ URL and the test SM-DP+, or with neither', async () => {
    for (const esim of [
      {
        smdpAddress: 'smdp.example',
        functionRequesterIdentifier: 'x',
        testSmdp: { port: 0 },
        es2plus: { url: 'https://smdp.example', clientCertFile: 'a', clientKeyFile: 'b', timeoutMs: 1000 },
      },
      { smdpAddress: 'smdp.example', functionRequesterIdentifier: 'x' },
    ]) {
      await assert.rejects(
        startPortal({ env: await environment(), adjust: withEsim(esim), logger: false }),
        (e: unknown) =>
          e instanceof MbprovError && e.code === 'MBPROV_CONFIG_INVALID' && /exactly one/.test(e.message),
      );
    }
  });
});
