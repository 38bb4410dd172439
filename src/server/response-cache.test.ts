import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseCache } from './response-cache.ts';

const bounds = { maxBytes: 100, maxEntryBytes: 60, ttlMs: 10_000 };

function entry(bytes: number, generation = 1, storedAt = 0) {
  return { generation, storedAt, body: new Uint8Array(bytes), headers: { etag: `"${bytes}"` } };
}

test('an entry is served at the generation it was computed at, within the TTL, and dropped otherwise', () => {
  const cache = new ResponseCache(bounds);
  cache.set('/a', entry(10, 1, 1_000));
  assert.equal(cache.get('/a', 1, 10_999)?.headers.etag, '"10"');
  assert.equal(cache.get('/a', 1, 11_000), undefined, 'TTL reached');
  assert.equal(cache.bytes, 0);
  cache.set('/a', entry(10, 1, 1_000));
  assert.equal(cache.get('/a', 2, 1_000), undefined, 'a change since');
  cache.set('/a', entry(10, 1, 1_000));
  assert.equal(cache.get('/a', 1, 999), undefined, 'a clock that went back');
  assert.equal(cache.bytes, 0);
});

test('the bytes stay within the bound: the least recently used go first, a body over the entry bound is not kept', () => {
  const cache = new ResponseCache(bounds);
  cache.set('/a', entry(40));
  cache.set('/b', entry(40));
  assert.ok(cache.get('/a', 1, 0), '/a is now the most recently used');
  cache.set('/c', entry(40));
  assert.equal(cache.bytes, 80);
  assert.equal(cache.get('/b', 1, 0), undefined);
  assert.ok(cache.get('/a', 1, 0));
  assert.ok(cache.get('/c', 1, 0));
  cache.set('/d', entry(61));
  assert.equal(cache.get('/d', 1, 0), undefined);
  cache.set('/a', entry(20));
  assert.equal(cache.bytes, 60, 'a replaced entry counts once');
});
