// Two tabs of the playground in one browser (one IndexedDB): neither overwrites what the other
// wrote, and each shows the other's edits without a reload. Checked on each screen size.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { editorText, openPlayground, paste, rows, screens, servePlayground, showPart, waitSaved } from './helpers.js';

const served = servePlayground();

const fileNames = (page: Page) => page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents();

async function twoTabs(screen: (typeof screens)[number], onTestFinished: (fn: () => Promise<void>) => void): Promise<{ context: BrowserContext; first: Page; second: Page }> {
  const { context, page: first } = await openPlayground(served, screen);
  onTestFinished(() => context.close());
  const { page: second } = await openPlayground(served, screen, context);
  return { context, first, second };
}

describe.each(screens)('two tabs on a $name ($width x $height)', (screen) => {
  it('shows the edits of one tab in the other without a reload', async ({ onTestFinished }) => {
    const { first, second } = await twoTabs(screen, onTestFinished);
    await paste(first, '[[phase]]\ntask = "from-the-first-tab"\nrule = "cron=0 * * * *"\n');
    await expect.poll(() => editorText(second)).toBe('[[phase]]\ntask = "from-the-first-tab"\nrule = "cron=0 * * * *"\n');
    await showPart(second, 'tables');
    await expect.poll(() => rows(second).locator('[role="cell"]:first-child').allTextContents()).toEqual(['from-the-first-tab']);
  });

});

// How the tabs merge does not depend on the screen: checked once.
describe('two tabs writing at once', () => {
  const screen = screens[2];

  it('keeps the edits both tabs make to different files, after a reload of either', async ({ onTestFinished }) => {
    const { first, second } = await twoTabs(screen, onTestFinished);
    await second.locator('[data-file="nightly.toml"]').click();
    await waitSaved(second);
    // The second tab types before it has heard of the first tab's edit: its save must merge, not overwrite.
    await Promise.all([
      paste(first, '[[phase]]\ntask = "edited-in-first"\nrule = "cron=0 * * * *"\n'),
      paste(second, '[[phase]]\ntask = "edited-in-second"\nrule = "cron=0 * * * *"\n'),
    ]);
    await first.getByTestId('file-add').click();
    await waitSaved(first);
    await expect.poll(() => fileNames(second)).toEqual(['data-load.toml', 'nightly.toml', 'untitled.toml']);
    for (const page of [first, second]) {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await page.locator('[data-file="data-load.toml"]').click();
      await expect.poll(() => editorText(page)).toContain('edited-in-first');
      await page.locator('[data-file="nightly.toml"]').click();
      await expect.poll(() => editorText(page)).toContain('edited-in-second');
    }
  });

  it('keeps both texts when both tabs change the same file at once, and says so', async ({ onTestFinished }) => {
    const { first, second } = await twoTabs(screen, onTestFinished);
    // Each tab has the file open and changes it before hearing of the other.
    await Promise.all([
      paste(first, '[[phase]]\ntask = "first-version"\nrule = "cron=0 * * * *"\n'),
      paste(second, '[[phase]]\ntask = "second-version"\nrule = "cron=0 * * * *"\n'),
    ]);
    await expect.poll(async () => (await fileNames(first)).length).toBe(3);
    await expect.poll(() => fileNames(second)).toEqual(await fileNames(first));
    const texts = new Set<string>();
    for (const name of ['data-load.toml', 'data-load-conflict.toml']) {
      await first.locator(`[data-file="${name}"]`).click();
      texts.add(await editorText(first));
    }
    expect([...texts].map((t) => /task = "(\w+-version)"/.exec(t)?.[1]).sort()).toEqual(['first-version', 'second-version']);
    const notices = await Promise.all([first, second].map((page) => page.getByTestId('notice').textContent()));
    expect(notices.join(' ')).toContain('data-load.toml was changed in another tab too: its text there is kept as data-load.toml, the text of this tab as data-load-conflict.toml');
  });
});
