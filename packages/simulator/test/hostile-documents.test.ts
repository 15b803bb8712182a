// Documents that once got further than Windows lets them: a schema-invalid document applied because a rule's
// message stood for the schema's error, a result XML that was not well-formed, a refresh answer without Global.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseXmlSafely, validateXsd } from '@mbprov/core';
import { Machine } from '../src/index.ts';
import { checkRefreshedCarrier } from '../src/refresh.ts';
import { CARRIER, doc, NOW, xml } from './helpers/documents.ts';

const apply = (text: string) => Machine.create({ now: NOW }).provision(text, { source: 'app' });

describe('documents Windows rejects whole', () => {
  for (const [what, from, to] of [
    ['a CarrierId that is not a GUID', CARRIER, 'P-1D'],
    ['an empty SubscriberId', /<SubscriberId>[^<]*<\/SubscriberId>/, '<SubscriberId></SubscriberId>'],
  ] as const) {
    it(`${what}: rejected as schema-invalid, nothing applied`, () => {
      const text = xml(doc()).replace(from, to);
      const machine = Machine.create({ now: NOW });
      const before = JSON.stringify(machine.state);
      assert.throws(() => machine.provision(text, { source: 'app' }), { code: 'MBPROV_SCHEMA_INVALID' });
      assert.equal(JSON.stringify(machine.state), before);
    });
  }
});

describe('result documents', () => {
  it('a SubscriberId with markup characters is escaped in a well-formed, schema-valid result', () => {
    const text = xml(doc()).replace(/<SubscriberId>[^<]*</, '<SubscriberId>12&lt;34567890<');
    const outcome = apply(text);
    assert.match(outcome.xml, /<Subscriber>12&lt;34567890<\/Subscriber>/);
    const parsed = parseXmlSafely(outcome.xml);
    assert.ok(parsed.ok, 'the result is well-formed');
    try {
      assert.deepEqual(validateXsd(parsed.xml, 'resultV2'), []);
    } finally {
      parsed.xml.dispose();
    }
  });
});

describe('refresh answers', () => {
  it('an answer without Global is left to validation instead of throwing', () => {
    const body = '<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1"/>';
    assert.doesNotThrow(() => checkRefreshedCarrier(body, CARRIER.toLowerCase()));
  });
});
