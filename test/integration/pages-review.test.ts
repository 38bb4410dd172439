/**
 * The review pages (*Prüfung*) over HTTP, in process, on versions submitted and scanned by the catalogue's own
 * functions: who may see them (401, 403), the queue oldest first with its counts, one submission with its evidence
 * and a control per manual check, the four-eyes rule, a changed policy and a missing key said on the page, form
 * errors naming their fields, and decisions through the form — admit (a signed verdict), reject, request changes —
 * with every text from the image and the reviewer rendered as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordScanResult, type StoredScanResult } from '../../src/catalogue/index.ts';
import { defaultPolicy } from '../../src/policy/index.ts';
import { type App, createApp } from '../../src/server/index.ts';
import { setCookies } from '../helpers/accounts.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { hostileText } from '../helpers/page-catalogue.ts';
import { type Person, password, type ReviewSite, reviewSite } from '../helpers/review-site.ts';

const accept = { accept: 'text/html,application/xhtml+xml' };
const origin = 'http://localhost';

/** A browser's session on one app: its cookie, and the CSRF token its pages carry. */
interface Session {
  get(path: string): Promise<Response>;
  /** Posts a form with the session's CSRF token, as the page's form does. */
  post(path: string, fields: Record<string, string>): Promise<Response>;
}

async function request(app: App, path: string, init: RequestInit = {}): Promise<Response> {
  return app.request(path, init, { incoming: { socket: { remoteAddress: '192.0.2.10' } } });
}

function formInit(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: 'POST',
    headers: {
      ...accept,
      'content-type': 'application/x-www-form-urlencoded',
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  };
}

async function signIn(app: App, login: Person): Promise<Session> {
  const res = await request(app, '/auth/login', formInit({ login, password, returnTo: '/de/' }));
  assert.equal(res.status, 303, `${login} signs in`);
  const session = setCookies(res).get('sgci_session');
  assert.ok(session);
  const cookie = `sgci_session=${session.value}`;
  const start = await (await request(app, '/de/', { headers: { ...accept, cookie } })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(start)?.[1];
  assert.ok(token, 'the signed-in page carries the CSRF token');
  return {
    get: (path) => request(app, path, { headers: { ...accept, cookie } }),
    post: (path, fields) => request(app, path, formInit({ _csrf: token, ...fields }, cookie)),
  };
}

/** The manual checks a review page offers a control for. */
function manualChecksOn(page: string): string[] {
  return [...page.matchAll(/<select [^>]*name="ergebnis-(SGCI-[A-Z]+-\d{3})"/g)].map((m) => m[1] as string);
}

/** Every manual check judged passed, with a note. */
function allPassed(ids: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    ids.flatMap((id) => [
      [`ergebnis-${id}`, 'pass'],
      [`notiz-${id}`, `${id} im Review gesehen`],
    ]),
  );
}

describe('the review pages over HTTP', { skip: fixturesMissing() }, () => {
  let site: ReviewSite;
  const ids: Record<string, string> = {};

  before(async () => {
    site = await reviewSite();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('anonymous: the 401 page with the way to sign in and back, for the queue, a submission and a decision', async () => {
    const queue = await request(site.app, '/de/pruefung', { headers: accept });
    assert.equal(queue.status, 401);
    const body = await queue.text();
    assert.match(body, /<h1[^>]*>Bitte melden Sie sich an/);
    assert.match(body, /href="\/de\/anmelden\?returnTo=%2Fde%2Fpruefung"/);
    const one = await request(site.app, '/en/review/00000000-0000-4000-8000-000000000000', { headers: accept });
    assert.equal(one.status, 401);
    assert.match(await one.text(), /<html lang="en">[\s\S]*Please sign in/);
    const posted = await request(
      site.app,
      '/de/pruefung/00000000-0000-4000-8000-000000000000',
      formInit({ decision: 'admit', reason: 'x' }),
    );
    assert.equal(posted.status, 401);
  });

  test('a contributor: 403 on the review pages, and no entry for them in the navigation or the sitemap', async () => {
    const alice = await signIn(site.app, 'alice');
    for (const path of ['/de/pruefung', '/en/review', '/de/pruefung/00000000-0000-4000-8000-000000000000']) {
      const res = await alice.get(path);
      assert.equal(res.status, 403, path);
      assert.match(await res.text(), /<h1[^>]*>(Zugriff verweigert|Access denied)/, path);
    }
    for (const path of ['/de/', '/de/sitemap'])
      assert.doesNotMatch(await (await alice.get(path)).text(), /href="\/de\/pruefung"/, path);
    const rita = await signIn(site.app, 'rita');
    assert.match(await (await rita.get('/de/')).text(), /<nav class="site-nav"[\s\S]*href="\/de\/pruefung">Prüfung</);
    assert.match(await (await rita.get('/en/sitemap')).text(), /href="\/en\/review">Review</);
  });

  test('the empty queue says that nothing waits', async () => {
    const rita = await signIn(site.app, 'rita');
    const de = await rita.get('/de/pruefung');
    assert.equal(de.status, 200);
    assert.match(await de.text(), /Keine Einreichung wartet auf eine Entscheidung\./);
    assert.match(await (await rita.get('/en/review')).text(), /No submission is waiting for a decision\./);
  });

  test('the queue: oldest first, with organisation, submitter, age and counts; checks-failed on request', async () => {
    ids.strict = await site.submitFailing('node-app-streng');
    for (const name of [
      'node-app',
      'node-app-abgelehnt',
      'node-app-nachbessern',
      'node-app-feindlich',
      'node-app-zugleich',
    ])
      ids[name] = await site.submitForReview(name);
    const rita = await signIn(site.app, 'rita');
    const page = await (await rita.get('/de/pruefung')).text();
    const linked = [...page.matchAll(/href="\/de\/pruefung\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
    assert.deepEqual(linked, [
      ids['node-app'],
      ids['node-app-abgelehnt'],
      ids['node-app-nachbessern'],
      ids['node-app-feindlich'],
      ids['node-app-zugleich'],
    ]);
    assert.match(
      page,
      /<caption id="warteschlange-caption">Einreichungen im Zustand „wartet auf Review“ \(5\), die älteste zuerst/,
    );
    const first = page.slice(page.indexOf(`/de/pruefung/${ids['node-app']}`));
    const cells = [...first.slice(0, first.indexOf('</tr>')).matchAll(/<td class="[^"]*">([\s\S]*?)<\/td>/g)].map(
      (m) => m[1],
    );
    assert.equal(cells[0], 'Bundesamt A');
    assert.equal(cells[1], 'Alice Beispiel');
    assert.match(cells[2] ?? '', /^heute \(\d/);
    assert.equal(cells[3], '0', 'no required check fails under the reviewable policy');
    assert.ok(Number(cells[4]) > 0, `manual checks: ${cells[4]}`);
    assert.match(cells[5] ?? '', /\d+ (kritisch|hoch|mittel|niedrig)/, 'lodash has fixable findings');

    const failed = await (await rita.get('/de/pruefung?status=checks-failed')).text();
    assert.match(failed, new RegExp(`/de/pruefung/${ids.strict}`));
    assert.doesNotMatch(failed, new RegExp(`/de/pruefung/${ids['node-app']}`));
    const filtered = await (await rita.get('/de/pruefung?organisation=pruefstelle')).text();
    assert.match(filtered, /<title>Fehler: Prüfung/);
    assert.match(filtered, /href="#organisation">Diese Organisation hat keine Einreichung/);
    const wrong = await (await rita.get('/en/review?status=admitted')).text();
    assert.match(wrong, /href="#status">There is no such state in the review/);
  });

  test('one submission: every check by section with evidence and references, the findings with VEX and SLA, a control per manual check', async () => {
    const rita = await signIn(site.app, 'rita');
    const res = await rita.get(`/de/pruefung/${ids['node-app']}`);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<h1 class="kern-heading-large">Prüfung: node-app 1\.0<\/h1>/);
    assert.equal((page.match(/<details class="check" id="SGCI-/g) ?? []).length, 43, 'every check of the scan');
    for (const section of ['BASE', 'BUILD', 'COMP', 'SEC', 'RUN', 'VULN'])
      assert.match(page, new RegExp(`<h3 class="kern-heading-small" id="bereich-${section}">`), section);
    assert.match(page, /Referenzen: (NIST SP 800-190|BSI)/);
    assert.match(page, /<strong>Nachweise \(\d+\):<\/strong>/);
    assert.match(page, /<caption id="befunde-caption">Befunde, schwerste zuerst/);
    assert.match(page, /lodash/);
    assert.match(page, /(fällig in|keine Frist)/, 'the SLA clock');
    const manual = manualChecksOn(page);
    assert.ok(manual.length > 0);
    for (const id of manual) {
      assert.match(page, new RegExp(`<details class="check" id="${id}" open>`), `${id} starts open`);
      assert.match(page, new RegExp(`<input [^>]*id="notiz-${id}"`));
    }
    assert.match(page, /<option value="admit">zulassen<\/option>/);
    assert.match(page, /<textarea [^>]*id="reason" name="reason"[^>]*required/);
  });

  test('four eyes: a reviewer of the submitting organisation is told why and gets no form; posting anyway is refused', async () => {
    const ralf = await signIn(site.app, 'ralf');
    const page = await (await ralf.get(`/de/pruefung/${ids['node-app']}`)).text();
    assert.match(page, /Sie können über diese Einreichung nicht entscheiden/);
    assert.match(page, /Die Einreichung stammt von Ihrer Organisation Bundesamt A\. Nach dem Vier-Augen-Prinzip/);
    assert.doesNotMatch(page, /name="decision"/);
    const queue = await (await ralf.get('/de/pruefung')).text();
    assert.match(queue, /Ihre Organisation/, 'the queue marks what the reader may not decide');
    const posted = await ralf.post(`/de/pruefung/${ids['node-app']}`, {
      decision: 'reject',
      reason: 'Darf ich nicht.',
    });
    assert.equal(posted.status, 403);
    const english = await (await ralf.get(`/en/review/${ids['node-app']}`)).text();
    assert.match(english, /You cannot decide on this submission[\s\S]*It comes from your organisation Bundesamt A\./);
  });

  test('form errors: a missing reason is 422 naming the field; admitting needs every manual check passed', async () => {
    const rita = await signIn(site.app, 'rita');
    const path = `/de/pruefung/${ids['node-app']}`;
    const manual = manualChecksOn(await (await rita.get(path)).text());
    const noReason = await rita.post(path, { ...allPassed(manual), decision: 'admit', reason: '  ' });
    assert.equal(noReason.status, 422);
    const body = await noReason.text();
    assert.match(body, /<title>Fehler: Prüfung: node-app 1\.0/);
    assert.match(body, /<a href="#reason">Bitte begründen Sie Ihre Entscheidung\.<\/a>/);
    assert.match(body, /id="reason" name="reason"[^>]*aria-describedby="reason-hint reason-error" aria-invalid="true"/);
    assert.match(
      body,
      new RegExp(
        `id="notiz-${manual[0]}" name="notiz-${manual[0]}" type="text" value="${manual[0]} im Review gesehen"`,
      ),
      'what was typed stays',
    );
    const [first = '', ...rest] = manual;
    const unjudged = await rita.post(path, { ...allPassed(rest), decision: 'admit', reason: 'Geprüft' });
    assert.equal(unjudged.status, 422);
    assert.match(
      await unjudged.text(),
      new RegExp(`<a href="#ergebnis-${first}">Bitte wählen Sie ein Ergebnis für ${first}\\.</a>`),
    );
    const failed = await rita.post(path, {
      ...allPassed(manual),
      [`ergebnis-${first}`]: 'fail',
      decision: 'admit',
      reason: 'Geprüft',
    });
    assert.equal(failed.status, 422);
    assert.match(
      await failed.text(),
      new RegExp(`href="#ergebnis-${first}">Zum Zulassen muss ${first} als bestanden bewertet sein`),
    );
    const english = await rita.post(`/en/review/${ids['node-app']}`, { decision: '', reason: '' });
    assert.equal(english.status, 422);
    assert.match(
      await english.text(),
      /href="#decision">Please choose a decision\.[\s\S]*href="#reason">Please give the reason/,
    );
  });

  test('a changed policy and a missing signing key are said on the page, and admission is not offered', async () => {
    const changed = createApp({ ...site.deps, policy: defaultPolicy });
    const path = `/de/pruefung/${ids['node-app']}`;
    const policyPage = await (await (await signIn(changed, 'rita')).get(path)).text();
    assert.match(policyPage, /Die Richtlinie hat sich seit der Prüfung geändert/);
    assert.doesNotMatch(policyPage, /<option value="admit">/);
    const unsigned = await signIn(site.unsigned, 'rita');
    const keyPage = await (await unsigned.get(path)).text();
    assert.match(keyPage, /Kein Signaturschlüssel eingerichtet/);
    assert.doesNotMatch(keyPage, /<option value="admit">/);
    const manual = manualChecksOn(keyPage);
    const refused = await unsigned.post(path, { ...allPassed(manual), decision: 'admit', reason: 'Geprüft' });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /href="#decision">Zulassen ist nicht möglich/);
  });

  test('admit: 303 to the page with the confirmation, the image page and the signed verdict', async () => {
    const rita = await signIn(site.app, 'rita');
    const path = `/de/pruefung/${ids['node-app']}`;
    const manual = manualChecksOn(await (await rita.get(path)).text());
    const res = await rita.post(path, {
      ...allPassed(manual),
      decision: 'admit',
      reason: 'Geprüft, alles in Ordnung.',
    });
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get('location'), `${path}?entschieden=1`);
    const page = await (await rita.get(`${path}?entschieden=1`)).text();
    assert.match(
      page,
      /<div class="kern-alert kern-alert--success" role="status">[\s\S]*<h2 class="kern-title">Zugelassen<\/h2>/,
    );
    assert.match(page, /ihr Prüfurteil gilt bis \d/);
    const image = /href="(\/de\/katalog\/node-app\?version=sha256:[0-9a-f]{64})">Zur Image-Seite/.exec(page)?.[1];
    assert.ok(image, 'a link to the image page');
    const vsa = /href="(\/api\/v1\/images\/node-app\/versions\/sha256:[0-9a-f]{64}\/vsa)">Prüfurteil/.exec(page)?.[1];
    assert.ok(vsa, 'a link to the verdict');
    const verdict = await request(site.app, vsa);
    assert.equal(verdict.status, 200, 'the verdict is public once admitted');
    const envelope = (await verdict.json()) as { payloadType: string; signatures: unknown[] };
    assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');
    assert.equal(envelope.signatures.length, 1);
    const row = await site.catalogue.db
      .selectFrom('verdicts')
      .select(['result'])
      .where('submission', '=', ids['node-app'] as string)
      .executeTakeFirstOrThrow();
    assert.equal(row.result, 'PASSED');
    assert.equal((await request(site.app, image, { headers: accept })).status, 200);
    assert.match(page, /Diese Einreichung ist im Zustand „zugelassen“/, 'decided: no form any more');
    assert.match(page, /<caption id="entscheidungen-caption">[\s\S]*Geprüft, alles in Ordnung\./);
    const queue = await (await rita.get('/de/pruefung')).text();
    assert.doesNotMatch(queue, new RegExp(ids['node-app'] as string), 'gone from the queue');
  });

  test('reject and request changes move the submission, shown with the reason', async () => {
    const rita = await signIn(site.app, 'rita');
    for (const [name, decision, status, heading] of [
      ['node-app-abgelehnt', 'reject', 'rejected', 'Abgelehnt'],
      ['node-app-nachbessern', 'request-changes', 'changes-requested', 'Änderungen angefordert'],
    ] as const) {
      const path = `/de/pruefung/${ids[name]}`;
      const res = await rita.post(path, { decision, reason: `${heading}: Begründung` });
      assert.equal(res.status, 303, await res.clone().text());
      const page = await (await rita.get(`${path}?entschieden=1`)).text();
      assert.match(page, new RegExp(`role="status">[\\s\\S]*<h2 class="kern-title">${heading}</h2>`));
      const row = await site.catalogue.db
        .selectFrom('submissions')
        .select(['status', 'status_reason'])
        .where('id', '=', ids[name] as string)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status, status_reason: `${heading}: Begründung` });
      const again = await rita.post(path, { decision, reason: 'noch einmal' });
      assert.equal(again.status, 409, 'a decided submission is not decided again');
      assert.match(
        await again.text(),
        /Die Entscheidung wurde nicht gespeichert[\s\S]*Entschieden wird nur über Einreichungen, die auf Review warten/,
      );
    }
  });

  test('two reviewers deciding at once: one decision is saved, the other gets 409 with the reason', async () => {
    const path = `/de/pruefung/${ids['node-app-zugleich']}`;
    const [rita, other] = [await signIn(site.app, 'rita'), await signIn(site.app, 'rita')];
    const answers = await Promise.all([
      rita.post(path, { decision: 'reject', reason: 'Erste Entscheidung' }),
      other.post(path, { decision: 'request-changes', reason: 'Zweite Entscheidung' }),
    ]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [303, 409]);
    const refused = answers.find((a) => a.status === 409);
    assert.match((await refused?.text()) ?? '', /role="alert">[\s\S]*Die Entscheidung wurde nicht gespeichert/);
    const decisions = await site.catalogue.db
      .selectFrom('decisions')
      .select('reason')
      .where('submission', '=', ids['node-app-zugleich'] as string)
      .execute();
    assert.equal(decisions.length, 1);
  });

  test('evidence, advisory text and reasons with markup are rendered as text', async () => {
    const id = ids['node-app-feindlich'] as string;
    const row = await site.catalogue.db
      .selectFrom('submissions')
      .select('result')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const result = row.result as StoredScanResult;
    const [first, ...rest] = result.checks.results;
    const [finding, ...others] = result.vulns.matches;
    assert.ok(first && finding);
    await site.catalogue.transaction((tx) =>
      recordScanResult(tx, id, {
        ...result,
        checks: {
          ...result.checks,
          results: [
            { ...first, evidence: [{ kind: 'file', path: `/etc/${hostileText}`, layer: 0 }, ...first.evidence] },
            ...rest,
          ],
        },
        vulns: {
          ...result.vulns,
          matches: [{ ...finding, vulnerability: { ...finding.vulnerability, summary: hostileText } }, ...others],
        },
      }),
    );
    const rita = await signIn(site.app, 'rita');
    const path = `/de/pruefung/${id}`;
    const manual = manualChecksOn(await (await rita.get(path)).text());
    const refused = await rita.post(path, {
      [`ergebnis-${manual[0]}`]: 'fail',
      [`notiz-${manual[0]}`]: hostileText,
      decision: 'request-changes',
      reason: '',
    });
    assert.equal(refused.status, 422);
    const withErrors = await refused.text();
    assert.ok(!withErrors.includes(hostileText), 'the note comes back as text');
    assert.ok(withErrors.includes('&lt;script&gt;window.__xss=1&lt;/script&gt;'));
    const res = await rita.post(path, { decision: 'reject', reason: hostileText });
    assert.equal(res.status, 303);
    const page = await (await rita.get(`${path}?entschieden=1`)).text();
    assert.ok(!page.includes(hostileText), 'no markup from the image or the reviewer');
    assert.ok(!page.includes('<script>window.__xss'));
    const escaped = '&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;';
    assert.ok(page.includes(`<code>/etc/${escaped}`), 'the evidence path');
    assert.ok(page.includes(`<span lang="en">${escaped}`), 'the advisory summary');
    assert.ok(page.includes(`<td class="kern-table__cell">${escaped}`), 'the reason in the decisions');
  });
});
