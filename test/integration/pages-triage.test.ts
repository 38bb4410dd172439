/**
 * The VEX triage pages over HTTP, in process, on the pages' catalogue (fixture images scanned against the real npm
 * and PyPI advisories): signed out 401, signed in without an organisation 403; the search across images; the
 * decision form's errors by field (422); the preview, which is the API's dry run and writes nothing; saving, after
 * which the finding reads as decided; the lists of expiring and unmatched decisions; withdrawing; hostile text
 * shown as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type Catalogue, createUser } from '../../src/catalogue/index.ts';
import { langs, pathOf } from '../../src/server/web/i18n.ts';
import { type AuthServer, authServer, json, setCookies } from '../helpers/accounts.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { hostileText, seedPageCatalogue } from '../helpers/page-catalogue.ts';
import { alignReportSubjects } from '../helpers/triage-catalogue.ts';

const accept = { accept: 'text/html,application/xhtml+xml' };
const origin = 'http://localhost';
const password = 'correct horse battery staple';
const day = 86_400_000;

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

/** What a page's text says, tags dropped and entities of quotes read, whitespace collapsed. */
function textOf(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('the VEX triage pages over HTTP', { skip: fixturesMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let server: AuthServer;
  const sessions = new Map<string, Session>();

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await seedPageCatalogue(catalogue, { hostile: true });
    await alignReportSubjects(catalogue);
    const users = [
      { login: 'rita', displayName: 'Rita Prüferin', role: 'reviewer' as const, organisations: [] },
      { login: 'alice', displayName: 'Alice Beispiel', role: null, organisations: ['bundesamt-beispiel'] },
      { login: 'nora', displayName: 'Nora Ohneorg', role: null, organisations: [] },
    ];
    for (const user of users) await createUser(catalogue, { kind: 'system' }, { ...user, password });
    server = authServer(catalogue);
  });
  after(async () => suite?.[Symbol.asyncDispose]());

  async function as(login: string): Promise<Session> {
    const known = sessions.get(login);
    if (known) return known;
    const res = await server.request('/auth/login', {
      method: 'POST',
      headers: { ...accept, 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ login, password, returnTo: '/de/' }).toString(),
    });
    assert.equal(res.status, 303, login);
    const cookie = `sgci_session=${setCookies(res).get('sgci_session')?.value}`;
    const page = await (await server.request('/de/', { headers: { ...accept, cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const session = { cookie, csrf };
    sessions.set(login, session);
    return session;
  }

  const get = async (path: string, login?: string) =>
    server.request(path, { headers: { ...accept, ...(login ? { cookie: (await as(login)).cookie } : {}) } });

  async function post(path: string, login: string | undefined, fields: Record<string, string>) {
    const session = login ? await as(login) : undefined;
    return server.request(path, {
      method: 'POST',
      headers: {
        ...accept,
        'content-type': 'application/x-www-form-urlencoded',
        origin,
        ...(session ? { cookie: session.cookie } : {}),
      },
      body: new URLSearchParams({ ...(session ? { _csrf: session.csrf } : {}), ...fields }).toString(),
    });
  }

  const date = (days: number) => new Date(catalogue.now().getTime() + days * day).toISOString().slice(0, 10);
  const qsDecision = (over: Record<string, string> = {}) => ({
    vulnerability: 'CVE-2022-24999',
    scope: 'image',
    image: 'node-app',
    organisation: '',
    purl: 'pkg:npm/qs@6.7.0',
    status: 'not_affected',
    justification: 'vulnerable_code_not_in_execute_path',
    impactStatement: 'qs parses no query strings from outside here',
    actionStatement: '',
    expires: date(90),
    ...over,
  });
  const count = async (table: 'vex_decisions' | 'events') =>
    Number(
      (
        await catalogue.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const pages = [
    { id: 'triage', params: {} },
    { id: 'triageDecide', params: {} },
    { id: 'triageExpiring', params: {} },
    { id: 'triageUnmatched', params: {} },
    { id: 'triageDecision', params: { id: '1' } },
  ] as const;

  test('signed out every triage page is 401 with the way to sign in; without an organisation 403', async () => {
    for (const { id, params } of pages)
      for (const lang of langs) {
        const path = pathOf(id, lang, params);
        const anonymous = await get(path);
        assert.equal(anonymous.status, 401, path);
        assert.match(await anonymous.text(), new RegExp(`href="${pathOf('signIn', lang)}\\?returnTo=`), path);
        const nora = await get(path, 'nora');
        assert.equal(nora.status, 403, path);
      }
    assert.equal((await post('/de/vex-triage/entscheidung', undefined, qsDecision())).status, 401);
    assert.equal((await post('/de/vex-triage/entscheidung', 'nora', qsDecision())).status, 403);
    const rita = await as('rita');
    const forged = await server.request('/de/vex-triage/entscheidung', {
      method: 'POST',
      headers: { ...accept, 'content-type': 'application/x-www-form-urlencoded', origin, cookie: rita.cookie },
      body: new URLSearchParams({ _csrf: 'forged', ...qsDecision(), action: 'save' }).toString(),
    });
    assert.equal(forged.status, 403, 'saving needs the session’s CSRF token');
    assert.equal(await count('vex_decisions'), 0);
    // the navigation and the sitemap offer triage to whom may triage only
    assert.doesNotMatch(await (await get('/de/sitemap', 'nora')).text(), /vex-triage/);
    const sitemap = await (await get('/de/sitemap', 'alice')).text();
    assert.match(sitemap, /<nav class="site-nav"[\s\S]*href="\/de\/vex-triage">VEX-Triage<\/a>/);
    assert.match(sitemap, /href="\/de\/vex-triage\/ohne-treffer">Entscheidungen ohne Treffer/);
  });

  test('the search finds a vulnerability by id or alias, and a package by URL, across the images', async () => {
    const empty = await get('/de/vex-triage', 'rita');
    assert.equal(empty.status, 200);
    assert.match(await empty.text(), /Geben Sie eine Schwachstelle oder ein Paket ein/);
    const byCve = textOf(await (await get('/de/vex-triage?q=CVE-2022-24999', 'rita')).text());
    assert.match(byCve, /Befunde in \d+ Versionen von 2 Images/);
    assert.match(
      byCve,
      /node-app sha256:[0-9a-f]{12} zugelassen CVE-2022-24999 GHSA-hrpp-h998-j3pp .*?qs 6\.7\.0 pkg:npm\/qs@6\.7\.0 hoch keine Aussage (?:fällig in|seit) \d+ Tagen/,
    );
    const byGhsa = textOf(await (await get('/en/vex-triage?q=GHSA-hrpp-h998-j3pp', 'rita')).text());
    assert.match(byGhsa, /node-app .* high no statement (?:due in|overdue by) \d+ days/);
    const byPurl = textOf(await (await get(`/de/vex-triage?q=${encodeURIComponent('pkg:npm/qs')}`, 'rita')).text());
    assert.match(byPurl, /GHSA-hrpp-h998-j3pp/);
    assert.doesNotMatch(byPurl, /lodash/);
    const invalid = await (await get('/de/vex-triage?q=kein%20Bezeichner', 'rita')).text();
    assert.match(invalid, /<title>Fehler: VEX-Triage/);
    assert.match(invalid, /href="#q">Bitte geben Sie eine Kennung/);
    assert.match(invalid, /id="q" name="q" type="search" value="kein Bezeichner"[^>]*aria-invalid="true"/);
    // each finding links to the form, filled for its image and package
    assert.match(
      await (await get('/de/vex-triage?q=CVE-2022-24999', 'rita')).text(),
      /href="\/de\/vex-triage\/entscheidung\?vulnerability=CVE-2022-24999&amp;scope=image&amp;image=node-app&amp;purl=pkg%3Anpm%2Fqs%406\.7\.0"/,
    );
  });

  test('the form names each invalid field (422); a scope the user may not decide for is refused at the field', async () => {
    const res = await post(
      '/de/vex-triage/entscheidung',
      'rita',
      qsDecision({ vulnerability: '', justification: '', impactStatement: '', expires: date(-1), action: 'preview' }),
    );
    assert.equal(res.status, 422);
    const body = await res.text();
    assert.match(body, /<title>Fehler: VEX-Entscheidung treffen/);
    assert.match(
      body,
      /href="#vulnerability">[^<]+<\/a>[\s\S]*href="#justification">Für „nicht betroffen“ braucht es eine Begründung[\s\S]*href="#expires">Das Ablaufdatum muss in der Zukunft liegen/,
    );
    assert.match(body, /id="expires" name="expires" type="date" value="[\d-]+"[^>]*aria-invalid="true"/);
    const far = await (await post('/en/vex-triage/decision', 'rita', qsDecision({ expires: date(400) }))).text();
    assert.match(far, /href="#expires">A decision expires after 366 days at the latest/);
    const affected = await (
      await post('/de/vex-triage/entscheidung', 'rita', qsDecision({ status: 'affected' }))
    ).text();
    assert.match(affected, /href="#justification">Eine Begründung gehört nur zum Status „nicht betroffen“/);
    assert.match(affected, /href="#actionStatement">Für „betroffen“ braucht es eine Handlungsanweisung/);
    const purl = await post('/de/vex-triage/entscheidung', 'rita', qsDecision({ scope: 'purl', purl: 'pkg:oci/x' }));
    assert.equal(purl.status, 422);
    assert.match(await purl.text(), /href="#purl">/);
    const unknown = await post('/de/vex-triage/entscheidung', 'rita', qsDecision({ image: 'gibt-es-nicht' }));
    assert.equal(unknown.status, 422);
    assert.match(await unknown.text(), /href="#image">Ein Image dieses Namens gibt es nicht/);
    // a contributor decides for the organisation's images, not for a package across the catalogue or another's
    const wide = await post('/de/vex-triage/entscheidung', 'alice', qsDecision({ scope: 'purl' }));
    assert.equal(wide.status, 403);
    assert.match(await wide.text(), /href="#scope">Für diesen Geltungsbereich dürfen Sie nicht entscheiden/);
    const other = await post('/de/vex-triage/entscheidung', 'alice', qsDecision({ image: 'python-app' }));
    assert.equal(other.status, 403);
    assert.equal(await count('vex_decisions'), 0);
  });

  test('the preview is the API’s dry run: the same changes, SLA clocks it stops, and nothing written', async () => {
    const [decisions, events] = [await count('vex_decisions'), await count('events')];
    const res = await post('/de/vex-triage/entscheidung', 'alice', { ...qsDecision(), action: 'preview' });
    assert.equal(res.status, 200);
    const body = textOf(await res.text());
    assert.match(body, /Vorschau: Das würde sich ändern Noch ist nichts gespeichert\./);
    const summary =
      /Die Entscheidung ändert (\d+) Befunde? in (\d+) Version(?:en)?; (\d+) SLA-Fristen? (?:wird|werden) angehalten/.exec(
        body,
      );
    assert.ok(summary, body.slice(0, 3000));
    const session = await as('alice');
    const api = await server.request(
      '/api/v1/vex/decisions/dry-run',
      json(
        'POST',
        {
          vulnerability: 'CVE-2022-24999',
          scope: { kind: 'image', image: 'node-app', purl: 'pkg:npm/qs@6.7.0' },
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impactStatement: 'qs parses no query strings from outside here',
          expires: `${date(90)}T12:00:00Z`,
        },
        { cookie: session.cookie, 'x-csrf-token': session.csrf, origin },
      ),
    );
    assert.equal(api.status, 200);
    const impact = (await api.json()) as { versions: { image: string; changes: unknown[] }[] };
    const changes = impact.versions.reduce((n, v) => n + v.changes.length, 0);
    assert.equal(Number(summary[1]), changes);
    assert.equal(Number(summary[2]), impact.versions.length);
    assert.ok(Number(summary[3]) > 0, 'qs has a fix, so its clock runs until the decision stops it');
    assert.match(body, /node-app \d+ \d+ \d+ 0/, 'the counts per image');
    assert.match(body, /keine Aussage nicht betroffen, unterdrückt wird angehalten/);
    assert.match(body, /Speichern/);
    assert.deepEqual([await count('vex_decisions'), await count('events')], [decisions, events]);
    // the search still reads the finding as undecided
    assert.match(
      textOf(await (await get('/de/vex-triage?q=CVE-2022-24999', 'alice')).text()),
      /qs 6\.7\.0 pkg:npm\/qs@6\.7\.0 hoch keine Aussage/,
    );
  });

  test('saving records the decision, shows it, and the finding reads as decided', async () => {
    const res = await post('/de/vex-triage/entscheidung', 'alice', { ...qsDecision(), action: 'save' });
    assert.equal(res.status, 303);
    const location = res.headers.get('location') ?? '';
    const id = /^\/de\/vex-triage\/entscheidungen\/(\d+)\?gespeichert=1$/.exec(location)?.[1];
    assert.ok(id, location);
    const row = await catalogue.db
      .selectFrom('vex_decisions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.vulnerability, row.scope_kind, row.scope_image, row.scope_purl, row.status, row.author_name],
      ['CVE-2022-24999', 'image', 'node-app', 'pkg:npm/qs@6.7.0', 'not_affected', 'Alice Beispiel'],
    );
    assert.equal(row.expires_at.toISOString(), `${date(90)}T12:00:00.000Z`);
    const page = await (await get(location, 'alice')).text();
    assert.match(
      page,
      /<div class="kern-alert kern-alert--success" role="status">[\s\S]*Die Entscheidung ist gespeichert/,
    );
    assert.match(
      textOf(page),
      /Geltungsbereich Image node-app und Images, die darauf aufbauen, nur Paket pkg:npm\/qs@6\.7\.0/,
    );
    const found = textOf(await (await get('/de/vex-triage?q=CVE-2022-24999', 'alice')).text());
    assert.match(
      found,
      /node-app sha256:[0-9a-f]{12} zugelassen CVE-2022-24999 GHSA-hrpp-h998-j3pp .*?qs 6\.7\.0 pkg:npm\/qs@6\.7\.0 hoch nicht betroffen unterdrückt im Bericht ab der nächsten Neubewertung angehalten \(VEX\)/,
    );
  });

  test('the lists: decisions expiring soon, and decisions without matches with their near misses', async () => {
    const soon = await post('/de/vex-triage/entscheidung', 'rita', {
      ...qsDecision({ purl: '', expires: date(10) }),
      action: 'save',
    });
    assert.equal(soon.status, 303);
    const wrong = await post('/de/vex-triage/entscheidung', 'rita', {
      ...qsDecision({ vulnerability: 'CVE-2021-23337', scope: 'purl', purl: 'pkg:npm/lodash@4.17.21' }),
      action: 'save',
    });
    assert.equal(wrong.status, 303);
    const expiring = textOf(await (await get('/de/vex-triage/ablaufend', 'rita')).text());
    assert.match(
      expiring,
      /CVE-2022-24999 Image node-app und Images, die darauf aufbauen nicht betroffen .* \(in 10 Tagen\)/,
    );
    // the page's list is the API's: in force, expiring before the window's end
    const horizon = new Date(catalogue.now().getTime() + 30 * day).toISOString();
    const api = await server.request(`/api/v1/vex/decisions?state=in-force&expiresBefore=${horizon}`);
    const listed = ((await api.json()) as { items: { vulnerability: string; expiresAt: string }[] }).items;
    assert.deepEqual(
      listed.map((d) => [d.vulnerability, d.expiresAt]),
      [['CVE-2022-24999', `${date(10)}T12:00:00.000Z`]],
    );
    assert.equal((await server.request('/api/v1/vex/decisions?expiresBefore=morgen')).status, 400);
    const week = textOf(await (await get('/en/vex-triage/expiring?days=7', 'rita')).text());
    assert.match(week, /No decision expires in the next 7 days\./);
    const invalid = await (await get('/de/vex-triage/ablaufend?days=abc', 'rita')).text();
    assert.match(invalid, /href="#days">Bitte wählen Sie einen der angebotenen Zeiträume/);
    const unmatched = await (await get('/de/vex-triage/ohne-treffer', 'rita')).text();
    assert.match(
      unmatched,
      /<code>pkg:npm\/lodash@4\.17\.20<\/code>: <span lang="en">the finding has version 4\.17\.20, not 4\.17\.21<\/span>/,
    );
    assert.doesNotMatch(textOf(unmatched), /CVE-2022-24999/, 'the decisions on qs meet its findings');
    assert.match(unmatched, /href="\/de\/vex-triage\/entscheidungen\/\d+#zurueckziehen">Zurückziehen</);
    const renew = /href="(\/de\/vex-triage\/entscheidung\?renew=\d+)"/.exec(unmatched)?.[1] ?? '';
    const form = await (await get(renew, 'rita')).text();
    assert.match(form, /id="vulnerability" name="vulnerability" type="text" value="CVE-2021-23337"/);
    assert.match(form, /<option value="purl" selected>/);
    assert.match(form, /id="purl" name="purl" type="text" value="pkg:npm\/lodash@4\.17\.21"/);
  });

  test('withdrawing needs a reason (422), then the decision applies nowhere', async () => {
    const id = String(
      (
        await catalogue.db
          .selectFrom('vex_decisions')
          .select('id')
          .where('vulnerability', '=', 'CVE-2021-23337')
          .executeTakeFirstOrThrow()
      ).id,
    );
    const path = `/de/vex-triage/entscheidungen/${id}`;
    const missing = await post(path, 'rita', { reason: ' ' });
    assert.equal(missing.status, 422);
    assert.match(await missing.text(), /href="#reason">Bitte nennen Sie den Grund/);
    assert.doesNotMatch(await (await get(path, 'alice')).text(), /name="reason"/, 'no form for whom may not');
    const refused = await post(path, 'alice', { reason: 'not mine' });
    assert.equal(refused.status, 403, 'a contributor does not withdraw a decision across the catalogue');
    const done = await post(path, 'rita', { reason: 'the version was wrong' });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `${path}?zurueckgezogen=1`);
    const page = textOf(await (await get(`${path}?zurueckgezogen=1`, 'rita')).text());
    assert.match(page, /Die Entscheidung ist zurückgezogen\..*Grund the version was wrong/);
    assert.doesNotMatch(textOf(await (await get('/de/vex-triage/ohne-treffer', 'rita')).text()), /CVE-2021-23337/);
    assert.equal((await get('/de/vex-triage/entscheidungen/999999', 'rita')).status, 404);
    assert.equal((await get('/de/vex-triage/entscheidungen/abc', 'rita')).status, 404);
  });

  test('text from users and images is shown as text, never as markup', async () => {
    const search = await (await get(`/de/vex-triage?q=${encodeURIComponent(hostileText)}`, 'rita')).text();
    const preview = await (
      await post('/de/vex-triage/entscheidung', 'rita', {
        ...qsDecision({ image: hostileText, purl: hostileText, impactStatement: hostileText }),
        action: 'preview',
      })
    ).text();
    const saved = await post('/de/vex-triage/entscheidung', 'rita', {
      ...qsDecision({ image: 'hostile-app', impactStatement: hostileText, purl: '' }),
      action: 'save',
    });
    assert.equal(saved.status, 303);
    const decision = await (await get(saved.headers.get('location') ?? '', 'rita')).text();
    const first = await sql<{ id: string }>`
      select result -> 'vulns' -> 'matches' -> 0 -> 'vulnerability' ->> 'id' as id
      from submissions where image = 'hostile-app'`.execute(catalogue.db);
    const found = await (await get(`/de/vex-triage?q=${first.rows[0]?.id}`, 'rita')).text();
    for (const [name, body] of Object.entries({ search, preview, decision, found })) {
      assert.doesNotMatch(body, /<script>window|<img src=x/, name);
      assert.ok(body.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'), name);
    }
  });
});
