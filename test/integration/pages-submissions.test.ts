/**
 * Einreichen, Meine Einreichungen and one submission over HTTP, in process, signed in through the real sign-in
 * route: nothing without a session, nothing of another organisation's unpublished work, the form's refusals named
 * at their fields (the API's schema, the host policy, the registry, the hourly limit), an accepted version leading
 * to its page, the withdrawal, and every user's text rendered as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, type SubmissionInputs, submissionView, submit } from '../../src/catalogue/index.ts';
import { formFields } from '../../src/server/web/pages/submit-form.ts';
import { authServer } from '../helpers/accounts.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { hostileText } from '../helpers/page-catalogue.ts';
import {
  html,
  origin,
  password,
  type SeededSubmissions,
  type SubmissionSite,
  signIn,
  submissionRequest,
  submissionSite,
} from '../helpers/submission-site.ts';

/** The form as a browser sends it: multipart, with the session's CSRF token. */
function multipart(cookie: string, token: string, fields: Record<string, string | string[]>, files: File[] = []) {
  const body = new FormData();
  body.set('_csrf', token);
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  for (const file of files) body.append(file.name.endsWith('.vex.json') ? 'vex' : 'manifests', file);
  return { method: 'POST', headers: { ...html, origin, cookie }, body };
}

function urlencoded(cookie: string, fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { ...html, origin, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

const manifest = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: { name: node-app }',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: node-app',
  '          securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true }',
].join('\n');

describe('the submission pages over HTTP', { skip: fixturesMissing() }, () => {
  let site: SubmissionSite;
  let seeded: SeededSubmissions;
  let carla: string;
  let token: string;

  before(async () => {
    site = await submissionSite();
    seeded = await site.seed();
    carla = await signIn(site.server, 'carla');
    const page = await (await get('/de/einreichen', carla)).text();
    token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  });
  after(async () => site?.[Symbol.asyncDispose]());

  const get = (path: string, cookie?: string) =>
    site.server.request(path, { headers: { ...html, ...(cookie ? { cookie } : {}) } });

  const valid = () => ({
    image: site.image,
    name: 'node-app-formular',
    'description-de': 'Node.js-Anwendung aus dem Formular',
    'description-en': 'Node.js application from the form',
    categories: ['runtime', 'application'],
    license: 'MIT',
    source: 'https://gitlab.opencode.de/amt-a/node-app',
    contact: 'plattform@amt-a.example',
    'end-of-life': '',
    dockerfile: '',
  });

  test('without a session each page is the 401 page with the way to sign in and back', async () => {
    const paths = ['/de/einreichen', '/en/submit', '/de/einreichungen', `/en/submissions/${seeded.submitted}`];
    for (const path of paths) {
      const res = await get(path);
      assert.equal(res.status, 401, path);
      const body = await res.text();
      assert.ok(body.includes(`?returnTo=${encodeURIComponent(path)}`), `${path}: sign-in link back`);
      assert.doesNotMatch(body, /node-app/, `${path} shows nothing of the submissions`);
    }
    const post = await site.server.request('/de/einreichen', urlencoded('', { name: 'x' }));
    assert.equal(post.status, 401);
  });

  test('the navigation and the sitemap offer the pages to a contributor only', async () => {
    const anonymous = await (await get('/de/sitemap')).text();
    assert.doesNotMatch(anonymous, /\/de\/einreichen/);
    const signedIn = await (await get('/de/sitemap', carla)).text();
    assert.match(
      signedIn,
      /<nav class="site-nav"[\s\S]*href="\/de\/einreichen">Einreichen<[\s\S]*href="\/de\/einreichungen">Meine Einreichungen</,
    );
    assert.match(signedIn, /<h2[^>]*>Einreichungen<\/h2>/);
  });

  test('the list shows the organisation’s submissions in their states, never another organisation’s', async () => {
    const res = await get('/de/einreichungen', carla);
    assert.equal(res.status, 200);
    const body = await res.text();
    for (const id of [
      seeded.submitted,
      seeded.checksFailed,
      seeded.awaitingReview,
      seeded.rejected,
      seeded.changesRequested,
      seeded.withdrawn,
    ])
      assert.ok(body.includes(`href="/de/einreichungen/${id}"`), id);
    assert.ok(!body.includes(seeded.foreign), 'amt-b’s submission is not listed');
    for (const word of [
      'eingereicht',
      'Prüfungen nicht bestanden',
      'wartet auf Review',
      'abgelehnt',
      'Änderungen angefordert',
      'zurückgezogen',
    ])
      assert.match(body, new RegExp(`<span class="kern-label">${word}</span>`), word);
    assert.match(body, /<caption[^>]*>6 Einreichungen auf dieser Seite, neueste zuerst<\/caption>/);
    assert.match(body, /1\.0 → <code>sha256:[0-9a-f]{64}<\/code>/);
    const api = (await (
      await site.server.request('/api/v1/submissions?organisation=amt-a', { headers: { cookie: carla } })
    ).json()) as { items: { id: string }[] };
    assert.deepEqual(
      [...body.matchAll(/href="\/de\/einreichungen\/([0-9a-f-]{36})"/g)].map((m) => m[1]),
      api.items.map((i) => i.id),
      'the page lists what the API lists, in its order',
    );
    const filtered = await (await get('/en/submissions?status=rejected', carla)).text();
    assert.ok(filtered.includes(seeded.rejected));
    assert.ok(!filtered.includes(seeded.withdrawn));
    const wrong = await (await get('/de/einreichungen?status=kaputt', carla)).text();
    assert.match(wrong, /<title>Fehler: Meine Einreichungen/);
    assert.match(wrong, /href="#status">Bitte wählen Sie einen Status aus der Liste\./);
    const cursor = await (await get('/de/einreichungen?cursor=kein-cursor', carla)).text();
    assert.match(cursor, /role="status"[\s\S]*Die Seitenangabe ist ungültig\. Sie sehen die erste Seite\./);
    assert.ok(cursor.includes(seeded.rejected), 'the first page instead');
    const dora = await signIn(site.server, 'dora');
    const other = await (await get('/de/einreichungen', dora)).text();
    assert.ok(other.includes(seeded.foreign));
    assert.ok(!other.includes(seeded.checksFailed));
  });

  test('another organisation’s unpublished submission is not found, to see and to withdraw', async () => {
    assert.equal((await get(`/de/einreichungen/${seeded.foreign}`, carla)).status, 404);
    assert.equal((await get('/de/einreichungen/kein-uuid', carla)).status, 404);
    const res = await site.server.request(
      `/de/einreichungen/${seeded.foreign}`,
      urlencoded(carla, { _csrf: token, reason: 'weg damit' }),
    );
    assert.equal(res.status, 404);
    const dora = await signIn(site.server, 'dora');
    assert.equal((await get(`/de/einreichungen/${seeded.foreign}`, dora)).status, 200);
  });

  test('a submission with failed checks says what failed and how to fix it, from the stored result', async () => {
    const body = await (await get(`/de/einreichungen/${seeded.checksFailed}`, carla)).text();
    assert.match(body, /<h1[^>]*>Einreichung node-app:1\.0<\/h1>/);
    assert.match(body, /Pflichtprüfungen sind nicht bestanden/);
    const view = await submissionView(site.catalogue.db, await site.principal('carla'), seeded.checksFailed);
    const failed = view.checks.filter((c) => c.result === 'fail');
    assert.ok(failed.length > 0);
    for (const check of failed)
      assert.match(body, new RegExp(`<details class="check" id="${check.id}" open>`), check.id);
    assert.match(body, /<strong>Abhilfe:<\/strong>/);
    assert.match(body, /<strong>Nachweise \(\d+\):<\/strong>/);
    assert.doesNotMatch(body, /<details class="check" id="[^"]+">/, 'passed checks are not listed');
    assert.match(body, /eingereicht[\s\S]*eingereicht → wird geprüft[\s\S]*wird geprüft → Prüfungen nicht bestanden/);
    assert.match(body, /<h2[^>]*id="schwachstellen">Schwachstellen<\/h2><p>Offen: \d+ /);
    assert.doesNotMatch(body, /id="zurueckziehen"/, 'checks-failed cannot be withdrawn');
    const report =
      /href="(\/api\/v1\/images\/node-app\/versions\/sha256:[0-9a-f]{64}\/checks\?format=html&amp;lang=de)"/.exec(
        body,
      )?.[1];
    assert.ok(report, 'a link to the full check report');
    const document = await site.server.request(report.replaceAll('&amp;', '&'), { headers: { cookie: carla } });
    assert.equal(document.status, 200, 'the organisation may read its unpublished report');
  });

  test('the reviewer’s decision and reason are shown; the English page says the same', async () => {
    const body = await (await get(`/en/submissions/${seeded.rejected}`, carla)).text();
    assert.match(body, /<h2[^>]*>Decision<\/h2>[\s\S]*rejected on [\s\S]*Reason: Die Lizenzangaben fehlen\./);
    assert.match(body, /awaiting review → rejected/);
    const changes = await (await get(`/de/einreichungen/${seeded.changesRequested}`, carla)).text();
    assert.match(
      changes,
      /Änderungen angefordert am [\s\S]*Begründung: Bitte das Manifest mit runAsNonRoot nachreichen\./,
    );
    assert.match(changes, /href="\/de\/einreichen\?image=node-app-changes"/, 'the way to the next version');
  });

  test('the form: every input of the API, empty', async () => {
    const res = await get('/de/einreichen', carla);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(
      body,
      /<form class="form-stack" method="post" action="\/de\/einreichen" enctype="multipart\/form-data"/,
    );
    // a contributor of one organisation submits for it: nothing to choose
    for (const id of formFields.filter((f) => f !== 'organisation')) assert.match(body, new RegExp(`id="${id}"`), id);
    assert.doesNotMatch(body, /id="organisation"/);
    assert.match(body, /Sie reichen für Ihre Organisation amt-a ein\./);
  });

  test('the next version of an image of the organisation comes filled in; another organisation’s is not found', async () => {
    const body = await (await get('/de/einreichen?image=node-app', carla)).text();
    assert.match(body, /Nächste Version von node-app/);
    assert.match(body, /id="name" name="name" type="text" value="node-app"/);
    assert.match(body, /<textarea[^>]*id="description-de"[^>]*>Node\.js-Anwendung, gehärtet<\/textarea>/);
    assert.match(body, /id="categories" name="categories" type="checkbox" value="base"/);
    assert.match(body, /value="runtime" checked/);
    assert.equal((await get('/de/einreichen?image=fremd-app', carla)).status, 404);
    assert.equal((await get('/de/einreichen?image=gibt-es-nicht', carla)).status, 404);
  });

  test('a member of two organisations chooses one; the list offers both and names each row’s', async () => {
    await createUser(
      site.catalogue,
      { kind: 'system' },
      {
        login: 'mia',
        role: null,
        organisations: ['amt-a', 'amt-b'],
        password,
      },
    );
    const mia = await signIn(site.server, 'mia');
    const form = await (await get('/de/einreichen', mia)).text();
    assert.match(form, /<select[^>]*id="organisation" name="organisation"/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const unnamed = await site.server.request(
      '/de/einreichen',
      multipart(mia, csrf, { ...valid(), name: 'node-app-mia' }),
    );
    assert.equal(unnamed.status, 422);
    assert.match(await unnamed.text(), /href="#organisation">Bitte wählen Sie eine Ihrer Organisationen\./);
    const list = await (await get('/de/einreichungen', mia)).text();
    assert.ok(list.includes(seeded.foreign) && list.includes(seeded.checksFailed), 'both organisations’ submissions');
    assert.match(list, /<th scope="col"[^>]*>Organisation<\/th>/);
    const one = await (await get('/de/einreichungen?organisation=amt-b', mia)).text();
    assert.ok(one.includes(seeded.foreign) && !one.includes(seeded.checksFailed));
    const image = await (await get('/de/katalog/node-app', carla)).text();
    assert.match(image, /href="\/de\/einreichen\?image=node-app"><span class="kern-label">Nächste Version einreichen/);
  });

  test('someone of no organisation is told how to get one, and has no form to send', async () => {
    await createUser(site.catalogue, { kind: 'system' }, { login: 'nora', role: null, password });
    const nora = await signIn(site.server, 'nora');
    const form = await (await get('/de/einreichen', nora)).text();
    assert.match(form, /Sie gehören noch keiner Organisation an\./);
    assert.doesNotMatch(form, /<form class="form-stack"/);
    assert.doesNotMatch(form, /href="\/de\/einreichungen"/, 'no navigation entry');
    const list = await (await get('/de/einreichungen', nora)).text();
    assert.match(list, /Sie gehören noch keiner Organisation an\./);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const sent = await site.server.request('/de/einreichen', multipart(nora, csrf, valid()));
    assert.equal(sent.status, 403);
  });

  test('refusals are named at their fields with 422: the schema, a local path, a blocked host, a bad manifest', async () => {
    const empty = await site.server.request('/de/einreichen', multipart(carla, token, {}));
    assert.equal(empty.status, 422);
    const body = await empty.text();
    assert.match(body, /<title>Fehler: Image einreichen/);
    const linked = [...body.matchAll(/<li><a href="#([a-z-]+)">/g)].map((m) => m[1]);
    const optional: readonly string[] = ['organisation', 'end-of-life', 'dockerfile', 'manifests', 'vex'];
    const required = formFields.filter((f) => !optional.includes(f));
    assert.deepEqual(linked, required, 'every required field, in the order of the form');
    assert.match(body, /id="image"[^>]*aria-describedby="image-hint image-error" aria-invalid="true"/);
    assert.match(body, /id="categories-error"[\s\S]*Bitte wählen Sie mindestens eine Kategorie\./);

    const wrong = await site.server.request(
      '/en/submit',
      multipart(carla, token, { ...valid(), name: 'Not A Slug', source: 'ftp://x', 'end-of-life': '31.12.2028' }),
    );
    assert.equal(wrong.status, 422);
    const wrongBody = await wrong.text();
    assert.deepEqual(
      [...wrongBody.matchAll(/<li><a href="#([a-z-]+)">/g)].map((m) => m[1]),
      ['name', 'source', 'end-of-life'],
    );
    assert.match(wrongBody, /The name consists of lower-case letters/);
    assert.match(
      wrongBody,
      /id="description-en"[^>]*>Node\.js application from the form<\/textarea>/,
      'values are kept',
    );

    const local = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, { ...valid(), image: 'oci-dir:/etc' }),
    );
    assert.equal(local.status, 422);
    assert.match(await local.text(), /href="#image">Das ist keine Referenz auf ein Image in einer Registry/);

    const blocked = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, { ...valid(), image: '10.0.0.5:5000/amt-a/app:1' }),
    );
    assert.equal(blocked.status, 422);
    assert.match(await blocked.text(), /href="#image">Diese Registry darf der Katalog nicht abfragen[^<]*10\.0\.0\.5/);

    const badManifest = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, valid(), [new File(['kind: [unclosed'], 'broken.yaml')]),
    );
    assert.equal(badManifest.status, 422);
    assert.match(
      await badManifest.text(),
      /href="#manifests">Ein Manifest ist ungültig\. Meldung: manifests\/broken\.yaml/,
    );

    const taken = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, { ...valid(), name: 'fremd-app' }),
    );
    assert.equal(taken.status, 422);
    assert.match(
      await taken.text(),
      /href="#name">Unter diesem Namen führt der Katalog das Image einer anderen Organisation/,
    );
  });

  let accepted: string;
  test('an accepted version leads to its page with a confirmation; the files are stored with it', async () => {
    const res = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, valid(), [
        new File([manifest], 'deployment.yaml'),
        new File(
          [
            '{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"amt-a","timestamp":"2026-01-01T00:00:00Z","version":1,"statements":[]}',
          ],
          'app.vex.json',
        ),
      ]),
    );
    assert.equal(res.status, 303, await res.clone().text());
    const location = res.headers.get('location') ?? '';
    const id = /^\/de\/einreichungen\/([0-9a-f-]{36})\?eingereicht=1$/.exec(location)?.[1];
    assert.ok(id, location);
    accepted = id;
    const page = await (await get(location, carla)).text();
    assert.match(page, /role="status"[\s\S]*Ihre Einreichung ist eingegangen\./);
    assert.match(page, /<span class="kern-label">eingereicht<\/span>/);
    const row = await site.catalogue.db
      .selectFrom('submissions')
      .select(['inputs', 'organisation'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const inputs = row.inputs as SubmissionInputs;
    assert.equal(row.organisation, 'amt-a');
    assert.deepEqual(
      inputs.manifests?.map((m) => m.name),
      ['deployment.yaml'],
    );
    assert.deepEqual(
      inputs.vex?.map((m) => m.name),
      ['app.vex.json'],
    );
    const again = await site.server.request('/de/einreichen', multipart(carla, token, valid()));
    assert.equal(again.status, 422);
    assert.match(await again.text(), /href="#image">Diese Version ist schon eingereicht/);
  });

  test('the hourly limit is an alert on the form, with Retry-After', async () => {
    const strict = authServer(site.catalogue, {
      allowRegistry: [site.registry.host],
      submissionsPerHour: { user: 1, organisation: 1000 },
    });
    const cookie = await signIn(strict, 'carla');
    const csrf =
      /name="_csrf" value="([^"]+)"/.exec(
        await (await strict.request('/de/einreichen', { headers: { ...html, cookie } })).text(),
      )?.[1] ?? '';
    const res = await strict.request('/de/einreichen', multipart(cookie, csrf, { ...valid(), name: 'node-app-limit' }));
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.match(await res.text(), /role="alert"[\s\S]*Zu viele Einreichungen in der letzten Stunde/);
  });

  test('withdraw: a reason is required; then the state is withdrawn, with the reason in the timeline', async () => {
    const page = await (await get(`/de/einreichungen/${accepted}`, carla)).text();
    assert.match(
      page,
      /<form class="form-stack" method="post" action="\/de\/einreichungen\/[0-9a-f-]{36}" novalidate>/,
    );
    const missing = await site.server.request(
      `/de/einreichungen/${accepted}`,
      urlencoded(carla, { _csrf: token, reason: ' ' }),
    );
    assert.equal(missing.status, 422);
    assert.match(await missing.text(), /href="#reason">Bitte nennen Sie einen Grund/);
    const forged = await site.server.request(
      `/de/einreichungen/${accepted}`,
      urlencoded(carla, { _csrf: 'forged', reason: 'x' }),
    );
    assert.equal(forged.status, 403);
    const res = await site.server.request(
      `/de/einreichungen/${accepted}`,
      urlencoded(carla, { _csrf: token, reason: `Doch nicht. ${hostileText}` }),
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/de/einreichungen/${accepted}?zurueckgezogen=1`);
    const after = await (await get(res.headers.get('location') ?? '', carla)).text();
    assert.match(after, /Die Einreichung ist zurückgezogen\./);
    assert.match(after, /eingereicht → zurückgezogen/);
    assert.doesNotMatch(after, /id="zurueckziehen"/, 'nothing left to withdraw');
    assert.ok(!after.includes('<script>window.__xss'), 'the reason is text');
    assert.ok(after.includes('Doch nicht. &lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;'));
    const view = await submissionView(site.catalogue.db, await site.principal('carla'), accepted);
    assert.equal(view.status, 'withdrawn');
  });

  test('the list pages by its cursor: twenty a page, then the next and the way back to the first', async () => {
    const dora = await site.principal('dora');
    for (let i = 1; i <= 21; i++)
      await submit(site.server.deps, dora, submissionRequest(site.image, `fremd-app-${String(i).padStart(2, '0')}`));
    const cookie = await signIn(site.server, 'dora');
    const ids = (page: string) => [...page.matchAll(/href="\/de\/einreichungen\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    const first = await (await get('/de/einreichungen', cookie)).text();
    assert.equal(ids(first).length, 20);
    assert.match(first, /20 Einreichungen auf dieser Seite, weitere auf der nächsten/);
    const next = /href="(\/de\/einreichungen\?cursor=[^"]+)" rel="next"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(next, 'a link to the next page');
    const second = await (await get(next, cookie)).text();
    assert.equal(ids(second).length, 2);
    assert.equal(
      ids(second).some((id) => ids(first).includes(id)),
      false,
    );
    assert.match(second, /href="\/de\/einreichungen">Erste Seite<\/a>/);
  });

  test('hostile text in every field of the form comes back as text', async () => {
    // every field that takes text (the files are read as files, the organisation is not offered to one of one)
    const texts = formFields.filter((f) => !['organisation', 'categories', 'manifests', 'vex'].includes(f));
    const fields = Object.fromEntries(texts.map((f) => [f, hostileText]));
    const res = await site.server.request(
      '/de/einreichen',
      multipart(carla, token, { ...fields, categories: hostileText }),
    );
    assert.equal(res.status, 422);
    const body = await res.text();
    assert.ok(!body.includes('<script>window.__xss'), 'no markup from the form');
    assert.ok(!body.includes('<img src=x'), 'no markup from the form');
    assert.ok(body.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'));
  });
});
