/**
 * Screenshots of the main pages for docs/ and the README: a catalogue seeded from the fixture images (as the pages'
 * tests seed it), served on loopback, each page photographed in German at desktop width and at 320 CSS px by
 * Debian's Chromium. Run again after a change to the pages:
 *
 *   node_modules/.bin/node scripts/screenshots.ts [--out docs/screenshots]
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumMissing, launchBrowser, serveApp } from '../test/helpers/browser.ts';
import { TestCatalogues } from '../test/helpers/catalogue.ts';
import { fixturesMissing } from '../test/helpers/fixtures.ts';
import { seedPageCatalogue } from '../test/helpers/page-catalogue.ts';
import { testServer } from '../test/helpers/server.ts';

const args = process.argv.slice(2);
const out = resolve(args.includes('--out') ? (args[args.indexOf('--out') + 1] ?? '') : 'docs/screenshots');

/** The page, its file name, and how much of it to show (the top, in CSS px; whole pages run very long). */
const shots = [
  { name: 'start', path: '/de/', height: { desktop: 1400, narrow: 1600 } },
  { name: 'katalog', path: '/de/katalog', height: { desktop: 1400, narrow: 1800 } },
  { name: 'katalog-fehler', path: '/de/katalog?distro=Debian!', height: { desktop: 900, narrow: 1400 } },
  { name: 'image', path: '/de/katalog/node-app', height: { desktop: 1500, narrow: 1800 } },
  { name: 'image-pruefung', path: '/de/katalog/node-app#pruefung', height: { desktop: 1200, narrow: 1400 } },
  { name: 'barrierefreiheit', path: '/de/barrierefreiheit#rueckmeldung', height: { desktop: 1100, narrow: 1400 } },
  { name: 'anmelden', path: '/de/anmelden', height: { desktop: 900, narrow: 1100 } },
] as const;

const widths = { desktop: 1280, narrow: 320 } as const;

async function main(): Promise<void> {
  const missing = chromiumMissing() ?? fixturesMissing();
  if (missing) throw new Error(missing);
  mkdirSync(out, { recursive: true });
  await using suite = new TestCatalogues('pglite');
  const catalogue = await suite.open();
  await seedPageCatalogue(catalogue);
  await using served = await serveApp(testServer(catalogue).app);
  const browser = await launchBrowser();
  try {
    for (const [size, width] of Object.entries(widths) as [keyof typeof widths, number][]) {
      const context = await browser.newContext({ viewport: { width, height: 800 }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      for (const shot of shots) {
        await page.goto(`${served.url}${shot.path}`, { waitUntil: 'networkidle' });
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
  } finally {
    await browser.close();
  }
}

await main();
