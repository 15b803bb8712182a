// The radius.nas configuration (docs/hotspot.md): defaults (port 3799, Disconnect, 10 s), what the schema and the
// semantic checks refuse with their paths, and the shared secrets read from the environment variables the entries
// name (unset or shorter than 16 characters: MBPROV_CONFIG_INVALID naming the variable, never a value).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoConfig } from '../src/config/demo.ts';
import { loadConfig } from '../src/config/load.ts';
import { configuredNases } from '../src/radius/nas.ts';

const dir = mkdtempSync(join(tmpdir(), 'mbprov-radius-config-'));

/** Loads the demo configuration with `radius` set to `value`. */
function withRadius(name: string, value: unknown) {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ ...demoConfig(), radius: value }));
  return loadConfig({ file, env: {} });
}

describe('radius.nas configuration', () => {
  it('fills in the defaults and resolves the secrets from the environment', () => {
    const config = withRadius('ok.json', {
      nas: [
        { name: 'ap-controller', address: '192.0.2.10', secretEnv: 'NAS1_SECRET' },
        {
          name: 'gw.v6',
          address: '2001:db8::1',
          coaPort: 1700,
          secretEnv: 'NAS2_SECRET',
          action: 'coa',
          coaFilterId: 'walled-garden',
          timeoutSeconds: 4,
        },
      ],
    });
    const nas = config.radius.nas;
    assert.deepEqual(nas[0], {
      name: 'ap-controller',
      address: '192.0.2.10',
      coaPort: 3799,
      secretEnv: 'NAS1_SECRET',
      action: 'disconnect',
      timeoutSeconds: 10,
    });
    const env = { NAS1_SECRET: 'sixteen-chars-ok', NAS2_SECRET: 'another secret of the gateway' };
    const [first, second] = configuredNases(nas, env);
    assert.deepEqual(first, {
      target: { name: 'ap-controller', address: '192.0.2.10', port: 3799, secret: 'sixteen-chars-ok' },
      action: 'disconnect',
      deadlineMs: 10_000,
    });
    assert.deepEqual(second, {
      target: { name: 'gw.v6', address: '2001:db8::1', port: 1700, secret: 'another secret of the gateway' },
      action: 'coa',
      filterId: 'walled-garden',
      deadlineMs: 4000,
    });
    assert.equal(withRadius('empty.json', {}).radius.nas.length, 0);
  });

  it('refuses misspelt keys, host names, duplicate names, and a CoA without its Filter-Id', () => {
    assert.throws(
      () =>
        withRadius('unknown.json', {
          nas: [{ name: 'a', address: '192.0.2.1', secretEnv: 'S', secret: 'in the file' }],
        }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MBPROV_CONFIG_INVALID');
        assert.match(error.message, /\/radius\/nas\/0\/secret: unknown setting/);
        return true;
      },
    );
    assert.throws(
      () =>
        withRadius('schema.json', {
          nas: [{ name: 'a', address: '192.0.2.1', secretEnv: 'NOT-AN-ENV', coaPort: 0, action: 'drop' }],
        }),
      (error: Error) => {
        assert.match(error.message, /\/radius\/nas\/0\/secretEnv/);
        assert.match(error.message, /\/radius\/nas\/0\/coaPort/);
        assert.match(error.message, /\/radius\/nas\/0\/action/);
        return true;
      },
    );
    assert.throws(
      () =>
        withRadius('semantic.json', {
          nas: [
            { name: 'a', address: 'nas.example', secretEnv: 'S' },
            { name: 'a', address: '192.0.2.300', secretEnv: 'S', action: 'coa' },
            { name: 'b', address: '192.0.2.3', secretEnv: 'S', coaFilterId: 'x' },
          ],
        }),
      (error: Error) => {
        assert.match(
          error.message,
          /\/radius\/nas\/0\/address: "nas.example" is not an IPv4 or IPv6 address/,
        );
        assert.match(error.message, /\/radius\/nas\/1\/name: "a" is used twice/);
        assert.match(error.message, /\/radius\/nas\/1\/address: "192.0.2.300" is not/);
        assert.match(error.message, /\/radius\/nas\/1: action coa needs coaFilterId/);
        assert.match(error.message, /\/radius\/nas\/2\/coaFilterId: only meaningful with action coa/);
        return true;
      },
    );
  });

  it('refuses an unset or short secret, naming the variable and never the value', () => {
    const nas = [
      {
        name: 'a',
        address: '192.0.2.1',
        coaPort: 3799,
        secretEnv: 'NAS_SECRET',
        action: 'disconnect' as const,
        timeoutSeconds: 10,
      },
    ];
    assert.throws(() => configuredNases(nas, {}), {
      code: 'MBPROV_CONFIG_INVALID',
      message: 'radius.nas[0].secretEnv: the environment variable NAS_SECRET is not set',
    });
    assert.throws(
      () => configuredNases(nas, { NAS_SECRET: 'short-secret' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MBPROV_CONFIG_INVALID');
        assert.match(error.message, /NAS_SECRET is shorter than 16 characters/);
        assert.doesNotMatch(error.message, /short-secret/);
        return true;
      },
    );
  });
});
