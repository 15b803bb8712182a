// `mbprov sim` as a user runs it: a machine state file carried across commands.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildDocument } from '@mbprov/core';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'mbprov-sim-'));
const file = (name: string) => join(dir, name);
const global = { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '310260123456789' };

writeFileSync(
  file('purchase.xml'),
  buildDocument({
    Global: global,
    MBNProfiles: {
      DefaultProfile: {
        Name: 'Contoso',
        AssociatedPlan: 'Monthly',
        Context: { AccessString: 'internet.contoso.com' },
      },
      Messages: {
        Message: [
          {
            SMSBearer: [{ Sender: '+18005551212', ClassZeroOnly: false }],
            Pattern: 'Used (\\d+) MB as of (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)',
            Fields: {
              Usage: { Group: 1, DefaultUnit: 'M' },
              UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 2 },
            },
          },
        ],
      },
    },
    WLANProfiles: { WLANProfile: [{ name: 'Home', SSIDConfig: { SSID: [{ name: 'Home' }] } }] },
    Plans: { Plan: [{ Name: 'Monthly', Description: { PlanType: 'Fixed', DataLimitInMegabytes: 1000 } }] },
    Provisioning: { RefreshParameters: { DelayInDays: 7, RefreshURL: 'https://127.0.0.1:9/refresh' } },
  }),
);
writeFileSync(
  file('broken.xml'),
  '<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1"/>',
);

describe('mbprov sim', () => {
  it('init, apply (result XML, exit 1 when a section fails), sms, advance, show, refresh', () => {
    const state = file('pc.json');
    assert.equal(
      run(['sim', 'init', '--state', state, '--now', '2026-11-21T00:00:00Z', '--user-wifi', 'Home']).status,
      0,
    );
    assert.equal(run(['sim', 'init', '--state', state]).status, 2, 'refuses to overwrite');

    const applied = run(['sim', 'apply', file('purchase.xml'), '--state', state]);
    assert.equal(applied.status, 1, 'the Home profile belongs to the user');
    assert.match(
      applied.stdout,
      /<WLANProfiles errorCode="80070005"\/>/,
      'its only profile failed, so the section carries the code',
    );
    assert.match(applied.stdout, /<DefaultProfile errorCode="00000000" name="Contoso"\/>/);

    const sms = run([
      'sim',
      'sms',
      '--state',
      state,
      '--from',
      '+18005551212',
      '--text',
      'Used 250 MB as of 11/21/2026 08:00',
    ]);
    assert.equal(sms.status, 0, sms.stderr);
    assert.match(sms.stdout, /usage: 250 MB at 2026-11-21T08:00:00\.000Z \(plan Monthly\)/);

    const advanced = run(['sim', 'advance', '--state', state, '--days', '7']);
    assert.match(advanced.stdout, /refresh due for/);

    const shown = run(['sim', 'show', '--state', state]);
    assert.match(shown.stdout, /default profile: Contoso, APN internet\.contoso\.com, plan Monthly/);
    assert.match(shown.stdout, /plan: Monthly \(Fixed\), used 250 MB of 1000 MB/);
    assert.equal(
      JSON.parse(run(['sim', 'show', '--state', state, '--json']).stdout).now,
      '2026-11-28T00:00:00.000Z',
    );

    const refresh = run(['sim', 'refresh', '--state', state]);
    assert.equal(refresh.status, 1, 'nothing listens on port 9');
    assert.match(refresh.stdout, /error MBPROV_SIM_REFRESH_FAILED/);
    assert.match(readFileSync(state, 'utf8'), /"lastAttempt"/);
  });

  it('a rejected document exits 1 with its code and leaves the state as it was', () => {
    const state = file('pc2.json');
    run(['sim', 'init', '--state', state]);
    const before = readFileSync(state, 'utf8');
    const r = run(['sim', 'apply', file('broken.xml'), '--state', state]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /rejected: error MBPROV_SCHEMA_INVALID/);
    assert.equal(readFileSync(state, 'utf8'), before);
  });

  it('an unsigned document from a web site is rejected (the signing requirements apply)', () => {
    const state = file('pc3.json');
    const r = run(['sim', 'apply', file('purchase.xml'), '--state', state, '--source', 'website']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /MBPROV_SIM_SIGNATURE_REQUIRED/);
  });

  it('usage errors exit 2: unknown source, bad consent answer, a state file that is not a state', () => {
    assert.equal(
      run(['sim', 'apply', file('purchase.xml'), '--state', file('x.json'), '--source', 'bogus']).status,
      2,
    );
    assert.equal(
      run(['sim', 'apply', file('purchase.xml'), '--state', file('x.json'), '--consent', 'maybe']).status,
      2,
    );
    assert.equal(
      run(['sim', 'apply', file('purchase.xml'), '--state', file('x.json'), '--results', 'v3']).status,
      2,
    );
    writeFileSync(file('garbage.json'), '{"hello": 1}');
    const r = run(['sim', 'show', '--state', file('garbage.json')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MBPROV_SIM_STATE_INVALID/);
  });

  it('--results v1 prints a ResultsSchema v1 answer (Windows 8): no Plans, a Signature element', () => {
    const state = file('v1.json');
    assert.equal(run(['sim', 'init', '--state', state, '--now', '2026-11-21T00:00:00Z']).status, 0);
    const applied = run(['sim', 'apply', file('purchase.xml'), '--state', state, '--results', 'v1']);
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(
      applied.stdout,
      /xmlns="http:\/\/www\.microsoft\.com\/networking\/CarrierControlResults\/v1"/,
    );
    assert.match(applied.stdout, /<WLANProfile errorCode="00000000" Name="Home"\/>/);
    assert.match(applied.stdout, /<Signature errorCode="00000000"\/>/);
    assert.doesNotMatch(applied.stdout, /<Plans/);
    // The PC remembers its Windows: later answers (and "sim refresh", which applies through the same state) are v1.
    assert.equal(JSON.parse(readFileSync(state, 'utf8')).resultsVersion, 'v1');
    const again = run(['sim', 'apply', file('purchase.xml'), '--state', state]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /CarrierControlResults\/v1"/);
    const v2 = run(['sim', 'apply', file('purchase.xml'), '--state', state, '--results', 'v2']);
    assert.match(v2.stdout, /CarrierControlResults\/v2"/);
  });
});
