/**
 * The pages' states the accessibility tests audit (each page empty and filled, with form errors, after a form was
 * sent, the error pages), and the site they are audited on: a catalogue served on loopback, filled on first use
 * by seedPageCatalogue, a user to sign in as, a route that fails (for the 500 page), one Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type Catalogue, createUser } from '../../src/catalogue/index.ts';
import { axeViolations, chromiumMissing, launchBrowser, type ServedApp, serveApp } from './browser.ts';
import { TestCatalogues } from './catalogue.ts';
import { fixturesMissing } from './fixtures.ts';
import { seedPageCatalogue } from './page-catalogue.ts';
import { testServer } from './server.ts';

export const password = 'correct horse battery staple';

/** A state of a page: where to go, and what to do there first (fill and send a form). */
export interface PageState {
  readonly name: string;
  /** Catalogue pages (list, image, comparison) or the others (forms, service, legal, errors). */
  readonly group?: 'catalogue';
  readonly path: string;
  readonly act?: (page: Page) => Promise<unknown>;
  readonly status?: number;
}

/** Sends the first form of the main content and waits for the page it leads to. */
export function submitForm(page: Page): Promise<unknown> {
  return Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').first().click()]);
}

/** `{older}` in a path stands for the digest of node-app's older version. */
export const pageStates: readonly PageState[] = [
  { name: 'Start', path: '/de/' },
  { group: 'catalogue', name: 'Katalog, gefüllt', path: '/de/katalog' },
  { group: 'catalogue', name: 'Katalog, Suche ohne Treffer', path: '/de/katalog?q=gibtesnicht' },
  { group: 'catalogue', name: 'Katalog, Fehler im Formular', path: '/de/katalog?fixable=sehr&distro=Debian!' },
  { group: 'catalogue', name: 'Katalog, Suche über zwei Seiten', path: '/de/katalog?q=demo' },
  { group: 'catalogue', name: 'Image', path: '/de/katalog/node-app' },
  { group: 'catalogue', name: 'Image, ältere Version', path: '/de/katalog/node-app?version={older}' },
  { group: 'catalogue', name: 'Image, ausgesetzt, ohne gültiges Urteil', path: '/de/katalog/debian-werkzeuge' },
  { group: 'catalogue', name: 'Versionsvergleich', path: '/de/katalog/node-app/vergleich' },
  {
    group: 'catalogue',
    name: 'Versionsvergleich, Fehler',
    path: '/de/katalog/node-app/vergleich',
    act: async (page) => {
      await page.locator('#from').selectOption(await page.locator('#to').inputValue());
      return submitForm(page);
    },
  },
  { name: 'Anmelden', path: '/de/anmelden' },
  {
    name: 'Anmelden, Fehler',
    path: '/de/anmelden',
    act: async (page) => {
      await page.locator('#login').fill('alice');
      await page.locator('#password').fill('falsch falsch falsch');
      return submitForm(page);
    },
  },
  { name: 'Impressum', path: '/de/impressum' },
  { name: 'Datenschutz', path: '/de/datenschutz' },
  { name: 'Barrierefreiheit', path: '/de/barrierefreiheit' },
  { name: 'Barrierefreiheit, Fehler', path: '/de/barrierefreiheit', act: submitForm },
  {
    name: 'Barrierefreiheit, gesendet',
    path: '/de/barrierefreiheit',
    act: async (page) => {
      await page.locator('#message').fill('Der Kontrast der Fußzeile ist zu gering.');
      return submitForm(page);
    },
  },
  { name: 'Leichte Sprache', path: '/de/leichte-sprache' },
  { name: 'Gebärdensprache', path: '/de/gebaerdensprache' },
  { name: 'Sitemap', path: '/de/sitemap' },
  { name: '404', path: '/de/gibt-es-nicht', status: 404 },
  { name: '404 ohne Sprache', path: '/gibt-es-nicht', status: 404 },
  { name: '500', path: '/de/kaputt', status: 500 },
];

const english: Readonly<Record<string, string>> = {
  '/de/': '/en/',
  '/de/katalog': '/en/catalogue',
  '/de/katalog/node-app': '/en/catalogue/node-app',
  '/de/katalog/debian-werkzeuge': '/en/catalogue/debian-werkzeuge',
  '/de/katalog/node-app/vergleich': '/en/catalogue/node-app/compare',
  '/de/anmelden': '/en/sign-in',
  '/de/barrierefreiheit': '/en/accessibility',
  '/de/leichte-sprache': '/en/easy-read',
  '/de/gebaerdensprache': '/en/sign-language',
  '/de/impressum': '/en/imprint',
  '/de/datenschutz': '/en/privacy',
  '/de/sitemap': '/en/sitemap',
  '/de/gibt-es-nicht': '/en/nothing-here',
  '/de/kaputt': '/en/kaputt',
};

/** The same state on the English page, where there is one. */
export function inEnglish(state: PageState): PageState | undefined {
  const [path = '', query] = state.path.split('?');
  const translated = english[path];
  return translated
    ? { ...state, name: `${state.name} (en)`, path: `${translated}${query ? `?${query}` : ''}` }
    : undefined;
}

export interface PagesInChromium extends AsyncDisposable {
  readonly catalogue: Catalogue;
  readonly served: ServedApp;
  readonly browser: Browser;
  /** Fills the catalogue (once); before the first call it is empty. */
  filled(): Promise<void>;
  /** The state's path with `{older}` filled in. */
  pathOf(state: PageState): string;
  /** Opens the state in a new page of `context`, asserts its status, and returns axe's violations there. */
  audit(context: BrowserContext, state: PageState): Promise<string[]>;
}

/** The site on an empty catalogue; `filled()` seeds it (with the hostile image when asked). */
export async function pagesInChromium(options: { hostile?: boolean } = {}): Promise<PagesInChromium> {
  const suite = new TestCatalogues('pglite');
  const catalogue = await suite.open();
  await createUser(
    catalogue,
    { kind: 'system' },
    { login: 'alice', displayName: 'Alice Beispiel', role: null, password },
  );
  const { app } = testServer(catalogue);
  for (const path of ['/de/kaputt', '/en/kaputt'])
    app.get(path, () => {
      throw new Error('a bug');
    });
  const [served, browser] = await Promise.all([serveApp(app), launchBrowser()]);
  let seeded: Promise<void> | undefined;
  let older = '';
  const pathOf = (state: PageState) => state.path.replace('{older}', older);
  return {
    catalogue,
    served,
    browser,
    async filled() {
      seeded ??= (async () => {
        await seedPageCatalogue(catalogue, { filler: 21, hostile: options.hostile ?? false });
        const page = await browser.newPage();
        await page.goto(`${served.url}/de/katalog/node-app`);
        older = await page.locator('#from').inputValue();
        await page.close();
      })();
      await seeded;
    },
    pathOf,
    async audit(context, state) {
      const page = await context.newPage();
      const response = await page.goto(`${served.url}${pathOf(state)}`);
      assert.equal(response?.status(), state.status ?? 200, state.path);
      await state.act?.(page);
      const violations = await axeViolations(page);
      await page.close();
      return violations;
    },
    async [Symbol.asyncDispose]() {
      await browser.close();
      await served[Symbol.asyncDispose]();
      await suite[Symbol.asyncDispose]();
    },
  };
}

/**
 * Audits each state in `context` (a fresh one when none is given); reports each page's count as a test diagnostic
 * and returns every violation as `state: rule …`.
 */
export async function auditStates(
  site: PagesInChromium,
  states: readonly PageState[],
  t: TestContext,
  options: { context?: BrowserContext } = {},
): Promise<string[]> {
  const context = options.context ?? (await site.browser.newContext());
  const failures: string[] = [];
  for (const state of states) {
    const violations = await site.audit(context, state);
    t.diagnostic(`axe ${state.name}: ${violations.length}`);
    failures.push(...violations.map((v) => `${state.name}: ${v}`));
  }
  if (!options.context) await context.close();
  return failures;
}

/**
 * One file's share of the axe audit: the catalogue's pages (list, image, comparison; the catalogue empty first,
 * then filled) or the other pages (no catalogue needed), in one language. Split so each file stays well under a
 * minute on a busy machine.
 */
export function describeAudit(group: 'catalogue' | 'service', lang: 'de' | 'en'): void {
  const name = group === 'catalogue' ? 'the catalogue’s pages' : 'the service, legal and error pages';
  describe(`${name} (${lang}) in Chromium: no violation of WCAG 2.1 A/AA`, {
    skip: chromiumMissing() ?? fixturesMissing(),
  }, () => {
    let site: PagesInChromium;
    before(async () => {
      site = await pagesInChromium();
    });
    after(async () => site?.[Symbol.asyncDispose]());

    if (group === 'catalogue')
      test('the empty catalogue and the start page before anything is admitted', async (t) => {
        const paths = lang === 'de' ? ['/de/katalog', '/de/'] : ['/en/catalogue', '/en/'];
        const failures = await auditStates(
          site,
          paths.map((path) => ({ name: `${path} (leer)`, path })),
          t,
        );
        assert.deepEqual(failures, []);
      });

    test('every page in each of its states', async (t) => {
      if (group === 'catalogue') await site.filled();
      const german = pageStates.filter((s) => (s.group ?? 'service') === group);
      const states = lang === 'de' ? german : german.map(inEnglish).filter((s): s is PageState => s !== undefined);
      assert.deepEqual(await auditStates(site, states, t), []);
    });
  });
}
