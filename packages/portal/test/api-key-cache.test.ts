// The API key cache on its own: entries expire after the TTL and the number kept stays within the bound.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeyCache, type CachedApiKey } from '../src/backoffice/api-key-cache.ts';

const key: CachedApiKey = { keyHash: '00'.repeat(32), name: 'k', scopes: 'admin', revoked: false };

describe('API key cache', () => {
  it('answers a key until its TTL has passed', () => {
    const cache = new ApiKeyCache(1_000, 10);
    cache.set('a', key, 5_000);
    assert.equal(cache.get('a', 5_999), key);
    assert.equal(cache.get('a', 6_000), undefined);
    assert.equal(cache.size, 0, 'an expired entry is dropped when read');
  });

  it('keeps at most its bound, forgetting the oldest first', () => {
    const cache = new ApiKeyCache(1_000, 3);
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, key, 0);
    assert.equal(cache.size, 3);
    assert.deepEqual(
      ['k46', 'k47', 'k48', 'k49'].map((id) => cache.get(id, 0) !== undefined),
      [false, true, true, true],
    );
  });

  it('forgets a deleted (revoked) key', () => {
    const cache = new ApiKeyCache();
    cache.set('a', key, 0);
    cache.delete('a');
    assert.equal(cache.get('a', 0), undefined);
  });
});
