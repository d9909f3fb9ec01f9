// The playground never writes a file key that would leave the folder it is unpacked in: a
// database whose keys are `../../x.toml` and `/abs.toml` is refused at import, a rename to one
// is refused, and files kept from an older session under such keys are never put in the .tar.
// The built playground in headless Chromium, as in playground.test.ts.
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource, WorkflowCache } from '../../src/index.node.js';
import { chromiumLaunchOptions } from '../setup/chromium.js';

const demoConfig = fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url));
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

/** A fresh context (its own IndexedDB) on the playground, ready; closed when the test ends. */
async function openPlayground(onTestFinished: (fn: () => Promise<void>) => void): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  onTestFinished(() => context.close());
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

const fileNames = (page: Page) => page.getByTestId('file-list').locator('[data-testid="file-item"] .name').allTextContents();

async function noticeMatching(page: Page, pattern: RegExp): Promise<string> {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''), pattern.source);
  return (await page.getByTestId('notice').textContent()) ?? '';
}

const workflow = '[[phase]]\ntask = "extract"\nrule = "cron=0 * * * *"\n';

/** A real workflow-cache database whose files are keyed `../../x.toml` and `/abs.toml`, beside a safe one. */
async function databaseWithUnsafeKeys(): Promise<Buffer> {
  const cache = await WorkflowCache.open({ workflows: new MemorySource({ '../../x.toml': workflow, '/abs.toml': workflow, 'ok.toml': workflow }) });
  try {
    return Buffer.from(cache.export());
  } finally {
    await cache.close();
  }
}

describe('the playground writes safe archives', () => {
  it('refuses to import a database with the keys ../../x.toml and /abs.toml, and changes nothing', async ({ onTestFinished }) => {
    const page = await openPlayground(onTestFinished);
    const before = await fileNames(page);
    await page.getByTestId('import-file').setInputFiles({ name: 'hostile.sqlite', mimeType: 'application/vnd.sqlite3', buffer: await databaseWithUnsafeKeys() });
    const notice = await noticeMatching(page, /not a safe relative path/);
    expect(notice).toMatch(/^hostile\.sqlite: file key "(\/abs\.toml|\.\.\/\.\.\/x\.toml)" is not a safe relative path: it (is an absolute path|has a "\.\." segment, which leaves its folder); nothing was imported/);
    expect(await fileNames(page)).toEqual(before);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await fileNames(page)).toEqual(before);
  });

  it('refuses to rename a file to a path that leaves its folder, and keeps its name', async ({ onTestFinished }) => {
    const page = await openPlayground(onTestFinished);
    const before = await fileNames(page);
    for (const [name, reason] of [
      ['../../x.toml', 'it has a ".." segment, which leaves its folder'],
      ['/abs.toml', 'it is an absolute path'],
      ['a//b.toml', 'it has an empty segment'],
    ]) {
      await page.getByTestId('file-rename-input').fill(name);
      await page.getByTestId('file-rename').click();
      expect(await noticeMatching(page, /not a safe relative path/)).toContain(`file key ${JSON.stringify(name)} is not a safe relative path: ${reason}`);
      expect(await fileNames(page)).toEqual(before);
      await page.getByTestId('notice').evaluate((n) => (n.textContent = ''));
    }
  });

  it('never puts files kept under such keys by an older session into the .tar, and says why', async ({ onTestFinished }) => {
    const page = await openPlayground(onTestFinished);
    // What an older playground kept in IndexedDB (idb-keyval's store) after such an import.
    await page.evaluate(async (text) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('keyval-store');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('keyval', 'readwrite');
        tx.objectStore('keyval').put({ files: { '../../x.toml': text, '/abs.toml': text, 'ok.toml': text }, selected: 'ok.toml' }, 'playground-files');
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, workflow);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await noticeMatching(page, /rename it before downloading all files/)).toMatch(/is not a safe relative path/);
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.getByTestId('export-all-toml').click();
    expect(await noticeMatching(page, /^Nothing was downloaded/)).toContain('file key "../../x.toml" is not a safe relative path: it has a ".." segment, which leaves its folder');
    // A download would have started at the click; give it the time to show up all the same.
    await page.waitForTimeout(500);
    expect(downloads).toEqual([]);
  });
});
