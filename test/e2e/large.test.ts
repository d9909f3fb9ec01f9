// The playground at the size of real databases: 100,000 phases imported and shown as "All
// files", a query of 150,000 rows, and the graph of a file of 500 phases, on each screen size.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodes, openPlayground, paste, rows, screens, servePlayground, showPart, sqlAnswered, sqlRows } from './helpers.js';
import { largeDatabase, largeFiles, phasesPerFile } from './large-workflows.js';

const served = servePlayground();
const total = largeFiles * phasesPerFile;
let image: Buffer;

beforeAll(async () => {
  image = await largeDatabase();
}, 120_000);

const summary = (page: Page) => page.getByTestId('phases-summary').textContent();

/** Whether the page's timers keep running over `ms`: a frozen tab fires none. */
function ticksDuring(page: Page, ms: number): Promise<number> {
  return page.evaluate((ms) => new Promise<number>((done) => {
    let n = 0;
    const timer = setInterval(() => n++, 10);
    setTimeout(() => {
      clearInterval(timer);
      done(n);
    }, ms);
  }), ms);
}

describe('100,000 phases', () => {
  it('imports them, shows all of them with true counts, sorts, filters, pages a query of 150,000 rows, and keeps "All files" across a reload', { timeout: 300_000 }, async ({ onTestFinished }) => {
    const { context, page, errors } = await openPlayground(served, screens[2]);
    onTestFinished(() => context.close());
    await page.getByTestId('phases-scope').selectOption('all');
    await page.getByTestId('import-file').setInputFiles({ name: 'large.sqlite', mimeType: 'application/vnd.sqlite3', buffer: image });
    await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent?.startsWith('Imported'), undefined, { timeout: 240_000 });
    expect(await page.getByTestId('notice').textContent()).toContain(`Imported ${largeFiles} files`);
    await expect.poll(() => summary(page), { timeout: 30_000 }).toBe(`${total.toLocaleString('en')} of ${total.toLocaleString('en')} phases · 400 with problems`);
    // Only the rows in view are in the page.
    expect(await rows(page).count()).toBeLessThan(80);

    for (const screen of screens) {
      await page.setViewportSize({ width: screen.width, height: screen.height });
      await showPart(page, 'tables');
      await expect.poll(() => rows(page).first().textContent(), { message: screen.name }).toContain('step0:job0');
      const table = page.locator('[data-testid="phases-table"] .vscroll');
      // The last row is reached by scrolling, header and rows in step.
      await table.evaluate((e) => (e.scrollTop = e.scrollHeight));
      await expect.poll(() => rows(page).last().locator('[role="cell"]').first().textContent(), { message: screen.name }).toBe('step49:job1999');
      const header = (await page.locator('[data-testid="phases-table"] [role="columnheader"]').nth(1).boundingBox())!;
      const cell = (await rows(page).last().locator('[role="cell"]').nth(1).boundingBox())!;
      expect(Math.abs(header.x - cell.x), screen.name).toBeLessThan(1);
      expect(Math.abs(header.width - cell.width), screen.name).toBeLessThan(1);
      await table.evaluate((e) => (e.scrollTop = 0));
    }

    await page.getByTestId('sort-task').click();
    await expect.poll(() => rows(page).first().locator('[role="cell"]').first().textContent()).toBe('step0:job0');
    await page.getByTestId('sort-task').click();
    await expect.poll(() => rows(page).first().locator('[role="cell"]').first().textContent()).toBe('step9:job999');
    await page.getByTestId('phases-filter').fill('job1999');
    await expect.poll(() => summary(page)).toBe('50 of 100,000 phases · 400 with problems');
    await page.getByTestId('phases-filter').fill('not found: ghost');
    await expect.poll(() => summary(page)).toBe('200 of 100,000 phases · 400 with problems');
    await expect(rows(page).first().textContent()).resolves.toContain('parent task not found: ghost');
    await page.getByTestId('phases-filter').fill('');
    await page.getByTestId('phases-problems').check();
    await expect.poll(() => summary(page)).toBe('400 of 100,000 phases · 400 with problems');

    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-input').fill('SELECT file_path, task FROM workflow_phases UNION ALL SELECT file_path, task FROM workflow_phases ORDER BY 1, 2 LIMIT 150000;');
    await page.getByTestId('sql-run').click();
    await sqlAnswered(page);
    await expect.poll(() => page.getByTestId('sql-count').textContent(), { timeout: 30_000 }).toBe('rows 1–1,000 of 150,000');
    expect(await sqlRows(page).count()).toBeLessThan(80);
    await page.getByTestId('sql-next').click();
    await sqlAnswered(page);
    await expect.poll(() => page.getByTestId('sql-count').textContent(), { timeout: 30_000 }).toBe('rows 1,001–2,000 of 150,000');
    await expect(sqlRows(page).first().textContent()).resolves.toContain('group00/file0200.toml');

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
    await page.getByTestId('tab-phases').click();
    await expect(page.getByTestId('phases-scope').inputValue()).resolves.toBe('all');
    await expect.poll(() => summary(page), { timeout: 60_000 }).toBe(`${total.toLocaleString('en')} of ${total.toLocaleString('en')} phases · 400 with problems`);
    expect(errors).toEqual([]);
  });
});

describe('a file of 500 phases', () => {
  /** A tree of 500 phases: each phase after the one at half its number. */
  const tree = Array.from({ length: 500 }, (_, i) => `[[phase]]\ntask = "p${i}"\n${i === 0 ? 'rule = "cron=0 * * * *"' : `dependsOn = "p${Math.floor((i - 1) / 2)}"`}\n`).join('\n');

  it('draws its graph off the page thread, fitted, and pans and zooms it', { timeout: 120_000 }, async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screens[2]);
    onTestFinished(() => context.close());
    await paste(page, tree);
    const ticks = ticksDuring(page, 500);
    await page.waitForSelector('[data-testid="graph"][data-state="done"]', { state: 'attached', timeout: 60_000 });
    expect(await ticks).toBeGreaterThan(10);
    await expect(nodes(page).count()).resolves.toBe(500);
    for (const screen of screens) {
      await page.setViewportSize({ width: screen.width, height: screen.height });
      await showPart(page, 'graph');
      await page.getByTestId('graph-fit').click();
      const wrap = (await page.getByTestId('graph-wrap').boundingBox())!;
      const boxes = await nodes(page).evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect()).map((b) => ({ left: b.left, right: b.right, top: b.top, bottom: b.bottom })));
      expect(Math.min(...boxes.map((b) => b.left)), screen.name).toBeGreaterThanOrEqual(wrap.x - 1);
      expect(Math.max(...boxes.map((b) => b.right)), screen.name).toBeLessThanOrEqual(wrap.x + wrap.width + 1);
      expect(Math.min(...boxes.map((b) => b.top)), screen.name).toBeGreaterThanOrEqual(wrap.y - 1);
      expect(Math.max(...boxes.map((b) => b.bottom)), screen.name).toBeLessThanOrEqual(wrap.y + wrap.height + 1);
      const fitted = await page.getByTestId('graph').getAttribute('viewBox');
      await page.getByTestId('graph-zoom-in').click();
      await page.getByTestId('graph-zoom-in').click();
      const zoomed = (await page.getByTestId('graph').getAttribute('viewBox'))!;
      expect(Number(zoomed.split(' ')[2])).toBeLessThan(Number(fitted!.split(' ')[2]));
      // A drag moves the picture with the pointer.
      await page.mouse.move(wrap.x + wrap.width / 2, wrap.y + wrap.height / 2);
      await page.mouse.down();
      await page.mouse.move(wrap.x + wrap.width / 2 - 80, wrap.y + wrap.height / 2 - 40, { steps: 4 });
      await page.mouse.up();
      const panned = (await page.getByTestId('graph').getAttribute('viewBox'))!.split(' ').map(Number);
      expect(panned[0]).toBeGreaterThan(Number(zoomed.split(' ')[0]));
      expect(panned[1]).toBeGreaterThan(Number(zoomed.split(' ')[1]));
    }
  });
});
