/**
 * Accessibility of the catalogue's pages in real Chromium, German and English: axe-core over the WCAG 2.1 A and
 * AA rules on the list (empty, filled, no results, form errors, two pages), the image page (newest and older
 * version, a suspended one) and the version comparison (with and without a form error). The other pages:
 * pages-a11y-service.test.ts; signed in, reflow, zoom, focus, motion: pages-layout.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { auditStates, type PagesInChromium, pageStates, pagesInChromium } from '../helpers/page-states.ts';

describe('the catalogue’s pages in Chromium: no violation of WCAG 2.1 A/AA', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: PagesInChromium;
  before(async () => {
    site = await pagesInChromium();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('the empty catalogue and the start page before anything is admitted', async (t) => {
    const failures = await auditStates(
      site,
      ['/de/katalog', '/en/catalogue', '/de/'].map((path) => ({ name: `${path} (leer)`, path })),
      t,
    );
    assert.deepEqual(failures, []);
  });

  test('list, image and comparison in each of their states, German and English', async (t) => {
    await site.filled();
    const failures = await auditStates(
      site,
      pageStates.filter((s) => s.group === 'catalogue'),
      t,
      { english: true },
    );
    assert.deepEqual(failures, []);
  });
});
