// `mbprov config check`: what would stop the portal at start is found without starting it (exit 1 with the
// reason), warnings go to standard error (exit 0), nothing is written and no secret is printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ANY_POLICY_OID,
  createCertificate,
  createTestEvChain,
  EV_POLICY_OID,
  type TestEvChain,
} from '@mbprov/core';
import { createBrokenSigner } from '@mbprov/core/testing';
import { demoConfig } from '@mbprov/portal/testing';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const guard = { timeout: 120_000 };
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-config-check-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `mbprov config check` with only the given environment on top of PATH, HOME and NODE_OPTIONS. */
function check(env: Record<string, string>, args: string[] = []) {
  return spawnSync(process.execPath, [bin, 'config', 'check', ...args], {
    encoding: 'utf8',
    // NODE_OPTIONS carries the @mbprov/source condition and tsx: without it the bin runs dist/, which tests do not build.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '',
      ...env,
    },
  });
}

/** Files of a signer (or a TLS pair) in a fresh folder. */
function files(dir: string, chain: TestEvChain, prefix: string) {
  const cert = join(dir, `${prefix}.crt.pem`);
  const key = join(dir, `${prefix}.key.pem`);
  writeFileSync(cert, chain.signer.certificatePem);
  writeFileSync(key, chain.signer.privateKeyPem);
  return { cert, key };
}

/** A key that belongs to no certificate in `files`: the test root's. */
function rootKeyFile(dir: string): string {
  const file = join(dir, 'root.key.pem');
  writeFileSync(file, good.root.privateKeyPem);
  return file;
}

let good: TestEvChain;
before(async () => {
  good = await createTestEvChain({ keyType: 'rsa' });
});

describe('mbprov config check', () => {
  it('the embedded demo is ready, and checking it writes nothing to the data folder', guard, () => {
    const dataDir = tempDir();
    const result = check({ MBPROV_DATA_DIR: dataDir });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /signer: a TEST chain generated/);
    assert.match(result.stdout, /^ready$/m);
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it(
    'a configured EV signer and TLS pair: ready, with the subjects; the database password is not printed',
    guard,
    () => {
      const dir = tempDir();
      const signer = files(dir, good, 'signer');
      const result = check({
        MBPROV_DATA_DIR: dir,
        MBPROV_SIGNING_CERT_FILE: signer.cert,
        MBPROV_SIGNING_KEY_FILE: signer.key,
        MBPROV_TLS_CERT_FILE: signer.cert,
        MBPROV_TLS_KEY_FILE: signer.key,
        DATABASE_URL: 'postgres://portal:s3cretpw@db.example:5432/mbprov',
      });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /signer: CN=.*, EV, until /);
      assert.match(result.stdout, /database: PostgreSQL db\.example:5432\/mbprov/);
      assert.ok(!`${result.stdout}${result.stderr}`.includes('s3cretpw'));
    },
  );

  it('a next signer is shown as announced in TrustedCertificates', guard, async () => {
    const dir = tempDir();
    const signer = files(dir, good, 'signer');
    const next = files(dir, await createTestEvChain({ name: 'Contoso Rotated' }), 'next');
    const result = check({
      MBPROV_DATA_DIR: dir,
      MBPROV_SIGNING_CERT_FILE: signer.cert,
      MBPROV_SIGNING_KEY_FILE: signer.key,
      MBPROV_SIGNING_NEXT_CERT_FILE: next.cert,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /next signer \(in TrustedCertificates\): CN=Contoso Rotated, .*EV/);
  });

  it(
    'a signer without EV: refused (exit 1, MBPROV_CERT_NOT_EV); with signing.requireEv false, ready (exit 0) with the warning on standard error',
    guard,
    async () => {
      const dir = tempDir();
      const signer = files(dir, await createBrokenSigner('no-ev-policy', good), 'signer');
      const env = {
        MBPROV_DATA_DIR: dir,
        MBPROV_SIGNING_CERT_FILE: signer.cert,
        MBPROV_SIGNING_KEY_FILE: signer.key,
      };
      const refused = check(env);
      assert.equal(refused.status, 1, refused.stderr);
      assert.match(
        refused.stderr,
        /MBPROV_CERT_NOT_EV: The signing certificate .*no EV policy.*signing\.requireEv/,
      );
      const config = demoConfig() as { signing?: Record<string, unknown> };
      config.signing = { ...config.signing, requireEv: false };
      const file = join(dir, 'portal.json');
      writeFileSync(file, JSON.stringify(config));
      const result = check(env, ['--config', file]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /signer: .*, not EV, /);
      assert.match(result.stderr, /warning: .*no EV policy.*signing\.requireEv is false/);
    },
  );

  it(
    'a signing.certFile whose intermediate CA has neither the EV policy nor anyPolicy: exit 1, MBPROV_CERT_NOT_EV; with anyPolicy: ready',
    guard,
    async () => {
      const dir = tempDir();
      const run = async (name: string, policies: string[]) => {
        const ca = await createCertificate({
          subject: `CN=Contoso ${name} CA, O=Contoso, C=US`,
          issuer: good.root,
          ca: true,
          policies,
        });
        const signer = await createCertificate({
          subject: `CN=Contoso Below ${name}, O=Contoso, C=US`,
          issuer: ca,
          policies: [EV_POLICY_OID],
        });
        const cert = join(dir, `${name}.crt.pem`);
        const key = join(dir, `${name}.key.pem`);
        writeFileSync(cert, signer.certificatePem + ca.certificatePem);
        writeFileSync(key, signer.privateKeyPem);
        return check({ MBPROV_DATA_DIR: dir, MBPROV_SIGNING_CERT_FILE: cert, MBPROV_SIGNING_KEY_FILE: key });
      };
      const refused = await run('Plain', []);
      assert.equal(refused.status, 1, refused.stderr);
      assert.match(
        refused.stderr,
        /MBPROV_CERT_NOT_EV: The signing certificate's chain \(signing\.certFile\): CN=Contoso Plain CA.*anyPolicy/,
      );
      const ready = await run('Any', [ANY_POLICY_OID]);
      assert.equal(ready.status, 0, ready.stderr);
    },
  );

  it('an expired signer, or a key that is not the certificate key: exit 1 with the code', guard, async () => {
    const dir = tempDir();
    const expired = files(dir, await createBrokenSigner('expired', good), 'expired');
    const result = check({
      MBPROV_DATA_DIR: dir,
      MBPROV_SIGNING_CERT_FILE: expired.cert,
      MBPROV_SIGNING_KEY_FILE: expired.key,
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /MBPROV_CERT_EXPIRED: The signing certificate .* expired/);
    const signer = files(dir, good, 'signer');
    const mismatch = check({
      MBPROV_DATA_DIR: dir,
      MBPROV_SIGNING_CERT_FILE: signer.cert,
      MBPROV_SIGNING_KEY_FILE: rootKeyFile(dir),
    });
    assert.equal(mismatch.status, 1);
    assert.match(mismatch.stderr, /MBPROV_SIG_KEY_MISMATCH/);
  });

  it(
    'a signer verification refuses for its key, extensions or purposes: exit 1 with the same code',
    guard,
    async () => {
      const dir = tempDir();
      const expected = {
        'weak-key': 'MBPROV_CERT_WEAK_KEY',
        'unknown-critical-extension': 'MBPROV_CERT_CRITICAL_EXTENSION',
        'non-repudiation-only': 'MBPROV_CERT_KEY_USAGE',
        'time-stamping-only': 'MBPROV_CERT_EXTENDED_KEY_USAGE',
      } as const;
      for (const [kind, code] of Object.entries(expected)) {
        const signer = files(dir, await createBrokenSigner(kind as keyof typeof expected, good), kind);
        const result = check({
          MBPROV_DATA_DIR: dir,
          MBPROV_SIGNING_CERT_FILE: signer.cert,
          MBPROV_SIGNING_KEY_FILE: signer.key,
        });
        assert.equal(result.status, 1, `${kind}: ${result.stderr}`);
        assert.match(result.stderr, new RegExp(`${code}: The signing certificate `), kind);
      }
    },
  );

  it('TLS files that are not a certificate and its key: exit 1, MBPROV_TLS_INVALID', guard, () => {
    const dir = tempDir();
    const signer = files(dir, good, 'signer');
    const result = check({
      MBPROV_DATA_DIR: dir,
      MBPROV_TLS_CERT_FILE: signer.cert,
      MBPROV_TLS_KEY_FILE: rootKeyFile(dir),
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /MBPROV_TLS_INVALID/);
  });

  it(
    'SMTP for receipts: a login variable not set is exit 1 naming it; set, the line names no secret',
    guard,
    () => {
      const dir = tempDir();
      const config = demoConfig() as Record<string, unknown>;
      config.smtp = {
        host: 'smtp.contoso.example',
        from: { address: 'receipts@contoso.example' },
        userEnv: 'RECEIPT_SMTP_USER',
        passwordEnv: 'RECEIPT_SMTP_PASSWORD',
      };
      const file = join(dir, 'portal.json');
      writeFileSync(file, JSON.stringify(config));
      const missing = check({ MBPROV_DATA_DIR: dir, RECEIPT_SMTP_USER: 'portal' }, ['--config', file]);
      assert.equal(missing.status, 1);
      assert.match(
        missing.stderr,
        /MBPROV_CONFIG_INVALID: smtp\.passwordEnv: the environment variable RECEIPT_SMTP_PASSWORD is not set/,
      );
      const env = { MBPROV_DATA_DIR: dir, RECEIPT_SMTP_USER: 'portal', RECEIPT_SMTP_PASSWORD: 's3cret-Pa55' };
      const ready = check(env, ['--config', file]);
      assert.equal(ready.status, 0, ready.stderr);
      assert.match(
        ready.stdout,
        /receipts by e-mail: smtp\.contoso\.example:587, STARTTLS required, login from RECEIPT_SMTP_USER and RECEIPT_SMTP_PASSWORD\n/,
      );
      assert.ok(!`${ready.stdout}${ready.stderr}`.includes('s3cret-Pa55'));
    },
  );

  it(
    "the ES2+ client files of the SM-DP+: ready with the client subject; a key not the certificate's or a CA file without a certificate is exit 1; an unreadable one exit 2",
    guard,
    () => {
      const dir = tempDir();
      const client = files(dir, good, 'es2-client');
      const caFile = join(dir, 'smdp-ca.pem');
      writeFileSync(caFile, good.root.certificatePem);
      const run = (es2plus: Record<string, string>) => {
        const config = demoConfig() as Record<string, unknown>;
        config.esim = {
          smdpAddress: 'smdp.contoso.example',
          functionRequesterIdentifier: 'contoso',
          es2plus: { url: 'https://smdp.contoso.example', ...es2plus },
        };
        const file = join(dir, 'portal.json');
        writeFileSync(file, JSON.stringify(config));
        return check({ MBPROV_DATA_DIR: dir }, ['--config', file]);
      };
      const ready = run({ clientCertFile: client.cert, clientKeyFile: client.key, caFile });
      assert.equal(ready.status, 0, ready.stderr);
      assert.match(
        ready.stdout,
        new RegExp(`eSIM: ES2\\+ https://smdp\\.contoso\\.example, client CN=.* until .*, CA ${caFile}\\n`),
      );
      const wrongKey = run({ clientCertFile: client.cert, clientKeyFile: rootKeyFile(dir), caFile });
      assert.equal(wrongKey.status, 1);
      assert.match(wrongKey.stderr, /MBPROV_TLS_INVALID: .*es2-client\.crt\.pem and .*root\.key\.pem/);
      const notCa = run({ clientCertFile: client.cert, clientKeyFile: client.key, caFile: client.key });
      assert.equal(notCa.status, 1);
      assert.match(
        notCa.stderr,
        /MBPROV_TLS_INVALID: .*es2-client\.key\.pem is not a file of CA certificates/,
      );
      const missing = run({
        clientCertFile: client.cert,
        clientKeyFile: client.key,
        caFile: join(dir, 'none.pem'),
      });
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /none\.pem/);
      assert.ok(
        !`${ready.stdout}${ready.stderr}${wrongKey.stderr}`.includes('PRIVATE KEY'),
        'no key printed',
      );
    },
  );

  it('a misspelt setting: exit 1 naming its path; a missing file: exit 2', guard, () => {
    const dir = tempDir();
    const config = demoConfig() as Record<string, unknown>;
    config.server = { trustProxi: true };
    const file = join(dir, 'portal.json');
    writeFileSync(file, JSON.stringify(config));
    const result = check({ MBPROV_DATA_DIR: dir }, ['--config', file]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /MBPROV_CONFIG_INVALID: .*\n.*\/server\/trustProxi: unknown setting/);
    assert.equal(check({ MBPROV_DATA_DIR: dir }, ['--config', join(dir, 'missing.json')]).status, 2);
  });
});
