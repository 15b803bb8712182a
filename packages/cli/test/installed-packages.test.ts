// The four packages as a stranger gets them: built, packed with `npm pack`, installed from the tarballs into an empty
// project, and used there with plain Node (no tsx, no source condition): the library from a .mjs file, its types
// from a .ts consumer, the installed `mbprov` command, and `mbprov serve` answering over HTTPS until SIGTERM.
import assert from 'node:assert/strict';
import { type SpawnSyncOptions, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freeLoopbackPort } from '@mbprov/portal';

const root = new URL('../../../', import.meta.url).pathname;
const PACKAGES = ['core', 'simulator', 'portal', 'cli'];

/** The environment of a process outside the repository: no tsx, no source condition. */
function strangerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _dropped, ...env } = process.env;
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: strangerEnv(), ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed (${result.status}):\n${output}`);
  return { stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('the packed packages in an empty project', { timeout: 10 * 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-installed-'));
  const project = join(dir, 'project');
  const bin = join(project, 'node_modules', '.bin', 'mbprov');

  // The build this test makes in the repository is removed afterwards when there was none before, so that the tests
  // after it still run on the sources only (one that needs dist/ by mistake fails, as it would in CI).
  const builtBefore = PACKAGES.filter((p) => existsSync(join(root, 'packages', p, 'dist')));

  before(() => {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], {
      cwd: root,
    });
    const packed = run(
      'npm',
      ['pack', '--json', '--pack-destination', dir, ...PACKAGES.map((p) => `-w=packages/${p}`)],
      {
        cwd: root,
      },
    );
    const tarballs = (JSON.parse(packed.stdout) as Array<{ filename: string }>).map((t) =>
      join(dir, t.filename),
    );
    assert.equal(tarballs.length, 4);
    run('mkdir', [project]);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'stranger',
        private: true,
        type: 'module',
        allowScripts: { 'better-sqlite3': true },
      }),
    );
    // A TypeScript consumer has Node's types, as the repository does. The npm cache holds every dependency after the
    // repository's install: nothing needs the network.
    const typesNode = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies[
      '@types/node'
    ];
    const install = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, `@types/node@${typesNode}`],
      { cwd: project },
    );
    // No dependency may require a Node line we support (docs/packaging.md: the pins for Node 20).
    assert.doesNotMatch(install.stdout + install.stderr, /EBADENGINE/);
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const p of PACKAGES) {
      if (builtBefore.includes(p)) continue;
      rmSync(join(root, 'packages', p, 'dist'), { recursive: true, force: true });
      rmSync(join(root, 'packages', p, 'tsconfig.tsbuildinfo'), { force: true });
    }
  });

  it('ships compiled JavaScript, types and assets, and no sources or tests', () => {
    const files = (name: string) =>
      (
        JSON.parse(
          run('npm', ['pack', '--dry-run', '--json', `-w=packages/${name}`], { cwd: root }).stdout,
        ) as Array<{
          files: Array<{ path: string }>;
        }>
      )[0]?.files.map((f) => f.path) ?? [];
    const core = files('core');
    assert.ok(
      core.includes('dist/index.js') && core.includes('dist/index.d.ts') && core.includes('dist/testing.js'),
    );
    assert.ok(core.includes('schema/carrier-control-v2.xsd'));
    const portal = files('portal');
    assert.ok(portal.includes('templates/layout.eta') && portal.includes('public/provision.js'));
    for (const name of PACKAGES)
      for (const file of files(name))
        assert.doesNotMatch(file, /^(src|test)\/|\.ts$(?<!\.d\.ts)|\.map$/, file);
  });

  it('imports @mbprov/core from a plain .mjs file and validates, signs and verifies a document', () => {
    writeFileSync(
      join(project, 'use-core.mjs'),
      `import { buildDocument, createTestEvChain, signDocument, validateDocument, verifyDocument } from '@mbprov/core';
const xml = buildDocument({
  Global: { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1234567890' },
  WLANProfiles: { WLANProfile: [] },
});
const validation = validateDocument(xml);
const chain = await createTestEvChain({ name: 'Stranger' });
const signed = signDocument(xml, { key: chain.signer.privateKeyPem, certificate: chain.signer.certificatePem });
const verified = verifyDocument(signed, { trustAnchors: [chain.root.certificatePem] });
const tampered = verifyDocument(signed.replace('1234567890', '1234567891'), { trustAnchors: [chain.root.certificatePem] });
console.log(JSON.stringify({ valid: validation.valid, verified: verified.valid, tampered: tampered.valid }));
`,
    );
    const { stdout } = run(process.execPath, ['use-core.mjs'], { cwd: project });
    assert.deepEqual(JSON.parse(stdout), { valid: true, verified: true, tampered: false });
  });

  it('typechecks a TypeScript consumer against the shipped .d.ts files', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { type CarrierProvisioning, type ValidationResult, validateDocument } from '@mbprov/core';
import { createBrokenSigner } from '@mbprov/core/testing';
import { Machine } from '@mbprov/simulator';
import type { Config } from '@mbprov/portal';
const model: CarrierProvisioning = { Global: { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1' } };
const result: ValidationResult = validateDocument('<x/>');
const valid: boolean = result.valid;
export { createBrokenSigner, Machine, model, valid };
export type { Config };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.ts'],
      }),
    );
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: project,
    });
    // And a type error is caught: the shipped types are real, not `any`.
    writeFileSync(
      join(project, 'wrong.ts'),
      `import { validateDocument } from '@mbprov/core';\nconst n: number = validateDocument('<x/>');\nexport { n };\n`,
    );
    const wrong = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '--noEmit',
        '--module',
        'nodenext',
        '--strict',
        'wrong.ts',
      ],
      {
        cwd: project,
        encoding: 'utf8',
        env: strangerEnv(),
      },
    );
    assert.equal(wrong.status, 2, wrong.stdout);
    assert.match(wrong.stdout, /TS2322/);
  });

  it('runs the installed mbprov: --version, --help and validate', () => {
    const version = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')).version;
    assert.equal(run(bin, ['--version'], { cwd: project }).stdout.trim(), version);
    assert.match(run(bin, ['--help'], { cwd: project }).stdout, /validate/);
    writeFileSync(
      join(project, 'doc.xml'),
      '<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1"><Global>' +
        '<CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1</SubscriberId></Global>' +
        '</CarrierProvisioning>',
    );
    assert.match(run(bin, ['validate', 'doc.xml'], { cwd: project }).stdout, /doc\.xml: valid/);
    const bad = spawnSync(bin, ['validate', 'missing.xml'], {
      cwd: project,
      encoding: 'utf8',
      env: strangerEnv(),
    });
    assert.equal(bad.status, 2);
  });

  it('serves the portal from the installed packages and stops on SIGTERM with status 0', async () => {
    const port = await freeLoopbackPort();
    const child = spawn(bin, ['serve'], {
      cwd: project,
      env: strangerEnv({ PORT: String(port), MBPROV_DATA_DIR: join(dir, 'data') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        () => output.includes('listening on'),
        () => output,
      );
      const page = await get(
        `https://127.0.0.1:${port}/?SubId=310260000000001&IccId=8901260000000000018&DevId=490154203237518`,
      );
      assert.equal(page.status, 200);
      assert.match(page.body, /<html/);
      const script = await get(`https://127.0.0.1:${port}/static/provision.js`);
      assert.equal(script.status, 200, 'the static files ship in the package');
      assert.equal((await get(`https://127.0.0.1:${port}/healthz`)).status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
  });
});

async function waitFor(done: () => boolean, describe: () => string): Promise<void> {
  for (let i = 0; i < 600 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(done(), `the portal did not start:\n${describe()}`);
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}
