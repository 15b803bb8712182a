// `mbprov cert` as a user runs it: a real process, real files in a temporary folder, its output and exit status.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fromPkcs12, loadCertificates, thumbprint } from '@mbprov/core';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });
const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;

const tmp = mkdtempSync(join(tmpdir(), 'mbprov-cert-cli-'));
const out = join(tmp, 'chain');
const FILES = ['root.cer', 'root.crt.pem', 'root.key.pem', 'signer.crt.pem', 'signer.key.pem', 'signer.p12'];
const snapshot = (dir: string) =>
  Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
const mode = (path: string) => statSync(path).mode & 0o777;

let created: ReturnType<typeof run>;
before(() => {
  created = run(['cert', 'test-ev', '--out', out]);
});

describe('mbprov cert test-ev', () => {
  it('writes the root and signer as PEM, DER and PKCS#12, prints each path and a TEST ONLY warning, exits 0', () => {
    assert.equal(created.status, 0, created.stderr);
    assert.deepEqual(readdirSync(out).sort(), FILES);
    for (const f of FILES) assert.ok(created.stdout.includes(join(out, f)), `${f} is printed`);
    assert.match(created.stderr, /WARNING: TEST ONLY/);
    assert.match(created.stdout, /password: mbprov-test/);
    const rootPem = loadCertificates(readFileSync(join(out, 'root.crt.pem')))[0] as X509Certificate;
    const rootDer = new X509Certificate(readFileSync(join(out, 'root.cer')));
    assert.ok(rootDer.raw.equals(rootPem.raw), 'root.cer is the DER of root.crt.pem');
    const signer = loadCertificates(readFileSync(join(out, 'signer.crt.pem')))[0] as X509Certificate;
    assert.ok(signer.checkIssued(rootDer) && signer.verify(rootDer.publicKey));
    assert.match(created.stdout, new RegExp(`signer thumbprint: ${thumbprint(signer)}`));
  });

  it('writes key files and the PKCS#12 with mode 0600, certificates 0644', () => {
    for (const f of ['root.key.pem', 'signer.key.pem', 'signer.p12'])
      assert.equal(mode(join(out, f)), 0o600, f);
    for (const f of ['root.cer', 'root.crt.pem', 'signer.crt.pem'])
      assert.equal(mode(join(out, f)), 0o644, f);
  });

  it('signer.p12 opens with the default password and holds the signer key, certificate and root', () => {
    const p12 = fromPkcs12(readFileSync(join(out, 'signer.p12')), 'mbprov-test');
    assert.equal(p12.certificatePem, readFileSync(join(out, 'signer.crt.pem'), 'utf8'));
    assert.equal(p12.privateKeyPem, readFileSync(join(out, 'signer.key.pem'), 'utf8'));
    assert.deepEqual(p12.chainPems, [readFileSync(join(out, 'root.crt.pem'), 'utf8')]);
    assert.equal(p12.friendlyName, 'MBAPTestCert');
  });

  it('refuses to overwrite existing files (exit 2, MBPROV_OUTPUT_EXISTS) and writes nothing', () => {
    const before = snapshot(out);
    const again = run(['cert', 'test-ev', '--out', out]);
    assert.equal(again.status, 2);
    assert.match(
      again.stderr,
      /^mbprov: error MBPROV_OUTPUT_EXISTS: refusing to overwrite .*root\.crt\.pem.*--force/m,
    );
    assert.deepEqual(snapshot(out), before);
    // One existing file is enough to refuse.
    const partial = join(tmp, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'signer.p12'), 'keep me');
    const one = run(['cert', 'test-ev', '--out', partial]);
    assert.equal(one.status, 2);
    assert.match(one.stderr, /MBPROV_OUTPUT_EXISTS: refusing to overwrite .*signer\.p12/);
    assert.deepEqual(readdirSync(partial), ['signer.p12']);
    assert.equal(readFileSync(join(partial, 'signer.p12'), 'utf8'), 'keep me');
  });

  it('replaces the files with --force, restoring mode 0600 on keys', () => {
    const forced = join(tmp, 'forced');
    assert.equal(run(['cert', 'test-ev', '--out', forced]).status, 0);
    const before = snapshot(forced);
    chmodSync(join(forced, 'signer.key.pem'), 0o644);
    const r = run(['cert', 'test-ev', '--out', forced, '--force']);
    assert.equal(r.status, 0, r.stderr);
    const after = snapshot(forced);
    for (const f of FILES) assert.notEqual(after[f], before[f], `${f} was replaced`);
    assert.equal(mode(join(forced, 'signer.key.pem')), 0o600);
  });

  it('applies --name, --days, --key ecdsa and --password', () => {
    const dir = join(tmp, 'custom');
    const r = run([
      'cert',
      'test-ev',
      '--out',
      dir,
      '--name',
      'Contoso Test',
      '--days',
      '30',
      '--key',
      'ecdsa',
      '--password',
      'p@ss w0rd',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /password: p@ss w0rd/);
    const json = run(['cert', 'inspect', '--json', join(dir, 'signer.p12'), '--password', 'p@ss w0rd']);
    assert.equal(json.status, 0, json.stderr);
    const [signer, root] = JSON.parse(json.stdout) as Array<{
      subject: string;
      keyAlgorithm: string;
      notBefore: string;
      notAfter: string;
    }>;
    assert.equal(signer?.subject, 'CN=Contoso Test, O=mbprov test, OU=TEST ONLY');
    assert.equal(root?.subject, 'CN=Contoso Test Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED');
    assert.equal(signer?.keyAlgorithm, 'ECDSA P-256');
    const days =
      (Date.parse(signer?.notAfter as string) - Date.parse(signer?.notBefore as string)) / 86_400_000;
    assert.ok(days > 30 && days < 30.01, `validity ${days} days`);
  });

  it('exits 2 on usage errors and writes nothing', () => {
    const dir = join(tmp, 'never');
    for (const args of [
      ['--key', 'dsa'],
      ['--days', '0'],
      ['--days', 'soon'],
      ['--password', 'pässword'],
    ]) {
      const r = run(['cert', 'test-ev', '--out', dir, ...args]);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(!existsSync(join(dir, 'signer.p12')), `${args.join(' ')} wrote nothing`);
    }
    const noOut = run(['cert', 'test-ev']);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /required option '--out <dir>'/);
  });
});

describe('mbprov cert thumbprint / inspect / trusted-entry', () => {
  const garbage = join(tmp, 'garbage.pem');
  writeFileSync(garbage, 'not a certificate\n');

  it('thumbprint prints the SHA-1 of the DER in uppercase hex without colons, for PEM and DER', () => {
    const expected = thumbprint(new X509Certificate(readFileSync(join(out, 'root.cer'))));
    for (const f of ['root.crt.pem', 'root.cer']) {
      const r = run(['cert', 'thumbprint', join(out, f)]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${expected}\n`);
    }
    if (hasOpenssl) {
      const ossl = execFileSync(
        'openssl',
        ['x509', '-in', join(out, 'root.crt.pem'), '-noout', '-fingerprint', '-sha1'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(ossl.trim().replace(/^.*=/, '').replace(/:/g, ''), expected);
    }
    const sha256 = run(['cert', 'thumbprint', '--sha256', join(out, 'root.cer')]);
    assert.match(sha256.stdout, /^[0-9A-F]{64}\n$/);
  });

  it('thumbprint prints one line per certificate of a bundle, reading standard input with -', () => {
    const bundle =
      readFileSync(join(out, 'signer.crt.pem'), 'utf8') + readFileSync(join(out, 'root.crt.pem'), 'utf8');
    const r = run(['cert', 'thumbprint', '-'], bundle);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), loadCertificates(bundle).map(thumbprint));
  });

  it('inspect prints subject, issuer, validity, EV, CA, key usage and thumbprint of each certificate', () => {
    const bundle = join(tmp, 'bundle.pem');
    writeFileSync(
      bundle,
      readFileSync(join(out, 'signer.crt.pem'), 'utf8') + readFileSync(join(out, 'root.crt.pem'), 'utf8'),
    );
    const r = run(['cert', 'inspect', bundle]);
    assert.equal(r.status, 0, r.stderr);
    const [signerText, rootText] = r.stdout.split(/^.*: certificate 2 of 2$/m) as [string, string];
    assert.match(signerText, /bundle\.pem: certificate 1 of 2/);
    assert.match(signerText, /Subject: +CN=MBAPTestCert, O=mbprov test, OU=TEST ONLY$/m);
    assert.match(
      signerText,
      /Issuer: +CN=MBAPTestCert Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED$/m,
    );
    assert.match(signerText, /Valid from: +\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    assert.match(signerText, /Valid to: +\d{4}-/m);
    assert.match(signerText, /EV: +yes \(2\.23\.140\.1\.1\)$/m);
    assert.match(signerText, /CA: +no$/m);
    assert.match(signerText, /Key usage: +digitalSignature$/m);
    assert.match(signerText, /Thumbprint: +[0-9A-F]{40}$/m);
    assert.match(signerText, /Key: +RSA 2048$/m);
    assert.match(rootText, /EV: +no$/m);
    assert.match(rootText, /CA: +yes \(self-signed\)$/m);
    assert.match(rootText, /Key usage: +keyCertSign, cRLSign$/m);
  });

  it('inspect --json prints one object per certificate', () => {
    const r = run(['cert', 'inspect', '--json', join(out, 'signer.crt.pem')]);
    assert.equal(r.status, 0, r.stderr);
    const [d] = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    assert.equal(d?.ev, true);
    assert.equal(d?.isCa, false);
    assert.deepEqual(d?.keyUsage, ['digitalSignature']);
    assert.equal(
      d?.thumbprint,
      thumbprint(loadCertificates(readFileSync(join(out, 'signer.crt.pem')))[0] as X509Certificate),
    );
  });

  it('trusted-entry prints TrustedCertificate elements with SubjectName and IssuerName', () => {
    const r = run(['cert', 'trusted-entry', join(out, 'signer.crt.pem')]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        '<TrustedCertificate xmlns="http://www.microsoft.com/networking/CarrierControl/v1">',
        '  <SubjectName xmlns="http://www.microsoft.com/networking/CarrierControl/Base/v1">CN=MBAPTestCert, O=mbprov test, OU=TEST ONLY</SubjectName>',
        '  <IssuerName xmlns="http://www.microsoft.com/networking/CarrierControl/Base/v1">CN=MBAPTestCert Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED</IssuerName>',
        '</TrustedCertificate>',
        '',
      ].join('\n'),
    );
  });

  it('exits 2 with "mbprov: error CODE: message" on a bad or missing file, a key file, or a PKCS#12 without the right password', () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['cert', 'inspect', garbage],
        /^mbprov: error MBPROV_CERT_INVALID: .*garbage\.pem: the input is neither PEM/m,
      ],
      [['cert', 'thumbprint', garbage], /^mbprov: error MBPROV_CERT_INVALID: /m],
      [['cert', 'trusted-entry', garbage], /^mbprov: error MBPROV_CERT_INVALID: /m],
      [['cert', 'inspect', join(out, 'signer.key.pem')], /MBPROV_CERT_INVALID: .*found only PRIVATE KEY/],
      [
        ['cert', 'inspect', join(tmp, 'missing.pem')],
        /^mbprov: error MBPROV_IO_ERROR: cannot read .*missing\.pem: no such file/m,
      ],
      [
        ['cert', 'inspect', join(out, 'signer.p12')],
        /^mbprov: error MBPROV_CLI_USAGE: .*signer\.p12 is a PKCS#12 file: pass its --password/m,
      ],
      [
        ['cert', 'inspect', join(out, 'signer.p12'), '--password', 'nope'],
        /^mbprov: error MBPROV_PKCS12_INVALID: .*wrong password/m,
      ],
      [['cert', 'inspect'], /missing required argument 'file'/],
      [['cert', 'bogus'], /unknown command 'bogus'/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
});
