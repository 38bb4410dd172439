/**
 * The image page's rebuild history: the monitor's ledger of the tags it watches in an admitted image's repository
 * (the store the server's rounds write), each tag's digests with first and last observation and the kind of change,
 * and time-to-patch p50/p90 per severity, in German and English, over HTTP and audited by axe in Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Catalogue } from '../../src/catalogue/index.ts';
import { defaultLimits } from '../../src/core/index.ts';
import { type Change, watchKeyOf } from '../../src/monitor/index.ts';
import { RegistryClient } from '../../src/oci/registry/index.ts';
import { formatDate } from '../../src/server/web/i18n.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { axeViolations, chromiumMissing, launchBrowser, serveApp } from '../helpers/browser.ts';
import { TestCatalogues } from '../helpers/catalogue.ts';
import { fixturesMissing } from '../helpers/fixtures.ts';
import { seedPageCatalogue } from '../helpers/page-catalogue.ts';
import { type TestServer, testServer } from '../helpers/server.ts';

const html = { accept: 'text/html' };
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const lodash = 'pkg:npm/lodash@4.17.20';

/**
 * node-app's tag 1.1 as the monitor saw it: first observed on 1 November, rebuilt with new metadata on the 6th, and
 * on the 10th with packages that fixed two high findings (48 h and 9 days after their fixes) and a medium one (12 h).
 * Tag 1.0 observed once.
 */
async function recordLedger(store: Store): Promise<void> {
  const repository = 'registry.example.de/bundesamt-beispiel/node-app';
  for (const tag of ['1.1', '1.0'])
    await store.monitor.addWatch(watchKeyOf(`${repository}:${tag}`), 3600, new Date('2026-11-01T08:00:00Z'));
  const watches = await store.monitor.watches();
  const observe = async (tag: string, c: string, firstSeen: string, change: Change | null, lastSeen: string) => {
    const watch = watches.find((w) => w.tag === tag);
    assert.ok(watch);
    const id = await store.monitor.append(watch.id, {
      ...watchKeyOf(`${repository}:${tag}`),
      digest: digest(c),
      platformDigest: digest(c),
      configDigest: digest(c === 'a' ? 'f' : 'e'),
      diffIds: [digest(c === 'c' ? 'd' : 'b')],
      firstSeen,
      source: 'head',
      change,
    });
    await store.monitor.seenAgain([watch.id], [id], new Date(lastSeen));
  };
  await observe('1.1', 'a', '2026-11-01T08:00:00.000Z', null, '2026-11-05T08:00:00.000Z');
  await observe('1.1', 'b', '2026-11-06T08:00:00.000Z', { kind: 'metadata-only' }, '2026-11-09T08:00:00.000Z');
  await observe(
    '1.1',
    'c',
    '2026-11-10T08:00:00.000Z',
    {
      kind: 'packages-changed',
      sbom: { added: [], removed: [], upgraded: [] },
      vulns: {
        fixed: [
          { id: 'CVE-2021-23337', package: lodash, severity: 'HIGH', fixAvailableAt: '2026-11-08T08:00:00.000Z' },
          { id: 'CVE-2020-8203', package: lodash, severity: 'HIGH', fixAvailableAt: '2026-11-01T08:00:00.000Z' },
          { id: 'CVE-2020-28500', package: lodash, severity: 'MEDIUM', fixAvailableAt: '2026-11-09T20:00:00.000Z' },
        ],
        introduced: [],
      },
    },
    '2026-12-01T08:00:00.000Z',
  );
  await observe('1.0', '9', '2026-11-01T08:00:00.000Z', null, '2026-12-01T08:00:00.000Z');
}

/** The cells of each body row of the table `id`, as text. */
function rowsOf(page: string, id: string): string[][] {
  const table = page.slice(page.indexOf(`<table class="kern-table" id="${id}">`));
  const body = table.slice(table.indexOf('<tbody'), table.indexOf('</tbody>'));
  return body
    .split('<tr')
    .slice(1)
    .map((row) =>
      row
        .split('<td')
        .slice(1)
        .map((cell) =>
          cell
            .replace(/^[^>]*>/, '')
            .replace(/<[^>]+>/g, '')
            .trim(),
        ),
    );
}

describe('the image page with the monitor’s rebuild history', { skip: fixturesMissing() }, () => {
  let suite: TestCatalogues;
  let catalogue: Catalogue;
  let store: Store;
  let server: TestServer;

  before(async () => {
    suite = new TestCatalogues('pglite');
    catalogue = await suite.open();
    await seedPageCatalogue(catalogue, { filler: 0, hostile: false });
    store = await openStore({ dataDir: 'memory://', databaseUrl: '' });
    await recordLedger(store);
    const limits = defaultLimits;
    server = testServer(
      catalogue,
      {},
      {
        monitor: {
          monitor: store.monitor,
          limits,
          openClient: (onResponse) => new RegistryClient({ limits, retry: { attempts: 1 }, onResponse }),
        },
      },
    );
  });

  after(async () => {
    await store?.close();
    await suite?.[Symbol.asyncDispose]();
  });

  test('German: each watched tag’s digests newest first, its rebuilds and time-to-patch per severity', async () => {
    const response = await server.app.request('/de/katalog/node-app', { headers: html });
    assert.equal(response.status, 200);
    const page = await response.text();
    const section = page.slice(page.indexOf('<section class="section" aria-labelledby="neubau">'));
    assert.match(section, /<h2 class="kern-heading-medium" id="neubau">Neubau-Historie<\/h2>/);
    assert.match(
      section,
      /<h3 class="kern-heading-small" id="neubau-1">Tag 1\.0 \(linux\/amd64\)<\/h3>\s*<p>0 Neubauten beobachtet\.<\/p>/,
    );
    assert.match(
      section,
      /<h3 class="kern-heading-small" id="neubau-2">Tag 1\.1 \(linux\/amd64\)<\/h3>\s*<p>2 Neubauten beobachtet\.<\/p>/,
    );
    const at = (iso: string) => formatDate('de', iso, true);
    assert.deepEqual(rowsOf(section, 'neubau-2-digests'), [
      [digest('c'), at('2026-11-10T08:00:00Z'), at('2026-12-01T08:00:00Z'), 'Pakete geändert'],
      [digest('b'), at('2026-11-06T08:00:00Z'), at('2026-11-09T08:00:00Z'), 'nur Metadaten'],
      [digest('a'), at('2026-11-01T08:00:00Z'), at('2026-11-05T08:00:00Z'), 'erste Beobachtung'],
    ]);
    // nearest rank over 48 h and 216 h; the 7-day window of a high finding met once in two
    assert.deepEqual(rowsOf(section, 'neubau-2-patch'), [
      ['hoch', '2', '48 Std.', '216 Std.', '50 %'],
      ['mittel', '1', '12 Std.', '12 Std.', '100 %'],
    ]);
    assert.match(section, /Zeit bis zum Patch von 1\.1 nach Schweregrad/);
    assert.doesNotMatch(section, /id="neubau-1-patch"/, 'tag 1.0 fixed nothing: no table');
    assert.match(section, /Noch keine behobene Schwachstelle beobachtet\./);
  });

  test('English: the same figures in English words', async () => {
    const page = await (await server.app.request('/en/catalogue/node-app', { headers: html })).text();
    const section = page.slice(page.indexOf('<section class="section" aria-labelledby="neubau">'));
    assert.match(section, />Rebuild history<\/h2>/);
    assert.match(section, /2 rebuilds observed\./);
    assert.deepEqual(
      rowsOf(section, 'neubau-2-digests').map((row) => row[3]),
      ['packages changed', 'metadata only', 'first observation'],
    );
    assert.deepEqual(rowsOf(section, 'neubau-2-patch'), [
      ['high', '2', '48 h', '216 h', '50 %'],
      ['medium', '1', '12 h', '12 h', '100 %'],
    ]);
  });

  test('an image whose repository the monitor does not watch says how to start watching it', async () => {
    const page = await (await server.app.request('/de/katalog/python-app', { headers: html })).text();
    assert.match(page, /sobald der Monitor einen Tag dieses Repositorys beobachtet \(sgci monitor add\)/);
    assert.doesNotMatch(page, /id="neubau-1"/);
  });

  test('axe finds no violation of WCAG 2.1 A/AA in the section, German and English', {
    skip: chromiumMissing(),
  }, async () => {
    await using served = await serveApp(server.app);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      for (const path of ['/de/katalog/node-app', '/en/catalogue/node-app']) {
        const page = await context.newPage();
        const response = await page.goto(`${served.url}${path}`);
        assert.equal(response?.status(), 200);
        assert.equal(await page.locator('#neubau-2-patch').count(), 1, path);
        assert.deepEqual(await axeViolations(page), [], path);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
