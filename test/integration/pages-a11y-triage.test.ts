/**
 * The VEX triage pages in real Chromium, signed in as a reviewer: axe-core over the WCAG 2.1 A and AA rules on every
 * state in German and English (the empty search, its results and its error, the form filled from a finding, with
 * errors, its preview, the saved decision, the withdraw form with an error, the expiring and unmatched lists, and
 * the 401 page signed out), reflow at 320 CSS px, and the whole triage with the keyboard alone: search, open the form from a finding,
 * follow an error to its field, preview, save.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  catalogueVexSource,
  createUser,
  loadPrincipal,
  type Principal,
  recordDecision,
} from '../../src/catalogue/index.ts';
import { chromiumMissing, scrollsSideways, tabTo } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import {
  auditStates,
  type PageState,
  type PagesInChromium,
  pagesInChromium,
  password,
  submitForm,
} from '../helpers/page-states.ts';
import { alignReportSubjects } from '../helpers/triage-catalogue.ts';

const day = 86_400_000;

/** Presses a key that sends a form or follows a link, and waits for the page it leads to. */
function press(page: Page, key: string): Promise<unknown> {
  return Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

/** Sends the decision form with one of its buttons (`preview`, `save`) and waits for the page it leads to. */
function send(action: 'preview' | 'save') {
  return (page: Page) => Promise.all([page.waitForNavigation(), page.locator(`main button[value=${action}]`).click()]);
}

const paths = {
  de: {
    triage: '/de/vex-triage',
    decide: '/de/vex-triage/entscheidung',
    decision: '/de/vex-triage/entscheidungen',
    expiring: '/de/vex-triage/ablaufend',
    unmatched: '/de/vex-triage/ohne-treffer',
  },
  en: {
    triage: '/en/vex-triage',
    decide: '/en/vex-triage/decision',
    decision: '/en/vex-triage/decisions',
    expiring: '/en/vex-triage/expiring',
    unmatched: '/en/vex-triage/unmatched',
  },
};

const fromFinding = '?vulnerability=CVE-2022-24999&scope=image&image=node-app&purl=pkg%3Anpm%2Fqs%406.7.0';

/** Every state of the triage pages in one language; `decision` is a decision's number. */
function triageStates(lang: 'de' | 'en', decision: string): PageState[] {
  const p = paths[lang];
  return [
    { name: `${lang}: Suche, leer`, path: p.triage },
    { name: `${lang}: Suche, Treffer`, path: `${p.triage}?q=CVE-2022-24999` },
    { name: `${lang}: Suche nach Paket`, path: `${p.triage}?q=pkg%3Anpm%2Fqs` },
    { name: `${lang}: Suche, Fehler`, path: `${p.triage}?q=kein%20Bezeichner` },
    { name: `${lang}: Formular aus einem Befund`, path: `${p.decide}${fromFinding}` },
    {
      name: `${lang}: Formular, Fehler`,
      path: `${p.decide}${fromFinding}`,
      act: async (page) => {
        await page.locator('#vulnerability').fill('');
        await page.locator('#expires').fill('2020-01-01');
        return send('preview')(page);
      },
    },
    {
      name: `${lang}: Vorschau`,
      path: `${p.decide}${fromFinding}`,
      act: async (page) => {
        await page.locator('#justification').selectOption('vulnerable_code_not_in_execute_path');
        return send('preview')(page);
      },
    },
    {
      name: `${lang}: gespeichert`,
      path: `${p.decide}${fromFinding}`,
      act: async (page) => {
        await page.locator('#justification').selectOption('vulnerable_code_not_in_execute_path');
        await send('preview')(page);
        return send('save')(page);
      },
    },
    { name: `${lang}: Entscheidung`, path: `${p.decision}/${decision}` },
    { name: `${lang}: Entscheidung, Rückzug mit Fehler`, path: `${p.decision}/${decision}`, act: submitForm },
    { name: `${lang}: bald ablaufend`, path: p.expiring },
    { name: `${lang}: bald ablaufend, keine`, path: `${p.expiring}?days=7` },
    { name: `${lang}: ohne Treffer`, path: p.unmatched },
  ];
}

describe('the VEX triage pages in Chromium', { skip: chromiumMissing() ?? fixturesMissing() }, () => {
  let site: PagesInChromium;
  let reviewer: Principal;
  let expiring: string;

  before(async () => {
    site = await pagesInChromium();
    await site.filled();
    await alignReportSubjects(site.catalogue);
    const { catalogue } = site;
    const user = await createUser(
      catalogue,
      { kind: 'system' },
      { login: 'rita', displayName: 'Rita Prüferin', role: 'reviewer', password },
    );
    const principal = await loadPrincipal(catalogue.db, user.id, { kind: 'session' });
    assert.ok(principal);
    reviewer = principal;
    const source = catalogueVexSource(catalogue);
    const expires = (days: number) => new Date(catalogue.now().getTime() + days * day).toISOString();
    const soon = await recordDecision(catalogue, source, reviewer, {
      vulnerability: 'CVE-2022-24999',
      scope: { kind: 'image', image: 'node-app' },
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impactStatement: 'qs parses no query strings from outside here',
      expires: expires(10),
    });
    expiring = soon.id;
    await recordDecision(catalogue, source, reviewer, {
      vulnerability: 'CVE-2021-23337',
      scope: { kind: 'purl', purl: 'pkg:npm/lodash@4.17.21' },
      status: 'affected',
      actionStatement: 'Update lodash to 4.17.21.',
      expires: expires(90),
    });
  });
  after(async () => site?.[Symbol.asyncDispose]());

  async function signedIn(viewport?: { width: number; height: number }): Promise<BrowserContext> {
    const context = await site.browser.newContext(viewport ? { viewport } : {});
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/anmelden?returnTo=%2Fde%2Fvex-triage`);
    await page.locator('#login').fill('rita');
    await page.locator('#password').fill(password);
    await submitForm(page);
    assert.equal(new URL(page.url()).pathname, '/de/vex-triage');
    await page.close();
    return context;
  }

  for (const lang of ['de', 'en'] as const)
    test(`every state in ${lang === 'de' ? 'German' : 'English'}: no violation of WCAG 2.1 A/AA`, async (t) => {
      const context = await signedIn();
      const failures = await auditStates(site, triageStates(lang, expiring), t, { context });
      await context.close();
      const signedOut = [{ name: `${lang}: abgemeldet`, path: paths[lang].triage, status: 401 }];
      failures.push(...(await auditStates(site, signedOut, t)));
      assert.deepEqual(failures, []);
    });

  test('at 320 CSS px no triage page scrolls sideways (tables scroll in their own region)', async () => {
    const narrow = await signedIn({ width: 320, height: 640 });
    const page = await narrow.newPage();
    const wide: string[] = [];
    for (const state of triageStates('de', expiring)) {
      await page.goto(`${site.served.url}${state.path}`);
      await state.act?.(page);
      if (await scrollsSideways(page)) wide.push(state.name);
    }
    await narrow.close();
    assert.deepEqual(wide, []);
  });

  test('with the keyboard alone: search, open the form from a finding, an error to its field, preview, save', async () => {
    const context = await signedIn();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/vex-triage`);
    await tabTo(page, "e.id === 'q'");
    await page.keyboard.type('CVE-2021-23337');
    await tabTo(page, "e.matches('main button[type=submit]')");
    await press(page, 'Enter');
    assert.match((await page.locator('#befunde-tabelle caption').textContent()) ?? '', /CVE-2021-23337/);

    await tabTo(page, "e.matches('a[href*=\"entscheidung?\"]') && e.href.includes('image=node-app')");
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/vex-triage/entscheidung');
    assert.equal(await page.locator('#vulnerability').inputValue(), 'CVE-2021-23337');
    assert.equal(await page.locator('#image').inputValue(), 'node-app');

    // not affected without a justification: the error summary leads to the field
    await tabTo(page, "e.matches('button[value=preview]')");
    await press(page, 'Enter');
    assert.equal(await page.title(), 'Fehler: VEX-Entscheidung treffen – container.gov.de');
    await tabTo(page, "e.getAttribute('href') === '#justification'");
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'justification');
    await page.keyboard.type('Verwundbarer Code wird'); // type-ahead in the list
    assert.equal(await page.locator('#justification').inputValue(), 'vulnerable_code_not_in_execute_path');

    await tabTo(page, "e.matches('button[value=preview]')");
    await press(page, 'Enter');
    assert.match((await page.locator('#vorschau').textContent()) ?? '', /Vorschau: Das würde sich ändern/);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /Die Entscheidung ändert \d+ Befunde? in \d+ Version(?:en)?/,
    );
    const before = await site.catalogue.db.selectFrom('vex_decisions').select('id').execute();

    await tabTo(page, "e.matches('button[value=save]')");
    await press(page, 'Enter');
    assert.match(new URL(page.url()).pathname, /^\/de\/vex-triage\/entscheidungen\/\d+$/);
    assert.match((await page.locator('[role=status]').textContent()) ?? '', /Die Entscheidung ist gespeichert/);
    const after = await site.catalogue.db.selectFrom('vex_decisions').select('id').execute();
    assert.equal(after.length, before.length + 1);
    await context.close();
  });
});
