// Every name a package's entry point exports carries a doc comment: the shipped .d.ts files are what a user reads in
// an editor. Read with the TypeScript compiler from the entry points the packages' `exports` give.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import ts from 'typescript';

const packages = new URL('../../', import.meta.url);

/** The source file of each entry point of each package (the `@mbprov/source` condition of its exports). */
function entryPoints(): string[] {
  const files: string[] = [];
  for (const name of ['core', 'simulator', 'portal', 'cli']) {
    const manifest = JSON.parse(readFileSync(new URL(`${name}/package.json`, packages), 'utf8'));
    for (const target of Object.values(manifest.exports as Record<string, unknown>)) {
      const source = (target as { '@mbprov/source'?: string })['@mbprov/source'];
      if (source) files.push(new URL(`${name}/${source}`, packages).pathname);
    }
  }
  return files;
}

describe('public API', () => {
  it('every export of every entry point has a doc comment', () => {
    const entries = entryPoints();
    assert.ok(entries.length >= 6, `entry points: ${entries.join(', ')}`);
    const program = ts.createProgram(entries, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      noEmit: true,
      strict: true,
      customConditions: ['@mbprov/source'],
    });
    const checker = program.getTypeChecker();
    const undocumented: string[] = [];
    let count = 0;
    for (const entry of entries) {
      const file = program.getSourceFile(entry);
      const module = file && checker.getSymbolAtLocation(file);
      assert.ok(module, `${entry} is not a module`);
      for (const symbol of checker.getExportsOfModule(module)) {
        count++;
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        if (target.getDocumentationComment(checker).length === 0)
          undocumented.push(`${entry.slice(packages.pathname.length)}: ${symbol.name}`);
      }
    }
    assert.ok(count > 200, `only ${count} exports found`);
    assert.deepEqual(undocumented, []);
  });
});
