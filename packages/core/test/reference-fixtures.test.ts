// Every example XML of the published reference is a fixture with its verdict pinned (manifest.json says why
// each invalid one is invalid). A fragment's verdict is that of the fragment wrapped in a minimal document.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseXmlSafely, validateDocument, validateXsd } from '../src/index.ts';

interface Entry {
  file: string;
  wrapped: string | null;
  kind: 'document' | 'fragment' | 'result';
  source: string;
  line: number;
  title: string;
  expected: 'valid' | 'invalid';
  reason: string | null;
  expectedCodes: string[];
}

const dir = new URL('./fixtures/reference/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as Entry[];
const read = (name: string) => readFileSync(new URL(name, dir));

describe('published reference examples', () => {
  it('covers both seeds and the account provisioning page', () => {
    const sources = new Set(manifest.map((e) => e.source));
    assert.ok(
      [...sources].some((s) => s.includes('seeds/004')),
      'the Japanese account provisioning seed',
    );
    assert.ok(sources.has('windows-docs/account-provisioning.md'));
    assert.ok(manifest.length >= 30);
  });

  for (const entry of manifest) {
    const target = entry.wrapped ?? entry.file;
    const label = `${entry.source}:${entry.line} ${entry.title} (${target}) is ${entry.expected}${entry.reason ? `: ${entry.reason}` : ''}`;
    it(label, () => {
      if (entry.kind === 'result') {
        const parsed = parseXmlSafely(read(target));
        const errors = parsed.ok
          ? (() => {
              try {
                const kind = parsed.xml.doc.root.namespaceUri.includes('/v2') ? 'resultV2' : 'resultV1';
                return validateXsd(parsed.xml, kind);
              } finally {
                parsed.xml.dispose();
              }
            })()
          : parsed.diagnostics;
        assert.equal(errors.length === 0 ? 'valid' : 'invalid', entry.expected, JSON.stringify(errors));
        for (const code of entry.expectedCodes)
          assert.ok(
            errors.some((d) => d.code === code),
            `expected ${code}`,
          );
        return;
      }
      const result = validateDocument(read(target));
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(result.valid ? 'valid' : 'invalid', entry.expected, JSON.stringify(errors, null, 1));
      for (const code of entry.expectedCodes) {
        assert.ok(
          result.diagnostics.some((d) => d.code === code),
          `expected ${code} in ${JSON.stringify(result.diagnostics)}`,
        );
      }
      if (entry.expected === 'invalid') {
        for (const e of errors)
          assert.ok(e.line && e.line > 0, `error ${e.code} carries a line: ${JSON.stringify(e)}`);
      }
      if (entry.wrapped) {
        // The bare fragment is not a document: it is refused for its root element.
        const bare = validateDocument(read(entry.file));
        assert.equal(bare.valid, false);
        assert.equal(bare.diagnostics[0]?.code, 'MBPROV_XML_WRONG_ROOT');
      }
    });
  }
});
