/**
 * OIDC sign-in against a real OpenID provider (the `oidc-provider` package) served over HTTPS on loopback with its
 * own CA, driven like a browser: plain HTTP requests, redirects followed by hand, the provider's login and consent
 * forms posted, cookies carried. openid-client is never told to allow insecure requests.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import Provider from 'oidc-provider';
import { Agent, fetch } from 'undici';
import { type Catalogue, createOrganisation, createUser, disableUser } from '../../src/catalogue/index.ts';
import { loadServerConfig, serverConfigJsonSchema } from '../../src/server/index.ts';
import { type AuthServer, authServer, setCookies } from '../helpers/accounts.ts';
import { catalogueEngines, TestCatalogues } from '../helpers/catalogue.ts';
import { selfSignedCertificate } from '../helpers/tls.ts';

const clientSecret = 'client-secret-for-the-loopback-provider';
const publicUrl = 'http://catalogue.test';

/** The provider's people and their claims; a test changes them between sign-ins. */
const accounts: Record<string, Record<string, unknown>> = {
  erika: {
    preferred_username: 'erika',
    name: 'Erika Mustermann',
    email: 'erika@example.org',
    sgci_roles: ['staff', 'sgci-reviewer'],
    sgci_orgs: ['org-a', 'no-such-org'],
  },
  'max-subject': { preferred_username: 'max', name: 'Max (OIDC)' },
};

interface LoopbackProvider {
  readonly issuer: string;
  readonly caFile: string;
  readonly agent: Agent;
  /** When set, the JWKS endpoint answers with another key under the signing key's id: a forged key set. */
  forgeJwks: boolean;
  close(): Promise<void>;
}

async function startProvider(dir: string): Promise<LoopbackProvider> {
  const keyFile = join(dir, 'tls.key');
  const caFile = join(dir, 'tls.crt');
  await selfSignedCertificate('/CN=loopback OIDC provider', 1, keyFile, caFile, 'IP:127.0.0.1');
  let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (
    _req,
    res,
  ) => res.end();
  const server: Server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) =>
    handler(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'sgci',
        client_secret: clientSecret,
        redirect_uris: [`${publicUrl}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'loopback-1', use: 'sig', alg: 'RS256' }] },
    scopes: ['openid', 'profile', 'email', 'sgci'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      sgci: ['sgci_roles', 'sgci_orgs'],
    },
    findAccount: async (_ctx, id) =>
      accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined,
    cookies: { keys: ['loopback-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  const forged = {
    keys: [
      {
        ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
        kid: 'loopback-1',
        use: 'sig',
        alg: 'RS256',
      },
    ],
  };
  const serve = provider.callback();
  handler = (req, res) => {
    if (loopback.forgeJwks && req.url === '/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(forged));
      return;
    }
    serve(req, res);
  };
  const agent = new Agent({ connect: { ca: readFileSync(caFile) } });
  const loopback: LoopbackProvider = {
    issuer,
    caFile,
    agent,
    forgeJwks: false,
    close: async () => {
      await agent.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return loopback;
}

/**
 * A browser at the provider: follows its redirects, fills its login form with `account` and confirms its consent
 * form, until the provider sends the browser away; returns that URL (our callback). `abort` cancels at the login.
 */
async function signInAtProvider(
  provider: LoopbackProvider,
  start: string,
  account: string,
  options: { abort?: boolean } = {},
): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let init: { method: string; body?: string; headers?: Record<string, string> } = { method: 'GET' };
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      dispatcher: provider.agent,
      headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin !== provider.issuer) return next;
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, html.slice(0, 500));
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && prompt, `a form at ${url}`);
    if (options.abort && prompt === 'login') {
      url = new URL(`${new URL(action, url).pathname}/abort`, url);
      init = { method: 'GET' };
      continue;
    }
    url = new URL(action, url);
    const fields: Record<string, string> =
      prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt };
    init = {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('the provider never sent the browser back');
}

/** Our side of the browser: start, the provider, the callback; returns the callback's response and the cookies. */
async function oidcSignIn(
  server: AuthServer,
  provider: LoopbackProvider,
  account: string,
  options: { abort?: boolean; otherBrowser?: boolean; beforeCallback?: () => void } = {},
) {
  const start = await server.request('/auth/oidc/start?returnTo=/images%3Fq%3Dnginx');
  assert.equal(start.status, 302, await start.clone().text());
  const binding = setCookies(start).get('sgci_oidc');
  assert.ok(binding, 'a cookie binds the login to this browser');
  const authorize = new URL(start.headers.get('location') ?? '');
  const callbackUrl = await signInAtProvider(provider, authorize.toString(), account, options);
  options.beforeCallback?.();
  const cookie = options.otherBrowser ? 'sgci_oidc=someone-else' : `sgci_oidc=${binding.value}`;
  const callback = await server.request(`${callbackUrl.pathname}${callbackUrl.search}`, { headers: { cookie } });
  return { start, authorize, binding, callbackUrl, callback, session: setCookies(callback).get('sgci_session') };
}

/** The flags a server was configured with, to build another one like it. */
function oidcFlags(server: AuthServer) {
  const { oidc } = server.deps.config;
  assert.ok(oidc);
  return {
    publicUrl,
    oidc: {
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      ...(oidc.caFile ? { caFile: oidc.caFile } : {}),
      scopes: oidc.scopes,
      ...(oidc.roleClaim ? { roleClaim: oidc.roleClaim } : {}),
      reviewerValues: oidc.reviewerValues,
      adminValues: oidc.adminValues,
      ...(oidc.orgClaim ? { orgClaim: oidc.orgClaim } : {}),
    },
  };
}

async function me(server: AuthServer, session: string | undefined) {
  const res = await server.request('/api/v1/me', { headers: { cookie: `sgci_session=${session}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * The warnings oidc-provider gives a provider like this test's, on purpose a development one: its in-memory adapter
 * and its built-in login pages. Caught, so the test run prints no warning meant for a production deployment.
 */
const expectedProviderWarnings = [/in-memory adapter is used/, /devInteractions is enabled/];

describe('OIDC sign-in against a real provider over TLS', () => {
  let dir: string;
  let provider: LoopbackProvider;
  const warnings: string[] = [];
  const warn = console.warn;
  before(async () => {
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
    };
    dir = mkdtempSync(join(tmpdir(), 'sgci-oidc-'));
    provider = await startProvider(dir);
  });
  after(async () => {
    console.warn = warn;
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
    const unexpected = warnings.filter((w) => !expectedProviderWarnings.some((expected) => expected.test(w)));
    assert.deepEqual(unexpected, [], 'no warning but the development provider’s own');
  });

  for (const { engine, skip } of catalogueEngines) {
    describe(`on ${engine}`, { skip }, () => {
      let suite: TestCatalogues;
      let catalogue: Catalogue;
      let server: AuthServer;
      before(async () => {
        suite = new TestCatalogues(engine);
        catalogue = await suite.open();
        await createOrganisation(catalogue, { kind: 'system' }, { slug: 'org-a', name: 'A', contact: null });
        await createOrganisation(catalogue, { kind: 'system' }, { slug: 'org-b', name: 'B', contact: null });
        server = authServer(
          catalogue,
          {
            publicUrl,
            oidc: {
              issuer: provider.issuer,
              clientId: 'sgci',
              caFile: provider.caFile,
              scopes: ['openid', 'profile', 'email', 'sgci'],
              roleClaim: 'sgci_roles',
              reviewerValues: ['sgci-reviewer'],
              adminValues: ['sgci-admin'],
              orgClaim: 'sgci_orgs',
            },
          },
          { SGCI_OIDC_CLIENT_SECRET: clientSecret },
        );
      });
      after(async () => suite[Symbol.asyncDispose]());

      test('code flow with PKCE ends in a session /api/v1/me accepts, rights mapped from the claims', async () => {
        const flow = await oidcSignIn(server, provider, 'erika');
        const params = flow.authorize.searchParams;
        assert.equal(params.get('code_challenge_method'), 'S256');
        assert.match(params.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
        assert.ok(params.get('nonce') && params.get('state'));
        assert.equal(params.get('redirect_uri'), `${publicUrl}/auth/oidc/callback`);
        assert.ok(
          flow.binding.attributes.includes('SameSite=Lax') && flow.binding.attributes.includes('HttpOnly'),
          flow.binding.attributes.join(),
        );
        assert.equal(flow.callback.status, 200, await flow.callback.clone().text());
        assert.match(await flow.callback.text(), /<meta http-equiv="refresh" content="0;url=\/images\?q=nginx">/);
        assert.deepEqual([...(flow.session?.attributes ?? [])].sort(), ['HttpOnly', 'Path=/', 'SameSite=Strict']);
        const { status, body } = await me(server, flow.session?.value);
        assert.equal(status, 200);
        assert.deepEqual(
          {
            login: body.login,
            displayName: body.displayName,
            role: body.role,
            organisations: body.organisations,
            via: body.via,
          },
          {
            login: 'erika',
            displayName: 'Erika Mustermann',
            role: 'reviewer',
            organisations: ['org-a'],
            via: 'session',
          },
        );
        const user = await catalogue.db
          .selectFrom('users')
          .select(['oidc_issuer', 'oidc_subject', 'password_hash'])
          .where('login', '=', 'erika')
          .executeTakeFirstOrThrow();
        assert.deepEqual(user, { oidc_issuer: provider.issuer, oidc_subject: 'erika', password_hash: null });
      });

      test('the next sign-in follows changed claims, each change an event; the same user, no second account', async () => {
        accounts.erika = { ...accounts.erika, sgci_roles: ['sgci-admin'], sgci_orgs: ['org-b'] };
        try {
          const flow = await oidcSignIn(server, provider, 'erika');
          const { body } = await me(server, flow.session?.value);
          assert.deepEqual([body.role, body.organisations], ['admin', ['org-b']]);
        } finally {
          accounts.erika = { ...accounts.erika, sgci_roles: ['sgci-reviewer'], sgci_orgs: ['org-a'] };
        }
        const users = await catalogue.db.selectFrom('users').select('id').where('oidc_subject', '=', 'erika').execute();
        assert.equal(users.length, 1);
        const events = await catalogue.db
          .selectFrom('events')
          .select(['kind', 'subject_id', 'actor', 'before', 'after'])
          .where('kind', 'in', ['user.created', 'user.role-changed', 'membership.added', 'membership.removed'])
          .orderBy('id')
          .execute();
        assert.deepEqual(
          events.map((e) => [e.kind, e.subject_id]),
          [
            ['user.created', users[0]?.id],
            ['user.role-changed', users[0]?.id],
            ['membership.added', 'org-b'],
            ['membership.removed', 'org-a'],
          ],
        );
        assert.ok(events.every((e) => e.actor === 'system'));
        const created = events[0]?.after as { role: string; organisations: string[]; oidcIssuer: string };
        assert.deepEqual(
          [created.role, created.organisations, created.oidcIssuer],
          ['reviewer', ['org-a'], provider.issuer],
          'only organisations sgci knows',
        );
        assert.deepEqual([events[1]?.before, events[1]?.after], [{ role: 'reviewer' }, { role: 'admin' }]);
      });

      test('a callback is single-use, bound to its browser and to ten minutes', async () => {
        const flow = await oidcSignIn(server, provider, 'erika');
        assert.equal(flow.callback.status, 200);
        const replay = await server.request(`${flow.callbackUrl.pathname}${flow.callbackUrl.search}`, {
          headers: { cookie: `sgci_oidc=${flow.binding.value}` },
        });
        assert.equal(replay.status, 400);
        const stolen = await oidcSignIn(server, provider, 'erika', { otherBrowser: true });
        assert.equal(stolen.callback.status, 400, 'a code sent to another browser is worth nothing');
        assert.equal(stolen.session, undefined);
        const slow = await oidcSignIn(server, provider, 'erika', {
          beforeCallback: () => suite.clock.advance(11 * 60_000),
        });
        assert.equal(slow.callback.status, 400);
        assert.match(((await slow.callback.json()) as { detail: string }).detail, /unknown, expired, used/);
      });

      test('a refusal at the provider, a disabled user and a taken login', async () => {
        const aborted = await oidcSignIn(server, provider, 'erika', { abort: true });
        assert.equal(aborted.callbackUrl.searchParams.get('error'), 'access_denied');
        assert.equal(aborted.callback.status, 401);
        assert.equal(aborted.session, undefined);

        // a local account named max is not taken over by the issuer's max
        await createUser(
          catalogue,
          { kind: 'system' },
          { login: 'max', role: 'admin', password: 'local password 1234' },
        );
        const max = await oidcSignIn(server, provider, 'max-subject');
        const { body } = await me(server, max.session?.value);
        assert.deepEqual([body.login, body.role, body.displayName], ['max-2', null, 'Max (OIDC)']);

        await disableUser(catalogue, { kind: 'system' }, 'max-2');
        const disabled = await oidcSignIn(server, provider, 'max-subject');
        assert.equal(disabled.callback.status, 403);
        assert.equal(disabled.session, undefined);
      });

      test('an ID token whose signature the issuer’s key set does not confirm is refused', async () => {
        // a fresh server: its first look at the key set is the forged one
        const fresh = authServer(catalogue, server.deps.config.oidc ? oidcFlags(server) : {}, {
          SGCI_OIDC_CLIENT_SECRET: clientSecret,
        });
        provider.forgeJwks = true;
        try {
          const flow = await oidcSignIn(fresh, provider, 'erika');
          assert.equal(flow.callback.status, 401);
          assert.equal(flow.session, undefined);
          assert.match(fresh.logs.join('\n'), /oidc sign-in failed/);
        } finally {
          provider.forgeJwks = false;
        }
      });

      test('an issuer whose TLS certificate the configured CA did not sign is not reached', async () => {
        const otherCa = join(dir, `other-${engine}.crt`);
        await selfSignedCertificate('/CN=another CA', 1, join(dir, `other-${engine}.key`), otherCa);
        const flags = oidcFlags(server);
        const untrusting = authServer(catalogue, { ...flags, oidc: { ...flags.oidc, caFile: otherCa } }, {});
        const res = await untrusting.request('/auth/oidc/start');
        assert.equal(res.status, 502);
        assert.match(((await res.json()) as { detail: string }).detail, /unavailable/);
      });

      test('without oidc in the configuration the routes say so', async () => {
        const plain = authServer(catalogue);
        const res = await plain.request('/auth/oidc/start');
        assert.equal(res.status, 404);
        assert.match(((await res.json()) as { detail: string }).detail, /not configured/);
      });
    });
  }
});

describe('OIDC and secrets in the configuration', () => {
  test('the redirect URI follows the public URL; secrets print as redacted; the schema is published', () => {
    const config = loadServerConfig({
      env: {
        SGCI_OIDC_CLIENT_SECRET: 'the-client-secret',
        SGCI_CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
      flags: {
        publicUrl: 'https://container.example/',
        oidc: { issuer: 'https://id.example/realms/x', clientId: 'sgci' },
      },
    });
    assert.equal(config.oidc?.redirectUri, 'https://container.example/auth/oidc/callback');
    assert.equal(config.oidc?.clientSecret?.reveal(), 'the-client-secret');
    assert.deepEqual(config.oidc?.scopes, ['openid', 'profile', 'email']);
    const printed = `${JSON.stringify(config)}\n${inspect(config, { depth: 5 })}`;
    assert.doesNotMatch(printed, /the-client-secret/);
    assert.doesNotMatch(printed, new RegExp(Buffer.alloc(32, 7).toString('base64').slice(0, 16)));
    assert.match(printed, /\[redacted\]/);
    assert.throws(
      () => loadServerConfig({ env: {}, flags: { oidc: { issuer: 'https://id.example', clientId: 'sgci' } } }),
      /oidc: needs redirectUri or publicUrl/,
    );
    assert.throws(
      () => loadServerConfig({ env: {}, flags: { publicUrl, oidc: { issuer: 'http://id.example', clientId: 'x' } } }),
      /oidc\.issuer/,
    );
    const schema = JSON.stringify(serverConfigJsonSchema('0.0.0'));
    for (const key of ['oidc', 'roleClaim', 'credentialsKeyFile', 'trustedProxies'])
      assert.match(schema, new RegExp(key));
  });
});
