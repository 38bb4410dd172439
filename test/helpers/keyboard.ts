/** Operating a page with the keyboard alone in Chromium: moving the focus by Tab, and keys that lead to a new page. */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';

/** Presses Tab until the focused element `e` satisfies the expression; fails after `limit` presses. */
export async function tabTo(page: Page, expression: string, limit = 100): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate<boolean>(`(() => { const e = document.activeElement; return !!e && (${expression}); })()`))
      return;
  }
  assert.fail(`no focusable element satisfies ${expression} within ${limit} tabs on ${page.url()}`);
}

/** Presses a key that sends a form or follows a link, and waits for the page it leads to. */
export async function press(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}
