/**
 * Pages for readers without a session go through the same response cache as the API's anonymous reads: kept per
 * path, query and encoding, dropped at the catalogue's next change (the database notifies every instance) or after
 * the TTL, recomputed on a reload; signed-in pages, error pages and form posts never.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Catalogue, createUser } from '../../src/catalogue/index.ts';
import { defaultResponseCacheBounds } from '../../src/server/response-cache.ts';
import { type AuthServer, authServer } from '../helpers/accounts.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';

const html = { accept: 'text/html' };
const password = 'correct horse battery staple';

describe('anonymous pages through the response cache', () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: AuthServer;

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await createUser(catalogue, { kind: 'system' }, { login: 'alice', role: null, password });
    server = authServer(catalogue);
  });
  after(async () => suite?.[Symbol.asyncDispose]());

  const get = (path: string, headers: Record<string, string> = {}) =>
    server.request(path, { headers: { ...html, ...headers } });

  test('a page is computed once and then served from the cache, per encoding', async () => {
    const first = await get('/de/katalog?q=nichts');
    assert.equal(first.headers.get('x-cache'), 'miss');
    const body = await first.text();
    const second = await get('/de/katalog?q=nichts');
    assert.equal(second.headers.get('x-cache'), 'hit');
    assert.equal(await second.text(), body);
    assert.equal(second.headers.get('content-language'), 'de');
    assert.match(second.headers.get('content-security-policy') ?? '', /default-src 'self'/, 'the frame’s headers');
    assert.equal(second.headers.getSetCookie().length, 0);
    const other = await get('/de/katalog?q=anderes');
    assert.equal(other.headers.get('x-cache'), 'miss', 'another query is another page');
    const gzip = await get('/de/katalog?q=nichts', { 'accept-encoding': 'gzip' });
    assert.equal(gzip.headers.get('x-cache'), 'miss', 'the compressed page is kept apart');
    const gzipAgain = await get('/de/katalog?q=nichts', { 'accept-encoding': 'gzip' });
    assert.equal(gzipAgain.headers.get('x-cache'), 'hit');
    assert.equal(gzipAgain.headers.get('content-encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gzipAgain.arrayBuffer())).toString(), body);
    const reload = await get('/de/katalog?q=nichts', { 'cache-control': 'no-cache' });
    assert.equal(reload.headers.get('x-cache'), 'miss', 'a reload recomputes');
  });

  test('a change in the catalogue and the TTL end an entry', async () => {
    await get('/en/catalogue');
    assert.equal((await get('/en/catalogue')).headers.get('x-cache'), 'hit');
    await createUser(catalogue, { kind: 'system' }, { login: 'bob', role: null });
    assert.equal((await get('/en/catalogue')).headers.get('x-cache'), 'miss', 'the change was heard');
    assert.equal((await get('/en/catalogue')).headers.get('x-cache'), 'hit');
    suite.clock.advance(defaultResponseCacheBounds.ttlMs);
    assert.equal((await get('/en/catalogue')).headers.get('x-cache'), 'miss', 'the TTL passed');
  });

  test('signed-in pages, error pages and form posts are never kept', async () => {
    const login = await server.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'alice', password }),
    });
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    for (let i = 0; i < 2; i++) {
      const signedIn = await get('/de/', { cookie });
      assert.equal(signedIn.headers.get('x-cache'), null);
      assert.equal(signedIn.headers.get('cache-control'), 'no-store');
      assert.match(await signedIn.text(), /name="_csrf"/);
    }
    const anonymous = await (await get('/de/')).text();
    assert.doesNotMatch(anonymous, /_csrf|Abmelden/, 'a signed-in page never reaches an anonymous reader');
    for (let i = 0; i < 2; i++) {
      const missing = await get('/de/gibt-es-nicht');
      assert.equal(missing.status, 404);
      assert.notEqual(missing.headers.get('x-cache'), 'hit');
      const unauthorised = await get('/de/verwaltung');
      assert.equal(unauthorised.status, 401);
      assert.notEqual(unauthorised.headers.get('x-cache'), 'hit');
    }
    const posted = await server.request('/de/barrierefreiheit', {
      method: 'POST',
      headers: { ...html, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: 'message=',
    });
    assert.equal(posted.status, 422);
    assert.equal(posted.headers.get('x-cache'), null);
  });
});
