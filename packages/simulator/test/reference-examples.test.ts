// Every example of the account provisioning page (and the other published examples) applied to a fresh PC from
// the operator's app, with the expected CarrierProvisioningResult pinned; the invalid ones are rejected whole.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseXmlSafely, validateXsd } from '@mbprov/core';
import { Machine } from '../src/index.ts';

interface Entry {
  file: string;
  wrapped: string | null;
  kind: string;
  source: string;
  title: string;
  expected: 'valid' | 'invalid';
  expectedCodes: string[];
}

const reference = new URL('../../core/test/fixtures/reference/', import.meta.url);
const expected = new URL('./fixtures/expected-results/', import.meta.url);
const manifest = (JSON.parse(readFileSync(new URL('manifest.json', reference), 'utf8')) as Entry[]).filter(
  (e) => e.kind !== 'result',
);

describe('published examples applied to a fresh PC', () => {
  for (const entry of manifest) {
    const file = entry.wrapped ?? entry.file;
    const schemaValid = !entry.expectedCodes.some(
      (c) => c === 'MBPROV_SCHEMA_INVALID' || c.startsWith('MBPROV_XML_'),
    );
    if (schemaValid) {
      it(`${entry.source}: ${entry.title} (${file}) gives the pinned result`, () => {
        const machine = Machine.create({ now: '2026-11-21T00:00:00Z' });
        const outcome = machine.provision(readFileSync(new URL(file, reference)), { source: 'app' });
        const want = readFileSync(new URL(file.replace(/\.xml$/, '.result.xml'), expected), 'utf8');
        assert.equal(outcome.xml, want);
        const parsed = parseXmlSafely(outcome.xml);
        assert.ok(parsed.ok);
        try {
          assert.deepEqual(
            validateXsd(parsed.xml, 'resultV2'),
            [],
            'the result conforms to ResultsSchema v2',
          );
        } finally {
          parsed.xml.dispose();
        }
      });
    } else {
      it(`${entry.source}: ${entry.title} (${file}) is rejected whole and changes nothing`, () => {
        const machine = Machine.create({ now: '2026-11-21T00:00:00Z' });
        const before = JSON.stringify(machine.state);
        assert.throws(() => machine.provision(readFileSync(new URL(file, reference)), { source: 'app' }), {
          code: 'MBPROV_SCHEMA_INVALID',
        });
        assert.equal(JSON.stringify(machine.state), before);
      });
    }
  }
});
