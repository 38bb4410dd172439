/**
 * The administration's pages in real Chromium, signed in as an admin: axe-core over the WCAG 2.1 A and AA rules on
 * every page in each of its states (empty, filled, with form errors, after a change, a new token shown), German and
 * English; no sideways scrolling at 320 CSS px; and a keyboard-only flow that creates a user and an API token. The site runs with a credentials key and
 * a signing key, so every form can do what it is for.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { generateP256, publicKeyPem } from '../../src/attest/index.ts';
import { type Catalogue, createOrganisation, createUser } from '../../src/catalogue/index.ts';
import { createApp, loadServerConfig } from '../../src/server/index.ts';
import {
  axeViolations,
  chromiumMissing,
  launchBrowser,
  press,
  type ServedApp,
  scrollsSideways,
  serveApp,
  tabTo,
} from '../helpers/browser.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { testSigning } from '../helpers/page-catalogue.ts';
import { type PageState, submitForm } from '../helpers/page-states.ts';
import { testServer } from '../helpers/server.ts';

const password = 'correct horse battery staple';
const system = { kind: 'system' } as const;

/** Fills the fields (`#id` → value) and sends the form the first field belongs to. */
function fillAndSend(fields: Record<string, string>) {
  return async (page: Page) => {
    for (const [id, value] of Object.entries(fields)) {
      const field = page.locator(`#${id}`);
      if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    const first = Object.keys(fields)[0] ?? '';
    return Promise.all([
      page.waitForNavigation(),
      page.locator(`form:has(#${first}) button[type=submit]`).first().click(),
    ]);
  };
}

/** Sends the form of the first row action (revoke, remove, delete) on the page. */
function firstRowAction(page: Page) {
  return Promise.all([page.waitForNavigation(), page.locator('td form button[type=submit]').first().click()]);
}

/** Every state of every administration page, in one language; the `act`s change the catalogue in this order. */
function statesIn(lang: 'de' | 'en', pem: string, privatePem: string): PageState[] {
  const de = lang === 'de';
  const p = (dePath: string, enPath: string) => (de ? dePath : enPath);
  const users = p('/de/verwaltung/benutzer', '/en/administration/users');
  const orgs = p('/de/verwaltung/organisationen', '/en/administration/organisations');
  const org = `${orgs}/bund-a`;
  const credentials = `${org}/${p('zugangsdaten', 'credentials')}`;
  const keys = `${org}/${p('schluessel', 'keys')}`;
  const tokens = p('/de/verwaltung/tokens', '/en/administration/tokens');
  const login = `karl-${lang}`;
  const states: PageState[] = [
    { name: 'Verwaltung', path: p('/de/verwaltung', '/en/administration') },
    { name: 'Tokens, leer', path: tokens },
    { name: 'Tokens, Fehler', path: tokens, act: fillAndSend({ label: '', days: 'nie' }) },
    { name: 'Tokens, neues Token', path: tokens, act: fillAndSend({ label: `CI ${lang}`, days: '30' }) },
    { name: 'Tokens, widerrufen', path: tokens, act: firstRowAction },
    { name: 'Benutzer', path: users },
    {
      name: 'Benutzer, Fehler',
      path: users,
      act: fillAndSend({ login: 'Falsch!', email: 'x', role: 'contributor', password: 'kurz' }),
    },
    {
      name: 'Benutzer, angelegt',
      path: users,
      act: fillAndSend({ login, name: 'Karl Kommune', role: 'contributor', organisation: 'bund-a', password }),
    },
    { name: 'Benutzer, einer', path: `${users}/${login}` },
    { name: 'Benutzer, Rolle geändert', path: `${users}/${login}`, act: fillAndSend({ role: 'reviewer' }) },
    { name: 'Benutzer, gesperrt', path: `${users}/${login}`, act: (page) => submitFormOf(page, 'disable') },
    { name: 'Organisationen', path: orgs },
    { name: 'Organisationen, Fehler', path: orgs, act: fillAndSend({ slug: '-x-', name: '' }) },
    {
      name: 'Organisationen, angelegt',
      path: orgs,
      act: fillAndSend({ slug: `kommune-${lang}`, name: `Kommune ${lang}`, contact: 'it@kommune.example' }),
    },
    { name: 'Organisation', path: org },
    { name: 'Organisation, Fehler', path: org, act: fillAndSend({ login: 'niemand' }) },
    { name: 'Organisation, Mitglied aufgenommen', path: org, act: fillAndSend({ login: 'rita' }) },
    { name: 'Zugangsdaten, leer', path: credentials },
    {
      name: 'Zugangsdaten, Fehler',
      path: credentials,
      act: fillAndSend({ registry: 'https://x/', username: '', password: '' }),
    },
    {
      name: 'Zugangsdaten, gesetzt',
      path: credentials,
      act: fillAndSend({ registry: `registry-${lang}.example.de`, username: 'robot', password: 'Registry-Passwort-1' }),
    },
    { name: 'Zugangsdaten, gelöscht', path: credentials, act: firstRowAction },
    { name: 'Schlüssel, leer', path: keys },
    { name: 'Schlüssel, Fehler', path: keys, act: fillAndSend({ label: 'privat', pem: privatePem }) },
    { name: 'Schlüssel, hinzugefügt', path: keys, act: fillAndSend({ label: 'Build-Pipeline', pem }) },
    { name: 'Schlüssel, entfernt', path: keys, act: firstRowAction },
    { name: 'Richtlinie und Schlüssel', path: p('/de/verwaltung/richtlinie', '/en/administration/policy') },
    { name: 'Sitemap (angemeldet)', path: p('/de/sitemap', '/en/sitemap') },
  ];
  return states.map((s) => ({ ...s, name: `${s.name} (${lang})` }));
}

/** Sends the form whose hidden `action` is `action`. */
function submitFormOf(page: Page, action: string) {
  return Promise.all([
    page.waitForNavigation(),
    page.locator(`form:has(input[name=action][value=${action}]) button[type=submit]`).first().click(),
  ]);
}

describe('the administration’s pages in Chromium', { skip: chromiumMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let served: ServedApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const key = generateP256();

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await createOrganisation(catalogue, system, { slug: 'bund-a', name: 'Bundesamt A', contact: 'a@bund.example' });
    await createUser(catalogue, system, { login: 'ana', displayName: 'Ana Admin', role: 'admin', password });
    await createUser(catalogue, system, { login: 'rita', displayName: 'Rita Prüferin', role: 'reviewer', password });
    const { deps } = testServer(catalogue);
    const config = loadServerConfig({ env: { SGCI_CREDENTIALS_KEY: randomBytes(32).toString('base64') } });
    const app = createApp({ ...deps, config, signing: testSigning() });
    [served, browser] = await Promise.all([serveApp(app), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await served?.[Symbol.asyncDispose]();
    await suite?.[Symbol.asyncDispose]();
  });

  async function signedIn(login: string): Promise<BrowserContext> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${served.url}/de/anmelden?returnTo=%2Fde%2Fverwaltung`);
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    await submitForm(page);
    assert.equal(new URL(page.url()).pathname, '/de/verwaltung');
    await page.close();
    return context;
  }

  async function audit(context: BrowserContext, states: readonly PageState[], t: TestContext): Promise<string[]> {
    const failures: string[] = [];
    const page = await context.newPage();
    for (const state of states) {
      const response = await page.goto(`${served.url}${state.path}`);
      assert.equal(response?.status(), 200, state.name);
      if (state.act) {
        await state.act(page);
        // the state is the one named: a form error, or the confirmation of the change
        if (state.name.includes('Fehler')) assert.match(await page.title(), /^(Fehler|Error): /, state.name);
        else assert.equal(await page.locator('div[role=status]').count(), 1, state.name);
      }
      const violations = await axeViolations(page);
      t.diagnostic(`axe ${state.name}: ${violations.length}`);
      failures.push(...violations.map((v) => `${state.name}: ${v}`));
    }
    await page.close();
    return failures;
  }

  for (const lang of ['de', 'en'] as const)
    test(`every page in each of its states, signed in as an admin (${lang}): no violation of WCAG 2.1 A/AA`, async (t) => {
      const context = await signedIn('ana');
      const privatePem = generateP256().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const states = statesIn(lang, publicKeyPem(key.publicKey), privatePem);
      const failures = await audit(context, states, t);
      await context.close();
      assert.deepEqual(failures, []);
    });

  test('at 320 CSS px no administration page scrolls sideways (tables scroll in their own region)', async () => {
    const context = await signedIn('ana');
    const page = await context.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    const wide: string[] = [];
    for (const state of statesIn('de', publicKeyPem(key.publicKey), '').filter((s) => !s.act)) {
      await page.goto(`${served.url}${state.path}`);
      if (await scrollsSideways(page)) wide.push(state.path);
    }
    await context.close();
    assert.deepEqual(wide, []);
  });

  test('a reviewer’s administration: their organisation, their tokens (de)', async (t) => {
    const context = await signedIn('rita');
    const states = ['/de/verwaltung', '/de/verwaltung/tokens', '/de/verwaltung/organisationen'].map((path) => ({
      name: `${path} (Prüferin)`,
      path,
    }));
    assert.deepEqual(await audit(context, states, t), []);
    await context.close();
  });

  test('with the keyboard alone: create a user, then an API token, which is shown once', async () => {
    const context = await signedIn('ana');
    const page = await context.newPage();
    await page.goto(`${served.url}/de/verwaltung`);
    await tabTo(page, "e.textContent === 'Benutzer' && e.closest('main')");
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/verwaltung/benutzer');

    // first without a login: the error summary leads to the field
    await tabTo(page, "e.textContent.trim() === 'Benutzer anlegen' && e.matches('button')");
    await press(page, 'Enter');
    assert.match(await page.title(), /^Fehler: Benutzer/);
    await tabTo(page, "e.getAttribute('href') === '#login'");
    await page.keyboard.press('Enter');
    assert.equal(
      await page.evaluate<string>('document.activeElement.id'),
      'login',
      'the error link leads to the field',
    );
    await page.keyboard.type('tastatur');
    await tabTo(page, "e.id === 'name'");
    await page.keyboard.type('Tina Tastatur');
    await tabTo(page, "e.id === 'role'");
    await page.keyboard.type('P'); // type-ahead: "Prüfende:r"
    assert.equal(await page.locator('#role').inputValue(), 'reviewer');
    await tabTo(page, "e.id === 'password'");
    await page.keyboard.type(password);
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/verwaltung/benutzer');
    assert.match((await page.locator('div[role=status]').textContent()) ?? '', /Der Benutzer wurde angelegt/);
    assert.match((await page.locator('table#benutzer').textContent()) ?? '', /tastaturTina Tastatur/);

    await tabTo(page, "e.textContent === 'Verwaltung' && e.closest('.breadcrumbs')");
    await press(page, 'Enter');
    await tabTo(page, "e.textContent === 'API-Tokens'");
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/verwaltung/tokens');
    await tabTo(page, "e.id === 'label'");
    await page.keyboard.type('Nur mit der Tastatur');
    await tabTo(page, "e.id === 'days'");
    await page.keyboard.type('7');
    await press(page, 'Enter');
    const token = (await page.locator('#neues-token').textContent()) ?? '';
    assert.match(token, /^sgci_[a-z2-7]{8}_[0-9a-f]{64}$/);
    assert.match((await page.locator('div[role=status]').textContent()) ?? '', /Token angelegt/);
    assert.ok(await page.locator('button[data-copy="neues-token"]').isVisible(), 'with script, a copy button');
    await page.reload();
    assert.equal(await page.locator('#neues-token').count(), 0, 'a reload does not show it again');
    assert.match((await page.locator('table#tokens').textContent()) ?? '', /Nur mit der Tastatur/);
    await context.close();
  });
});
