/**
 * The review pages (*Prüfung*) in real Chromium, signed in as reviewers: axe-core finds no violation of WCAG 2.1
 * A/AA in any state, German and English — the empty queue, the filled queue (and its other state, and a filter
 * error), a submission with manual checks, the four-eyes refusal, the form with errors, a version the scan stopped,
 * the confirmation after an admission — and a reviewer opens a submission from the queue, judges its manual checks
 * and admits it with the keyboard alone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  chromiumMissing,
  launchBrowser,
  type ServedApp,
  scrollsSideways,
  serveApp,
  tabTo,
} from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { type Person, password, type ReviewSite, reviewSite } from '../helpers/review-site.ts';

/** A state of a review page: where to go, as whom, and what to do there first. */
interface ReviewState {
  readonly name: string;
  readonly path: string;
  readonly as?: Person;
  readonly act?: (page: Page) => Promise<unknown>;
  readonly status?: number;
}

function submit(page: Page): Promise<unknown> {
  return Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').last().click()]);
}

/** Judges every manual check passed, chooses the decision and writes the reason (with the mouse's help). */
async function fillDecision(page: Page, decision: string, reason: string): Promise<void> {
  for (const select of await page.locator('select[name^="ergebnis-"]').all()) {
    await select.selectOption('pass');
    const id = ((await select.getAttribute('name')) ?? '').slice('ergebnis-'.length);
    await page.locator(`#notiz-${id}`).fill(`${id} gesehen`);
  }
  await page.locator('#decision').selectOption(decision);
  await page.locator('#reason').fill(reason);
}

const focused = (page: Page, property: string) => page.evaluate<string>(`document.activeElement.${property}`);

describe('the review pages in Chromium: no violation of WCAG 2.1 A/AA, and the decision by keyboard', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: ReviewSite;
  let served: ServedApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const ids: Record<string, string> = {};

  before(async () => {
    [site, browser] = await Promise.all([reviewSite(), launchBrowser()]);
    served = await serveApp(site.app);
  });
  after(async () => {
    await browser?.close();
    await served?.[Symbol.asyncDispose]();
    await site?.[Symbol.asyncDispose]();
  });

  /** A browser context signed in as `person` through the sign-in page. */
  async function signedIn(person: Person): Promise<BrowserContext> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${served.url}/de/anmelden?returnTo=%2Fde%2F`);
    await page.locator('#login').fill(person);
    await page.locator('#password').fill(password);
    await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').first().click()]);
    assert.equal(new URL(page.url()).pathname, '/de/', `${person} is signed in`);
    await page.close();
    return context;
  }

  /** Audits each state as its person; reports each count as a diagnostic and returns every violation. */
  async function audit(states: readonly ReviewState[], t: TestContext): Promise<string[]> {
    const contexts = new Map<Person, BrowserContext>();
    const failures: string[] = [];
    for (const state of states) {
      const person = state.as ?? 'rita';
      let context = contexts.get(person);
      if (!context) {
        context = await signedIn(person);
        contexts.set(person, context);
      }
      const page = await context.newPage();
      const response = await page.goto(`${served.url}${state.path}`);
      assert.equal(response?.status(), state.status ?? 200, state.name);
      await state.act?.(page);
      const violations = await axeViolations(page);
      t.diagnostic(`axe ${state.name}: ${violations.length}`);
      failures.push(...violations.map((v) => `${state.name}: ${v}`));
      await page.close();
    }
    for (const context of contexts.values()) await context.close();
    return failures;
  }

  test('the empty queue, in both languages', async (t) => {
    const failures = await audit(
      [
        { name: 'Prüfung, leer', path: '/de/pruefung' },
        { name: 'Review, empty', path: '/en/review' },
      ],
      t,
    );
    assert.deepEqual(failures, []);
  });

  test('with the keyboard alone: from the queue to a submission, its manual checks judged, admitted with a reason', async () => {
    ids.strict = await site.submitFailing('node-app-streng');
    for (const name of ['node-app', 'node-app-en', 'node-app-offen']) ids[name] = await site.submitForReview(name);
    const context = await signedIn('rita');
    const page = await context.newPage();
    await page.goto(`${served.url}/de/pruefung`);
    await page.keyboard.press('Tab');
    assert.equal(await focused(page, 'textContent'), 'Zum Inhalt springen');
    await page.keyboard.press('Enter');
    await tabTo(page, `e.getAttribute('href') === '/de/pruefung/${ids['node-app']}'`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, `/de/pruefung/${ids['node-app']}`);

    const manual = await page
      .locator('select[name^="ergebnis-"]')
      .evaluateAll((selects) => selects.map((s) => s.getAttribute('name') ?? ''));
    assert.ok(manual.length > 0, 'the submission has manual checks');
    for (const name of manual) {
      await tabTo(page, `e.name === '${name}'`, 400);
      await page.keyboard.type('b'); // type-ahead: "bestanden"
      assert.equal(await page.locator(`[name="${name}"]`).inputValue(), 'pass', name);
      await page.keyboard.press('Tab');
      assert.equal(await focused(page, 'name'), `notiz-${name.slice('ergebnis-'.length)}`);
      await page.keyboard.type('Im Review gesehen und geprüft.');
    }
    await tabTo(page, "e.name === 'decision'");
    await page.keyboard.type('z'); // "zulassen"
    assert.equal(await page.locator('#decision').inputValue(), 'admit');
    await tabTo(page, "e.name === 'reason'");
    await page.keyboard.type('Alle Nachweise gesehen; die manuellen Prüfungen sind bestanden.');
    await tabTo(page, "e.matches('button[type=submit]')");
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.pathname, `/de/pruefung/${ids['node-app']}`);
    assert.equal(url.searchParams.get('entschieden'), '1');
    assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /Zugelassen/);
    await tabTo(page, "e.textContent === 'Zur Image-Seite'");
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/de/katalog/node-app');
    await context.close();
  });

  test('at 320 CSS px neither the queue nor a submission scrolls sideways (tables scroll in their region)', async () => {
    const context = await signedIn('rita');
    const page = await context.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    const wide: string[] = [];
    for (const path of ['/de/pruefung', `/de/pruefung/${ids['node-app-offen']}`, `/en/review/${ids.strict}`]) {
      await page.goto(`${served.url}${path}`);
      if (await scrollsSideways(page)) wide.push(path);
    }
    await context.close();
    assert.deepEqual(wide, []);
  });

  test('every state of the review pages, German and English', async (t) => {
    const open = ids['node-app-offen'] as string;
    const states: ReviewState[] = [];
    for (const [lang, base] of [
      ['de', '/de/pruefung'],
      ['en', '/en/review'],
    ] as const) {
      states.push(
        { name: `${lang}: queue, filled`, path: base },
        { name: `${lang}: queue, checks failed`, path: `${base}?status=checks-failed` },
        { name: `${lang}: queue, filter error`, path: `${base}?organisation=nirgendwo` },
        { name: `${lang}: submission with manual checks`, path: `${base}/${open}` },
        { name: `${lang}: form errors`, path: `${base}/${open}`, act: submit },
        { name: `${lang}: four eyes`, path: `${base}/${open}`, as: 'ralf' },
        { name: `${lang}: stopped by the scan`, path: `${base}/${ids.strict}` },
        { name: `${lang}: queue as a barred reviewer`, path: base, as: 'ralf' },
      );
    }
    states.push(
      { name: 'de: after the admission', path: `/de/pruefung/${ids['node-app']}?entschieden=1` },
      {
        name: 'en: after the admission',
        path: `/en/review/${ids['node-app-en']}`,
        act: async (page) => {
          await fillDecision(page, 'admit', 'All evidence seen; the manual checks pass.');
          await submit(page);
          assert.match((await page.locator('[role=status]').first().textContent()) ?? '', /Admitted/);
        },
      },
    );
    assert.deepEqual(await audit(states, t), []);
  });
});
