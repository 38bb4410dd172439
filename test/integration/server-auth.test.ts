import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type Catalogue,
  CredentialsKey,
  createApiToken,
  createOrganisation,
  createUser,
  disableUser,
  registryCredentialsFor,
  revokeApiToken,
} from '../../src/catalogue/index.ts';
import { type AuthServer, authServer, json, setCookies } from '../helpers/accounts.ts';
import { catalogueEngines, type TestCatalogues as Suite, TestCatalogues } from '../helpers/catalogue.ts';

const password = 'correct horse battery staple';
const registryPassword = 'Registry-Pa55word-never-shown';
const system = { kind: 'system' } as const;
const minute = 60_000;

const releaseKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicPem = releaseKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = releaseKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

type CallerName = 'anonymous' | 'contributorA' | 'contributorB' | 'reviewer' | 'admin';
type BadCaller = 'expiredToken' | 'revokedToken' | 'disabledUser';
/** 401 and 403 as such; `ok`: neither, and no server error (the route's own 2xx or 404 …). */
type Outcome = 401 | 403 | 'ok';

interface RouteCase {
  readonly method: string;
  readonly path: string;
  readonly body?: (caller: string) => unknown;
  readonly expect: Readonly<Record<CallerName, Outcome>>;
}

const everyone: Record<CallerName, Outcome> = {
  anonymous: 'ok',
  contributorA: 'ok',
  contributorB: 'ok',
  reviewer: 'ok',
  admin: 'ok',
};
const signedIn: Record<CallerName, Outcome> = { ...everyone, anonymous: 401 };
const adminOnly: Record<CallerName, Outcome> = {
  anonymous: 401,
  contributorA: 403,
  contributorB: 403,
  reviewer: 403,
  admin: 'ok',
};
const orgAOnly: Record<CallerName, Outcome> = { ...adminOnly, contributorA: 'ok' };
const sessionOnly: Record<CallerName, Outcome> = {
  anonymous: 401,
  contributorA: 403,
  contributorB: 403,
  reviewer: 403,
  admin: 403,
};

/** Every route of the accounts module with who may pass (callers come with API tokens, sessions are below). */
const routes: readonly RouteCase[] = [
  { method: 'GET', path: '/api/v1/me', expect: signedIn },
  { method: 'GET', path: '/api/v1/me/tokens', expect: signedIn },
  // a token may not mint tokens: only a signed-in session may
  { method: 'POST', path: '/api/v1/me/tokens', body: () => ({ label: 'ci' }), expect: sessionOnly },
  { method: 'DELETE', path: '/api/v1/me/tokens/sgci_aaaaaaaa', expect: signedIn },
  { method: 'GET', path: '/api/v1/organisations', expect: everyone },
  {
    method: 'POST',
    path: '/api/v1/organisations',
    body: (caller) => ({ slug: `new-${caller.toLowerCase()}`, name: 'New' }),
    expect: adminOnly,
  },
  { method: 'POST', path: '/api/v1/organisations/org-a/members', body: () => ({ login: 'carol' }), expect: adminOnly },
  { method: 'GET', path: '/api/v1/organisations/org-a/registry-credentials', expect: orgAOnly },
  {
    method: 'PUT',
    path: '/api/v1/organisations/org-a/registry-credentials',
    body: () => ({ registry: 'registry.example', username: 'robot', password: registryPassword }),
    expect: orgAOnly,
  },
  { method: 'DELETE', path: '/api/v1/organisations/org-a/registry-credentials/other.example', expect: orgAOnly },
  { method: 'GET', path: '/api/v1/organisations/org-a/keys', expect: everyone },
  {
    method: 'PUT',
    path: '/api/v1/organisations/org-a/keys',
    body: () => ({ keys: [{ pem: publicPem, label: 'release' }] }),
    expect: orgAOnly,
  },
  { method: 'DELETE', path: `/api/v1/organisations/org-a/keys/sha256:${'0'.repeat(64)}`, expect: orgAOnly },
  { method: 'GET', path: '/api/v1/audit', expect: adminOnly },
  { method: 'POST', path: '/auth/logout', expect: everyone },
  { method: 'GET', path: '/auth/oidc/start', expect: everyone },
];

/**
 * A body the schema refuses: 422 is meant for bodies (problem.ts), but the router passes zod-openapi's target
 * (`json`, `form`), not `body`, so it answers 400 today.
 */
function invalidRequest(status: number): boolean {
  return status === 400 || status === 422;
}

function keyFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sgci-credkey-'));
  const file = join(dir, 'credentials.key');
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return { dir, file };
}

async function login(server: AuthServer, name: string, pass = password, address?: string) {
  const res = await server.request('/auth/login', json('POST', { login: name, password: pass }), address);
  const cookie = setCookies(res).get('sgci_session')?.value;
  const body = (await res.json()) as { csrfToken?: string; detail?: string };
  return { res, cookie, csrf: body.csrfToken, body };
}

function withSession(session: { cookie?: string; csrf?: string }, init: RequestInit = {}, csrf = true): RequestInit {
  return {
    ...init,
    headers: {
      ...(init.headers as Record<string, string>),
      cookie: `sgci_session=${session.cookie}`,
      ...(csrf && session.csrf ? { 'x-csrf-token': session.csrf } : {}),
    },
  };
}

for (const { engine, skip } of catalogueEngines) {
  describe(`accounts and rights on ${engine}`, { skip }, () => {
    let suite: Suite;
    let catalogue: Catalogue;
    let server: AuthServer;
    let key: { dir: string; file: string };
    const tokens = {} as Record<CallerName | BadCaller, string | undefined>;

    before(async () => {
      suite = new TestCatalogues(engine);
      catalogue = await suite.open();
      key = keyFile();
      server = authServer(catalogue, { credentialsKeyFile: key.file });
      await createOrganisation(catalogue, system, { slug: 'org-a', name: 'Organisation A', contact: null });
      await createOrganisation(catalogue, system, { slug: 'org-b', name: 'Organisation B', contact: null });
      const users: [string, 'admin' | 'reviewer' | null, string[]][] = [
        ['admin', 'admin', []],
        ['rita', 'reviewer', []],
        ['alice', null, ['org-a']],
        ['bob', null, ['org-b']],
        ['dora', null, ['org-a']],
        ['carol', null, []],
      ];
      for (const [login, role, organisations] of users)
        await createUser(catalogue, system, { login, role, organisations, password });
      const token = async (login: string, expiresInDays?: number) =>
        (await createApiToken(catalogue, system, { login, label: 'test', ...(expiresInDays ? { expiresInDays } : {}) }))
          .token;
      tokens.expiredToken = await token('alice', 1);
      suite.clock.advance(2 * 24 * 60 * minute);
      tokens.anonymous = undefined;
      tokens.admin = await token('admin');
      tokens.reviewer = await token('rita');
      tokens.contributorA = await token('alice');
      tokens.contributorB = await token('bob');
      tokens.revokedToken = await token('alice');
      await revokeApiToken(catalogue, system, tokens.revokedToken.slice(0, 13));
      tokens.disabledUser = await token('dora');
      await disableUser(catalogue, system, 'dora');
    });
    after(async () => {
      await suite[Symbol.asyncDispose]();
      rmSync(key.dir, { recursive: true, force: true });
    });

    test('every route × role: anonymous, contributors of A and B, reviewer, admin', async () => {
      const failures: string[] = [];
      for (const route of routes) {
        for (const [caller, expected] of Object.entries(route.expect) as [CallerName, Outcome][]) {
          const token = tokens[caller];
          const res = await server.request(
            route.path,
            json(route.method, route.body?.(caller), token ? { authorization: `Bearer ${token}` } : {}),
          );
          const ok =
            expected === 'ok' ? res.status < 500 && res.status !== 401 && res.status !== 403 : res.status === expected;
          if (!ok) failures.push(`${route.method} ${route.path} as ${caller}: ${res.status}, expected ${expected}`);
          if (res.status === 401 || res.status === 403)
            assert.equal(res.headers.get('content-type'), 'application/problem+json');
        }
      }
      assert.deepEqual(failures, []);
    });

    test('an expired or revoked token and a disabled user’s token are 401 on every route, public ones too', async () => {
      for (const caller of ['expiredToken', 'revokedToken', 'disabledUser'] as const) {
        for (const route of routes) {
          const res = await server.request(
            route.path,
            json(route.method, route.body?.(caller), { authorization: `Bearer ${tokens[caller]}` }),
          );
          assert.equal(res.status, 401, `${route.method} ${route.path} as ${caller}`);
          assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
        }
      }
      for (const bad of [
        'Bearer',
        'Basic YWxpY2U6cHc=',
        `Bearer ${tokens.admin}x`,
        `Bearer sgci_aaaaaaaa_${'0'.repeat(64)}`,
      ]) {
        const res = await server.request('/api/v1/organisations', { headers: { authorization: bad } });
        assert.equal(res.status, 401, bad);
      }
    });

    test('a token acts as its owner and shows its prefix; its last use is recorded', async () => {
      const res = await server.request('/api/v1/me', { headers: { authorization: `Bearer ${tokens.contributorA}` } });
      assert.deepEqual(await res.json(), {
        login: 'alice',
        displayName: 'alice',
        role: null,
        organisations: ['org-a'],
        via: 'token',
        tokenPrefix: tokens.contributorA?.slice(0, 13),
      });
      const row = await catalogue.db
        .selectFrom('api_tokens')
        .select(['last_used_at', 'token_hash'])
        .where('prefix', '=', tokens.contributorA?.slice(0, 13) ?? '')
        .executeTakeFirstOrThrow();
      assert.deepEqual(row.last_used_at, suite.clock.now());
      assert.match(row.token_hash, /^[0-9a-f]{64}$/);
    });

    test('the session cookie is HttpOnly, SameSite=Strict, Path=/, dies with the browser, Secure behind TLS', async () => {
      const { res, cookie } = await login(server, 'alice');
      assert.equal(res.status, 200);
      const attributes = setCookies(res).get('sgci_session')?.attributes ?? [];
      assert.match(cookie ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.deepEqual([...attributes].sort(), ['HttpOnly', 'Path=/', 'SameSite=Strict']);
      const tls = authServer(catalogue, { publicUrl: 'https://container.example' });
      const secure = await login(tls, 'alice');
      assert.deepEqual([...(setCookies(secure.res).get('sgci_session')?.attributes ?? [])].sort(), [
        'HttpOnly',
        'Path=/',
        'SameSite=Strict',
        'Secure',
      ]);
      const stored = await catalogue.db.selectFrom('sessions').select('id_hash').execute();
      assert.ok(
        stored.every((s) => s.id_hash !== cookie && /^[0-9a-f]{64}$/.test(s.id_hash)),
        'only hashes stored',
      );
    });

    test('a wrong password, an unknown login and a disabled user get the same answer', async () => {
      const answers = [];
      for (const [name, pass] of [
        ['alice', 'not the password at all'],
        ['nobody-here', password],
        ['dora', password],
      ] as const) {
        const { res, body, cookie } = await login(server, name, pass, `198.51.100.${answers.length + 1}`);
        assert.equal(cookie, undefined);
        answers.push([res.status, body.detail]);
      }
      assert.deepEqual(answers, [
        [401, 'login or password wrong'],
        [401, 'login or password wrong'],
        [401, 'login or password wrong'],
      ]);
    });

    test('a login form goes to returnTo with 303; a returnTo off this site is refused', async () => {
      const form = (returnTo: string) => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login: 'alice', password, returnTo }).toString(),
      });
      const res = await server.request('/auth/login', form('/images?q=nginx'));
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/images?q=nginx');
      assert.ok(setCookies(res).get('sgci_session'));
      for (const evil of ['//evil.example/', '/\\evil.example', 'https://evil.example/']) {
        const refused = await server.request('/auth/login', form(evil));
        assert.ok(invalidRequest(refused.status), `${evil}: ${refused.status}`);
      }
      const none = await server.request('/auth/login', { method: 'POST' });
      assert.equal(none.status, 415);
    });

    test('signing in again replaces the session id (no fixation); logout ends the session', async () => {
      const first = await login(server, 'alice');
      const second = await server.request(
        '/auth/login',
        json('POST', { login: 'alice', password }, { cookie: `sgci_session=${first.cookie}` }),
      );
      const next = setCookies(second).get('sgci_session')?.value;
      assert.ok(next && next !== first.cookie);
      const old = await server.request('/api/v1/me', withSession(first));
      assert.equal(old.status, 401);
      const csrf = ((await second.json()) as { csrfToken: string }).csrfToken;
      const session = { cookie: next, csrf };
      assert.equal((await server.request('/api/v1/me', withSession(session))).status, 200);
      const out = await server.request('/auth/logout', withSession(session, { method: 'POST' }));
      assert.equal(out.status, 204);
      const cleared = setCookies(out).get('sgci_session');
      assert.equal(cleared?.value, '');
      assert.ok(cleared?.attributes.includes('Max-Age=0'));
      assert.equal((await server.request('/api/v1/me', withSession(session))).status, 401);
    });

    test('a session ends after 30 idle minutes and after 12 hours however busy', async () => {
      const idle = await login(server, 'alice');
      suite.clock.advance(29 * minute);
      assert.equal((await server.request('/api/v1/me', withSession(idle))).status, 200);
      suite.clock.advance(29 * minute);
      assert.equal((await server.request('/api/v1/me', withSession(idle))).status, 200, 'activity keeps it');
      suite.clock.advance(31 * minute);
      assert.equal((await server.request('/api/v1/me', withSession(idle))).status, 401, 'idle too long');
      const busy = await login(server, 'alice');
      for (let i = 0; i < 35; i++) {
        suite.clock.advance(20 * minute);
        assert.equal((await server.request('/api/v1/me', withSession(busy))).status, 200, `after ${(i + 1) * 20} min`);
      }
      suite.clock.advance(20 * minute);
      assert.equal((await server.request('/api/v1/me', withSession(busy))).status, 401, 'past 12 hours');
    });

    test('unsafe requests of a session need its CSRF token, as header or form field', async () => {
      const session = await login(server, 'alice');
      const put = (headers: Record<string, string>) =>
        server.request(
          '/api/v1/organisations/org-a/keys',
          withSession(session, json('PUT', { keys: [] }, headers), false),
        );
      const missing = await put({});
      assert.equal(missing.status, 403);
      assert.match(((await missing.json()) as { detail: string }).detail, /CSRF token/);
      assert.equal((await put({ 'x-csrf-token': 'A'.repeat(43) })).status, 403);
      assert.equal((await put({ 'x-csrf-token': session.csrf ?? '' })).status, 200);
      // another session's token does not fit this one
      const other = await login(server, 'alice');
      assert.notEqual(other.csrf, session.csrf);
      assert.equal((await put({ 'x-csrf-token': other.csrf ?? '' })).status, 403);
      const me = (await (await server.request('/api/v1/me', withSession(session))).json()) as { csrfToken: string };
      assert.equal(me.csrfToken, session.csrf, '/api/v1/me hands the token to scripts');
      const form = (body: Record<string, string>) =>
        server.request(
          '/auth/logout',
          withSession(
            session,
            {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams(body).toString(),
            },
            false,
          ),
        );
      assert.equal((await form({})).status, 403);
      const out = await form({ _csrf: session.csrf ?? '' });
      assert.equal(out.status, 303);
    });

    test('cross-site requests are refused by Origin or Sec-Fetch-Site, Bearer requests are not', async () => {
      const session = await login(server, 'alice');
      const put = (headers: Record<string, string>) =>
        server.request('/api/v1/organisations/org-a/keys', withSession(session, json('PUT', { keys: [] }, headers)));
      assert.equal((await put({ origin: 'http://localhost' })).status, 200, 'same origin');
      const crossSite: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of crossSite) {
        const res = await put(headers);
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.match(((await res.json()) as { type: string }).type, /cross-site-request$/);
      }
      const loginCsrf = await server.request(
        '/auth/login',
        json('POST', { login: 'alice', password }, { origin: 'https://evil.example' }),
      );
      assert.equal(loginCsrf.status, 403, 'no login CSRF');
      const behindProxy = authServer(catalogue, { publicUrl: 'https://container.example' });
      const proxied = await behindProxy.request(
        '/auth/login',
        json('POST', { login: 'alice', password }, { origin: 'https://container.example' }),
      );
      assert.equal(proxied.status, 200, 'the public URL is this site');
      const bearer = await server.request(
        '/api/v1/organisations/org-a/keys',
        json('PUT', { keys: [] }, { authorization: `Bearer ${tokens.contributorA}`, origin: 'https://evil.example' }),
      );
      assert.equal(bearer.status, 200);
    });

    test('five failures per login or twenty per address in 15 minutes: 429 with Retry-After, then free again', async () => {
      const attempt = (name: string, pass: string, address: string) =>
        server.request('/auth/login', json('POST', { login: name, password: pass }), address);
      for (let i = 0; i < 5; i++) {
        assert.equal((await attempt('bob', 'wrong password !!', `203.0.113.${i}`)).status, 401);
        suite.clock.advance(minute);
      }
      const limited = await attempt('bob', password, '203.0.113.99');
      assert.equal(limited.status, 429, 'even the right password, from another address');
      assert.equal(limited.headers.get('retry-after'), String(10 * 60), 'when the oldest failure leaves the window');
      assert.equal(limited.headers.get('content-type'), 'application/problem+json');
      suite.clock.advance(10 * minute);
      assert.equal((await attempt('bob', password, '203.0.113.99')).status, 200, 'the oldest failure left the window');

      for (let i = 0; i < 20; i++)
        assert.equal((await attempt(`guess-${i}`, 'wrong password !!', '198.18.0.1')).status, 401);
      const address = await attempt('alice', password, '198.18.0.1');
      assert.equal(address.status, 429);
      assert.equal(address.headers.get('retry-after'), String(15 * 60));
      assert.equal((await attempt('alice', password, '198.18.0.2')).status, 200, 'other addresses are not blocked');
      suite.clock.advance(15 * minute);
      assert.equal((await attempt('alice', password, '198.18.0.1')).status, 200);
    });

    test('a success clears the login’s failures; parallel guesses cannot overrun the budget', async () => {
      const attempt = (pass: string, address: string) =>
        server.request('/auth/login', json('POST', { login: 'rita', password: pass }), address);
      for (let i = 0; i < 4; i++) assert.equal((await attempt('wrong password !!', '192.0.2.50')).status, 401);
      assert.equal((await attempt(password, '192.0.2.50')).status, 200);
      const parallel = await Promise.all(
        Array.from({ length: 8 }, (_, i) => attempt('wrong password !!', `192.0.2.${60 + i}`)),
      );
      const statuses = parallel.map((r) => r.status);
      assert.ok(
        statuses.every((s) => s === 401 || s === 429),
        statuses.join(),
      );
      // each attempt is counted before its password is checked: at most the budget of five is ever tried
      assert.ok(statuses.filter((s) => s === 401).length <= 5, statuses.join());
      suite.clock.advance(15 * minute);
    });

    test('the per-address limit sees the client behind a trusted proxy, never a forged X-Forwarded-For', async () => {
      const proxied = authServer(catalogue, { auth: { trustedProxies: ['10.0.0.5'] } });
      let n = 0;
      const from = (forwarded: string, peer: string) =>
        proxied.request(
          '/auth/login',
          json('POST', { login: `nobody-${n++}`, password: 'wrong password !!' }, { 'x-forwarded-for': forwarded }),
          peer,
        );
      for (let i = 0; i < 20; i++)
        assert.equal((await from(`198.19.0.1, 198.19.0.${i + 100}`, '10.0.0.5')).status, 401);
      // the right-most address the trusted proxy added is the client, the rest the client wrote: 198.19.0.1 was
      // never counted
      assert.equal((await from('198.19.0.1', '10.0.0.5')).status, 401);
      for (let i = 0; i < 20; i++) await from(`198.19.1.${i}`, '198.19.2.2');
      // an untrusted peer's header is ignored: all 20 came from 198.19.2.2
      assert.equal((await from('198.19.1.250', '198.19.2.2')).status, 429);
      suite.clock.advance(15 * minute);
    });

    test('API tokens: created by a session, shown once, listed by prefix, revoked by their owner only', async () => {
      const session = await login(server, 'bob');
      const created = await server.request(
        '/api/v1/me/tokens',
        withSession(session, json('POST', { label: 'gitlab ci', expiresInDays: 30 })),
      );
      assert.equal(created.status, 201);
      const body = (await created.json()) as { token: string; prefix: string; expiresAt: string };
      assert.match(body.token, /^sgci_[a-z2-7]{8}_[0-9a-f]{64}$/);
      assert.equal(body.prefix, body.token.slice(0, 13));
      assert.equal(body.expiresAt, new Date(suite.clock.now().getTime() + 30 * 24 * 60 * minute).toISOString());
      const list = await (await server.request('/api/v1/me/tokens', withSession(session))).text();
      assert.ok(list.includes(body.prefix));
      assert.ok(!list.includes(body.token), 'never the token itself');
      const bearer = { authorization: `Bearer ${body.token}` };
      assert.equal((await server.request('/api/v1/me', { headers: bearer })).status, 200);
      const byOther = await server.request(
        `/api/v1/me/tokens/${body.prefix}`,
        json('DELETE', undefined, { authorization: `Bearer ${tokens.contributorA}` }),
      );
      assert.equal(byOther.status, 404, 'another user cannot revoke (or find) it');
      const revoked = await server.request(
        `/api/v1/me/tokens/${body.prefix}`,
        withSession(session, { method: 'DELETE' }),
      );
      assert.equal(revoked.status, 204);
      assert.equal((await server.request('/api/v1/me', { headers: bearer })).status, 401);
    });

    test('a disabled user’s session ends at once', async () => {
      await createUser(catalogue, system, { login: 'erin', role: null, password });
      const session = await login(server, 'erin');
      assert.equal((await server.request('/api/v1/me', withSession(session))).status, 200);
      await disableUser(catalogue, system, 'erin');
      assert.equal((await server.request('/api/v1/me', withSession(session))).status, 401);
      await catalogue.db.updateTable('users').set({ disabled_at: null }).where('login', '=', 'erin').execute();
      const again = await login(server, 'erin');
      await catalogue.db
        .updateTable('users')
        .set({ disabled_at: suite.clock.now() })
        .where('login', '=', 'erin')
        .execute();
      assert.equal((await server.request('/api/v1/me', withSession(again))).status, 401, 'checked on every request');
    });

    test('organisations: admins create them and add members, who then may manage its secrets', async () => {
      const admin = { authorization: `Bearer ${tokens.admin}` };
      const created = await server.request(
        '/api/v1/organisations',
        json('POST', { slug: 'bsi', name: 'Bundesamt', contact: 'team@bsi.example' }, admin),
      );
      assert.equal(created.status, 201);
      const again = await server.request('/api/v1/organisations', json('POST', { slug: 'bsi', name: 'Again' }, admin));
      assert.equal(again.status, 409);
      const invalid = await server.request(
        '/api/v1/organisations',
        json('POST', { slug: 'Not A Slug', name: 'x' }, admin),
      );
      assert.ok(invalidRequest(invalid.status));
      assert.equal(((await invalid.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer, '/slug');
      const unknownUser = await server.request(
        '/api/v1/organisations/bsi/members',
        json('POST', { login: 'zed' }, admin),
      );
      assert.equal(unknownUser.status, 404);
      const unknownOrg = await server.request(
        '/api/v1/organisations/nope/members',
        json('POST', { login: 'bob' }, admin),
      );
      assert.equal(unknownOrg.status, 404);
      const bob = { authorization: `Bearer ${tokens.contributorB}` };
      assert.equal(
        (await server.request('/api/v1/organisations/bsi/keys', json('PUT', { keys: [] }, bob))).status,
        403,
      );
      assert.equal(
        (await server.request('/api/v1/organisations/bsi/members', json('POST', { login: 'bob' }, admin))).status,
        204,
      );
      assert.equal(
        (await server.request('/api/v1/organisations/bsi/keys', json('PUT', { keys: [] }, bob))).status,
        200,
      );
      const list = (await (await server.request('/api/v1/organisations')).json()) as { items: { slug: string }[] };
      assert.deepEqual(
        list.items.map((o) => o.slug),
        ['bsi', 'new-admin', 'org-a', 'org-b'],
      );
    });

    test('trusted keys: PEM validated, replaced as a set, public to read, removable', async () => {
      const alice = { authorization: `Bearer ${tokens.contributorA}` };
      const put = await server.request(
        '/api/v1/organisations/org-a/keys',
        json('PUT', { keys: [{ pem: publicPem, label: 'release' }] }, alice),
      );
      assert.equal(put.status, 200);
      const { items } = (await put.json()) as { items: { id: string; algorithm: string; pem: string }[] };
      assert.equal(items.length, 1);
      assert.equal(items[0]?.algorithm, 'ecdsa-p256');
      const id = items[0]?.id ?? '';
      const read = (await (await server.request('/api/v1/organisations/org-a/keys')).json()) as {
        items: { id: string }[];
      };
      assert.deepEqual(
        read.items.map((k) => k.id),
        [id],
      );
      const priv = await server.request(
        '/api/v1/organisations/org-a/keys',
        json('PUT', { keys: [{ pem: privatePem }] }, alice),
      );
      assert.equal(priv.status, 422);
      assert.match(((await priv.json()) as { detail: string }).detail, /private key/);
      assert.doesNotMatch(JSON.stringify(await catalogue.db.selectFrom('events').selectAll().execute()), /PRIVATE KEY/);
      const removed = await server.request(`/api/v1/organisations/org-a/keys/${id}`, json('DELETE', undefined, alice));
      assert.equal(removed.status, 204);
      const empty = (await (await server.request('/api/v1/organisations/org-a/keys')).json()) as { items: unknown[] };
      assert.deepEqual(empty.items, []);
      assert.equal((await server.request('/api/v1/organisations/nope/keys')).status, 404);
    });

    test('registry credentials: sealed at rest, bound to their organisation, never returned', async () => {
      const alice = { authorization: `Bearer ${tokens.contributorA}` };
      const put = await server.request(
        '/api/v1/organisations/org-a/registry-credentials',
        json('PUT', { registry: 'Registry.Example:5000', username: 'robot$ci', password: registryPassword }, alice),
      );
      assert.equal(put.status, 204);
      const list = await server.request('/api/v1/organisations/org-a/registry-credentials', { headers: alice });
      const text = await list.text();
      assert.deepEqual(
        (JSON.parse(text) as { items: { registry: string; username: string }[] }).items.map((i) => [
          i.registry,
          i.username,
        ]),
        [
          ['registry.example', 'robot'],
          ['registry.example:5000', 'robot$ci'],
        ],
      );
      assert.ok(!text.includes(registryPassword));
      const credentialsKey = server.deps.config.credentialsKey;
      assert.ok(credentialsKey instanceof CredentialsKey);
      assert.deepEqual(await registryCredentialsFor(catalogue, 'org-a', 'registry.example:5000', credentialsKey), {
        username: 'robot$ci',
        password: registryPassword,
      });
      assert.equal(
        await registryCredentialsFor(catalogue, 'org-b', 'registry.example:5000', credentialsKey),
        undefined,
      );
      // a row copied into another organisation does not open there
      const row = await catalogue.db
        .selectFrom('registry_credentials')
        .selectAll()
        .where('organisation', '=', 'org-a')
        .where('registry', '=', 'registry.example:5000')
        .executeTakeFirstOrThrow();
      assert.ok(!row.sealed_password.includes(registryPassword));
      await catalogue.db
        .insertInto('registry_credentials')
        .values({ ...row, organisation: 'org-b' })
        .execute();
      await assert.rejects(
        registryCredentialsFor(catalogue, 'org-b', 'registry.example:5000', credentialsKey),
        /does not authenticate/,
      );
      await catalogue.db.deleteFrom('registry_credentials').where('organisation', '=', 'org-b').execute();
      const other = new CredentialsKey(randomBytes(32), 'rotated');
      await assert.rejects(
        registryCredentialsFor(catalogue, 'org-a', 'registry.example:5000', other),
        /sealed with key/,
      );
      const deleted = await server.request(
        '/api/v1/organisations/org-a/registry-credentials/registry.example:5000',
        json('DELETE', undefined, alice),
      );
      assert.equal(deleted.status, 204);
    });

    test('without a credentials key the server refuses to store a registry password', async () => {
      const keyless = authServer(catalogue);
      const res = await keyless.request(
        '/api/v1/organisations/org-a/registry-credentials',
        json(
          'PUT',
          { registry: 'registry.example', username: 'robot', password: registryPassword },
          { authorization: `Bearer ${tokens.admin}` },
        ),
      );
      assert.equal(res.status, 422);
      assert.match(((await res.json()) as { detail: string }).detail, /no credentials key/);
    });

    test('the audit log pages by cursor, admins only; it names who did what, before and after', async () => {
      const admin = { authorization: `Bearer ${tokens.admin}` };
      const seen: { id: string; kind: string; actor: string }[] = [];
      let after = '0';
      for (;;) {
        const res = await server.request(`/api/v1/audit?after=${after}&limit=7`, { headers: admin });
        assert.equal(res.status, 200);
        const page = (await res.json()) as {
          items: { id: string; kind: string; actor: string }[];
          next: string | null;
        };
        seen.push(...page.items);
        if (!page.next) break;
        after = page.next;
      }
      const ids = seen.map((e) => BigInt(e.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        'oldest first',
      );
      assert.equal(new Set(ids).size, ids.length, 'no event twice');
      const kinds = new Set(seen.map((e) => e.kind));
      for (const kind of [
        'organisation.created',
        'user.created',
        'membership.added',
        'token.created',
        'token.revoked',
        'user.disabled',
        'user.logged-in',
        'user.logged-out',
        'organisation.keys-replaced',
        'organisation.key-removed',
        'registry-credentials.set',
        'registry-credentials.deleted',
      ])
        assert.ok(kinds.has(kind), kind);
      const byToken = seen.find((e) => e.kind === 'registry-credentials.set');
      assert.equal(byToken?.actor, `token:${tokens.contributorA?.slice(0, 13)}`);
      assert.equal((await server.request('/api/v1/audit?after=x', { headers: admin })).status, 400);
    });

    test('no password, hash, token, session id or CSRF token is in any event, log line or response', async () => {
      const session = await login(server, 'admin');
      const events = JSON.stringify(await catalogue.db.selectFrom('events').selectAll().execute());
      const logs = server.logs.join('\n');
      const sealed = (await catalogue.db.selectFrom('registry_credentials').select('sealed_password').execute()).map(
        (r) => r.sealed_password,
      );
      assert.ok(sealed.length > 0);
      for (const [name, text] of [
        ['events', events],
        ['logs', logs],
      ] as const) {
        assert.ok(!text.includes(password), `${name}: a password`);
        assert.ok(!text.includes(registryPassword), `${name}: the registry password`);
        assert.ok(!text.includes('$scrypt$'), `${name}: a password hash`);
        assert.ok(!/sgci_[a-z2-7]{8}_[0-9a-f]{64}/.test(text), `${name}: a whole API token`);
        assert.ok(!text.includes(session.cookie ?? '-'), `${name}: a session id`);
        assert.ok(!text.includes(session.csrf ?? '-'), `${name}: a CSRF token`);
        for (const value of sealed) assert.ok(!text.includes(value.split(':')[3] ?? '-'), `${name}: a sealed secret`);
      }
      assert.match(events, /"kind":"registry-credentials\.set"/);
    });

    test('the OpenAPI document lists the accounts routes with their security schemes', async () => {
      const doc = (await (await server.request('/api/v1/openapi.json')).json()) as {
        paths: Record<string, Record<string, { security?: unknown }>>;
        components: { securitySchemes: Record<string, unknown> };
      };
      const expected: [string, string][] = [
        ['/auth/login', 'post'],
        ['/auth/logout', 'post'],
        ['/auth/oidc/start', 'get'],
        ['/auth/oidc/callback', 'get'],
        ['/api/v1/me', 'get'],
        ['/api/v1/me/tokens', 'get'],
        ['/api/v1/me/tokens', 'post'],
        ['/api/v1/me/tokens/{prefix}', 'delete'],
        ['/api/v1/organisations', 'get'],
        ['/api/v1/organisations', 'post'],
        ['/api/v1/organisations/{slug}/members', 'post'],
        ['/api/v1/organisations/{slug}/registry-credentials', 'get'],
        ['/api/v1/organisations/{slug}/registry-credentials', 'put'],
        ['/api/v1/organisations/{slug}/registry-credentials/{registry}', 'delete'],
        ['/api/v1/organisations/{slug}/keys', 'get'],
        ['/api/v1/organisations/{slug}/keys', 'put'],
        ['/api/v1/organisations/{slug}/keys/{id}', 'delete'],
        ['/api/v1/audit', 'get'],
      ];
      for (const [path, method] of expected) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'session']);
      assert.ok(doc.paths['/api/v1/audit']?.get?.security);
    });
  });
}
