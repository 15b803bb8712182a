// `mbprov radius config` as an operator runs it: the directory is written with no secret in it (the key and the
// shared secret are $ENV references), the server key owner-only, FreeRADIUS accepts it (`freeradius -C`), and bad
// input exits 2 with nothing written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const base = mkdtempSync(join(tmpdir(), 'mbprov-radius-cli-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  MBPROV_PUBLIC_URL: 'https://mbb.contoso.example',
  MBPROV_DATA_DIR: join(base, 'data'),
};
delete env.MBPROV_CONFIG;
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, 'radius', 'config', ...args], { encoding: 'utf8', env });

/** Every file under a directory, relative paths. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

const haveFreeRadius = spawnSync('sh', ['-c', 'command -v freeradius']).status === 0;
// Setup installs it (scripts/setup.sh): a missing tool fails the tests rather than skipping them.
if (!haveFreeRadius)
  throw new Error('freeradius (and freeradius-utils) are not installed: run npm run setup');

describe('mbprov radius config', () => {
  const out = join(base, 'freeradius');

  it('writes the directory with environment references instead of secrets, exit 0', () => {
    const r = run(['--out', out, '--client', 'ap1=192.0.2.0/24', '--api-key-env', 'RADIUS_KEY']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /generated TEST one/);
    const files = filesUnder(out);
    for (const file of [
      'radiusd.conf',
      'clients.conf',
      'mods-enabled/rest',
      'mods-enabled/eap',
      'sites-enabled/default',
      'sites-enabled/inner-tunnel',
      'certs/portal-ca.pem',
      'certs/server.pem',
      'certs/server.key',
      'certs/server-ca.pem',
    ])
      assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
    const rest = readFileSync(join(out, 'mods-enabled/rest'), 'utf8');
    assert.match(rest, /password = "\$ENV\{RADIUS_KEY\}"/);
    assert.match(rest, /uri = "https:\/\/mbb\.contoso\.example\/api\/v1\/radius\/authorize"/);
    const clients = readFileSync(join(out, 'clients.conf'), 'utf8');
    assert.match(clients, /ipaddr = 192\.0\.2\.0\/24/);
    assert.match(clients, /secret = "\$ENV\{MBPROV_RADIUS_SECRET\}"/);
    assert.equal(statSync(join(out, 'certs/server.key')).mode & 0o077, 0, 'the server key is owner-only');
  });

  it('FreeRADIUS accepts the configuration', {}, () => {
    const r = spawnSync('freeradius', ['-C', '-X', '-d', out], {
      encoding: 'utf8',
      env: { ...process.env, RADIUS_KEY: 'mbp_0000000000000000_check', MBPROV_RADIUS_SECRET: 'check' },
    });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`.slice(-3000));
    assert.match(r.stdout, /Configuration appears to be OK/);
  });

  it('refuses bad input with exit 2 and writes nothing', () => {
    const elsewhere = join(base, 'refused');
    for (const args of [
      ['--out', elsewhere, '--api-key-env', 'not a name'],
      ['--out', elsewhere, '--client', 'no-address'],
      ['--out', elsewhere, '--auth-port', '70000'],
      ['--out', elsewhere, '--server-cert', join(base, 'missing.pem')],
    ]) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.equal(existsSync(elsewhere), false, 'nothing written');
  });
});
