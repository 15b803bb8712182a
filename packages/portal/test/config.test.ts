// Configuration: the embedded demo loads; environment overrides it; every problem is reported at once with its
// path; docs/configuration.md is generated from the schema.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configurationPage } from '../../../scripts/gen-config-docs.ts';
import { demoConfig } from '../src/config/demo.ts';
import { loadConfig } from '../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'mbprov-config-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};

describe('configuration', () => {
  it('the embedded demo loads with defaults filled in', () => {
    const config = loadConfig({ env: {} });
    assert.equal(config.server.port, 8443);
    assert.equal(config.server.publicUrl, 'https://localhost:8443');
    assert.equal(config.operator.activation, 'ReconnectToNetwork');
    assert.ok(config.plans.length >= 3);
  });

  it('environment variables override the file: DATABASE_URL, PORT (and the public URL that follows it)', () => {
    const config = loadConfig({ env: { DATABASE_URL: 'postgres://db.example/mbprov', PORT: '9443' } });
    assert.equal(config.databaseUrl, 'postgres://db.example/mbprov');
    assert.equal(config.server.port, 9443);
    assert.equal(config.server.publicUrl, 'https://localhost:9443');
  });

  it('reports every schema problem at once, with its path', () => {
    const bad = demoConfig() as Record<string, unknown> & {
      operator: Record<string, unknown>;
      plans: Array<Record<string, unknown>>;
    };
    bad.operator.carrierId = 'not-a-guid';
    (bad.plans[0] as Record<string, unknown>).currency = 'dollars';
    (bad as Record<string, unknown>).server = { publicUrl: 'http://insecure.example' };
    assert.throws(
      () => loadConfig({ file: write('bad.json', bad), env: {} }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MBPROV_CONFIG_INVALID');
        assert.match(error.message, /\/operator\/carrierId/);
        assert.match(error.message, /\/plans\/0\/currency/);
        assert.match(error.message, /\/server\/publicUrl/);
        return true;
      },
    );
  });

  it('adjust changes the loaded configuration before it is checked', () => {
    const config = loadConfig({
      env: {},
      adjust: (c) => Object.assign(c.operator, { renewWhileActive: 'extend' }),
    });
    assert.equal(config.operator.renewWhileActive, 'extend');
    assert.throws(
      () =>
        loadConfig({ env: {}, adjust: (c) => Object.assign(c.operator, { renewWhileActive: 'sometimes' }) }),
      (error: Error & { code?: string }) =>
        error.code === 'MBPROV_CONFIG_INVALID' && /\/operator\/renewWhileActive/.test(error.message),
    );
  });

  it('a configured SIM whose decimal MEID overflows its fields is refused (MBPROV_CDMA_DEVICE_ID_RANGE), not skipped', () => {
    assert.throws(
      () =>
        loadConfig({
          env: {},
          adjust: (c) =>
            c.sims.push({ min: '3125559999', esnMeid: '429496729600000000' } as (typeof c.sims)[number]),
        }),
      (error: Error & { code?: string }) =>
        error.code === 'MBPROV_CONFIG_INVALID' &&
        /\/sims\/\d+\/esnMeid: the MEID's manufacturer code 4294967296 is above 4294967295 \(MBPROV_CDMA_DEVICE_ID_RANGE\)/.test(
          error.message,
        ),
    );
  });

  it('a misspelt or unknown setting is reported with its path, not silently ignored', () => {
    const bad = demoConfig() as Record<string, unknown> & {
      operator: Record<string, unknown>;
      plans: Array<Record<string, unknown>>;
    };
    bad.server = { prot: 9443 };
    bad.operator.renewWhileActiv = 'extend';
    (bad.plans[0] as Record<string, unknown>).prize = 100;
    assert.throws(
      () => loadConfig({ file: write('unknown.json', bad), env: {} }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MBPROV_CONFIG_INVALID');
        for (const path of ['/server/prot', '/operator/renewWhileActiv', '/plans/0/prize'])
          assert.match(error.message, new RegExp(`${path}: unknown setting`));
        return true;
      },
    );
  });

  it('reports what the schema cannot: duplicate plan ids, a Fixed plan without allowance, a WISPr network without domains', () => {
    const bad = demoConfig() as {
      plans: Array<Record<string, unknown>>;
      operator: { wifi: Array<Record<string, unknown>> };
    };
    bad.plans.push({ ...bad.plans[0] });
    delete (bad.plans[1] as Record<string, unknown>).dataLimitMb;
    delete (bad.operator.wifi[0] as Record<string, unknown>).trustedDomains;
    assert.throws(
      () => loadConfig({ file: write('semantic.json', bad), env: {} }),
      (error: Error) => {
        const twice = new RegExp(`/plans/${bad.plans.length - 1}/id: "day-1gb" is used twice`);
        assert.match(error.message, twice);
        assert.match(error.message, /\/plans\/1: a Fixed plan needs dataLimitMb/);
        assert.match(error.message, /\/operator\/wifi\/0: a wispr network needs trustedDomains/);
        return true;
      },
    );
  });

  it('a file that is not JSON, or missing, is a clear error', () => {
    assert.throws(() => loadConfig({ file: write('broken.json', '{ nope'), env: {} }), {
      code: 'MBPROV_CONFIG_INVALID',
    });
    assert.throws(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), {
      code: 'MBPROV_IO_ERROR',
    });
  });

  it('docs/configuration.md is generated from the current schema', () => {
    const page = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(page, configurationPage(), 'run: node --import tsx scripts/gen-config-docs.ts');
  });
});
