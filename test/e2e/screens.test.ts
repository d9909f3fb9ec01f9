// The playground on a phone (390x844), a laptop (1280x720) and a desktop (1400x900): nothing
// overlaps, every control can be reached, no column is cut off, axe finds nothing serious, and
// everything works from the keyboard. Each screen is pictured in docs/.
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { docs, nodes, openPlayground, rows, screens, servePlayground, showPart, sqlAnswered } from './helpers.js';

const served = servePlayground();

/**
 * Every visible control (buttons, fields, the editor, scrolling boxes), scrolled into view,
 * with what the page shows at its centre when that is not the control itself: something over it.
 */
async function coveredControls(page: Page): Promise<string[]> {
  const controls = page.locator('button:visible, input:visible, select:visible, textarea:visible, .cm-content:visible, [tabindex="0"]:visible');
  const covered: string[] = [];
  for (const control of await controls.all()) {
    await control.scrollIntoViewIfNeeded();
    const hit = await control.evaluate((element) => {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) return 'no size';
      const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
      const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 12), 0), innerHeight - 1);
      const top = document.elementFromPoint(x, y);
      const name = (e: Element) => `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}.${[...e.classList].join('.')} "${e.textContent?.trim().slice(0, 30)}"`;
      return top === null || element.contains(top) || top.contains(element) ? undefined : `${name(element)} under ${name(top)}`;
    });
    if (hit !== undefined) covered.push(hit);
  }
  return covered;
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

describe.each(screens)('on a $name ($width x $height)', (screen) => {
  it('overlaps nothing and lets every control be reached, in every part of the page', async ({ onTestFinished }) => {
    const { context, page, errors } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    // The title is never under the buttons beside it.
    const title = (await page.locator('.brand h1').boundingBox())!;
    for (const button of await page.locator('.actions button').all()) {
      const box = (await button.boundingBox())!;
      const apart = box.x >= title.x + title.width || box.x + box.width <= title.x || box.y >= title.y + title.height || box.y + box.height <= title.y;
      expect(apart, `${await button.textContent()} is over the title`).toBe(true);
    }
    for (const part of ['editor', 'graph', 'tables'] as const) {
      await showPart(page, part);
      expect(await coveredControls(page), part).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  it('shows every column of all files with the task and status in view, the phases table at a usable height', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await showPart(page, 'tables');
    await page.getByTestId('phases-scope').selectOption('all');
    await expect.poll(() => rows(page).count()).toBe(8);
    const scroller = page.locator('[data-testid="phases-table"] .vscroll');
    const view = (await scroller.boundingBox())!;
    expect(view.height).toBeGreaterThan(150);
    const widths = await scroller.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
    if (screen.width >= 1280) {
      // Wide enough: every column fits, cells wrap instead of being cut off.
      expect(widths.scroll).toBeLessThanOrEqual(widths.client + 1);
    } else {
      // A phone scrolls the table sideways; the task stays at the left edge, its status beside it.
      await scroller.evaluate((e) => (e.scrollLeft = e.scrollWidth));
    }
    const task = (await rows(page).first().locator('[role="cell"]').first().boundingBox())!;
    expect(task.x).toBeGreaterThanOrEqual(view.x - 1);
    if (screen.width < 1280) await scroller.evaluate((e) => (e.scrollLeft = 0));
    const status = (await page.locator('[data-testid="phases-table"] [role="columnheader"]').nth(1).boundingBox())!;
    expect(await page.locator('[data-testid="phases-table"] [role="columnheader"]').nth(1).textContent()).toBe('Status');
    expect(status.x + status.width).toBeLessThanOrEqual(view.x + view.width + 1);
    if (screen.width < 1280) {
      // One column that scrolls: the page is longer than the screen, and scrolls.
      expect(await page.evaluate(() => document.documentElement.scrollHeight > innerHeight)).toBe(true);
    }
  });

  it('draws the graph inside its box, its heading clear of the legend', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await showPart(page, 'graph');
    await page.waitForSelector('[data-testid="graph"][data-state="done"]');
    const heading = (await page.locator('.graph-head h2').boundingBox())!;
    const legend = (await page.locator('.legend').boundingBox())!;
    expect(heading.y + heading.height <= legend.y || legend.y + legend.height <= heading.y || heading.x + heading.width <= legend.x).toBe(true);
    const wrap = (await page.getByTestId('graph-wrap').boundingBox())!;
    for (const node of await nodes(page).all()) {
      const box = (await node.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(wrap.x - 1);
      expect(box.x + box.width).toBeLessThanOrEqual(wrap.x + wrap.width + 1);
      expect(box.y + box.height).toBeLessThanOrEqual(wrap.y + wrap.height + 1);
    }
  });

  it('has no serious or critical accessibility violation on any tab', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    // A phone shows one part at a time: each is checked; wider screens show them all at once.
    const phone = await page.getByTestId('part-editor').isVisible();
    for (const part of phone ? (['editor', 'graph', 'tables'] as const) : (['editor'] as const)) {
      await showPart(page, part);
      expect(await seriousViolations(page), part).toEqual([]);
    }
    await showPart(page, 'tables');
    for (const tab of ['lookups', 'sql'] as const) {
      await page.getByTestId(`tab-${tab}`).click();
      if (tab === 'sql') {
        await page.getByTestId('sql-preset-1').click();
        await sqlAnswered(page);
      }
      expect(await seriousViolations(page), tab).toEqual([]);
    }
  });

  it('is pictured in docs/', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await page.waitForSelector('[data-testid="graph"][data-state="done"]', { state: 'attached' });
    await page.screenshot({ path: docs(`playground-${screen.width}x${screen.height}.png`) });
    if (screen.width < 900) {
      for (const part of ['graph', 'tables'] as const) {
        await showPart(page, part);
        await page.waitForTimeout(200);
        await page.screenshot({ path: docs(`playground-${screen.width}x${screen.height}-${part}.png`) });
      }
    }
  });
});

describe('from the keyboard', () => {
  it('switches tabs with the arrow keys, sorts a column, jumps to a problem and zooms the graph', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served);
    onTestFinished(() => context.close());
    await page.getByTestId('tab-phases').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('tab-lookups').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('tab-lookups');
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('sort-retry').focus();
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-testid="phases-table"] [role="columnheader"][aria-sort="ascending"]').textContent()).resolves.toContain('Retry');
    await expect(rows(page).locator('[role="cell"]:first-child').allTextContents()).resolves.toEqual(['report', 'archive', 'transform', 'data-load:hourly', 'publish']);

    await page.getByTestId('problem-item').first().focus();
    await page.keyboard.press('Enter');
    // The caret is on the phase's header line, in the editor, which has focus.
    await expect(page.evaluate(() => document.activeElement?.closest('.cm-editor') !== null)).resolves.toBe(true);
    await expect(page.locator('.cm-lineNumbers .cm-activeLineGutter').textContent()).resolves.toBe(await page.getByTestId('problem-item').first().getAttribute('data-line'));

    await page.getByTestId('graph-wrap').focus();
    const before = Number(await page.getByTestId('graph').getAttribute('data-zoom'));
    await page.keyboard.press('+');
    expect(Number(await page.getByTestId('graph').getAttribute('data-zoom'))).toBeGreaterThan(before);
    await page.keyboard.press('0');
    expect(Number(await page.getByTestId('graph').getAttribute('data-zoom'))).toBeCloseTo(before, 2);
  });
});
