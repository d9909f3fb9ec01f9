// The built playground (dist-demo/, built by build-demo.ts) served by `vite preview` on
// 127.0.0.1 and driven in headless Chromium: what every end-to-end file shares.
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { chromiumLaunchOptions } from '../setup/chromium.js';

/** The three screens every item is checked on: a phone, a laptop, a desktop. */
export const screens = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1280, height: 720 },
  { name: 'desktop', width: 1400, height: 900 },
] as const;
export type Screen = (typeof screens)[number];

export const docs = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

interface Served {
  browser: Browser;
  origin: string;
}

/** Starts the preview server and Chromium for the file's tests, and stops both after them. */
export function servePlayground(): Served {
  const served = {} as Served;
  let server: PreviewServer;
  beforeAll(async () => {
    server = await preview({ configFile: fileURLToPath(new URL('../../demo/vite.config.ts', import.meta.url)), logLevel: 'warn', preview: { host: '127.0.0.1', port: 0 } });
    const address = server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
    served.origin = `http://127.0.0.1:${address.port}`;
    served.browser = await chromium.launch(chromiumLaunchOptions);
  });
  afterAll(async () => {
    await served.browser?.close();
    await new Promise<void>((done) => server?.httpServer.close(() => done()));
  });
  return served;
}

/** A fresh context (its own IndexedDB) on the playground at a screen size, ready. */
export async function openPlayground(served: Served, screen: { width: number; height: number } = screens[2], context?: BrowserContext): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const ctx = context ?? (await served.browser.newContext({ viewport: { width: screen.width, height: screen.height }, acceptDownloads: true }));
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${served.origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
  return { context: ctx, page, errors };
}

/** Replaces the selected file's text by a paste over all of it, and waits until it is checked and saved. */
export async function paste(page: Page, toml: string): Promise<void> {
  const editor = page.locator('.cm-content');
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  // A paste event, as the clipboard gives it: typing 1,000 lines key by key would take minutes.
  await editor.evaluate((content, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    content.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, toml);
  await waitSaved(page);
}

/** The editor's text, line by line as CodeMirror shows it. */
export function editorText(page: Page): Promise<string> {
  return page.locator('.cm-content').evaluate((content) => [...content.querySelectorAll('.cm-line')].map((line) => line.textContent).join('\n'));
}

export async function waitSaved(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state') === 'saved' && document.querySelector('[data-testid="save-state"]')?.textContent !== 'Checking…');
}

/** Waits until the SQL tab's query, which runs in a worker, has answered or failed. */
export async function sqlAnswered(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="sql-results"]:is([data-state="done"], [data-state="error"])', { state: 'attached' });
}

/** The phases table's rows in the page (the virtualizer puts only those in view there). */
export const rows = (page: Page) => page.locator('[data-testid="phases-table"] .vbody [role="row"]');
export const sqlRows = (page: Page) => page.locator('[data-testid="sql-table"] .vbody [role="row"]');
export const nodes = (page: Page) => page.getByTestId('graph').locator('[data-testid="graph-node"]');

/** At phone widths the page shows one part at a time: show the one holding `part`. */
export async function showPart(page: Page, part: 'editor' | 'graph' | 'tables'): Promise<void> {
  const button = page.getByTestId(`part-${part}`);
  if (await button.isVisible()) await button.click();
}
