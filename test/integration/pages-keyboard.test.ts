/**
 * The site with the keyboard alone, in real Chromium: skip link, search, a filter, paging forward and back, an
 * image and its check details, the language switch, sign-in and sign-out, the feedback form. No click anywhere.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, press, tabTo } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { type PagesInChromium, pagesInChromium, password } from '../helpers/page-states.ts';

const resultNames = (page: Page) =>
  page.locator('.results h3 a').evaluateAll((links) => links.map((a) => a.textContent ?? ''));

describe('the site with the keyboard alone', { skip: chromiumMissing() ?? fixturesMissing() }, () => {
  let site: PagesInChromium;
  before(async () => {
    site = await pagesInChromium();
    await site.filled();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('skip link, search, a filter, the next page and back, an image and its check details', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/katalog`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string>('document.activeElement.textContent'), 'Zum Inhalt springen');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<string>('document.activeElement.id'), 'inhalt', 'the skip link moves the focus');

    await tabTo(page, "e.id === 'q'");
    await page.keyboard.type('demo');
    await tabTo(page, "e.id === 'fixable'");
    await page.keyboard.type('k'); // type-ahead: "keine"
    assert.equal(await page.locator('#fixable').inputValue(), 'none');
    await tabTo(page, "e.matches('button[type=submit]')");
    await press(page, 'Enter');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/de/katalog');
    assert.equal(url.searchParams.get('q'), 'demo');
    assert.equal(url.searchParams.get('fixable'), 'none');
    const first = await resultNames(page);
    assert.equal(first.length, 20);
    assert.ok(first.every((n) => n.startsWith('demo-')));

    await tabTo(page, "e.getAttribute('rel') === 'next'");
    await press(page, 'Enter');
    assert.ok(new URL(page.url()).searchParams.get('cursor'), 'the next page is named by its cursor');
    const second = await resultNames(page);
    assert.deepEqual(second, ['demo-21'], 'the rest, none repeated');
    await tabTo(page, "e.textContent === 'Erste Seite'");
    await press(page, 'Enter');
    assert.deepEqual(await resultNames(page), first);

    await tabTo(page, "e.textContent === 'demo-03'");
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/katalog/demo-03');
    await tabTo(page, "e.matches('summary') && !e.parentElement.open");
    const id = await page.evaluate<string>('document.activeElement.parentElement.id');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate<boolean>(`document.getElementById(${JSON.stringify(id)}).open`), true, id);
    await page.keyboard.press('Space');
    assert.equal(await page.evaluate<boolean>(`document.getElementById(${JSON.stringify(id)}).open`), false, id);
    await context.close();
  });

  test('the language switch keeps the page and its query', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/katalog?q=demo&fixable=none`);
    await tabTo(page, "e.getAttribute('hreflang') === 'en'");
    await press(page, 'Enter');
    const url = new URL(page.url());
    assert.equal(`${url.pathname}${url.search}`, '/en/catalogue?q=demo&fixable=none');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('#fixable').inputValue(), 'none');
    await context.close();
  });

  test('sign in from the header and back to the page, then sign out', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/katalog/node-app`);
    await tabTo(page, "e.textContent === 'Anmelden'");
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/anmelden');
    await tabTo(page, "e.id === 'login'");
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await press(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/de/katalog/node-app', 'back where sign-in started');
    assert.match((await page.locator('header').textContent()) ?? '', /Angemeldet als\s+Alice Beispiel/);
    await tabTo(page, "e.textContent.trim() === 'Abmelden'");
    await press(page, 'Enter');
    await page.waitForURL(/\/de\/$/);
    assert.match((await page.locator('header').textContent()) ?? '', /Anmelden/);
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  test('the feedback form: an error leads to its field, a message is sent', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/barrierefreiheit`);
    await tabTo(page, "e.textContent.trim() === 'Rückmeldung senden'");
    await press(page, 'Enter');
    assert.equal(await page.title(), 'Fehler: Erklärung zur Barrierefreiheit – container.gov.de');
    await tabTo(page, "e.getAttribute('href') === '#message'");
    await page.keyboard.press('Enter');
    assert.equal(
      await page.evaluate<string>('document.activeElement.id'),
      'message',
      'the error link leads to the field',
    );
    await page.keyboard.type('Die Tabelle der Befunde ist mit der Bildschirmlupe schwer zu lesen.');
    await tabTo(page, "e.textContent.trim() === 'Rückmeldung senden'");
    await press(page, 'Enter');
    assert.match((await page.locator('[role=status]').textContent()) ?? '', /Ihre Rückmeldung ist angekommen/);
    await context.close();
  });
});
