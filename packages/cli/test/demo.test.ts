// `mbprov demo`: the whole flow on loopback, as a newcomer without a browser runs it. These tests start a real
// portal over HTTPS, buy over HTTP, apply the document in the simulator and refresh it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runDemo } from '../src/demo/flow.ts';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const env: NodeJS.ProcessEnv = { ...process.env };
for (const name of ['MBPROV_CONFIG', 'DATABASE_URL', 'MBPROV_DATA_DIR', 'PORT', 'MBPROV_PUBLIC_URL'])
  delete env[name];

describe('mbprov demo', () => {
  it('buys a plan for a first-use SIM: the walled garden opens, the PC gets the APN and plan, the refresh brings usage', {
    timeout: 120_000,
  }, async () => {
    const steps: string[] = [];
    const result = await runDemo(
      { usageMegabytes: 321, keepData: true },
      { step: (title) => steps.push(title), detail: () => {} },
    );
    try {
      assert.equal(result.internetBefore, false, 'no plan: the walled garden is closed');
      assert.equal(result.internetAfter, true, 'after the purchase the gateway lets the SIM out');
      assert.equal(result.provision.ok, true, result.provision.xml);
      const [carrier] = Object.values(result.pc.state.carriers);
      assert.equal(carrier?.DefaultProfile?.Context?.AccessString, 'internet.contoso.example');
      assert.equal(carrier?.DefaultProfile?.AssociatedPlan !== undefined, true);
      assert.equal(result.usageOnPc, 321, 'the refreshed document carries the usage billing reported');
      assert.equal(steps.length, 6, steps.join('\n'));
      assert.match(steps[3] as string, /^Buying /);
    } finally {
      rmSync(result.dataDir, { recursive: true, force: true });
    }
  });

  it('renews an exhausted SIM from the command line, printing numbered steps, and removes its data directory', {
    timeout: 120_000,
  }, () => {
    const r = spawnSync(
      process.execPath,
      [bin, 'demo', '--scenario', 'renewal-exhausted', '--plan', 'day-1gb'],
      {
        encoding: 'utf8',
        env,
      },
    );
    assert.equal(r.status, 0, r.stderr + r.stdout);
    for (const n of [1, 2, 3, 4, 5, 6]) assert.match(r.stdout, new RegExp(`^\\[${n}\\] `, 'm'));
    assert.match(r.stdout, /walled garden: internet closed \(exhausted\)/);
    assert.match(r.stdout, /walled garden: internet open \(active\)/);
    assert.match(r.stdout, /usage on the PC: 250 MB/);
    assert.match(r.stdout, /^Done in [\d.]+ s: day-1gb bought/m);
    const dataDir = /data in (\S+)\)/.exec(r.stdout)?.[1];
    assert.ok(dataDir);
    assert.equal(existsSync(dataDir), false, 'the temporary data directory is gone');
  });

  it('refuses an unknown scenario or a plan the page does not offer, with exit 2 and the reason', () => {
    const scenario = spawnSync(process.execPath, [bin, 'demo', '--scenario', 'nope'], {
      encoding: 'utf8',
      env,
    });
    assert.equal(scenario.status, 2);
    assert.match(scenario.stderr, /Allowed choices are first-use-usb, first-use-embedded/);
    const plan = spawnSync(process.execPath, [bin, 'demo', '--plan', 'no-such-plan'], {
      encoding: 'utf8',
      env,
    });
    assert.equal(plan.status, 2, plan.stdout);
    assert.match(plan.stderr, /MBPROV_DEMO_FAILED: the page does not offer the plan no-such-plan/);
  });
});
