/**
 * Every route the OpenAPI document lists, asked by someone who must not get in: anonymous, and a contributor of
 * organisation A asking about organisation B's unpublished submission. No route answers them with B's data, and
 * no unsafe route works without signing in. New routes are covered the day they are documented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Catalogue, createApiToken, createOrganisation, createUser } from '../../src/catalogue/index.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { type TestServer, testServer } from '../helpers/server.ts';

const system = { kind: 'system' } as const;
const secretDigest = `sha256:${'b'.repeat(64)}`;
const submission = '00000000-0000-4000-8000-00000000000b';

/** Routes anyone may read (public catalogue, policy, feed, the keys organisations publish, sign-in). */
const publicReads = [
  /^\/api\/v1\/images/,
  /^\/api\/v1\/policy$/,
  /^\/api\/v1\/feed\.atom$/,
  /^\/api\/v1\/export$/,
  /^\/api\/v1\/submissions(\/\{id\})?$/,
  /^\/api\/v1\/organisations$/,
  /^\/api\/v1\/keys\/verdict\.pub$/,
  /^\/api\/v1\/organisations\/\{slug\}\/keys$/,
  /^\/api\/v1\/vex\//,
  /^\/auth\/oidc\//,
];
const signIn = ['POST /auth/login', 'POST /auth/logout'];

function concrete(path: string): string {
  return path
    .replaceAll('{id}', submission)
    .replaceAll('{submission}', submission)
    .replaceAll('{slug}', 'bund-b')
    .replaceAll('{name}', 'secret-app')
    .replaceAll('{digest}', secretDigest)
    .replaceAll('{prefix}', 'abcdefgh')
    .replaceAll('{registry}', 'registry.example')
    .replaceAll('{delivery}', '1');
}

describe('no route lets in whom it must not', () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: TestServer;
  let routes: { method: string; path: string }[];
  let aliceToken: string;

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    server = testServer(catalogue);
    for (const slug of ['bund-a', 'bund-b'])
      await createOrganisation(catalogue, system, { slug, name: slug, contact: null });
    const bob = await createUser(catalogue, system, { login: 'bob', role: null, organisations: ['bund-b'] });
    await createUser(catalogue, system, { login: 'alice', role: null, organisations: ['bund-a'] });
    aliceToken = (await createApiToken(catalogue, system, { login: 'alice', label: 't' })).token;
    const now = catalogue.now();
    await catalogue.db
      .insertInto('images')
      .values({
        name: 'secret-app',
        organisation: 'bund-b',
        repository: 'registry.example/bund-b/secret-app',
        description_de: 'geheim',
        description_en: 'secret',
        categories: '["application"]',
        license: 'EUPL-1.2',
        source: 'https://gitlab.opencode.de/bund-b/secret',
        contact: 'b@example',
        created_at: now,
        updated_at: now,
      })
      .execute();
    await catalogue.db
      .insertInto('submissions')
      .values({
        id: submission,
        image: 'secret-app',
        reference: 'registry.example/bund-b/secret-app:1',
        digest: secretDigest,
        tag: '1',
        status: 'submitted',
        organisation: 'bund-b',
        submitted_by: bob.id,
        inputs: '{}',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const doc = (await (await server.app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  after(async () => suite[Symbol.asyncDispose]());

  test('the OpenAPI document lists the routes this test sweeps', () => {
    assert.ok(routes.length >= 40, `${routes.length} routes`);
  });

  for (const who of ['anonymous', 'alice of bund-a'] as const) {
    test(`${who}: no answer carries bund-b's unpublished submission; unsafe routes need a sign-in`, async () => {
      const failures: string[] = [];
      for (const { method, path } of routes) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (who !== 'anonymous') headers.authorization = `Bearer ${aliceToken}`;
        const res = await server.app.request(concrete(path), {
          method,
          headers,
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
        });
        const body = await res.text();
        const route = `${method} ${path}`;
        if (res.status >= 500) failures.push(`${route}: ${res.status}`);
        if (res.ok && (body.includes(secretDigest) || body.includes(submission) || body.includes('geheim')))
          failures.push(`${route}: ${res.status} shows bund-b's unpublished submission`);
        const unsafe = method !== 'GET' && !signIn.includes(route);
        if (who === 'anonymous' && unsafe && res.status !== 401) failures.push(`${route}: ${res.status}, not 401`);
        const read = method === 'GET' && !publicReads.some((p) => p.test(path));
        if (who === 'anonymous' && read && res.status !== 401) failures.push(`${route}: ${res.status}, not 401`);
      }
      assert.deepEqual(failures, []);
    });
  }
});
