// Runs every packages/*/test/**/*.test.ts with node's test runner on the TypeScript sources: tsx transpiles them
// and the `@mbprov/source` export condition makes `@mbprov/*` imports resolve to each package's src/ instead of its
// built dist/. Both go through NODE_OPTIONS so that every process and worker a test starts inherits them.
// (Node 20's --test does not expand globs itself.)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sourceNodeOptions } from './source-node-options.mjs';

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
for (const pkg of readdirSync('packages')) {
  const dir = join('packages', pkg, 'test');
  try {
    walk(dir);
  } catch {
    // a package without tests yet
  }
}
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (selected.length === 0) {
  console.error('No test files found.');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: sourceNodeOptions(process.env.NODE_OPTIONS) },
});
process.exit(result.status ?? 1);
