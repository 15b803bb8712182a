// `mbprov cosa export` as a user runs it: CSV or JSON to standard output or a file, notes on standard error,
// exit 2 for usage, configuration and I/O errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const env: NodeJS.ProcessEnv = { ...process.env, MBPROV_PUBLIC_URL: 'https://mbb.contoso.example' };
delete env.MBPROV_CONFIG;
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, 'cosa', 'export', ...args], { encoding: 'utf8', env });
const dir = mkdtempSync(join(tmpdir(), 'mbprov-cosa-cli-'));
const file = (name: string) => join(dir, name);

const HEADER =
  'UpdateType,Country/Region,Operator,MCC,MNC,IMSI Range - Start,IMSI Range - End,ICCID Range - Start,ICCID Range - End,' +
  'AccountExperienceURL,FriendlyName,AccessString,UserName,Password,AuthProtocol,Compression,AutoConnectOrder,' +
  'SupportDataMarketplace,SPN,AlwaysOn,PurposeGroups,IPType,BrandingName,BrandingIcon,UseBrandingNameOnRoaming,Roaming,' +
  'DataMarketplaceRoamingUIEnabled,UIName,UIOrder,ESIM_PROV,AppID,Hotspot,EnableAutoSlotSwitch,WifiProfiles';

describe('mbprov cosa export', () => {
  it('writes the demo entries as CSV to standard output, notes to standard error, exit 0', () => {
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\r\n');
    assert.equal(lines[0], HEADER);
    assert.equal(
      lines[1],
      'Add,,Contoso Mobile (demo),310,260,,,,,https://mbb.contoso.example/,Contoso Mobile (demo),internet.contoso.example,' +
        ',,NONE,DISABLE,1,false,,true,3E5545D2-1137-4DC8-A198-33F1C657515F,,,,,,,,,,,,,',
    );
    assert.match(
      lines[2] as string,
      /^Add,,Contoso Mobile \(demo\),310,260,.*purchase\.contoso\.example,.*,2,false,,true,95522B2B/,
    );
    assert.equal(lines[3], '');
    assert.match(r.stderr, /note \(internet, purchase\): Country\/Region: Required/);
    assert.equal(
      r.stderr.match(/Country\/Region: Required/g)?.length,
      1,
      'a note shared by both entries is said once',
    );
  });

  it('--format json: the entries with their notes', () => {
    const r = run(['--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as Array<{
      apn: string;
      settings: Record<string, string>;
      notes: unknown[];
    }>;
    assert.deepEqual(
      entries.map((e) => [e.apn, e.settings.AccessString]),
      [
        ['internet', 'internet.contoso.example'],
        ['purchase', 'purchase.contoso.example'],
      ],
    );
    assert.ok(entries[0]?.notes.length);
    assert.equal(r.stderr, '', 'JSON holds the notes itself');
  });

  it('-o FILE writes the file (replacing it), prints nothing on standard output', () => {
    const out = file('cosa.csv');
    writeFileSync(out, 'old');
    const r = run(['-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`wrote 2 COSA entries to ${out} \\(csv\\)`));
    assert.ok(readFileSync(out, 'utf8').startsWith(`${HEADER}\r\n`));
    const json = file('cosa.json');
    assert.equal(run(['--format', 'json', '--output', json]).status, 0);
    assert.equal((JSON.parse(readFileSync(json, 'utf8')) as unknown[]).length, 2);
  });

  it('--config FILE with credentials; --range imsi; --mnc-digits', () => {
    const config = JSON.parse(
      spawnSync(process.execPath, ['--import', 'tsx', '-e', demoScript], { encoding: 'utf8' }).stdout,
    ) as { operator: Record<string, unknown> };
    config.operator.internetApn = {
      accessString: 'secure.contoso.example',
      userName: 'user',
      password: 'a,b',
      authProtocol: 'CHAP',
    };
    delete config.operator.purchaseApn;
    writeFileSync(file('config.json'), JSON.stringify(config));
    const r = run(['--config', file('config.json'), '--range', 'imsi', '--mnc-digits', '2']);
    assert.equal(r.status, 0, r.stderr);
    const row = r.stdout.split('\r\n')[1] as string;
    assert.match(row, /,310,26,310260000000000,310260000000099,,,/);
    assert.match(row, /,secure\.contoso\.example,user,"a,b",CHAP,DISABLE,,false,/);
  });

  it('usage errors exit 2 and write nothing', () => {
    for (const args of [
      ['--format', 'xml'],
      ['--range', 'msisdn'],
      ['--mnc-digits', '4'],
      ['--bogus'],
      ['extra-argument'],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /error/);
    }
  });

  it('a missing or invalid configuration, or an unwritable output, exits 2 with its code', () => {
    const missing = run(['--config', file('nope.json')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /MBPROV_IO_ERROR: cannot read the configuration/);
    writeFileSync(file('bad.json'), '{"operator": {}}');
    const bad = run(['--config', file('bad.json')]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /MBPROV_CONFIG_INVALID/);
    assert.equal(bad.stdout, '');
    const target = join(dir, 'no-such-dir', 'cosa.csv');
    const unwritable = run(['-o', target]);
    assert.equal(unwritable.status, 2);
    assert.match(unwritable.stderr, /MBPROV_IO_ERROR: cannot write/);
    assert.equal(existsSync(target), false);
  });
});

/** Prints the demo configuration as JSON (the starting point of a real configuration file). */
const demoScript = `import('${new URL('../../portal/src/config/demo.ts', import.meta.url).pathname}').then((m) => process.stdout.write(JSON.stringify(m.demoConfig())))`;

describe('mbprov cosa walled-garden', () => {
  const garden = (args: string[]) =>
    spawnSync(process.execPath, [bin, 'cosa', 'walled-garden', ...args], { encoding: 'utf8', env });

  it('lists the portal, the configured hosts and the Mobile Plans endpoints (text and JSON)', () => {
    const text = garden([]);
    assert.equal(text.status, 0, text.stderr);
    const hosts = text.stdout.trimEnd().split('\n');
    assert.equal(hosts[0], 'mbb.contoso.example');
    for (const host of ['login.live.com', 'ctldl.windowsupdate.com', '*.smartscreen.microsoft.com'])
      assert.ok(hosts.includes(host), host);
    const json = garden(['--format', 'json']);
    const parsed = JSON.parse(json.stdout) as {
      hosts: string[];
      mobilePlans: Array<{ host: string; https: boolean }>;
    };
    assert.deepEqual(parsed.hosts, hosts);
    assert.equal(parsed.mobilePlans.find((e) => e.host === 'login.live.com')?.https, true);
  });

  it('leaves the Mobile Plans endpoints out when it is not enabled; adds Stripe Checkout for Stripe; writes a file', () => {
    const config = file('no-mobile-plans.json');
    writeFileSync(
      config,
      JSON.stringify({
        operator: {
          carrierId: '{6a8c1f0e-5d2b-4c7e-9a31-0f4e2b7c9d15}',
          name: 'Op',
          homeProviderName: 'Op',
          internetApn: { accessString: 'internet' },
        },
        plans: [
          {
            id: 'p',
            name: 'P',
            planType: 'Unrestricted',
            durationDays: 30,
            priceMinor: 100,
            currency: 'USD',
          },
        ],
        payments: {
          provider: 'stripe',
          stripe: { secretKeyEnv: 'X_STRIPE_KEY', webhookSecretEnv: 'X_STRIPE_HOOK' },
        },
        walledGarden: { hosts: ['crl.example.net'] },
      }),
    );
    const out = file('garden.txt');
    const r = garden(['--config', config, '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const hosts = readFileSync(out, 'utf8').trimEnd().split('\n');
    assert.ok(hosts.includes('checkout.stripe.com'));
    assert.ok(hosts.includes('crl.example.net'));
    assert.ok(!hosts.includes('login.live.com'));
  });
});
