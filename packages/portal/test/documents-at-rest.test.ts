// Documents at rest on SQLite and PostgreSQL: what an activation stores is compressed against the deployment's
// dictionary and encrypted, the dictionary row in the database is all another process needs to read it, and a
// document stored before compression (v1) is still what the RefreshURL serves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyDocument } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { openStoredDocument } from '../src/activation/documents-at-rest.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { dictionaryIdOf, openDocument } from '../src/security/sealed-document.ts';
import { buildServer } from '../src/server.ts';
import { dictionaryContent } from '../src/storage/document-dictionaries.ts';
import { insertNextVersion, latestDocument, latestFullDocument } from '../src/storage/documents.ts';
import { findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { buyPlan } from './helpers/purchase.ts';
import { refreshAs } from './helpers/refresh.ts';

for (const dialect of DIALECTS) {
  describe(`documents at rest on ${dialect}`, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    let subscriber: Subscriber;

    before(async () => {
      ctx = await testContext(dialect);
      const sim = await findSim(ctx.store.db, { iccid: '8901260000000000018' });
      assert.ok(sim);
      subscriber = await subscriberForSim(ctx, sim, undefined);
      await buyPlan(ctx, subscriber.id);
      app = await buildServer(ctx, { logger: false });
    });
    after(async () => {
      await app.close();
      await ctx.close();
    });

    const refresh = () => refreshAs(app, ctx, subscriber);

    it('an activation stores its document compressed and encrypted (v3, binary), a fraction of the v1 size', async () => {
      const stored = await latestFullDocument(ctx.store.db, subscriber.id);
      assert.ok(stored);
      assert.ok(Buffer.isBuffer(stored.sealed), 'bytes, not text');
      assert.equal(stored.sealed[0], 3, 'format v3');
      const xml = await openStoredDocument(ctx, stored.sealed);
      assert.equal(verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true }).valid, true);
      const v1 = ctx.secrets.encrypt(xml);
      assert.ok(
        stored.sealed.length * 5 < v1.length,
        `stored ${stored.sealed.length} bytes, v1 ${v1.length}`,
      );
      const answer = await refresh();
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.body, xml);
    });

    it('the dictionary row is all a reader needs: stored once, encrypted, naming its content', async () => {
      const stored = await latestFullDocument(ctx.store.db, subscriber.id);
      const id = dictionaryIdOf(stored?.sealed ?? Buffer.alloc(0));
      assert.ok(id);
      const content = await dictionaryContent(ctx.store.db, id);
      assert.ok(content, 'the dictionary is in the database');
      assert.match(content, /^v1\./, 'encrypted at rest');
      const text = ctx.secrets.decrypt(content);
      assert.equal(ctx.secrets.contentId(text), id);
      assert.match(text, /\*\*\*\*\*\*\*\*/, 'its credentials are masked');
      assert.doesNotMatch(text, new RegExp(ctx.secrets.refreshPassword(subscriber.id, 1)));
      const xml = openDocument(ctx.secrets, stored?.sealed ?? Buffer.alloc(0), Buffer.from(text, 'utf8'));
      assert.equal(xml, await openStoredDocument(ctx, stored?.sealed ?? Buffer.alloc(0)));
      const rows = await ctx.store.db.selectFrom('document_dictionaries').select('id').execute();
      assert.deepEqual(
        rows.map((r) => r.id),
        [id],
        'one dictionary for one configuration and signer',
      );
    });

    it('a document stored before compression (v1) is served by the RefreshURL as it is', async () => {
      const newest = await latestDocument(ctx.store.db, subscriber.id);
      assert.ok(newest);
      const xml = await openStoredDocument(ctx, newest.sealed);
      await insertNextVersion(ctx.store.db, {
        subscriber_id: subscriber.id,
        kind: 'full',
        etag: '"v1-row"',
        // A text row from before migration 0014 becomes its UTF-8 bytes.
        sealed: Buffer.from(ctx.secrets.encrypt(xml), 'utf8'),
        created_at: ctx.clock().toISOString(),
        usage_at: newest.usage_at,
      });
      const answer = await refresh();
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.headers.etag, '"v1-row"');
      assert.equal(answer.body, xml);
    });
  });
}
