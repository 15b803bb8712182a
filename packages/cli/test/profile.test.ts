// `mbprov profile` as an operator runs it before going live: the Apple profile of a test account verifies with
// `openssl cms -verify` against the portal signer's root and plistlib reads the credentials; the Android answer splits
// with Python's email package into the PPS-MO and the RADIUS CA; a stored subscriber's profile carries the password
// the portal derives; the lints name each cross-platform mistake of a description file (exit 1); bad input exits 2
// and writes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caCertificateDer, createCertificate } from '@mbprov/core';
import { configuredStore, openStore, type PortalContext } from '@mbprov/portal';
import { demoConfig, loadSecrets } from '@mbprov/portal/testing';
import { opensslVerify, plistOf, ppsLeaves, split } from '../../core/test/helpers/profile-checks.ts';
import { newSubscriberRow } from '../../portal/src/activation/subscribers.ts';
import { insertSubscriber } from '../../portal/src/storage/subscribers.ts';
import { contosoPasspoint } from '../../portal/test/helpers/passpoint.ts';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const base = mkdtempSync(join(tmpdir(), 'mbprov-profile-cli-'));
const file = (name: string) => join(base, name);
const REALM = 'wifi.contoso.test';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  MBPROV_PUBLIC_URL: 'https://mbb.contoso.example',
  MBPROV_DATA_DIR: join(base, 'data'),
  TEST_ACCOUNT_PASSWORD: 'a device test password',
};
delete env.MBPROV_CONFIG;
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, 'profile', ...args], { encoding: 'utf8', env });
let caPem: string;

describe('mbprov profile', () => {
  before(async () => {
    caPem = (await createCertificate({ subject: 'CN=Contoso RADIUS Root', ca: true })).certificatePem;
    writeFileSync(file('radius-ca.pem'), caPem);
    const config = demoConfig() as unknown as { operator: { wifi: unknown[] } };
    config.operator.wifi.push(contosoPasspoint(REALM, 'radius.contoso.test', file('radius-ca.pem')));
    writeFileSync(file('config.json'), JSON.stringify(config));
  });

  after(() => rmSync(base, { recursive: true, force: true }));

  it('writes a test account Apple profile that openssl verifies against the signer root and plistlib reads', () => {
    const r = run([
      'apple',
      '-c',
      file('config.json'),
      '--user',
      'tester',
      '--password-env',
      'TEST_ACCOUNT_PASSWORD',
      '-o',
      file('t.mobileconfig'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /TEST signer/);
    const root = readFileSync(join(base, 'data', 'signing', 'root.crt.pem'), 'utf8');
    const verified = opensslVerify(readFileSync(file('t.mobileconfig')), root);
    assert.equal(verified.status, 0, verified.stderr);
    assert.ok(verified.content);
    const profile = plistOf(verified.content);
    const passpoint = (profile.PayloadContent as Record<string, unknown>[]).find((p) => p.IsHotspot === true);
    const eap = passpoint?.EAPClientConfiguration as Record<string, unknown>;
    assert.equal(eap.UserName, `tester@${REALM}`);
    assert.equal(eap.UserPassword, 'a device test password');
    assert.doesNotMatch(r.stderr + r.stdout, /a device test password/, 'the password is never printed');
  });

  it("writes a stored subscriber's Android answer with the password the portal derives", async () => {
    const config = JSON.parse(readFileSync(file('config.json'), 'utf8'));
    const store = await openStore(configuredStore({ dataDir: join(base, 'data'), ...config }));
    const id = '0b5e4a8e-3c1d-4e7f-9a2b-6c8d0e1f2a3b';
    const secrets = loadSecrets(undefined, join(base, 'data', 'secret.key'));
    try {
      const row = newSubscriberRow({ secrets } as PortalContext, id, new Date().toISOString());
      await insertSubscriber(store.db, { ...row, refresh_user: 'u-stored' });
    } finally {
      await store.close();
    }
    const password = secrets.hotspotPassword(id);
    for (const who of [id, 'u-stored']) {
      const out = file(`${who}.b64`);
      const r = run(['android', '-c', file('config.json'), '--subscriber', who, '-o', out]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /Content-Type: application\/x-wifi-config, Content-Transfer-Encoding: base64/);
      const message = split(readFileSync(out, 'utf8'));
      const [pps, ca] = message.parts;
      assert.deepEqual(Buffer.from(ca?.payload ?? '', 'base64'), Buffer.from(caCertificateDer(caPem)));
      const leaves = ppsLeaves(Buffer.from(pps?.payload ?? '', 'base64'));
      const p = 'PerProviderSubscription/i001/Credential/UsernamePassword';
      assert.equal(leaves[`${p}/Username`], `u-stored@${REALM}`);
      assert.equal(Buffer.from(leaves[`${p}/Password`] ?? '', 'base64').toString('utf8'), password);
    }
  });

  it('lints a configuration (exit 0) and names each cross-platform mistake of a description file (exit 1)', () => {
    const clean = run(['lint', '-c', file('config.json')]);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /no findings/);
    writeFileSync(
      file('bad.json'),
      JSON.stringify({
        name: 'Contoso Wi-Fi',
        identifier: 'net.contoso.wifi',
        organization: 'Contoso',
        wisprSsids: ['An SSID far longer than thirty-two octets'],
        passpoint: {
          domainName: 'wifi.contoso.test',
          naiRealm: 'contoso..test',
          roamingConsortiumOis: ['5a03ba0000', '5A03BA'],
          friendlyName: 'Contoso',
          radiusServerNames: [],
          caCertificatePem: '',
        },
        credentials: { userName: 'u1', password: 'p' },
      }),
    );
    const r = run(['lint', '--description', file('bad.json')]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    for (const code of [
      'MBPROV_PROFILE_SSID_LENGTH',
      'MBPROV_PROFILE_REALM_SYNTAX',
      'MBPROV_PROFILE_RCOI_CASE',
      'MBPROV_PROFILE_SERVER_NAMES_MISSING',
      'MBPROV_PROFILE_CA_MISSING',
    ])
      assert.match(r.stdout, new RegExp(code), `${code} in\n${r.stdout}`);
  });

  it('refuses bad input with exit 2 and writes nothing', () => {
    const out = file('refused');
    for (const [args, message] of [
      [['apple', '-o', out], /either --subscriber or --user/],
      [['apple', '-o', out, '--user', 'u', '--subscriber', 'x'], /either --subscriber or --user/],
      [
        ['apple', '-o', out, '--user', 'u', '--password-env', 'UNSET_VARIABLE_X'],
        /UNSET_VARIABLE_X is empty or unset/,
      ],
      [
        ['android', '-o', out, '--user', 'u', '--password-env', 'TEST_ACCOUNT_PASSWORD'],
        /Passpoint networks only/,
      ],
      [['apple', '-c', file('config.json'), '-o', out, '--subscriber', 'nobody'], /MBPROV_NOT_FOUND/],
      [
        ['apple', '-o', out, '--user', 'u', '--password-env', 'not a name'],
        /not an environment variable name/,
      ],
      [['lint', '--description', file('missing.json')], /cannot read/],
    ] as const) {
      const r = run([...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(existsSync(out), false, `${args.join(' ')} wrote nothing`);
    }
  });
});
