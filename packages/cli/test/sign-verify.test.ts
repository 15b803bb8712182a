// `mbprov sign` and `mbprov verify` as a user runs them: real processes, real key and certificate files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { buildDocument, createTestEvChain } from '@mbprov/core';
import { createBrokenSigner } from '@mbprov/core/testing';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const dir = mkdtempSync(join(tmpdir(), 'mbprov-sign-'));
const file = (name: string) => join(dir, name);
/** `mbprov sign` of the valid document with the test signer; each test adds its options. */
const signDoc = ['sign', file('doc.xml'), '--key', file('signer.key.pem'), '--cert', file('signer.crt.pem')];
const global = { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1234567890' };

before(async () => {
  const chain = await createTestEvChain({ name: 'CLI Test' });
  const other = await createTestEvChain({ name: 'Other' });
  writeFileSync(file('signer.key.pem'), chain.signer.privateKeyPem);
  writeFileSync(file('signer.crt.pem'), chain.signer.certificatePem);
  writeFileSync(file('root.crt.pem'), chain.root.certificatePem);
  writeFileSync(file('other-root.crt.pem'), other.root.certificatePem);
  const plain = await createBrokenSigner('no-ev-policy', chain);
  writeFileSync(file('plain.key.pem'), plain.signer.privateKeyPem);
  writeFileSync(file('plain.crt.pem'), plain.signer.certificatePem);
  writeFileSync(
    file('doc.xml'),
    buildDocument({
      Global: global,
      Plans: { Plan: [{ Name: 'P', Description: { PlanType: 'Unrestricted' } }] },
    }),
  );
  writeFileSync(file('invalid.xml'), buildDocument({ Global: { ...global, CarrierId: 'not-a-guid' } }));
});

describe('mbprov sign and verify', () => {
  it('signs a valid document to a file and verifies it against the root (exit 0)', () => {
    const signed = run([...signDoc, '-o', file('signed.xml')]);
    assert.equal(signed.status, 0, signed.stderr);
    assert.match(
      readFileSync(file('signed.xml'), 'utf8'),
      /<Signature xmlns="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">/,
    );
    const verified = run(['verify', file('signed.xml'), '--trust', file('root.crt.pem'), '--require-ev']);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /valid signature by .*CN=CLI Test.* \(EV\), thumbprint [0-9A-F]{40}/);
  });

  it('signs to standard output with exclusive C14N', () => {
    const r = run([...signDoc, '--exclusive']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /xml-exc-c14n#/);
  });

  it('refuses to sign an invalid document (exit 1) and says why', () => {
    const r = run([
      'sign',
      file('invalid.xml'),
      '--key',
      file('signer.key.pem'),
      '--cert',
      file('signer.crt.pem'),
      '-o',
      file('never.xml'),
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /MBPROV_CARRIER_ID_FORMAT/);
    assert.match(r.stderr, /MBPROV_SIG_DOCUMENT_INVALID/);
    assert.equal(
      run(['verify', file('never.xml'), '--trust', file('root.crt.pem')]).status,
      2,
      'nothing was written',
    );
  });

  it('reports an untrusted signer with its named reason (exit 1), as text and JSON', () => {
    run([...signDoc, '-o', file('signed2.xml')]);
    const r = run(['verify', file('signed2.xml'), '--trust', file('other-root.crt.pem')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /error MBPROV_CERT_CHAIN_UNTRUSTED/);
    const j = run(['verify', file('signed2.xml'), '--trust', file('other-root.crt.pem'), '--json']);
    assert.equal(JSON.parse(j.stdout).errors[0].code, 'MBPROV_CERT_CHAIN_UNTRUSTED');
  });

  it('reports tampering (exit 1)', () => {
    run([...signDoc, '-o', file('signed3.xml')]);
    writeFileSync(
      file('tampered.xml'),
      readFileSync(file('signed3.xml'), 'utf8').replace('PlanType="Unrestricted"', 'PlanType="Variable"'),
    );
    const r = run(['verify', file('tampered.xml'), '--trust', file('root.crt.pem')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /MBPROV_SIG_DIGEST_MISMATCH/);
  });

  it('checks validity at --at and rejects a date after expiry', () => {
    run([...signDoc, '-o', file('signed4.xml')]);
    const r = run([
      'verify',
      file('signed4.xml'),
      '--trust',
      file('root.crt.pem'),
      '--at',
      '2099-01-01T00:00:00Z',
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /MBPROV_CERT_EXPIRED/);
  });

  it('--source website or wifi-provider requires an EV signer (MBPROV_CERT_NOT_EV); refresh and app do not; without --source, a note', () => {
    const signed = run([
      'sign',
      file('doc.xml'),
      '--key',
      file('plain.key.pem'),
      '--cert',
      file('plain.crt.pem'),
      '-o',
      file('plain-signed.xml'),
    ]);
    assert.equal(signed.status, 0, signed.stderr);
    const verify = (...extra: string[]) =>
      run(['verify', file('plain-signed.xml'), '--trust', file('root.crt.pem'), ...extra]);
    for (const source of ['website', 'wifi-provider']) {
      const r = verify('--source', source);
      assert.equal(r.status, 1, source);
      assert.match(r.stdout, /error MBPROV_CERT_NOT_EV/, source);
    }
    for (const source of ['refresh', 'app']) {
      const r = verify('--source', source);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(r.stderr, '', source);
    }
    const plain = verify();
    assert.equal(plain.status, 0, 'backwards compatible: EV only when asked');
    assert.match(plain.stderr, /note: .*not an EV certificate.*--source website/);
    assert.equal(verify('--source', 'website', '--json').status, 1);
    assert.equal(verify('--source', 'websites').status, 2);
    // The EV signer passes as the web site's.
    run([...signDoc, '-o', file('signed5.xml')]);
    const ev = run(['verify', file('signed5.xml'), '--trust', file('root.crt.pem'), '--source', 'website']);
    assert.equal(ev.status, 0, ev.stdout + ev.stderr);
    assert.equal(ev.stderr, '');
  });

  it('exits 2 on usage and file errors', () => {
    assert.equal(run(['sign', file('doc.xml'), '--cert', file('signer.crt.pem')]).status, 2, 'missing --key');
    assert.equal(run(['verify', file('doc.xml')]).status, 2, 'missing --trust');
    const badKey = run([
      'sign',
      file('doc.xml'),
      '--key',
      file('root.crt.pem'),
      '--cert',
      file('signer.crt.pem'),
    ]);
    assert.equal(badKey.status, 2);
    assert.match(badKey.stderr, /MBPROV_SIG_KEY_MISMATCH/);
    assert.equal(run(['verify', file('doc.xml'), '--trust', file('root.crt.pem'), '--at', 'soon']).status, 2);
  });
});
