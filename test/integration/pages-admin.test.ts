/**
 * The administration's pages over HTTP, in process, on the real auth routes: who may open which page (401 for
 * anonymous readers, 403 by role and membership as the API decides), every form's validation error named at its
 * field with 422, a new API token shown once and never again, registry passwords in no response, the audit events
 * every change writes (the API's own), hostile text rendered as text, and the operator's details in the Impressum.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { generateP256, publicKeyPem } from '../../src/attest/index.ts';
import { auditPage, type Catalogue, createOrganisation, createUser } from '../../src/catalogue/index.ts';
import { pathOf } from '../../src/server/web/i18n.ts';
import { type AuthServer, authServer } from '../helpers/accounts.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { hostileText } from '../helpers/page-catalogue.ts';

const html = { accept: 'text/html,application/xhtml+xml' };
const origin = 'http://localhost';
const password = 'correct horse battery staple';
const registryPassword = 'Registry-Geheimnis-4711-xyz';
const system = { kind: 'system' } as const;

/** A browser's cookies for this site: what Set-Cookie sets (and Max-Age=0 deletes), sent back on every request. */
class CookieJar {
  readonly #cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (/max-age=0/i.test(line) || pair.slice(eq + 1) === '') this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1));
    }
  }
  has(name: string): boolean {
    return this.#cookies.has(name);
  }
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** A signed-in browser: its cookies, the CSRF token of its session, GET and form POST. */
interface Browser {
  readonly jar: CookieJar;
  get(path: string): Promise<Response>;
  post(path: string, fields: Record<string, string>): Promise<Response>;
}

describe('the administration’s pages over HTTP', () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: AuthServer;
  const bodies: string[] = [];

  async function browser(login?: string): Promise<Browser> {
    const jar = new CookieJar();
    let csrf = '';
    const remember = async (res: Response) => {
      jar.take(res);
      const body = await res.clone().text();
      bodies.push(body, JSON.stringify([...res.headers]));
      csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? csrf;
      return res;
    };
    const self: Browser = {
      jar,
      get: async (path) => remember(await server.request(path, { headers: { ...html, cookie: jar.header() } })),
      post: async (path, fields) =>
        remember(
          await server.request(path, {
            method: 'POST',
            headers: {
              ...html,
              'content-type': 'application/x-www-form-urlencoded',
              origin,
              cookie: jar.header(),
            },
            body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
          }),
        ),
    };
    if (login) {
      const res = await server.request('/auth/login', {
        method: 'POST',
        headers: { ...html, 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({ login, password, returnTo: '/de/verwaltung' }).toString(),
      });
      assert.equal(res.status, 303, `${login} signs in`);
      jar.take(res);
      await self.get('/de/verwaltung');
    }
    return self;
  }

  let adminUserId = '';
  let ana: Browser;
  let erika: Browser;
  let rita: Browser;

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await createOrganisation(catalogue, system, { slug: 'bund-a', name: 'Bundesamt A', contact: 'a@bund.example' });
    await createOrganisation(catalogue, system, { slug: 'land-b', name: 'Land B', contact: null });
    adminUserId = (
      await createUser(catalogue, system, { login: 'ana', displayName: 'Ana Admin', role: 'admin', password })
    ).id;
    await createUser(catalogue, system, { login: 'rita', role: 'reviewer', password });
    await createUser(catalogue, system, { login: 'erika', role: null, organisations: ['bund-a'], password });
    await createUser(catalogue, system, { login: 'bert', role: null, organisations: ['land-b'], password });
    server = authServer(
      catalogue,
      {
        operator: {
          postalAddress: ['Beispielstraße 1', '10117 Berlin'],
          representedBy: 'Erika Geschäftsführerin',
          vatId: 'DE123456789',
        },
      },
      { SGCI_CREDENTIALS_KEY: randomBytes(32).toString('base64') },
    );
    [ana, erika, rita] = [await browser('ana'), await browser('erika'), await browser('rita')];
  });
  after(async () => suite?.[Symbol.asyncDispose]());

  /** The events written since `after`, as `kind subject actor`. */
  async function eventsAfter(afterId: string): Promise<string[]> {
    const events = await auditPage(catalogue.db, afterId, 1000);
    return events.map((e) => `${e.kind} ${e.subject.id} ${e.actor}`);
  }
  async function lastEventId(): Promise<string> {
    const all = await auditPage(catalogue.db, '0', 100_000);
    return all.at(-1)?.id ?? '0';
  }

  test('anonymous readers get the 401 page with the way to sign in; roles and memberships decide the rest', async () => {
    const anonymous = await browser();
    const paths = [
      '/de/verwaltung',
      '/en/administration/tokens',
      '/de/verwaltung/benutzer',
      '/de/verwaltung/benutzer/erika',
      '/de/verwaltung/organisationen',
      '/de/verwaltung/organisationen/bund-a',
      '/de/verwaltung/organisationen/bund-a/zugangsdaten',
      '/en/administration/organisations/bund-a/keys',
      '/de/verwaltung/richtlinie',
    ];
    for (const path of paths) {
      const res = await anonymous.get(path);
      assert.equal(res.status, 401, path);
      assert.match(await res.text(), /href="\/(de\/anmelden|en\/sign-in)\?returnTo=/, path);
    }
    const posted = await anonymous.post('/de/verwaltung/benutzer', { login: 'x', role: 'admin' });
    assert.equal(posted.status, 401);

    const expect: [Browser, string, number][] = [
      [erika, '/de/verwaltung', 200],
      [erika, '/de/verwaltung/tokens', 200],
      [erika, '/de/verwaltung/richtlinie', 200],
      [erika, '/de/verwaltung/organisationen', 200],
      [erika, '/de/verwaltung/organisationen/bund-a', 200],
      [erika, '/de/verwaltung/organisationen/bund-a/zugangsdaten', 200],
      [erika, '/de/verwaltung/organisationen/bund-a/schluessel', 200],
      [erika, '/de/verwaltung/organisationen/land-b/zugangsdaten', 403],
      [erika, '/de/verwaltung/organisationen/land-b/schluessel', 403],
      [erika, '/de/verwaltung/organisationen/gibt-es-nicht/schluessel', 403],
      [erika, '/de/verwaltung/benutzer', 403],
      [erika, '/de/verwaltung/benutzer/rita', 403],
      [rita, '/de/verwaltung/benutzer', 403],
      [rita, '/de/verwaltung/organisationen/bund-a/zugangsdaten', 403],
      [ana, '/de/verwaltung/benutzer', 200],
      [ana, '/en/administration/users/erika', 200],
      [ana, '/de/verwaltung/benutzer/niemand', 404],
      [ana, '/de/verwaltung/organisationen/land-b/zugangsdaten', 200],
      [ana, '/de/verwaltung/organisationen/gibt-es-nicht', 404],
    ];
    for (const [who, path, status] of expect) assert.equal((await who.get(path)).status, status, path);
    for (const [who, path, fields] of [
      [erika, '/de/verwaltung/organisationen', { slug: 'neu', name: 'Neu' }],
      [erika, '/de/verwaltung/organisationen/bund-a', { login: 'bert' }],
      [rita, '/de/verwaltung/benutzer', { login: 'neu', role: 'admin' }],
      [erika, '/de/verwaltung/organisationen/land-b/zugangsdaten', { action: 'delete', registry: 'docker.io' }],
    ] as const) {
      const res = await who.post(path, fields);
      assert.equal(res.status, 403, path);
    }
    // what each sees in the navigation: the administration for the signed-in, the users for admins
    const erikaPage = await (await erika.get('/de/verwaltung')).text();
    assert.match(erikaPage, /<nav class="site-nav"[\s\S]*href="\/de\/verwaltung"[^>]*>Verwaltung</);
    assert.doesNotMatch(erikaPage, /href="\/de\/verwaltung\/benutzer"/);
    assert.match(await (await ana.get('/de/verwaltung')).text(), /href="\/de\/verwaltung\/benutzer"/);
    assert.doesNotMatch(await (await anonymous.get('/de/')).text(), /href="\/de\/verwaltung"/);
  });

  test('every form’s validation error is named at its field, with 422 and the field kept', async () => {
    const cases: [Browser, string, Record<string, string>, string[]][] = [
      [
        ana,
        '/de/verwaltung/benutzer',
        { login: 'Nicht gültig!', email: 'keine-adresse', role: 'contributor', organisation: '', password: 'kurz' },
        ['login', 'email', 'organisation', 'password'],
      ],
      [ana, '/de/verwaltung/benutzer', { login: 'ana', role: 'admin', organisation: '' }, ['login']],
      [
        ana,
        '/de/verwaltung/benutzer',
        { login: 'neu', role: 'kaiser', organisation: 'gibt-es-nicht' },
        ['role', 'organisation'],
      ],
      [ana, '/de/verwaltung/benutzer/erika', { action: 'role', role: 'kaiser' }, ['role']],
      [
        ana,
        '/de/verwaltung/organisationen',
        { slug: '-Falsch-', name: '', contact: 'x'.repeat(501) },
        ['slug', 'name', 'contact'],
      ],
      [ana, '/de/verwaltung/organisationen', { slug: 'bund-a', name: 'Noch einmal' }, ['slug']],
      [ana, '/de/verwaltung/organisationen/bund-a', { login: 'niemand' }, ['login']],
      [erika, '/de/verwaltung/tokens', { action: 'create', label: '', days: '0' }, ['label', 'days']],
      [erika, '/en/administration/tokens', { action: 'create', label: 'ci', days: '3651' }, ['days']],
      [
        erika,
        '/de/verwaltung/organisationen/bund-a/zugangsdaten',
        { action: 'set', registry: 'https://registry/', username: '', password: '' },
        ['registry', 'username', 'password'],
      ],
      [
        erika,
        '/de/verwaltung/organisationen/bund-a/schluessel',
        { action: 'add', label: 'x'.repeat(201), pem: '' },
        ['label', 'pem'],
      ],
    ];
    for (const [who, path, fields, names] of cases) {
      const res = await who.post(path, { action: 'create', ...fields });
      const body = await res.text();
      assert.equal(res.status, 422, `${path} ${JSON.stringify(fields)}: ${body.slice(0, 200)}`);
      assert.match(body, /<title>(Fehler|Error): /, path);
      for (const name of names) {
        assert.match(body, new RegExp(`<a href="#${name}">`), `${path}: summary links ${name}`);
        assert.match(
          body,
          new RegExp(`id="${name}"[^>]*aria-describedby="[^"]*${name}-error"[^>]*aria-invalid="true"`),
          `${path}: ${name}`,
        );
      }
    }
    // a change no page offers is a bad request
    const unknown = await erika.post('/de/verwaltung/tokens', { action: 'explode' });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /<html lang="de">/);
    // the user form keeps what was typed, never the password
    const kept = await (
      await ana.post('/de/verwaltung/benutzer', { login: 'neu', role: 'contributor', password: 'geheim-aber-kurz' })
    ).text();
    assert.match(kept, /id="login" name="login" type="text" value="neu"/);
    assert.doesNotMatch(kept, /geheim-aber-kurz/);
  });

  test('the keys page names what is wrong with a key: private, unsupported, not PEM', async () => {
    const path = '/de/verwaltung/organisationen/bund-a/schluessel';
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const p256 = generateP256();
    const privatePem = p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: [string, RegExp][] = [
      [privatePem, /Das ist ein privater Schlüssel/],
      [rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), /wird nicht unterstützt/],
      ['kein Schlüssel', /genau einen Block/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /nicht lesbar/],
    ];
    for (const [pem, message] of cases) {
      const res = await erika.post(path, { action: 'add', label: 'Pipeline', pem });
      const body = await res.text();
      assert.equal(res.status, 422);
      assert.match(body, message);
    }
    const events = await lastEventId();
    const pem = publicKeyPem(p256.publicKey);
    const added = await erika.post(path, { action: 'add', label: 'Build-Pipeline', pem });
    assert.equal(added.status, 303);
    const page = await (await erika.get(added.headers.get('location') ?? '')).text();
    assert.match(page, /role="status"[\s\S]*Der Schlüssel wurde hinzugefügt/);
    assert.match(
      page,
      /Build-Pipeline<\/td><td class="kern-table__cell"><code>sha256:[0-9a-f]{64}<\/code><\/td><td class="kern-table__cell">ecdsa-p256/,
    );
    const again = await erika.post(path, { action: 'add', label: 'noch einmal', pem });
    assert.match(await again.text(), /schon hinterlegt/);
    const id = /<code>(sha256:[0-9a-f]{64})<\/code>/.exec(page)?.[1] ?? '';
    const removed = await erika.post(path, { action: 'remove', id });
    assert.equal(removed.status, 303);
    const erikaId = (
      await catalogue.db.selectFrom('users').select('id').where('login', '=', 'erika').executeTakeFirstOrThrow()
    ).id;
    assert.deepEqual(await eventsAfter(events), [
      `organisation.keys-replaced bund-a ${erikaId}`,
      `organisation.key-removed bund-a ${erikaId}`,
    ]);
  });

  test('a new API token is shown once, on the page the form leads to, and never again; revoking works', async () => {
    const events = await lastEventId();
    const created = await erika.post('/de/verwaltung/tokens', {
      action: 'create',
      label: 'CI Fachverfahren',
      days: '30',
    });
    assert.equal(created.status, 303);
    assert.equal(created.headers.get('location'), '/de/verwaltung/tokens');
    assert.equal((await created.text()).includes('sgci_'), false, 'the redirect itself carries no token');
    assert.ok(erika.jar.has('sgci_new_token'));
    const shown = await erika.get('/de/verwaltung/tokens');
    const body = await shown.text();
    const token = /<code id="neues-token">(sgci_[a-z2-7]{8}_[0-9a-f]{64})<\/code>/.exec(body)?.[1];
    assert.ok(token, 'the token is on the page');
    assert.equal(shown.headers.get('cache-control'), 'no-store');
    assert.equal(erika.jar.has('sgci_new_token'), false, 'the cookie that carried it is gone');
    // the token works, as its owner
    const me = await server.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(((await me.json()) as { login: string }).login, 'erika');
    const reload = await (await erika.get('/de/verwaltung/tokens')).text();
    assert.equal(reload.includes(token), false, 'a reload does not show it again');
    assert.match(reload, /CI Fachverfahren/);
    // another session cannot open the sealed cookie: a second sign-in of the same user sees nothing either
    const other = await browser('erika');
    await other.post('/de/verwaltung/tokens', { action: 'create', label: 'zweites' });
    const carried = /sgci_new_token=[^;]+/.exec(other.jar.header())?.[0] ?? '';
    const foreign = await server.request('/de/verwaltung/tokens', {
      headers: { ...html, cookie: `${erika.jar.header()}; ${carried}` },
    });
    assert.doesNotMatch(await foreign.text(), /id="neues-token"/);
    // a token cannot mint tokens, on the page as in the API
    const viaToken = await server.request('/de/verwaltung/tokens', {
      method: 'POST',
      headers: { ...html, authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=create&label=x',
    });
    assert.equal(viaToken.status, 403);
    const prefix = token.slice(0, 13);
    const revoked = await erika.post('/de/verwaltung/tokens', { action: 'revoke', prefix });
    assert.equal(revoked.status, 303);
    const after = await (await erika.get(revoked.headers.get('location') ?? '')).text();
    assert.match(after, /Das Token wurde widerrufen/);
    assert.match(after, new RegExp(`${prefix}</code>[\\s\\S]*?widerrufen`));
    const unauthorised = await server.request('/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(unauthorised.status, 401);
    // someone else's prefix is not found
    assert.equal((await rita.post('/de/verwaltung/tokens', { action: 'revoke', prefix })).status, 404);
    const erikaId = (
      await catalogue.db.selectFrom('users').select('id').where('login', '=', 'erika').executeTakeFirstOrThrow()
    ).id;
    const written = await eventsAfter(events);
    assert.deepEqual(
      written.map((e) => e.split(' ')[0]),
      ['token.created', 'user.logged-in', 'token.created', 'token.revoked'],
    );
    assert.ok(written.every((e) => e.endsWith(erikaId)));
    const log = JSON.stringify(await auditPage(catalogue.db, '0', 100_000));
    assert.equal(log.includes(token.slice(14)), false, 'the audit log holds no token secret');
  });

  test('registry credentials are write-only: the password is in no response, the audit log names registry and user', async () => {
    const path = '/de/verwaltung/organisationen/bund-a/zugangsdaten';
    const events = await lastEventId();
    const set = await erika.post(path, {
      action: 'set',
      registry: 'Registry.Example.DE:5000',
      username: 'robot$bund-a',
      password: registryPassword,
    });
    assert.equal(set.status, 303);
    const page = await (await erika.get(set.headers.get('location') ?? '')).text();
    assert.match(page, /Die Zugangsdaten wurden gespeichert/);
    assert.match(page, /<code>registry\.example\.de:5000<\/code>/);
    assert.doesNotMatch(page, /robot\$bund-a/, 'not even the username is shown');
    const replaced = await ana.post(path, {
      action: 'set',
      registry: 'registry.example.de:5000',
      username: 'robot2',
      password: `${registryPassword}-2`,
    });
    assert.equal(replaced.status, 303);
    const invalid = await erika.post(path, { action: 'set', registry: 'docker.io', username: 'u', password: '' });
    assert.equal(invalid.status, 422);
    const deleted = await erika.post(path, { action: 'delete', registry: 'registry.example.de:5000' });
    assert.equal(deleted.status, 303);
    assert.match(await (await erika.get(deleted.headers.get('location') ?? '')).text(), /Für keine Registry/);
    const erikaId = (
      await catalogue.db.selectFrom('users').select('id').where('login', '=', 'erika').executeTakeFirstOrThrow()
    ).id;
    assert.deepEqual(await eventsAfter(events), [
      `registry-credentials.set bund-a ${erikaId}`,
      `registry-credentials.set bund-a ${adminUserId}`,
      `registry-credentials.deleted bund-a ${erikaId}`,
    ]);
    const everything = [...bodies, JSON.stringify(await auditPage(catalogue.db, '0', 100_000)), ...server.logs].join(
      '\n',
    );
    assert.equal(
      everything.includes(registryPassword),
      false,
      'the password appears in no response, event or log line',
    );
  });

  test('users and organisations: create, role, members, disable – each the audit event the console and API write', async () => {
    const events = await lastEventId();
    const org = await ana.post('/de/verwaltung/organisationen', { slug: 'kommune-c', name: 'Kommune C', contact: '' });
    assert.equal(org.status, 303);
    assert.match(await (await ana.get(org.headers.get('location') ?? '')).text(), /Die Organisation wurde angelegt/);
    const user = await ana.post('/de/verwaltung/benutzer', {
      login: 'Karl',
      name: 'Karl Kommune',
      email: 'karl@kommune.example',
      role: 'contributor',
      organisation: 'kommune-c',
      password,
    });
    assert.equal(user.status, 303);
    const list = await (await ana.get(user.headers.get('location') ?? '')).text();
    assert.match(list, /Der Benutzer wurde angelegt/);
    assert.match(list, /href="\/de\/verwaltung\/benutzer\/karl">karl<\/a>/);
    assert.equal((await ana.post('/de/verwaltung/organisationen/kommune-c', { login: 'rita' })).status, 303);
    const members = await (await ana.get('/de/verwaltung/organisationen/kommune-c')).text();
    assert.match(
      members,
      /karl<\/a><\/td><td class="kern-table__cell">Karl Kommune<\/td><td class="kern-table__cell">keine \(Mitwirkende:r\)/,
    );
    assert.match(
      members,
      /rita<\/a><\/td><td class="kern-table__cell">rita<\/td><td class="kern-table__cell">Prüfende:r/,
    );
    assert.equal((await ana.post('/de/verwaltung/benutzer/karl', { action: 'role', role: 'reviewer' })).status, 303);
    const karl = await browser('karl');
    assert.equal((await karl.get('/de/verwaltung/organisationen/kommune-c/zugangsdaten')).status, 200);
    const disabled = await ana.post('/de/verwaltung/benutzer/karl', { action: 'disable' });
    assert.equal(disabled.status, 303);
    assert.match(
      await (await ana.get(disabled.headers.get('location') ?? '')).text(),
      /Das Konto wurde gesperrt[\s\S]*gesperrt/,
    );
    assert.equal((await karl.get('/de/verwaltung')).status, 401, 'the disabled user’s session ended');
    // an admin cannot lock themselves out
    const own = await ana.post('/de/verwaltung/benutzer/ana', { action: 'disable' });
    assert.equal(own.status, 422);
    const karlId = (
      await catalogue.db.selectFrom('users').select('id').where('login', '=', 'karl').executeTakeFirstOrThrow()
    ).id;
    const written = (await eventsAfter(events)).filter((e) => !e.startsWith('user.logged-in'));
    assert.deepEqual(written, [
      `organisation.created kommune-c ${adminUserId}`,
      `user.created ${karlId} ${adminUserId}`,
      `membership.added kommune-c ${adminUserId}`,
      `user.role-changed ${karlId} ${adminUserId}`,
      `user.disabled ${karlId} ${adminUserId}`,
    ]);
    const [created] = (await auditPage(catalogue.db, events, 10)).filter((e) => e.kind === 'user.created');
    assert.deepEqual(created?.after, {
      login: 'karl',
      displayName: 'Karl Kommune',
      email: 'karl@kommune.example',
      role: null,
      organisations: ['kommune-c'],
      password: true,
    });
  });

  test('hostile text in names, labels and contacts is rendered as text', async () => {
    await ana.post('/de/verwaltung/organisationen', { slug: 'feindlich', name: hostileText, contact: hostileText });
    await ana.post('/de/verwaltung/benutzer', {
      login: 'mallory',
      name: hostileText,
      role: 'admin',
      organisation: 'feindlich',
    });
    await ana.post('/de/verwaltung/tokens', { action: 'create', label: hostileText });
    await ana.post('/de/verwaltung/organisationen/feindlich/schluessel', {
      action: 'add',
      label: hostileText,
      pem: publicKeyPem(generateP256().publicKey),
    });
    for (const path of [
      '/de/verwaltung/organisationen',
      '/de/verwaltung/organisationen/feindlich',
      '/de/verwaltung/organisationen/feindlich/schluessel',
      '/de/verwaltung/organisationen/feindlich/zugangsdaten',
      '/de/verwaltung/benutzer',
      '/de/verwaltung/benutzer/mallory',
      '/de/verwaltung/tokens',
    ]) {
      const body = await (await ana.get(path)).text();
      assert.equal(body.includes('<script>window.__xss'), false, path);
      assert.equal(body.includes('<img src=x'), false, path);
      assert.ok(body.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'), `${path} shows the text`);
    }
  });

  test('the policy page names the policy digest and links the policy document', async () => {
    const body = await (await rita.get('/en/administration/policy')).text();
    assert.match(body, /<code>sha256:[0-9a-f]{64}<\/code>/);
    assert.match(body, /href="\/api\/v1\/policy"/);
    assert.match(body, /No signing key set up/, 'the test server signs nothing');
    assert.equal((await server.request('/api/v1/keys/verdict.pub')).status, 404);
  });

  test('the Impressum and the privacy notice show the operator’s details from the configuration', async () => {
    const anonymous = await browser();
    const imprint = await (await anonymous.get(pathOf('imprint', 'de'))).text();
    assert.match(imprint, /Beispielstraße 1<br>10117 Berlin/);
    assert.match(imprint, /Erika Geschäftsführerin/);
    assert.match(imprint, /DE123456789/);
    assert.match(
      imprint,
      /Registereintrag<\/dt><dd[^>]*><em>noch nicht eingetragen/,
      'what is not configured stays missing',
    );
    const privacy = await (await anonymous.get(pathOf('privacy', 'en'))).text();
    assert.match(privacy, /Data protection officer: <em>not entered yet/);
    assert.match(privacy, /<code>sgci_new_token<\/code>: only when you create an API token/, 'every cookie is named');
  });
});
