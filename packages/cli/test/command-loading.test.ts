// Each command loads only what it uses (commands/catalog.ts): `mbprov --help` loads no package of mbprov, and
// `validate`, `sign`, `verify` and `cert` never load the portal, its web server or its database drivers. A module
// loader hook records every module the process loads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildDocument, createTestEvChain, signDocument } from '@mbprov/core';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mbprov-loading-'));
const hook = join(dir, 'record-hook.mjs');
const register = join(dir, 'register.mjs');
writeFileSync(
  hook,
  `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.MBPROV_LOADED_LIST, url + '\\n');
  return next(url, context);
}
`,
);
writeFileSync(
  register,
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
);

/** The modules `mbprov ...args` loads, as URLs. */
function modulesLoadedBy(args: string[]): string[] {
  const list = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(list, '');
  const r = spawnSync(process.execPath, ['--import', register, bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MBPROV_LOADED_LIST: list },
  });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

const PORTAL = /\/packages\/portal\/|\/node_modules\/(fastify|@fastify|kysely|pg|pg-boss|better-sqlite3)\//;

describe('a command loads only what it uses', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help loads no mbprov package and no dependency but commander', () => {
    const loaded = modulesLoadedBy(['--help']);
    assert.ok(
      loaded.some((url) => url.includes('/packages/cli/')),
      'the hook saw the CLI load',
    );
    assert.deepEqual(
      loaded.filter((url) => /\/packages\/(core|simulator|portal)\//.test(url) || url.includes('libxml2')),
      [],
    );
  });

  it('validate, sign, verify and cert never load the portal, Fastify or a database driver', async () => {
    const chain = await createTestEvChain({ name: 'Loading' });
    const files = {
      doc: join(dir, 'doc.xml'),
      signed: join(dir, 'signed.xml'),
      key: join(dir, 'signer.key.pem'),
      cert: join(dir, 'signer.crt.pem'),
      root: join(dir, 'root.crt.pem'),
    };
    const xml = buildDocument({
      Global: { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1234567890' },
      WLANProfiles: { WLANProfile: [] },
    });
    writeFileSync(files.doc, xml);
    writeFileSync(
      files.signed,
      signDocument(xml, { key: chain.signer.privateKey, certificate: chain.signer.certificate }),
    );
    writeFileSync(files.key, chain.signer.privateKeyPem);
    writeFileSync(files.cert, chain.signer.certificatePem);
    writeFileSync(files.root, chain.root.certificatePem);
    for (const args of [
      ['validate', '--quiet', files.doc],
      ['sign', files.doc, '--key', files.key, '--cert', files.cert, '-o', join(dir, 'out.xml')],
      ['verify', files.signed, '--trust', files.root],
      ['cert', 'inspect', files.cert],
    ]) {
      const loaded = modulesLoadedBy(args);
      assert.ok(
        loaded.some((url) => url.includes('/packages/core/')),
        `${args[0]}: the hook saw the library load`,
      );
      assert.deepEqual(
        loaded.filter((url) => PORTAL.test(url)),
        [],
        args[0],
      );
    }
  });
});
