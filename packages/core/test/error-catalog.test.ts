// The code catalog is the single source of docs/error-codes.md, and every code the library emits is in it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errorCodesPage } from '../../../scripts/gen-error-codes.ts';
import { codes } from '../src/index.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Where a code is used as a code (environment variables such as MBPROV_DATA_DIR share the prefix but are not codes).
const CODE_USE =
  /(?:MbprovError\(\s*|diagnostic\(\s*|report\(\s*|Refusal\(\s*|code:\s*|code === |codes?\.has\()'(MBPROV_[A-Z0-9_]*[A-Z0-9])'/g;

describe('error code catalog', () => {
  it('docs/error-codes.md is generated from the current catalog', () => {
    const page = readFileSync(new URL('../../../docs/error-codes.md', import.meta.url), 'utf8');
    assert.equal(page, errorCodesPage(), 'run: node --import tsx scripts/gen-error-codes.ts');
  });

  it('every MBPROV_ code used in the sources is in the catalog', () => {
    const used = new Set<string>();
    for (const file of sources(new URL('../../', import.meta.url).pathname)) {
      if (file.includes('node_modules')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(CODE_USE)) used.add(m[1] as string);
    }
    const unknown = [...used].filter((c) => !(c in codes));
    assert.deepEqual(unknown, []);
  });
});
