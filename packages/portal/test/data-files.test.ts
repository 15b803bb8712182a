// What the portal writes under its data directory is owner-only: the SQLite file and its companions (0600) like the
// key files, and the directories it creates (0700), whatever the umask lets other files be.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { loadSecrets } from '../src/security/secrets.ts';
import { openStore } from '../src/storage/database.ts';
import { addSims } from '../src/storage/sims.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const root = mkdtempSync(join(tmpdir(), 'mbprov-modes-'));

describe('data directory modes', () => {
  let umask: number;
  before(() => {
    // The common default: without care, new files are world-readable (0644) and directories 0755.
    umask = process.umask(0o022);
  });
  after(() => {
    process.umask(umask);
  });

  it('a new SQLite file, its -wal and -shm files are 0600 and the directories made for it 0700', async () => {
    const dir = join(root, 'fresh', 'data');
    const file = join(dir, 'mbprov.sqlite');
    const store = await openStore({ sqliteFile: file });
    try {
      await addSims(store.db, [{ iccid: '8901260000000000018', imsi: '310260000000001' }], 'now');
      assert.equal(mode(file).toString(8), '600');
      assert.equal(mode(`${file}-wal`).toString(8), '600');
      assert.equal(mode(`${file}-shm`).toString(8), '600');
      assert.equal(mode(dir).toString(8), '700');
      assert.equal(mode(join(root, 'fresh')).toString(8), '700');
    } finally {
      await store.close();
    }
  });

  it('a world-readable SQLite file and companions left by an older version become 0600 when opened', async () => {
    const dir = join(root, 'older');
    mkdirSync(dir);
    const file = join(dir, 'mbprov.sqlite');
    const old = new SQLite(file);
    old.pragma('journal_mode = WAL');
    old.exec('create table t (x); insert into t values (1)');
    old.close();
    writeFileSync(`${file}-wal`, '');
    writeFileSync(`${file}-shm`, '');
    assert.equal(mode(file).toString(8), '644');
    const store = await openStore({ sqliteFile: file });
    try {
      for (const path of [file, `${file}-wal`, `${file}-shm`])
        assert.equal(mode(path).toString(8), '600', path);
      assert.equal(mode(dir).toString(8), '755', 'a directory the operator made keeps its mode');
    } finally {
      await store.close();
    }
  });

  it('the data directory made for the generated secret key is 0700, the key 0600', () => {
    const dir = join(root, 'secrets', 'data');
    loadSecrets(undefined, join(dir, 'secret.key'));
    assert.equal(mode(dir).toString(8), '700');
    assert.equal(mode(join(dir, 'secret.key')).toString(8), '600');
  });
});
