import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/report/index.ts';
import { sampleReport } from '../../src/report/testing.ts';

const executablePath = '/usr/bin/chromium';
const skip = existsSync(executablePath) ? undefined : `no Chromium at ${executablePath} (apt-get install -y chromium)`;

const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

test('the HTML report is self-contained, works offline and has no axe violations in German and English', {
  skip,
  timeout: 120_000,
}, async () => {
  const report = await sampleReport();
  const browser = await chromium.launch({ executablePath, args: launchArgs });
  try {
    for (const lang of ['de', 'en'] as const) {
      const html = renderHtml(report, lang);
      assert.doesNotMatch(html, /<script|<link |src="http|href="http|@import|url\(/);
      // Reasons and notes in the report's language, not only its labels.
      if (lang === 'de') {
        assert.match(html, /Advisory-Datenbank ist leer/);
        assert.doesNotMatch(html, /advisory database is empty|no Kubernetes manifests given|\(layer \d/);
      } else {
        assert.match(html, /advisory database is empty/);
        assert.doesNotMatch(html, /Advisory-Datenbank|\(Schicht \d/);
      }
      const context = await browser.newContext({ offline: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(html, { waitUntil: 'load' });
      assert.deepEqual(requests, [], 'the report fetched something');
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.locator('article.check').count(), report.results.length);
      const heading = await page.locator('h1').textContent();
      assert.match(heading ?? '', lang === 'de' ? /Härtungsprüfung/ : /Hardening check/);
      // The planted markup in a path is shown as text, not interpreted.
      assert.equal(await page.locator('script').count(), 0);
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      assert.deepEqual(
        results.violations.map((v) => `${v.id}: ${v.nodes.length}`),
        [],
        `${lang}: ${JSON.stringify(results.violations.map((v) => ({ id: v.id, target: v.nodes[0]?.target })))}`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
});
