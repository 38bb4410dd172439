/**
 * The pages over HTTP, in process: every page in both languages with its language switch, no cookie before
 * sign-in, the CSP, HTML error pages for browsers and problem+json for the API, the site's own files with their
 * hashes and cache headers, the catalogue's GET form with its errors and cursor, sign-in and sign-out through the
 * real auth routes, the accessibility feedback stored as an event, and a hostile image rendered as text.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { auditPage, type Catalogue, createUser } from '../../src/catalogue/index.ts';
import { langs, pagePaths, pathOf } from '../../src/server/web/i18n.ts';
import { type AuthServer, authServer, setCookies } from '../helpers/accounts.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { hostileText, seedPageCatalogue } from '../helpers/page-catalogue.ts';

const html = { accept: 'text/html,application/xhtml+xml' };
const origin = 'http://localhost';
const password = 'correct horse battery staple';

/** The pages only a signed-in reader sees: their own tests cover them (pages-review.test.ts, pages-submissions.test.ts, pages-triage.test.ts, pages-admin.test.ts …). */
const signedInPages: ReadonlySet<string> = new Set([
  'review',
  'reviewSubmission',
  'submit',
  'submissions',
  'submission',
  'triage',
  'triageDecide',
  'triageDecision',
  'triageExpiring',
  'triageUnmatched',
]);

/** Every public page that needs no parameter, and the image pages of one image. */
const pages = (Object.keys(pagePaths) as (keyof typeof pagePaths)[])
  .filter((id) => !signedInPages.has(id) && !pagePaths[id].de.startsWith('/de/verwaltung'))
  .map((id) => ({
    id,
    params: (id === 'image' || id === 'compare' ? { name: 'node-app' } : {}) as Record<string, string>,
  }));

function form(fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { ...html, 'content-type': 'application/x-www-form-urlencoded', origin, ...headers },
    body: new URLSearchParams(fields).toString(),
  };
}

describe('the pages over HTTP', { skip: fixturesMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: AuthServer;

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await seedPageCatalogue(catalogue, { filler: 21, hostile: true });
    await createUser(
      catalogue,
      { kind: 'system' },
      {
        login: 'alice',
        displayName: 'Alice Beispiel',
        role: null,
        organisations: ['bundesamt-beispiel'],
        password,
      },
    );
    server = authServer(catalogue);
  });
  after(async () => suite?.[Symbol.asyncDispose]());

  const get = (path: string, headers: Record<string, string> = {}) =>
    server.request(path, { headers: { ...html, ...headers } });

  test('/ leads to the German start page; /de and /en to theirs', async () => {
    for (const [from, to, status] of [
      ['/', '/de/', 302],
      ['/de', '/de/', 301],
      ['/en', '/en/', 301],
    ] as const) {
      const res = await get(from);
      assert.equal(res.status, status, from);
      assert.equal(res.headers.get('location'), to);
    }
  });

  test('every page answers in both languages: lang, one h1, a switch to the same page in the other language', async () => {
    for (const { id, params } of pages) {
      for (const lang of langs) {
        const other = lang === 'de' ? 'en' : 'de';
        const path = pathOf(id, lang, params);
        const res = await get(`${path}?x=1`);
        const body = await res.text();
        assert.equal(res.status, 200, `${path}: ${body.slice(0, 300)}`);
        assert.equal(res.headers.get('content-language'), lang);
        assert.match(body, new RegExp(`<html lang="${lang}">`), path);
        assert.equal(body.match(/<h1[ >]/g)?.length, 1, `${path}: one h1`);
        assert.ok(body.includes(`href="${pathOf(id, other, params)}?x=1" hreflang="${other}" lang="${other}"`), path);
        assert.match(body, /<a class="skip-link" href="#inhalt">/);
        assert.match(body, /<header[^>]*>[\s\S]*<nav [^>]*aria-label=[\s\S]*<main id="inhalt"[\s\S]*<footer/);
        assert.equal(res.headers.getSetCookie().length, 0, `${path} sets a cookie for an anonymous reader`);
      }
    }
  });

  test('every answer carries the CSP without inline script or style', async () => {
    for (const path of ['/de/', '/de/katalog/node-app', '/de/nichts', '/api/v1/images']) {
      const csp = (await get(path)).headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /script-src 'self'/);
      assert.match(csp, /style-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    }
  });

  test('a browser gets an error page in the path’s language; the API and non-browsers keep problem+json', async () => {
    const de = await get('/de/gibt-es-nicht');
    assert.equal(de.status, 404);
    assert.match(de.headers.get('content-type') ?? '', /^text\/html/);
    const deBody = await de.text();
    assert.match(deBody, /<html lang="de">[\s\S]*<h1[^>]*>Seite nicht gefunden<\/h1>/);
    const en = await (await get('/en/catalogue/no-such-image')).text();
    assert.match(en, /<html lang="en">[\s\S]*<h1[^>]*>Page not found<\/h1>/);
    const neutral = await (await get('/gibt-es-nicht')).text();
    assert.match(neutral, /<h1[^>]*>Seite nicht gefunden[\s\S]*<section lang="en"[^>]*><h2[^>]*>Page not found/);
    const api = await get('/api/v1/images/no-such-image');
    assert.equal(api.status, 404);
    assert.equal(api.headers.get('content-type'), 'application/problem+json');
    const curl = await server.request('/de/gibt-es-nicht');
    assert.equal(curl.headers.get('content-type'), 'application/problem+json');
    const version = await get(`/de/katalog/node-app?version=sha256:${'0'.repeat(64)}`);
    assert.equal(version.status, 404);
  });

  test('the site’s files: named by their hash, cached for a year, compressed as the browser accepts', async () => {
    const page = await (await get('/de/')).text();
    const files = [...page.matchAll(/"(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    assert.equal(files.filter((f) => f.endsWith('.woff2')).length, 2, 'two font files');
    assert.equal(files.filter((f) => f.endsWith('.css')).length, 1, 'one stylesheet');
    for (const file of files) {
      const res = await server.request(file);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const body = Buffer.from(await res.arrayBuffer());
      const hash = /\.([0-9a-f]{16})\.\w+$/.exec(file)?.[1];
      assert.equal(createHash('sha256').update(body).digest('hex').slice(0, 16), hash, `${file} is named by its hash`);
    }
    const css = files.find((f) => f.endsWith('.css')) ?? '';
    const br = await server.request(css, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers.get('content-encoding'), 'br');
    const gzip = await server.request(css, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(gzip.headers.get('content-encoding'), 'gzip');
    assert.equal((await server.request('/assets/site.0000000000000000.css')).status, 404);
  });

  test('a page for a reader without a session is compressed; a signed-in page (with its CSRF token) is not', async () => {
    const anonymous = await get('/de/katalog', { 'accept-encoding': 'gzip' });
    assert.equal(anonymous.headers.get('content-encoding'), 'gzip');
    assert.match(gunzipSync(Buffer.from(await anonymous.arrayBuffer())).toString('utf8'), /<h1[^>]*>Katalog<\/h1>/);
    const cookie = await signIn();
    const signedIn = await get('/de/katalog', { 'accept-encoding': 'gzip', cookie });
    assert.equal(signedIn.headers.get('content-encoding'), null);
    assert.equal(signedIn.headers.get('cache-control'), 'no-store');
  });

  test('the catalogue form: each invalid value is named at its field and left out; the rest still filters', async () => {
    const res = await get('/de/katalog?q=node&fixable=sehr&distro=Debian!');
    const body = await res.text();
    assert.equal(res.status, 200);
    assert.match(body, /<title>Fehler: Katalog/);
    assert.match(body, /role="alert"[\s\S]*href="#distro"[\s\S]*href="#fixable"/, 'in the order of the form');
    assert.match(body, /id="fixable"[^>]*aria-describedby="fixable-error" aria-invalid="true"/);
    assert.match(body, /href="\/de\/katalog\/node-app"/);
    assert.doesNotMatch(body, /href="\/de\/katalog\/python-app"/);
    const none = await (await get('/de/katalog?q=gibtesnicht')).text();
    assert.match(none, /Kein Image passt zu Ihrer Suche/);
  });

  test('the catalogue pages by its cursor; a cursor of another ordering shows the first page with a notice', async () => {
    const first = await (await get('/de/katalog')).text();
    const names = (text: string) =>
      [...text.matchAll(/<h3[^>]*><a href="\/de\/katalog\/([a-z0-9-]+)"/g)].map((m) => m[1]);
    assert.equal(names(first).length, 20);
    const next = /href="(\/de\/katalog\?cursor=[^"]+)" rel="next"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(next, 'a link to the next page');
    const second = await (await get(next)).text();
    assert.ok(names(second).length > 0);
    assert.equal(
      names(second).some((n) => names(first).includes(n)),
      false,
      'the second page repeats none of the first',
    );
    assert.match(second, /href="\/de\/katalog">Erste Seite<\/a>/);
    const refused = await (await get(`/de/katalog?q=demo&${next.split('?')[1]}`)).text();
    assert.match(refused, /Die Seitenangabe ist ungültig/);
  });

  async function signIn(): Promise<string> {
    const res = await server.request('/auth/login', form({ login: 'alice', password, returnTo: '/de/katalog' }));
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/de/katalog');
    const session = setCookies(res).get('sgci_session');
    assert.ok(session);
    return `sgci_session=${session.value}`;
  }

  test('sign-in through the form: a refusal is the sign-in page with the reason, a success the page it came from', async () => {
    const refused = await server.request(
      '/auth/login',
      form({ login: 'alice', password: 'wrong password!', returnTo: '/en/catalogue' }),
    );
    assert.equal(refused.status, 401);
    const body = await refused.text();
    assert.match(body, /<html lang="en">[\s\S]*<title>Error: Sign in/);
    assert.match(body, /Login name or password is wrong\./);
    assert.match(body, /id="login" name="login" type="text" value="alice"/);
    assert.doesNotMatch(body, /wrong password!/, 'the password is never sent back');
    assert.equal(refused.headers.getSetCookie().length, 0);
    const empty = await server.request('/auth/login', form({ login: '', password: '', returnTo: '/de/' }));
    assert.equal(empty.status, 422);
    assert.match(await empty.text(), /href="#login">Bitte geben Sie Ihren Anmeldenamen ein\.[\s\S]*href="#password"/);
    const cookie = await signIn();
    const page = await (await get('/de/katalog', { cookie })).text();
    assert.match(page, /Angemeldet als <strong>Alice Beispiel<\/strong>/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(token, 'the sign-out form carries the CSRF token');
    const forged = await server.request('/auth/logout', form({ _csrf: 'forged' }, { cookie }));
    assert.equal(forged.status, 403);
    assert.match(await forged.text(), /<h1[^>]*>Zugriff verweigert/);
    const out = await server.request('/auth/logout', form({ _csrf: token }, { cookie }));
    assert.equal(out.status, 303);
  });

  test('with an OpenID Connect issuer configured, the sign-in page offers it, with the way back', async () => {
    const oidc = authServer(catalogue, {
      publicUrl: 'https://container.example',
      oidc: { issuer: 'https://id.example', clientId: 'sgci' },
    });
    const page = await (await oidc.request('/en/sign-in?returnTo=%2Fen%2Fcatalogue', { headers: html })).text();
    assert.match(
      page,
      /<a class="kern-btn kern-btn--secondary" href="\/auth\/oidc\/start\?returnTo=%2Fen%2Fcatalogue">/,
    );
    assert.doesNotMatch(await (await get('/de/anmelden')).text(), /\/auth\/oidc\/start/);
  });

  test('accessibility feedback: errors at their fields; a message is stored as an event; a flood is refused', async () => {
    const empty = await server.request('/de/barrierefreiheit', form({ message: ' ', email: 'kein-mail' }));
    assert.equal(empty.status, 422);
    const body = await empty.text();
    assert.match(body, /href="#message">Bitte schreiben Sie eine Nachricht\.[\s\S]*href="#email"/);
    assert.match(body, /id="email" name="email" type="email" value="kein-mail"/);
    const sent = await server.request(
      '/de/barrierefreiheit',
      form({ message: 'Der Filter ist mit der Tastatur schwer zu erreichen.', page: '/de/katalog', email: '' }),
      '198.51.100.7',
    );
    assert.equal(sent.status, 303);
    assert.equal(sent.headers.get('location'), '/de/barrierefreiheit?gesendet=1#rueckmeldung');
    assert.match(await (await get('/de/barrierefreiheit?gesendet=1')).text(), /Ihre Rückmeldung ist angekommen/);
    const events = (await auditPage(catalogue.db, '0', 10_000)).filter(
      (e) => e.subject.kind === 'accessibility-feedback',
    );
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]?.after, {
      message: 'Der Filter ist mit der Tastatur schwer zu erreichen.',
      page: '/de/katalog',
      email: '',
      lang: 'de',
      anonymous: true,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await server.request('/de/barrierefreiheit', form({ message: `Nachricht ${i}` }), '198.51.100.7')).status,
      );
    assert.deepEqual(statuses, [303, 303, 303, 303, 429]);
    const foreign = await server.request(
      '/de/barrierefreiheit',
      form({ message: 'x' }, { origin: 'https://evil.example' }),
    );
    assert.equal(foreign.status, 403, 'another site cannot post the form');
  });

  test('comparing a version with itself is an error at the field', async () => {
    const image = await (await get('/de/katalog/node-app')).text();
    const digest = /<option value="(sha256:[0-9a-f]{64})" selected>/.exec(image)?.[1] ?? '';
    const res = await get(`/de/katalog/node-app/vergleich?from=${digest}&to=${digest}`);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /href="#from">Bitte wählen Sie zwei verschiedene Versionen\./);
  });

  test('the image page shows findings with VEX status and SLA clock, check evidence, downloads and commands', async () => {
    const body = await (await get('/de/katalog/node-app')).text();
    assert.match(body, /<caption id="versionen-tabelle-caption">Versionen von node-app, neueste zuerst<\/caption>/);
    assert.match(body, /<h3[^>]*>Sicherheit des Base-Images<\/h3>/);
    assert.match(body, /BSI IT-Grundschutz SYS\.1\.6/);
    assert.match(body, /<details class="check" id="SGCI-RUN-008" open>/);
    assert.match(body, /CVE-2024-45296[\s\S]*keine Aussage[\s\S]*überschritten/);
    assert.match(body, /href="\/api\/v1\/images\/node-app\/versions\/sha256:[0-9a-f]{64}\/sbom\?format=spdx-json"/);
    assert.match(body, /\/vsa">DSSE/);
    assert.match(body, /docker pull registry\.example\.de\/bundesamt-beispiel\/node-app@sha256:/);
    assert.match(body, /sgci verify-attestation --key katalog\.pub --type vsa registry\.example\.de/);
    assert.match(body, /<section [^>]*><h2[^>]*id="neubau">Neubau-Historie/);
  });

  test('a hostile image’s texts are shown as text: no markup, no script, no javascript: link', async () => {
    const body = await (await get('/de/katalog/hostile-app')).text();
    assert.equal(body.includes(hostileText), false, 'the markup is escaped');
    assert.equal(/<script>window|<img src=x|href="javascript:/.test(body), false, 'no markup from the image');
    const escaped = '&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;';
    for (const where of ['<p class="lead">', '/etc/', '<code>registry.example.de/', 'lang="en">'])
      assert.ok(body.includes(`${where}${escaped}`), `escaped after ${where}`);
    const list = await (await get('/de/katalog?organisation=hostile-org')).text();
    assert.equal(list.includes(hostileText), false);
  });
});
