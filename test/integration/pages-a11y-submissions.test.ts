/**
 * Einreichen, Meine Einreichungen and one submission in real Chromium, signed in as a contributor: axe (WCAG 2.1
 * A/AA) on every state of the pages in German and English – the empty list and form, the list with submissions in
 * six states, a submission whose checks failed, one rejected, one open with its withdraw form, the form with errors
 * and after success – and the whole way with the keyboard alone: the form sent empty, the error link into its
 * field, the form filled and sent, the new submission opened from the list and withdrawn.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { axeViolations, chromiumMissing, launchBrowser, scrollsSideways, serveApp, tabTo } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { auditStates, type PageState, type PagesInChromium, submitForm } from '../helpers/page-states.ts';
import { password, type SeededSubmissions, type SubmissionSite, submissionSite } from '../helpers/submission-site.ts';

/** Fills the form with a version of the image (named after the page's language) and sends it. */
async function sendForm(page: Page, image: string): Promise<unknown> {
  const lang = new URL(page.url()).pathname.slice(1, 3);
  await page.locator('#image').fill(image);
  await page.locator('#name').fill(`node-app-axe-${lang}`);
  await page.locator('#description-de').fill('Geprüft mit axe');
  await page.locator('#description-en').fill('Audited with axe');
  await page.locator('#categories-runtime').check();
  await page.locator('#license').fill('MIT');
  await page.locator('#source').fill('https://gitlab.opencode.de/amt-a/node-app');
  await page.locator('#contact').fill('plattform@amt-a.example');
  return submitForm(page);
}

/** `{failed}`, `{rejected}`, `{submitted}` in a path stand for the seeded submissions' ids. */
function states(image: string): PageState[] {
  return [
    { name: 'Meine Einreichungen, sechs Zustände', path: '/de/einreichungen' },
    { name: 'Meine Einreichungen, Filter mit Fehler', path: '/de/einreichungen?status=kaputt' },
    { name: 'Einreichung, Prüfungen nicht bestanden', path: '/de/einreichungen/{failed}' },
    { name: 'Einreichung, abgelehnt', path: '/de/einreichungen/{rejected}' },
    { name: 'Einreichung, offen mit Zurückziehen', path: '/de/einreichungen/{submitted}' },
    {
      name: 'Einreichung, Zurückziehen ohne Grund',
      path: '/de/einreichungen/{submitted}',
      act: (page) =>
        Promise.all([page.waitForNavigation(), page.locator('form:has(#reason) button[type=submit]').click()]),
    },
    { name: 'Einreichen, nächste Version', path: '/de/einreichen?image=node-app' },
    { name: 'Einreichen, Fehler', path: '/de/einreichen', act: submitForm },
    { name: 'Einreichen, gesendet', path: '/de/einreichen', act: (page) => sendForm(page, image) },
  ];
}

const english: Readonly<Record<string, string>> = {
  '/de/einreichungen': '/en/submissions',
  '/de/einreichen': '/en/submit',
};

function inEnglish(state: PageState): PageState {
  const path = state.path
    .replace(/^\/de\/einreichungen\//, '/en/submissions/')
    .replace(/^\/de\/[a-z]+/, (p) => english[p] ?? p);
  return { ...state, name: `${state.name} (en)`, path };
}

/** What the keyboard reached without a visible focus (outline or shadow), over every `tabToShown` of a test. */
const unfocused: string[] = [];

/**
 * Presses Tab until the focus is on what `selector` matches – the keyboard alone, as a reader without a mouse – and
 * notes it when it does not show its focus.
 */
async function tabToShown(page: Page, selector: string): Promise<void> {
  await tabTo(page, `e.matches(${JSON.stringify(selector)})`);
  const visible = await page.evaluate<boolean>(`(() => {
    const s = getComputedStyle(document.activeElement);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
  })()`);
  if (!visible) unfocused.push(`${new URL(page.url()).pathname}: ${selector}`);
}

describe('the submission pages in Chromium: no violation of WCAG 2.1 A/AA, and the keyboard alone', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: SubmissionSite;
  let chromium: PagesInChromium;
  let seeded: SeededSubmissions | undefined;
  let context: BrowserContext;
  let open: (context: BrowserContext, state: PageState) => Promise<Page>;

  before(async () => {
    site = await submissionSite();
    const [served, browser] = await Promise.all([serveApp(site.server.app), launchBrowser()]);
    const pathOf = (state: PageState) =>
      state.path
        .replace('{failed}', seeded?.checksFailed ?? '')
        .replace('{rejected}', seeded?.rejected ?? '')
        .replace('{submitted}', seeded?.submitted ?? '');
    // a state opened in a new page of the signed-in context, its answer checked, its action done
    open = async (ctx, state) => {
      const page = await ctx.newPage();
      const response = await page.goto(`${served.url}${pathOf(state)}`);
      assert.equal(response?.status(), state.status ?? 200, state.path);
      await state.act?.(page);
      return page;
    };
    chromium = {
      catalogue: site.catalogue,
      served,
      browser,
      async filled() {
        seeded = await site.seed();
      },
      pathOf,
      async audit(ctx, state) {
        const page = await open(ctx, state);
        try {
          return await axeViolations(page);
        } finally {
          await page.close();
        }
      },
      async [Symbol.asyncDispose]() {
        await browser.close();
        await served[Symbol.asyncDispose]();
      },
    };
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${served.url}/de/anmelden?returnTo=%2Fde%2Feinreichungen`);
    await page.locator('#login').fill('carla');
    await page.locator('#password').fill(password);
    await submitForm(page);
    assert.equal(new URL(page.url()).pathname, '/de/einreichungen');
    await page.close();
  });
  after(async () => {
    await context?.close();
    await chromium?.[Symbol.asyncDispose]();
    await site?.[Symbol.asyncDispose]();
  });

  test('before anything is submitted: the empty list and the empty form', async (t) => {
    const paths = ['/de/einreichungen', '/de/einreichen', '/en/submissions', '/en/submit'];
    const empty = paths.map((path) => ({ name: `${path} (leer)`, path }));
    const failures = await auditStates(chromium, empty, t, { context });
    assert.deepEqual(failures, []);
  });

  test('every state of the pages, German and English', async (t) => {
    await chromium.filled();
    const all = states(site.image);
    const failures = await auditStates(chromium, [...all, ...all.map(inEnglish)], t, { context });
    assert.deepEqual(failures, []);
  });

  test('with the keyboard alone: send the form empty, follow the error into its field, fill it, send it, open the submission from the list and withdraw it', async (t) => {
    await chromium.filled();
    const page = await open(context, { name: 'Einreichen', path: '/de/einreichen' });
    const url = chromium.served.url;
    await tabToShown(page, 'main form button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.title(), /^Fehler: Image einreichen/);
    t.diagnostic(`axe Einreichen, Fehler (Tastatur): ${(await axeViolations(page)).length}`);
    await tabToShown(page, '#fehler a[href="#image"]');
    await page.keyboard.press('Enter');
    assert.equal(
      await page.evaluate<string>('document.activeElement.id'),
      'image',
      'the error link leads into the field',
    );
    await page.keyboard.type(site.image);
    const fill: [string, string][] = [
      ['#name', 'node-app-tastatur'],
      ['#description-de', 'Mit der Tastatur eingereicht'],
      ['#description-en', 'Submitted with the keyboard'],
    ];
    for (const [selector, value] of fill) {
      await tabToShown(page, selector);
      await page.keyboard.type(value);
    }
    await tabToShown(page, '#categories-runtime');
    await page.keyboard.press('Space');
    for (const [selector, value] of [
      ['#license', 'MIT'],
      ['#source', 'https://gitlab.opencode.de/amt-a/node-app'],
      ['#contact', 'plattform@amt-a.example'],
    ] as const) {
      await tabToShown(page, selector);
      await page.keyboard.type(value);
    }
    await tabToShown(page, 'main form button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(new URL(page.url()).pathname, /^\/de\/einreichungen\/[0-9a-f-]{36}$/);
    assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /Ihre Einreichung ist eingegangen/);
    const violations = await axeViolations(page);
    t.diagnostic(`axe Einreichung nach dem Senden: ${violations.length}`);
    assert.deepEqual(violations, []);
    const submitted = new URL(page.url()).pathname;

    await page.goto(`${url}/de/einreichungen`);
    await tabToShown(page, `main a[href="${submitted}"]`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, submitted);
    assert.match((await page.locator('h1').textContent()) ?? '', /Einreichung node-app-tastatur:1\.0/);
    await tabToShown(page, '#reason');
    await page.keyboard.type('Nur ein Versuch mit der Tastatur.');
    await tabToShown(page, 'form:has(#reason) button[type=submit]');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /zurückgezogen/);
    await page.close();
    assert.deepEqual(unfocused, [], 'every element the keyboard reached showed its focus');
  });

  test('at 320 CSS px no state scrolls sideways (the tables scroll in their own region)', async () => {
    await chromium.filled();
    const narrow = await chromium.browser.newContext({
      viewport: { width: 320, height: 640 },
      storageState: await context.storageState(),
    });
    const wide: string[] = [];
    for (const state of states(site.image).filter((s) => !s.act)) {
      const page = await open(narrow, state);
      if (await scrollsSideways(page)) wide.push(state.name);
      await page.close();
    }
    await narrow.close();
    assert.deepEqual(wide, []);
  });
});
