// `mbprov apikey`: keys are created with scopes (shown once), listed without secrets, revoked; bad scopes are
// usage errors. The key works against the portal's back-office API.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { authenticate, openStore } from '@mbprov/portal/testing';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-apikey-'));
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MBPROV_DATA_DIR: dataDir },
  });

describe('mbprov apikey', () => {
  it('creates a key with scopes, lists it without its secret, revokes it', async () => {
    const created = run([
      'apikey',
      'create',
      '--name',
      'billing',
      '--scope',
      'usage:write',
      '--scope',
      'policy:read',
    ]);
    assert.equal(created.status, 0, created.stderr);
    const key = /^key (mbp_\S+)$/m.exec(created.stdout)?.[1];
    const id = /^id (\S+)$/m.exec(created.stdout)?.[1];
    assert.ok(key && id);
    const store = await openStore({ sqliteFile: join(dataDir, 'mbprov.sqlite') });
    try {
      const caller = await authenticate(store.db, `Bearer ${key}`);
      assert.deepEqual([...(caller?.scopes ?? [])].sort(), ['policy:read', 'usage:write']);
      const listed = run(['apikey', 'list']);
      assert.match(listed.stdout, new RegExp(`${id}\\s+billing\\s+usage:write policy:read`));
      assert.ok(!listed.stdout.includes(key.slice(22)), 'no secret in the list');
      assert.equal(run(['apikey', 'revoke', id]).status, 0);
      assert.equal(await authenticate(store.db, `Bearer ${key}`), undefined);
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown scope, a missing name and an unknown key id (exit 2)', () => {
    assert.equal(run(['apikey', 'create', '--name', 'x', '--scope', 'everything']).status, 2);
    assert.equal(run(['apikey', 'create', '--scope', 'admin']).status, 2);
    assert.equal(run(['apikey', 'revoke', 'ffffffffffffffff']).status, 2);
  });
});
