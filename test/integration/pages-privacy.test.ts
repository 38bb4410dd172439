/**
 * Privacy, security and weight of the pages in real Chromium: every request a page makes goes to the site's own
 * origin; no cookie before sign-in and only the session cookie after it; the CSP holds (no inline style or
 * script, no violation reported); a hostile image's texts render as text and run nothing; the pages work without
 * JavaScript; and each page stays within its budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page, Response } from 'playwright-core';
import { chromiumMissing, recordRequests } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { hostileText } from '../helpers/page-catalogue.ts';
import { type PagesInChromium, pagesInChromium, password, submitForm } from '../helpers/page-states.ts';

const pages = [
  '/de/',
  '/de/katalog',
  '/de/katalog/node-app',
  '/de/katalog/node-app/vergleich',
  '/de/anmelden',
  '/de/barrierefreiheit',
  '/de/impressum',
  '/de/datenschutz',
  '/de/leichte-sprache',
  '/de/gebaerdensprache',
  '/de/sitemap',
  '/en/catalogue/python-app',
  '/de/gibt-es-nicht',
];

/**
 * The page budget, for a first visit with an empty cache (every file after the page is named by its hash and
 * cached for a year, so a later visit loads the page alone): the page itself, one stylesheet, two fonts, and on
 * image pages the enhancement script.
 */
const budget = {
  htmlBytes: 100 * 1024,
  htmlTransfer: 30 * 1024,
  cssTransfer: 16 * 1024,
  fonts: 2,
  fontBytes: 280 * 1024,
  scriptBytes: 2 * 1024,
  totalTransfer: 330 * 1024,
};

interface Load {
  readonly html: number;
  readonly htmlTransfer: number;
  readonly css: number;
  readonly fonts: number[];
  readonly script: number;
  readonly total: number;
}

/** Opens `path` and waits until the page and its fonts are loaded. */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.evaluate('document.fonts.ready.then(() => true)');
}

/** What loading `path` in a fresh context moves over the wire, by kind. */
async function weigh(site: PagesInChromium, path: string): Promise<Load> {
  const context = await site.browser.newContext();
  const page = await context.newPage();
  const responses: Response[] = [];
  page.on('response', (r) => {
    responses.push(r);
  });
  await open(page, `${site.served.url}${path}`);
  const load = { html: 0, htmlTransfer: 0, css: 0, fonts: [] as number[], script: 0, total: 0 };
  for (const r of responses) {
    const sizes = await r.request().sizes();
    const type = r.request().resourceType();
    load.total += sizes.responseBodySize;
    if (type === 'document') {
      load.html += (await r.body()).length;
      load.htmlTransfer += sizes.responseBodySize;
    } else if (type === 'stylesheet') load.css += sizes.responseBodySize;
    else if (type === 'font') load.fonts.push(sizes.responseBodySize);
    else if (type === 'script') load.script += sizes.responseBodySize;
    else assert.fail(`${path} loaded ${type} ${r.url()}`);
  }
  await context.close();
  return load;
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[
    ...[...document.querySelectorAll('[style]')].map((e) => 'style attribute on ' + e.tagName),
    ...[...document.querySelectorAll('style')].map(() => 'style element'),
    ...[...document.querySelectorAll('script:not([src])')].map(() => 'inline script'),
    ...[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => a.name + ' on ' + e.tagName)),
  ]`);
}

describe('privacy, security and weight of the pages in Chromium', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: PagesInChromium;
  before(async () => {
    site = await pagesInChromium({ hostile: true });
    await site.filled();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('every request of every page, and of sending its forms, goes to the site’s own origin; no cookie is set', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    const requests = recordRequests(page);
    const reported: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) reported.push(m.text());
    });
    for (const path of pages) {
      await open(page, `${site.served.url}${path}`);
      assert.deepEqual(await cspViolations(page), [], path);
    }
    await page.goto(`${site.served.url}/de/katalog`);
    await page.locator('#q').fill('node');
    await submitForm(page);
    await page.goto(`${site.served.url}/de/barrierefreiheit`);
    await page.locator('#message').fill('Alles gut lesbar.');
    await submitForm(page);
    const origin = new URL(site.served.url).origin;
    const foreign = requests.filter((url) => new URL(url).origin !== origin);
    assert.deepEqual(foreign, []);
    assert.ok(
      requests.some((url) => url.endsWith('.woff2')),
      'the fonts come from the site',
    );
    assert.ok(
      requests.some((url) => url.endsWith('.css')),
      'the stylesheet comes from the site',
    );
    assert.deepEqual(reported, [], 'the browser reported no CSP violation');
    assert.deepEqual(await context.cookies(), [], 'no cookie before sign-in');
    await context.close();
  });

  test('after sign-in exactly one cookie: the session, HttpOnly, SameSite=Strict, gone with the browser', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/anmelden`);
    await page.locator('#login').fill('alice');
    await page.locator('#password').fill(password);
    await submitForm(page);
    const cookies = await context.cookies();
    assert.deepEqual(
      cookies.map((c) => ({
        name: c.name,
        httpOnly: c.httpOnly,
        sameSite: c.sameSite,
        expires: c.expires,
        path: c.path,
      })),
      [{ name: 'sgci_session', httpOnly: true, sameSite: 'Strict', expires: -1, path: '/' }],
    );
    await context.close();
  });

  test('a hostile image’s texts show as text and run nothing, on its page, in the list and in the filter', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    for (const path of [
      '/de/katalog/hostile-app',
      '/en/catalogue/hostile-app',
      '/de/katalog?organisation=hostile-org',
    ]) {
      await open(page, `${site.served.url}${path}`);
      assert.equal(await page.evaluate('window.__xss'), undefined, `${path} ran the image's script`);
      assert.equal(await page.locator('img').count(), 0, `${path} made an image of the image's markup`);
      assert.ok(((await page.locator('main').textContent()) ?? '').includes('<script>window.__xss=1</script>'), path);
      assert.deepEqual(await cspViolations(page), [], path);
    }
    const source = page.locator('main dd', { hasText: 'javascript:' });
    assert.equal(await source.locator('a').count(), 0, 'a javascript: source is no link');
    const organisations = await page.locator('#organisation option').allTextContents();
    assert.ok(organisations.includes(hostileText), 'the organisation’s name is an option’s text');
    await context.close();
  });

  test('without JavaScript: search and filters work, the feedback form sends, copy buttons stay hidden', async () => {
    const context = await site.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/katalog`);
    await page.locator('#q').fill('python');
    assert.equal(await page.locator('#signed').isVisible(), false, 'the further filters are folded away');
    await page.locator('.more-filters summary').click();
    await page.locator('#signed').selectOption('true');
    await submitForm(page);
    assert.equal(
      new URL(page.url()).search,
      '?q=python&category=&organisation=&distro=&distroVersion=&ecosystem=&baseline=&fixable=&sla=&signed=true',
    );
    assert.deepEqual(await page.locator('.results h3 a').allTextContents(), ['python-app']);
    await page.goto(`${site.served.url}/de/katalog/node-app`);
    assert.equal(await page.locator('button[data-copy]').first().isVisible(), false);
    assert.match(
      (await page.locator('#befehl-pull').textContent()) ?? '',
      /^docker pull registry\.example\.de\/bundesamt-beispiel\/node-app@sha256:/,
    );
    await page.goto(`${site.served.url}/en/accessibility`);
    await page.locator('#message').fill('Works without scripts.');
    await submitForm(page);
    assert.match((await page.locator('[role=status]').textContent()) ?? '', /Your feedback has arrived/);
    await context.close();
  });

  test('with JavaScript the copy button copies the command and says so', async () => {
    const context = await site.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/katalog/node-app`);
    const button = page.locator('button[data-copy="befehl-verify"]');
    assert.equal(await button.isVisible(), true);
    await button.click();
    await page.locator('#befehl-verify-status', { hasText: 'kopiert' }).waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    assert.match(
      copied,
      /^sgci verify-attestation --key katalog\.pub --type vsa registry\.example\.de\/.*@sha256:[0-9a-f]{64}$/,
    );
    await context.close();
  });

  test('each page within its budget: page, one stylesheet, two fonts (and the script on image pages)', async (t) => {
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    for (const path of [
      '/de/',
      '/de/katalog',
      '/de/katalog/node-app',
      '/de/katalog/node-app/vergleich',
      '/de/barrierefreiheit',
    ]) {
      const load = await weigh(site, path);
      const fonts = load.fonts.reduce((a, b) => a + b, 0);
      t.diagnostic(
        `${path}: HTML ${kib(load.html)} (${kib(load.htmlTransfer)} transferred), CSS ${kib(load.css)}, fonts ${load.fonts.length} × = ${kib(fonts)}, JS ${kib(load.script)}, total ${kib(load.total)}`,
      );
      assert.ok(load.html <= budget.htmlBytes, `${path}: HTML ${load.html}`);
      assert.ok(load.htmlTransfer <= budget.htmlTransfer, `${path}: HTML transfer ${load.htmlTransfer}`);
      assert.ok(load.css <= budget.cssTransfer, `${path}: CSS ${load.css}`);
      assert.equal(load.fonts.length, budget.fonts, path);
      assert.ok(fonts <= budget.fontBytes, `${path}: fonts ${fonts}`);
      assert.ok(load.script <= budget.scriptBytes, `${path}: script ${load.script}`);
      assert.ok(load.total <= budget.totalTransfer, `${path}: total ${load.total}`);
    }
  });
});
