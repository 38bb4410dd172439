/**
 * Screenshots of the main pages for docs/ and the README: catalogues seeded from the fixture images (as the pages'
 * tests seed them), served on loopback, each page photographed in German at desktop width and at 320 CSS px by
 * Debian's Chromium. The public pages, VEX-Triage and Verwaltung show the pages' catalogue; Einreichen, Meine
 * Einreichungen and Prüfung the review pages' site with submissions in several states. Both run on the test clock,
 * so dates and the order of lists stay the same from run to run. Run again after a change to the pages:
 *
 *   node_modules/.bin/node scripts/screenshots.ts [--out docs/screenshots]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createUser, decide, withdraw } from '../src/catalogue/index.ts';
import { chromiumMissing, launchBrowser, serveApp } from '../test/helpers/browser.ts';
import { TestCatalogues } from '../test/helpers/catalogue.ts';
import { fixturesMissing } from '../test/helpers/fixtures.ts';
import { seedPageCatalogue } from '../test/helpers/page-catalogue.ts';
import { submitForm } from '../test/helpers/page-states.ts';
import { password, reviewSite } from '../test/helpers/review-site.ts';
import { testServer } from '../test/helpers/server.ts';
import { alignReportSubjects } from '../test/helpers/triage-catalogue.ts';

const args = process.argv.slice(2);
const out = resolve(args.includes('--out') ? (args[args.indexOf('--out') + 1] ?? '') : 'docs/screenshots');

/**
 * A page, its file name, how much of it to show (the top, or from the `#anchor` on, in CSS px; whole pages run very
 * long), who is signed in, and what to do there before the picture (send a form).
 */
interface Shot {
  readonly name: string;
  readonly path: string;
  readonly height: { readonly desktop: number; readonly narrow: number };
  readonly as?: string;
  readonly act?: (page: Page) => Promise<unknown>;
}

const publicShots: readonly Shot[] = [
  { name: 'start', path: '/de/', height: { desktop: 1400, narrow: 1600 } },
  { name: 'katalog', path: '/de/katalog', height: { desktop: 1400, narrow: 1800 } },
  { name: 'katalog-fehler', path: '/de/katalog?distro=Debian!', height: { desktop: 900, narrow: 1400 } },
  { name: 'image', path: '/de/katalog/node-app', height: { desktop: 1500, narrow: 1800 } },
  { name: 'image-pruefung', path: '/de/katalog/node-app#pruefung', height: { desktop: 1200, narrow: 1400 } },
  { name: 'barrierefreiheit', path: '/de/barrierefreiheit#rueckmeldung', height: { desktop: 1100, narrow: 1400 } },
  { name: 'anmelden', path: '/de/anmelden', height: { desktop: 900, narrow: 1100 } },
];

/** A finding of node-app's qs, as the triage search links it to the decision form. */
const fromFinding = '?vulnerability=CVE-2022-24999&scope=image&image=node-app&purl=pkg%3Anpm%2Fqs%406.7.0';

/** Signed in on the pages' catalogue: a reviewer triages, an admin administers. */
const catalogueShots: readonly Shot[] = [
  {
    name: 'vex-triage',
    path: '/de/vex-triage?q=CVE-2022-24999',
    height: { desktop: 1200, narrow: 1800 },
    as: 'rita',
  },
  {
    name: 'vex-triage-vorschau',
    path: `/de/vex-triage/entscheidung${fromFinding}#vorschau`,
    height: { desktop: 1200, narrow: 1600 },
    as: 'rita',
    act: async (page) => {
      await page.locator('#justification').selectOption('vulnerable_code_not_in_execute_path');
      await page.locator('#impactStatement').fill('qs liest in node-app keine Abfragen von außen.');
      await Promise.all([page.waitForNavigation(), page.locator('main button[value=preview]').click()]);
      // the page focuses the preview for a reader; the picture shows it without the focus ring
      return page.evaluate('document.activeElement.blur()');
    },
  },
  { name: 'verwaltung', path: '/de/verwaltung', height: { desktop: 900, narrow: 1400 }, as: 'ana' },
];

/**
 * Signed in on the review pages' site: `alice` contributes for Bundesamt A, `rita` reviews for another organisation.
 * `{failed}` stands for a submission that failed its checks, `{review}` for one that awaits rita's decision.
 */
const submissionShots: readonly Shot[] = [
  { name: 'einreichen', path: '/de/einreichen', height: { desktop: 1500, narrow: 1800 }, as: 'alice' },
  { name: 'einreichungen', path: '/de/einreichungen', height: { desktop: 1500, narrow: 1800 }, as: 'alice' },
  {
    name: 'einreichung-fehlgeschlagen',
    path: '/de/einreichungen/{failed}#pruefung',
    height: { desktop: 1200, narrow: 1600 },
    as: 'alice',
  },
  { name: 'pruefung', path: '/de/pruefung', height: { desktop: 1200, narrow: 1800 }, as: 'rita' },
  {
    name: 'pruefung-manuell',
    path: '/de/pruefung/{review}#entscheidung',
    height: { desktop: 1200, narrow: 1600 },
    as: 'rita',
  },
];

const widths = { desktop: 1280, narrow: 320 } as const;

/** Photographs each shot at each width on the site at `url`, in one browser context per width and person. */
async function photograph(browser: Browser, url: string, shots: readonly Shot[]): Promise<void> {
  for (const [size, width] of Object.entries(widths) as [keyof typeof widths, number][]) {
    for (const person of new Set(shots.map((s) => s.as))) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      if (person) {
        await page.goto(`${url}/de/anmelden?returnTo=%2Fde%2F`);
        await page.locator('#login').fill(person);
        await page.locator('#password').fill(password);
        await submitForm(page);
        if (new URL(page.url()).pathname !== '/de/') throw new Error(`${person} could not sign in`);
      }
      for (const shot of shots.filter((s) => s.as === person)) {
        await page.goto(`${url}${shot.path}`, { waitUntil: 'networkidle' });
        await shot.act?.(page);
        const [anchor] = shot.path.split('#').slice(1);
        const top = anchor
          ? await page.evaluate<number>(
              `document.getElementById(${JSON.stringify(anchor)}).getBoundingClientRect().top + scrollY - 16`,
            )
          : 0;
        const full = await page.evaluate<number>('document.documentElement.scrollHeight');
        const file = join(out, `${shot.name}-${size === 'desktop' ? 'desktop' : '320'}.png`);
        await page.screenshot({
          path: file,
          fullPage: true,
          clip: { x: 0, y: top, width, height: Math.min(shot.height[size], full - top) },
        });
        process.stdout.write(`${file}\n`);
      }
      await context.close();
    }
  }
}

/** The public pages, VEX-Triage and Verwaltung on the pages' catalogue, with a reviewer and an admin to sign in. */
async function photographCatalogue(browser: Browser): Promise<void> {
  await using suite = new TestCatalogues('pglite');
  const catalogue = await suite.open();
  await seedPageCatalogue(catalogue);
  await alignReportSubjects(catalogue);
  const system = { kind: 'system' } as const;
  await createUser(catalogue, system, { login: 'rita', displayName: 'Rita Prüferin', role: 'reviewer', password });
  await createUser(catalogue, system, { login: 'ana', displayName: 'Ana Admin', role: 'admin', password });
  await using served = await serveApp(testServer(catalogue).app);
  await photograph(browser, served.url, [...publicShots, ...catalogueShots]);
}

/**
 * Einreichen, Meine Einreichungen and Prüfung on the review pages' site (with a signing key, so admitting is offered):
 * Bundesamt A's submissions in each state a contributor meets, ten minutes apart on the test clock, three of them
 * waiting in the queue.
 */
async function photographSubmissions(browser: Browser): Promise<void> {
  await using site = await reviewSite();
  const [alice, rita] = [await site.principal('alice'), await site.principal('rita')];
  const failed = await site.submitFailing('meldeportal');
  const rejected = await site.submitForReview('e-akte');
  await decide(site.deps, rita, rejected, {
    decision: 'reject',
    reason: 'Die Lizenzangaben fehlen.',
    manualChecks: [],
  });
  const changes = await site.submitForReview('terminbuchung');
  await decide(site.deps, rita, changes, {
    decision: 'request-changes',
    reason: 'Bitte das Manifest mit runAsNonRoot nachreichen.',
    manualChecks: [],
  });
  const withdrawn = await site.submitForReview('statistik-export');
  await withdraw(site.deps, alice, withdrawn, 'Falsches Tag eingereicht.');
  const review = await site.submitForReview('fachverfahren');
  await site.submitForReview('buergerportal');
  await site.submitForReview('formularserver');
  await using served = await serveApp(site.app);
  const shots = submissionShots.map((shot) => ({
    ...shot,
    path: shot.path.replace('{failed}', failed).replace('{review}', review),
  }));
  await photograph(browser, served.url, shots);
}

async function main(): Promise<void> {
  const missing = chromiumMissing() ?? fixturesMissing();
  if (missing) throw new Error(missing);
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const browser = await launchBrowser();
  try {
    await photographCatalogue(browser);
    await photographSubmissions(browser);
  } finally {
    await browser.close();
  }
  process.stdout.write(`in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

await main();
