// docs/deploy/mbprov.service, the unit the README's "Running as a service" installs: systemd accepts it without a
// warning, and it keeps what the shutdown and the hardening depend on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigSchema } from '../src/config/schema.ts';

const UNIT = new URL('../../../docs/deploy/mbprov.service', import.meta.url).pathname;
const README = new URL('../../../README.md', import.meta.url).pathname;
const text = readFileSync(UNIT, 'utf8');

/** The unit's settings by section, each key with every value it is given (comments and blank lines left out). */
function parseUnit(source: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1] as string, current);
      continue;
    }
    const at = line.indexOf('=');
    assert.ok(current && at > 0, `not a setting: ${line}`);
    const key = line.slice(0, at).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(at + 1).trim()]);
  }
  return sections;
}

describe('the systemd unit', () => {
  // systemd-analyze comes from Debian's systemd package, which `npm run setup` installs when it is missing.
  it('passes systemd-analyze verify without a warning', () => {
    // A throwaway root holding the system's units and a stand-in for the installed mbprov: verify checks that
    // ExecStart's program exists, and this machine has mbprov in its source tree only.
    const root = mkdtempSync(join(tmpdir(), 'mbprov-unit-'));
    try {
      cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
      mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
      writeFileSync(join(root, 'usr/local/bin/mbprov'), '#!/bin/sh\n');
      chmodSync(join(root, 'usr/local/bin/mbprov'), 0o755);
      const installed = join(root, 'etc/systemd/system/mbprov.service');
      mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
      writeFileSync(installed, text);
      const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, installed], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const about = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.includes('mbprov.service'));
      assert.deepEqual(about, [], 'systemd warns about the unit');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('runs the installed mbprov serve as its own user, drains on SIGTERM and is hardened', () => {
    const unit = parseUnit(text);
    const service = unit.get('Service');
    assert.ok(service, 'a [Service] section');
    const one = (key: string) => {
      const values = service.get(key);
      assert.equal(values?.length, 1, `${key} is set once`);
      return values?.[0] as string;
    };
    assert.match(one('ExecStart'), /^\/\S+\/mbprov serve --config \/etc\/mbprov\/portal\.json$/);
    assert.equal(one('Type'), 'simple');
    assert.equal(one('User'), 'mbprov');
    assert.match(one('EnvironmentFile'), /^\/etc\/mbprov\//);
    assert.equal(one('KillSignal'), 'SIGTERM');
    assert.equal(one('Restart'), 'on-failure');
    // systemd must wait longer than the portal's default grace period before SIGKILL.
    const grace = ConfigSchema.properties.server.properties.shutdownGraceSeconds.default as number;
    assert.ok(Number(one('TimeoutStopSec')) > grace, `TimeoutStopSec ${one('TimeoutStopSec')} > ${grace}`);
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ReadWritePaths: '/var/lib/mbprov',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectKernelModules: 'yes',
      ProtectKernelLogs: 'yes',
      ProtectControlGroups: 'yes',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      RestrictNamespaces: 'yes',
      LockPersonality: 'yes',
      // V8's JIT and WebAssembly write code and then run it.
      MemoryDenyWriteExecute: 'no',
      SystemCallArchitectures: 'native',
      CapabilityBoundingSet: '',
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(one(key), value, key);
    assert.equal(service.has('AmbientCapabilities'), false, 'no capability for the default port 8443');
    assert.deepEqual(unit.get('Install')?.get('WantedBy'), ['multi-user.target']);
  });

  it('is the unit the README shows, setting for setting', () => {
    const readme = readFileSync(README, 'utf8');
    const shown = /## Running as a service[\s\S]*?```ini\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(shown, 'the README shows the unit');
    assert.deepEqual(parseUnit(shown), parseUnit(text));
  });
});
