/**
 * Accessibility of the site's other pages in real Chromium, German and English: axe-core over the WCAG 2.1 A and
 * AA rules on the start page, sign-in (and its errors), the accessibility statement (its form with errors and
 * sent), Impressum, privacy, easy read, sign language, sitemap, and the 404 and 500 pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromiumMissing } from '../helpers/browser.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { auditStates, type PagesInChromium, pageStates, pagesInChromium } from '../helpers/page-states.ts';

describe('the service, legal and error pages in Chromium: no violation of WCAG 2.1 A/AA', {
  skip: chromiumMissing() ?? fixturesMissing(),
}, () => {
  let site: PagesInChromium;
  before(async () => {
    site = await pagesInChromium();
    await site.filled();
  });
  after(async () => site?.[Symbol.asyncDispose]());

  test('every page in each of its states, German and English', async (t) => {
    const failures = await auditStates(
      site,
      pageStates.filter((s) => s.group === undefined),
      t,
      { english: true },
    );
    assert.deepEqual(failures, []);
  });
});
