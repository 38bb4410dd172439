/**
 * Debian's Chromium driven by playwright-core, for the pages' tests and screenshots: the catalogue served on a
 * loopback port (a browser needs a URL), axe-core over WCAG 2.1 A and AA, and a record of every request a page
 * makes. One browser per test file; each test opens its own context.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import { createAdaptorServer } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { App } from '../../src/server/index.ts';

export const chromiumPath = '/usr/bin/chromium';

/** A reason to skip browser tests, or undefined when Chromium is there. */
export function chromiumMissing(): string | undefined {
  return existsSync(chromiumPath) ? undefined : `no Chromium at ${chromiumPath} (apt-get install -y chromium)`;
}

/** Headless, sandbox off (root in a container), and nothing that phones home on its own. */
const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: launchArgs });
}

export interface ServedApp extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/** The app on a loopback port, as `sgci serve` runs it (the Node adaptor, the socket's address as the client's). */
export async function serveApp(app: App): Promise<ServedApp> {
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** The WCAG 2.1 A and AA rules of axe-core (the BITV 2.0 / EN 301 549 level). */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** axe's violations on the page as `rule: first target (n nodes)`, empty when there are none. */
export async function axeViolations(page: Page): Promise<string[]> {
  // violations only: axe skips working out the details of every rule that passed
  const results = await new AxeBuilder({ page })
    .withTags(wcagTags)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return results.violations.map(
    (v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)} ${v.nodes[0]?.failureSummary ?? ''} (${v.nodes.length})`,
  );
}

/** Every URL the page requests from now on (documents, styles, fonts, scripts, images, fetches). */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    urls.push(request.url());
  });
  return urls;
}

/** Whether the document scrolls sideways (WCAG 1.4.10 reflow fails then). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
}

/** Presses Tab until the focused element `e` satisfies the expression; fails after `limit` presses. */
export async function tabTo(page: Page, expression: string, limit = 100): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate<boolean>(`(() => { const e = document.activeElement; return !!e && (${expression}); })()`))
      return;
  }
  assert.fail(`no focusable element satisfies ${expression} within ${limit} tabs on ${page.url()}`);
}

/** Presses a key that leads to another page, and waits for it. */
export async function press(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}
