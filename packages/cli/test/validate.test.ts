// `mbprov validate` as a user runs it: a real process, its output lines and its exit status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildDocument } from '@mbprov/core';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });

const dir = mkdtempSync(join(tmpdir(), 'mbprov-cli-'));
const good = join(dir, 'good.xml');
const bad = join(dir, 'bad.xml');
const hostile = join(dir, 'hostile.xml');
const global = { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1234567890' };
writeFileSync(good, buildDocument({ Global: global, WLANProfiles: { WLANProfile: [] } }));
writeFileSync(
  bad,
  buildDocument({
    Global: global,
    MBNProfiles: {
      DefaultProfile: { Name: 'Contoso', AssociatedPlan: 'Missing', Context: { AccessString: 'apn' } },
    },
  }),
);
writeFileSync(hostile, '<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>');

describe('mbprov validate', () => {
  it('exits 0 for a valid file and still prints its warnings', () => {
    const r = run(['validate', good]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /good\.xml:\d+:\d+: warning MBPROV_WLAN_EMPTY_DELETES_ALL: /);
    assert.match(r.stdout, /good\.xml: valid \(0 errors, 1 warning\)/);
  });

  it('exits 1 when any file is invalid, printing file:line:col: error CODE: message', () => {
    const r = run(['validate', good, bad]);
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      /bad\.xml:10:7: error MBPROV_PLAN_MISSING: DefaultProfile "Contoso" names plan "Missing"/,
    );
    assert.match(r.stdout, /bad\.xml: INVALID/);
  });

  it('refuses hostile input with its named error', () => {
    const r = run(['validate', hostile]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /hostile\.xml:1:1: error MBPROV_XML_DTD_FORBIDDEN/);
  });

  it('prints a JSON report with --json', () => {
    const r = run(['validate', '--json', good, bad]);
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as Array<{
      file: string;
      valid: boolean;
      diagnostics: Array<{ code: string; line: number }>;
    }>;
    assert.deepEqual(
      report.map((x) => x.valid),
      [true, false],
    );
    assert.equal(report[1]?.diagnostics[0]?.code, 'MBPROV_PLAN_MISSING');
  });

  it('reads standard input with -', () => {
    const r = run(['validate', '-'], buildDocument({ Global: global }));
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^-: valid/m);
  });

  it('exits 2 on a missing file, an unknown option or no file', () => {
    const missing = run(['validate', join(dir, 'nope.xml')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stdout, /nope\.xml: error MBPROV_IO_ERROR: cannot read .*no such file/);
    assert.equal(run(['validate', '--bogus', good]).status, 2);
    const none = run(['validate']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /missing required argument/);
  });

  it('applies --max-bytes', () => {
    const r = run(['validate', '--max-bytes', '50', good]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /MBPROV_XML_TOO_LARGE/);
    assert.equal(run(['validate', '--max-bytes', 'lots', good]).status, 2);
  });

  it('documents the exit statuses in --help', () => {
    const r = run(['validate', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Exit status: 0 all valid/);
  });
});
