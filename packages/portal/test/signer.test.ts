// The signer is checked before the portal takes payments: a key that is not the certificate's, or a certificate
// Windows would refuse today, stops the start with a named error, and so does a certificate without the EV policy
// ("Account provisioning metadata must be signed with an extended validation (EV) certificate when provided by the
// web site") unless signing.requireEv is false; expiry within 30 days (and no EV, when allowed) is a warning.
// /healthz and /metrics tell when the certificate ends.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ANY_POLICY_OID,
  buildChain,
  createCertificate,
  createTestEvChain,
  describeCertificate,
  type TestEvChain,
  trustedCertificateEntry,
} from '@mbprov/core';
import { createBrokenSigner } from '@mbprov/core/testing';
import { checkSigner, loadSigner, type Signer } from '../src/activation/signer.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/schema.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { startPortal } from '../src/start.ts';

const CARRIER = '{00000000-1111-2222-3333-444444444444}';
const DAY_MS = 86_400_000;
const guard = { timeout: 120_000 };

function signerOf(chain: TestEvChain, key = chain.signer.privateKey): Signer {
  return {
    key,
    certificate: chain.signer.certificate,
    chain: [],
    test: false,
    trusted: [trustedCertificateEntry(chain.signer.certificate)],
  };
}

function refusedWith(code: string) {
  return (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, /signing certificate|private key/i);
    return true;
  };
}

let good: TestEvChain;
before(async () => {
  good = await createTestEvChain({ keyType: 'rsa' });
});

describe('checkSigner', () => {
  it('an EV signer valid for a year: no error, no warning', () => {
    assert.deepEqual(checkSigner(signerOf(good), new Date(), CARRIER), []);
  });

  it('a key that is not the certificate key: MBPROV_SIG_KEY_MISMATCH', () => {
    assert.throws(
      () => checkSigner(signerOf(good, good.root.privateKey), new Date(), CARRIER),
      (error: Error & { code?: string }) => error.code === 'MBPROV_SIG_KEY_MISMATCH',
    );
  });

  it('expired: MBPROV_CERT_EXPIRED; not yet valid: MBPROV_CERT_NOT_YET_VALID', guard, async () => {
    const expired = await createBrokenSigner('expired', good);
    assert.throws(
      () => checkSigner(signerOf(expired), new Date(), CARRIER),
      refusedWith('MBPROV_CERT_EXPIRED'),
    );
    const early = await createBrokenSigner('not-yet-valid', good);
    assert.throws(
      () => checkSigner(signerOf(early), new Date(), CARRIER),
      refusedWith('MBPROV_CERT_NOT_YET_VALID'),
    );
  });

  it(
    'a CA certificate: MBPROV_CERT_SIGNER_IS_CA; keyEncipherment only: MBPROV_CERT_KEY_USAGE',
    guard,
    async () => {
      const ca = await createBrokenSigner('ca-as-signer', good);
      assert.throws(
        () => checkSigner(signerOf(ca), new Date(), CARRIER),
        refusedWith('MBPROV_CERT_SIGNER_IS_CA'),
      );
      const usage = await createBrokenSigner('wrong-key-usage', good);
      assert.throws(
        () => checkSigner(signerOf(usage), new Date(), CARRIER),
        refusedWith('MBPROV_CERT_KEY_USAGE'),
      );
    },
  );

  it(
    'what verification refuses in a signer, the start refuses with the same code (weak key, unknown critical extension, nonRepudiation only, timeStamping only)',
    guard,
    async () => {
      for (const kind of [
        'weak-key',
        'unknown-critical-extension',
        'non-repudiation-only',
        'time-stamping-only',
      ] as const) {
        const broken = await createBrokenSigner(kind, good);
        const verified = buildChain(broken.signer.certificate, { trustAnchors: [good.root.certificate] });
        assert.ok('code' in verified, kind);
        assert.throws(
          () => checkSigner(signerOf(broken), new Date(), CARRIER),
          refusedWith(verified.code),
          kind,
        );
      }
    },
  );

  it(
    'an intermediate CA in signing.certFile that verification would refuse stops the start',
    guard,
    async () => {
      const weak = await createCertificate({
        subject: 'CN=Contoso Weak CA, O=Contoso, C=US',
        issuer: good.root,
        ca: true,
        rsaBits: 1024,
      });
      const signer = await createCertificate({
        subject: 'CN=Contoso Below Weak, O=Contoso, C=US',
        issuer: weak,
        policies: ['2.23.140.1.1'],
      });
      const configured = { ...signerOf({ root: good.root, signer }), chain: [weak.certificate] };
      assert.throws(() => checkSigner(configured, new Date(), CARRIER), refusedWith('MBPROV_CERT_WEAK_KEY'));
    },
  );

  it(
    'an intermediate CA in signing.certFile without the EV policy or anyPolicy: MBPROV_CERT_NOT_EV by default, a warning with requireEv false',
    guard,
    async () => {
      const ca = (name: string, policies?: string[]) =>
        createCertificate({
          subject: `CN=Contoso ${name} CA, O=Contoso, C=US`,
          issuer: good.root,
          ca: true,
          ...(policies ? { policies } : {}),
        });
      const [plain, any, ev] = await Promise.all([
        ca('Plain'),
        ca('Any', [ANY_POLICY_OID]),
        ca('EV', ['2.23.140.1.1']),
      ]);
      const below = (issuer: typeof plain) =>
        createCertificate({
          subject: 'CN=Contoso Signer, O=Contoso, C=US',
          issuer,
          policies: ['2.23.140.1.1'],
        });
      const configured = async (issuer: typeof plain, withRoot = false) => ({
        ...signerOf({ root: good.root, signer: await below(issuer) }),
        chain: withRoot ? [issuer.certificate, good.root.certificate] : [issuer.certificate],
      });
      const refused = await configured(plain);
      for (const options of [undefined, { requireEv: true }]) {
        assert.throws(
          () => checkSigner(refused, new Date(), CARRIER, options),
          (error: Error & { code?: string }) => {
            assert.equal(error.code, 'MBPROV_CERT_NOT_EV', error.message);
            assert.match(
              error.message,
              /chain \(signing\.certFile\): CN=Contoso Plain CA.*anyPolicy.*signing\.requireEv/,
            );
            return true;
          },
        );
      }
      // The same code as verification's EV walk for that path.
      const built = buildChain(refused.certificate, {
        trustAnchors: [good.root.certificate],
        intermediates: refused.chain,
        requireEv: true,
      });
      assert.equal('code' in built ? built.code : undefined, 'MBPROV_CERT_NOT_EV');
      const [warning, ...rest] = checkSigner(refused, new Date(), CARRIER, { requireEv: false });
      assert.deepEqual(rest, []);
      assert.match(warning as string, /CN=Contoso Plain CA.*signing\.requireEv is false/);
      // anyPolicy or the EV OID on the CA, with or without the root after it (the root is not constrained).
      for (const chain of [await configured(any), await configured(ev), await configured(any, true)])
        assert.deepEqual(checkSigner(chain, new Date(), CARRIER), []);
    },
  );

  it('no EV policy: MBPROV_CERT_NOT_EV by default, naming the opt-out', guard, async () => {
    const plain = await createBrokenSigner('no-ev-policy', good);
    for (const options of [undefined, {}, { requireEv: true }]) {
      assert.throws(
        () => checkSigner(signerOf(plain), new Date(), CARRIER, options),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'MBPROV_CERT_NOT_EV', error.message);
          assert.match(error.message, /The signing certificate .*no EV policy .*signing\.requireEv/);
          return true;
        },
      );
    }
  });

  it(
    'no EV policy with requireEv false, and an end within 30 days: two warnings, no error',
    guard,
    async () => {
      const plain = await createBrokenSigner('no-ev-policy', good);
      const [ev] = checkSigner(signerOf(plain), new Date(), CARRIER, { requireEv: false });
      assert.match(ev as string, /no EV policy.*signing\.requireEv is false/);
      const soon = {
        root: good.root,
        signer: await createCertificate({
          subject: 'CN=Contoso Soon, O=Contoso, C=US',
          issuer: good.root,
          days: 10,
          policies: ['2.23.140.1.1'],
        }),
      };
      const warnings = checkSigner(signerOf(soon), new Date(), CARRIER);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] as string, /expires on .*renew/);
    },
  );
});

describe('the next signer (signing.nextCertFile)', () => {
  it(
    'is listed after the signer in TrustedCertificates; one expired or without EV stops the start; one starting later is fine',
    guard,
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-signer-'));
      try {
        const file = (name: string, pem: string) => {
          writeFileSync(join(dataDir, name), pem);
          return join(dataDir, name);
        };
        const rotated = await createTestEvChain({ name: 'Contoso Rotated' });
        const env = {
          MBPROV_DATA_DIR: dataDir,
          MBPROV_SIGNING_CERT_FILE: file('signer.crt.pem', good.signer.certificatePem),
          MBPROV_SIGNING_KEY_FILE: file('signer.key.pem', good.signer.privateKeyPem),
          MBPROV_SIGNING_NEXT_CERT_FILE: file('next.crt.pem', rotated.signer.certificatePem),
        };
        const signer = await loadSigner(loadConfig({ env }), {});
        assert.deepEqual(
          signer.trusted.map((t) => t.SubjectName.split(',')[0]),
          ['CN=MBAPTestCert', 'CN=Contoso Rotated'],
        );
        assert.deepEqual(checkSigner(signer, new Date(), CARRIER), []);

        const expired = await createBrokenSigner('expired', rotated);
        env.MBPROV_SIGNING_NEXT_CERT_FILE = file('expired.crt.pem', expired.signer.certificatePem);
        const withExpired = await loadSigner(loadConfig({ env }), {});
        assert.throws(
          () => checkSigner(withExpired, new Date(), CARRIER),
          (error: Error & { code?: string }) =>
            error.code === 'MBPROV_CERT_EXPIRED' && /next signing certificate/.test(error.message),
        );

        const later = await createBrokenSigner('not-yet-valid', rotated);
        env.MBPROV_SIGNING_NEXT_CERT_FILE = file('later.crt.pem', later.signer.certificatePem);
        assert.deepEqual(checkSigner(await loadSigner(loadConfig({ env }), {}), new Date(), CARRIER), []);

        // A next signer without EV would sign refused documents once its turn comes: refused now.
        const plainNext = await createBrokenSigner('no-ev-policy', rotated);
        env.MBPROV_SIGNING_NEXT_CERT_FILE = file('plain.crt.pem', plainNext.signer.certificatePem);
        const withPlain = await loadSigner(loadConfig({ env }), {});
        assert.throws(
          () => checkSigner(withPlain, new Date(), CARRIER),
          (error: Error & { code?: string }) =>
            error.code === 'MBPROV_CERT_NOT_EV' && /next signing certificate/.test(error.message),
        );
        assert.equal(checkSigner(withPlain, new Date(), CARRIER, { requireEv: false }).length, 1);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe('the generated TEST chain', () => {
  it('is replaced at start when it ends within 30 days', guard, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-signer-'));
    try {
      const dir = join(dataDir, 'signing');
      mkdirSync(dir, { recursive: true });
      const old = await createCertificate({
        subject: 'CN=Old Test, O=Contoso, C=US',
        issuer: good.root,
        days: 5,
      });
      writeFileSync(join(dir, 'root.crt.pem'), good.root.certificatePem);
      writeFileSync(join(dir, 'signer.crt.pem'), old.certificatePem);
      writeFileSync(join(dir, 'signer.key.pem'), old.privateKeyPem);
      const config = loadConfig({ env: { MBPROV_DATA_DIR: dataDir } });
      const signer = await loadSigner(config, {});
      assert.ok(new Date(signer.certificate.validTo).getTime() - Date.now() > 365 * DAY_MS);
      assert.notEqual(readFileSync(join(dir, 'root.crt.pem'), 'utf8'), good.root.certificatePem);
      assert.deepEqual(checkSigner(signer, new Date(), config.operator.carrierId), []);
      // The generated TEST chain is EV: the default requirement holds without any configuration.
      assert.equal(config.signing.requireEv, true);
      assert.equal(describeCertificate(signer.certificate).ev, true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('startPortal with a configured signer', () => {
  const dataDirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mbprov-signer-'));
    dataDirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a signer's files and the environment that configures them. */
  async function environment(chain: TestEvChain) {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'signer.crt.pem'), chain.signer.certificatePem);
    writeFileSync(join(dataDir, 'signer.key.pem'), chain.signer.privateKeyPem);
    const port = await freeLoopbackPort();
    return {
      port,
      env: {
        MBPROV_DATA_DIR: dataDir,
        PORT: String(port),
        MBPROV_PUBLIC_URL: `https://localhost:${port}`,
        MBPROV_SIGNING_CERT_FILE: join(dataDir, 'signer.crt.pem'),
        MBPROV_SIGNING_KEY_FILE: join(dataDir, 'signer.key.pem'),
      },
    };
  }

  it('refuses to start with an expired signing certificate, naming it', guard, async () => {
    const { env } = await environment(await createBrokenSigner('expired', good));
    await assert.rejects(startPortal({ env, logger: false }), refusedWith('MBPROV_CERT_EXPIRED'));
  });

  it('refuses to start with a certificate without EV by default (MBPROV_CERT_NOT_EV)', guard, async () => {
    const { env } = await environment(await createBrokenSigner('no-ev-policy', good));
    await assert.rejects(startPortal({ env, logger: false }), refusedWith('MBPROV_CERT_NOT_EV'));
  });

  it(
    'with signing.requireEv false, starts with a certificate without EV, printing the warning; /healthz and /metrics tell its end',
    guard,
    async () => {
      const plain = await createBrokenSigner('no-ev-policy', good);
      const { env, port } = await environment(plain);
      const lines: string[] = [];
      const optOut = (config: Config) => {
        config.signing.requireEv = false;
      };
      const portal = await startPortal({ env, adjust: optOut, logger: false }, (line) => lines.push(line));
      try {
        assert.ok(
          lines.some((l) => /Signing: warning: .*no EV policy/.test(l)),
          lines.join('\n'),
        );
        const health = JSON.parse(await get(port, '/healthz')) as {
          status: string;
          signer: { notAfter: string; daysLeft: number; test: boolean };
        };
        assert.equal(health.status, 'ok');
        assert.equal(health.signer.notAfter, new Date(plain.signer.certificate.validTo).toISOString());
        assert.ok(
          health.signer.daysLeft >= 363 && health.signer.daysLeft <= 365,
          String(health.signer.daysLeft),
        );
        assert.equal(health.signer.test, false);
        const key = readFileSync(join(env.MBPROV_DATA_DIR, 'demo-api-key.txt'), 'utf8').trim();
        const metrics = await get(port, '/metrics', { authorization: `Bearer ${key}` });
        const expiry = /^mbprov_signer_expiry_timestamp_seconds (\d+)$/m.exec(metrics)?.[1];
        assert.equal(Number(expiry), Math.floor(Date.parse(plain.signer.certificate.validTo) / 1000));
      } finally {
        await portal.close();
      }
    },
  );
});

/** GET over HTTPS from the portal's development certificate (a test on loopback only). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers, rejectUnauthorized: false, servername: 'localhost' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`${path}: ${res.statusCode} ${body}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}
