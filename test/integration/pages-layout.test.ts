/**
 * The signed-in frame (axe) and how the pages adapt in real Chromium: reflow at 320 CSS px without sideways
 * scrolling, text at 200 %, a visible focus on everything the keyboard reaches, and `prefers-reduced-motion`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromiumMissing, scrollsSideways } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import {
  auditStates,
  type PagesInChromium,
  pageStates,
  pagesInChromium,
  password,
  submitForm,
} from '../helpers/page-states.ts';

describe('the pages adapt: signed in, reflow, text size, focus, motion', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: PagesInChromium;
  before(async () => {
    site = await pagesInChromium();
    await site.filled();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('signed in: the header names the user and offers sign-out; no violation of WCAG 2.1 A/AA', async (t) => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.served.url}/de/anmelden?returnTo=%2Fde%2Fkatalog`);
    await page.locator('#login').fill('alice');
    await page.locator('#password').fill(password);
    await submitForm(page);
    assert.equal(new URL(page.url()).pathname, '/de/katalog');
    assert.match((await page.locator('header').textContent()) ?? '', /Angemeldet als\s+Alice Beispiel/);
    await page.close();
    const paths = ['/de/', '/de/katalog', '/de/katalog/node-app', '/de/anmelden', '/en/accessibility'];
    const states = paths.map((path) => ({ name: `${path} (angemeldet)`, path }));
    const failures = await auditStates(site, states, t, { context });
    await context.close();
    assert.deepEqual(failures, []);
  });

  test('at 320 CSS px no page scrolls sideways (tables scroll in their own region)', async () => {
    const context = await site.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const wide: string[] = [];
    for (const state of pageStates.filter((s) => !s.act)) {
      await page.goto(`${site.served.url}${site.pathOf(state)}`);
      if (await scrollsSideways(page)) wide.push(state.path);
    }
    await context.close();
    assert.deepEqual(wide, []);
  });

  test('text at 200 %: the text grows, nothing scrolls sideways, header and title are not clipped', async () => {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    for (const path of ['/de/', '/de/katalog', '/de/katalog/node-app', '/de/barrierefreiheit']) {
      await page.goto(`${site.served.url}${path}`);
      const size = 'parseFloat(getComputedStyle(document.querySelector("h1")).fontSize)';
      const before = await page.evaluate<number>(size);
      // the reader's text size: the root font size, from which KERN's rem sizes follow
      await page.evaluate('document.documentElement.style.fontSize = "200%"');
      const zoomed = await page.evaluate<number>(size);
      assert.ok(zoomed >= before * 1.9, `${path}: h1 ${before}px → ${zoomed}px`);
      assert.equal(await scrollsSideways(page), false, `${path} scrolls sideways at 200 %`);
      const clipped = await page.evaluate<number>(
        '[...document.querySelectorAll("header a, header button, main h1")].filter((e) => e.scrollWidth > e.clientWidth + 1).length',
      );
      assert.equal(clipped, 0, `${path}: header or title clipped`);
    }
    await context.close();
  });

  test('everything the keyboard reaches shows the focus', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    const invisible: string[] = [];
    let reached = 0;
    for (const path of ['/de/', '/de/katalog', '/de/katalog/node-app', '/de/anmelden', '/de/barrierefreiheit']) {
      await page.goto(`${site.served.url}${path}`);
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const focus = await page.evaluate<{ what: string; visible: boolean } | null>(`(() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const s = getComputedStyle(e);
          const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
          return { what: e.tagName + ' ' + (e.textContent || e.id || '').trim().slice(0, 40), visible };
        })()`);
        if (!focus) break;
        reached++;
        if (!focus.visible) invisible.push(`${path}: ${focus.what}`);
      }
    }
    await context.close();
    assert.ok(reached > 100, `${reached} elements reached`);
    assert.deepEqual(invisible, []);
  });

  test('prefers-reduced-motion: no smooth scrolling, no transitions; without it, KERN’s smooth scrolling stays', async () => {
    const reduced = await site.browser.newContext({ reducedMotion: 'reduce' });
    const page = await reduced.newPage();
    await page.goto(`${site.served.url}/de/`);
    assert.equal(await page.evaluate<string>('getComputedStyle(document.documentElement).scrollBehavior'), 'auto');
    const transition = await page.evaluate<string>(
      'getComputedStyle(document.querySelector(".kern-btn")).transitionDuration',
    );
    assert.ok(
      transition.split(',').every((d) => Number.parseFloat(d) <= 0.001),
      `transition ${transition}`,
    );
    await reduced.close();
    const normal = await site.browser.newContext({ reducedMotion: 'no-preference' });
    const other = await normal.newPage();
    await other.goto(`${site.served.url}/de/`);
    assert.equal(await other.evaluate<string>('getComputedStyle(document.documentElement).scrollBehavior'), 'smooth');
    await normal.close();
  });
});
