// The certificate libraries load on first use (certificates/libraries.ts): importing @mbprov/core and validating or
// parsing a document must not load @peculiar/x509 (with tsyringe and the Reflect polyfill), @peculiar/asn1-cms or
// node-forge, which together take longer to load than Node takes to start; `mbprov validate` and `--help` pay for them
// otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTestEvChain, signModel } from '../src/index.ts';
import { fullModel } from './helpers/samples.ts';

/** Runs `body` after importing @mbprov/core in a fresh process; prints the certificate libraries then loaded. */
function loadedAfter(body: string): string[] {
  const script = `
import { createRequire } from 'node:module';
const core = await import('@mbprov/core');
${body}
const cache = Object.keys(createRequire(import.meta.url).cache);
const loaded = ['@peculiar/x509', '@peculiar/asn1-cms', 'node-forge', 'reflect-metadata', 'tsyringe'].filter((name) =>
  cache.some((file) => file.includes(\`/node_modules/\${name}/\`)),
);
console.log(JSON.stringify(loaded));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

const DOC = `'<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1"><Global><CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1</SubscriberId></Global></CarrierProvisioning>'`;

describe('certificate libraries load on first use', () => {
  it('importing the library, validating and parsing a document load none of them', () => {
    assert.deepEqual(loadedAfter(`core.validateDocument(${DOC}); core.parseDocument(${DOC});`), []);
  });

  it('verifying a signed document loads the ASN.1 schemas only, not @peculiar/x509 (mbprov verify)', async () => {
    const chain = await createTestEvChain({ name: 'Lazy verify' });
    const dir = mkdtempSync(join(tmpdir(), 'mbprov-lazy-'));
    try {
      const doc = join(dir, 'signed.xml');
      const root = join(dir, 'root.pem');
      writeFileSync(
        doc,
        signModel(fullModel(), { key: chain.signer.privateKey, certificate: chain.signer.certificate }),
      );
      writeFileSync(root, chain.root.certificatePem);
      const loaded = loadedAfter(`
const fs = await import('node:fs');
const result = core.verifyDocument(fs.readFileSync(${JSON.stringify(doc)}, 'utf8'), {
  trustAnchors: [fs.readFileSync(${JSON.stringify(root)}, 'utf8')], requireEv: true,
});
if (!result.valid) throw new Error(JSON.stringify(result.diagnostics));`);
      assert.deepEqual(loaded, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signing an Apple profile loads the CMS schemas, not @peculiar/x509 or node-forge', async () => {
    const chain = await createTestEvChain({ name: 'Lazy profile', keyType: 'ecdsa' });
    const signer = { privateKeyPem: chain.signer.privateKeyPem, certificatePem: chain.signer.certificatePem };
    const loaded = loadedAfter(`core.signMobileconfig('<plist/>', ${JSON.stringify(signer)});`);
    assert.deepEqual(loaded, ['@peculiar/asn1-cms']);
  });

  it('creating a test chain loads @peculiar/x509 (the check above can see it)', () => {
    const loaded = loadedAfter(`await core.createTestEvChain({ name: 'Lazy' });`);
    assert.ok(
      loaded.includes('@peculiar/x509') && loaded.includes('reflect-metadata'),
      JSON.stringify(loaded),
    );
  });
});
