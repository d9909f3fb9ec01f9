// The playground showing a cache that `workflow-cache serve` (the built bin) serves from a real
// folder on 127.0.0.1, read-only over the HTTP API, on a phone and a desktop: connecting from the
// address field or a ?server= link, the server's files, statuses, problems at their lines and
// graph; an edit on disk shown after Refresh (and a 304 when nothing changed); a clear error for
// a server that is down, refuses this origin, or is not the API; Disconnect back to local files.
import { AxeBuilder } from '@axe-core/playwright';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examples, start, until } from '../cli/run.js';
import { docs, editorText, nodes, openPlayground, paste, rows, screens, servePlayground, showPart } from './helpers.js';

const served = servePlayground();
const brokenToml = '[[phase]]\ntask = "x"\nrule = \n';
let folder: string;
/** The server every test reads, allowing the playground's origin. */
let server: Serving;

interface Serving {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `workflow-cache serve <folder> --port 0 …args`, up once it says where. */
async function serve(dir: string, args: string[]): Promise<Serving> {
  const running = start(['serve', dir, '--port', '0', ...args]);
  await until(() => /on http:\/\/127\.0\.0\.1:\d+/.test(running.output()) || running.child.exitCode !== null);
  const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(running.output())?.[1];
  if (!url) throw new Error(`serve did not start: ${running.output()}`);
  return {
    url,
    output: running.output,
    stop: async () => {
      if (running.child.exitCode === null) running.child.kill('SIGTERM');
      await running.exited;
    },
  };
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'workflow-cache-served-'));
  await cp(examples, folder, { recursive: true });
  await writeFile(join(folder, 'broken.toml'), brokenToml);
  await cp(new URL('../../examples/broken/problems.toml', import.meta.url), join(folder, 'problems.toml'));
  server = await serve(folder, ['--cors', served.origin]);
}, 180_000);
afterAll(async () => {
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
});

async function connect(page: Page, url: string): Promise<void> {
  await page.getByTestId('server-url').fill(url);
  await page.getByTestId('server-connect').click();
}

async function connected(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="server-bar"][data-state="remote"]');
  // Every file's phases are in once the status stops saying it is reading.
  await expect.poll(() => page.getByTestId('server-status').textContent()).not.toMatch(/reading|Refreshing/);
}

async function selectFile(page: Page, key: string): Promise<void> {
  await showPart(page, 'editor');
  await page.locator(`[data-testid="file-item"][data-file="${key}"]`).click();
  await expect.poll(() => page.getByTestId('text-note').textContent()).toBe('');
}

const errorOf = (page: Page) => page.getByTestId('server-error-message');

describe.each([screens[0], screens[2]])('on a $name ($width x $height)', (screen) => {
  it('connects from the address field and shows the server\'s files, statuses, problems at their lines and graph, read-only', async ({ onTestFinished }) => {
    const { context, page, errors } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await connect(page, server.url);
    await connected(page);
    expect(await page.getByTestId('read-only').isVisible()).toBe(true);
    expect(await page.getByTestId('server-status').textContent()).toMatch(/^6 files · 17 phases · 5 with problems · read at /);
    expect(page.url()).toBe(`${served.origin}/?server=${encodeURIComponent(server.url)}`);
    expect(await page.getByTestId('file-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-file')))).toEqual([
      'broken.toml', 'marketing/attribution.toml', 'marketing/campaigns.toml', 'ops/maintenance.toml', 'orders.toml', 'problems.toml',
    ]);

    // Nothing here can change the local files, and says so.
    for (const id of ['file-add', 'file-rename', 'file-delete', 'toml-open', 'import-sqlite', 'export-sqlite']) {
      expect(await page.getByTestId(id).isDisabled(), id).toBe(true);
      expect(await page.getByTestId(id).getAttribute('title'), id).toMatch(/^Read-only: /);
    }
    expect(await page.locator('.cm-content').getAttribute('contenteditable')).toBe('false');

    // Each phase's problems at its lines in the text the server loaded.
    await selectFile(page, 'problems.toml');
    expect(await editorText(page)).toContain('task = "extract"');
    const lines = await page.getByTestId('problem-item').evaluateAll((items) => items.map((i) => `${i.getAttribute('data-line')} ${i.querySelector('.what')?.textContent}`));
    expect(lines[0]).toMatch(/^3 extract: no valid rule found: cron=61/);
    expect(lines.some((l) => /^8 transform: parent task not found: stage/.test(l))).toBe(true);

    // The statuses in the phases table, and the graph the server drew.
    await showPart(page, 'tables');
    await expect.poll(() => rows(page).count()).toBe(5);
    expect(await rows(page).first().textContent()).toContain('no valid rule found');
    await page.getByTestId('phases-scope').selectOption('all');
    expect(await page.getByTestId('phases-summary').textContent()).toBe('17 of 17 phases · 5 with problems');
    await page.getByTestId('phases-scope').selectOption('file');
    await showPart(page, 'graph');
    await page.waitForSelector('[data-testid="graph"][data-state="done"]');
    expect(await nodes(page).count()).toBe(6);
    expect(await page.getByTestId('graph-summary').textContent()).toBe('problems.toml: 5 phases, 3 links');
    expect(await page.getByTestId('graph-edge-cycle').count()).toBe(2);
    expect(await page.getByTestId('graph-edge-missing').count()).toBe(1);
    // Desktop: the whole page; phone: the problems at their lines, then the graph.
    if (screen.width < 900) {
      await showPart(page, 'editor');
      await page.getByTestId('problems').scrollIntoViewIfNeeded();
      await page.screenshot({ path: docs(`playground-served-${screen.width}x${screen.height}.png`) });
      await showPart(page, 'graph');
      await page.screenshot({ path: docs(`playground-served-${screen.width}x${screen.height}-graph.png`) });
    } else {
      await page.screenshot({ path: docs(`playground-served-${screen.width}x${screen.height}.png`) });
    }

    // A file that never loaded: its failure with line and column, and why no text is shown.
    await showPart(page, 'editor');
    await page.locator('[data-testid="file-item"][data-file="broken.toml"]').click();
    await expect.poll(() => page.getByTestId('text-note').textContent()).toMatch(/never loaded on the server/);
    expect(await page.getByTestId('problem-item').first().textContent()).toMatch(/^line 3:\d+broken\.toml:3:\d+: /);

    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('opens a ?server= link at once, and asks the server its lookups', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await page.goto(`${served.origin}/?server=${encodeURIComponent(server.url)}`);
    await connected(page);
    await selectFile(page, 'orders.toml');
    await showPart(page, 'tables');
    await page.getByTestId('tab-lookups').click();
    await page.getByTestId('lookup-type').fill('ingest');
    await page.getByTestId('lookup-job').fill('orders');
    await page.getByTestId('lookup-get').click();
    await expect.poll(() => page.getByTestId('lookup-result').textContent()).toContain('"task": "ingest:orders"');
    expect(await page.getByTestId('lookup-call').textContent()).toBe(`GET ${server.url}/phase?type=ingest&job=orders&meta=workflow%3Dorders.toml`);
    // SQL would run on this browser's database, not the server's: it says so instead.
    await page.getByTestId('tab-sql').click();
    expect(await page.getByTestId('sql-off').isVisible()).toBe(true);
    expect(await page.getByTestId('sql-input').isVisible()).toBe(false);
  });
});

describe('on a desktop', () => {
  const screen = screens[2];

  it('shows an edit on the server\'s disk after the server refreshes and Refresh is pressed; an unchanged server costs one 304', async ({ onTestFinished }) => {
    const dir = await mkdtemp(join(tmpdir(), 'workflow-cache-served-edit-'));
    await writeFile(join(dir, 'a.toml'), '[[phase]]\ntask = "a"\nrule = "cron=0 1 * * *"\n');
    await writeFile(join(dir, 'b.toml'), '[[phase]]\ntask = "b"\nrule = "cron=0 2 * * *"\n');
    const editing = await serve(dir, ['--cors', served.origin]);
    const { context, page, errors } = await openPlayground(served, screen);
    onTestFinished(async () => {
      await context.close();
      await editing.stop();
      await rm(dir, { recursive: true, force: true });
    });
    await connect(page, editing.url);
    await connected(page);
    expect(await rows(page).first().textContent()).toContain('cron=0 1 * * *');

    await writeFile(join(dir, 'a.toml'), '[[phase]]\ntask = "a"\nrule = "cron=0 5 * * *"\n\n[[phase]]\ntask = "a2"\ndependsOn = "a"\n');
    expect((await fetch(`${editing.url}/refresh`, { method: 'POST' })).status).toBe(200);
    // Not before Refresh: the page reads only when asked.
    expect(await rows(page).first().textContent()).toContain('cron=0 1 * * *');
    await page.getByTestId('server-refresh').click();
    await expect.poll(() => page.getByTestId('server-status').textContent()).toMatch(/1 file changed: a\.toml$/);
    expect(await rows(page).count()).toBe(2);
    expect(await rows(page).first().textContent()).toContain('cron=0 5 * * *');
    expect(await editorText(page)).toContain('task = "a2"');
    await page.waitForSelector('[data-testid="graph"][data-state="done"]');
    expect(await nodes(page).count()).toBe(2);
    // b.toml did not change: it was not read again.
    expect(editing.output().match(/GET \/files\/b\.toml /g)).toHaveLength(1);

    const before = editing.output().length;
    await page.getByTestId('server-refresh').click();
    await expect.poll(() => page.getByTestId('server-status').textContent()).toMatch(/nothing changed since \d\d:\d\d:\d\d$/);
    // One conditional GET, answered 304: an unchanged list is an unchanged server.
    expect(editing.output().slice(before).match(/^GET .*$/gm)).toEqual([expect.stringMatching(/^GET \/files 304 /)]);
    expect(errors).toEqual([]);
  });

  it('reads many files in one GET /phases, not a request per file', async ({ onTestFinished }) => {
    const dir = await mkdtemp(join(tmpdir(), 'workflow-cache-served-many-'));
    for (let i = 0; i < 40; i++) await writeFile(join(dir, `w${String(i).padStart(2, '0')}.toml`), `[[phase]]\ntask = "t${i}"\nrule = "cron=0 ${i % 24} * * *"\n`);
    const many = await serve(dir, ['--cors', served.origin]);
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(async () => {
      await context.close();
      await many.stop();
      await rm(dir, { recursive: true, force: true });
    });
    await connect(page, many.url);
    await connected(page);
    await showPart(page, 'tables');
    await page.getByTestId('phases-scope').selectOption('all');
    expect(await page.getByTestId('phases-summary').textContent()).toBe('40 of 40 phases · 0 with problems');
    // The first file's phases come at once; the others in one answer.
    expect(many.output().match(/^GET \/phases 200 /gm)).toHaveLength(1);
    expect(many.output().match(/^GET \/files\/[^ ]+ 200 /gm)).toEqual([expect.stringMatching(/^GET \/files\/w00\.toml 200 /), expect.stringMatching(/^GET \/files\/w00\.toml\/source 200 /)]);
  });

  it('says nothing answers, and how to start a server, when the server is down; what was read stays shown', async ({ onTestFinished }) => {
    const stopping = await serve(folder, ['--cors', served.origin]);
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(async () => {
      await context.close();
      await stopping.stop();
    });
    await connect(page, stopping.url);
    await connected(page);
    await stopping.stop();
    await page.getByTestId('server-refresh').click();
    await expect.poll(() => errorOf(page).getAttribute('data-reason')).toBe('unreachable');
    expect(await page.getByTestId('server-error').textContent()).toMatch(/^Could not refresh: the page still shows what it read at \d\d:\d\d:\d\d\. Nothing answers at http:\/\/127\.0\.0\.1:\d+\. Start the server \(workflow-cache serve <folder> --cors http:\/\/127\.0\.0\.1:\d+\)/);
    expect(await page.getByTestId('file-item').count()).toBe(6);
    await page.screenshot({ path: join(tmpdir(), 'playground-served-down.png') });

    // Connecting to it now fails in the same words, and the page stays on its own files.
    await page.getByTestId('server-disconnect').click();
    await connect(page, stopping.url);
    await expect.poll(() => errorOf(page).getAttribute('data-reason')).toBe('unreachable');
    expect(await page.getByTestId('server-bar').getAttribute('data-state')).toBe('local');
    expect(await page.getByTestId('server-error').textContent()).toMatch(/^Could not connect\. Nothing answers at /);
  });

  it('says the server does not allow this page, with the --cors to restart it with', async ({ onTestFinished }) => {
    const refusing = await serve(folder, ['--cors', 'https://elsewhere.example']);
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(async () => {
      await context.close();
      await refusing.stop();
    });
    await connect(page, refusing.url);
    await expect.poll(() => errorOf(page).getAttribute('data-reason')).toBe('cors');
    expect(await errorOf(page).textContent()).toBe(
      `${refusing.url} answers, but does not allow this page (${served.origin}) to read its answers (CORS). Restart it allowing this page: workflow-cache serve <folder> --cors ${served.origin}`,
    );
    expect(await page.getByTestId('server-bar').getAttribute('data-state')).toBe('local');
    await page.screenshot({ path: join(tmpdir(), 'playground-served-cors.png') });
  });

  it('gives up on a server that takes the connection and never answers, and says so', async ({ onTestFinished }) => {
    const sockets = new Set<Socket>();
    const stuck = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((listening) => stuck.listen(0, '127.0.0.1', listening));
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(async () => {
      await context.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((closed) => stuck.close(closed));
    });
    const url = `http://127.0.0.1:${(stuck.address() as { port: number }).port}`;
    await connect(page, url);
    await expect.poll(() => errorOf(page).textContent(), { timeout: 30_000 }).toBe(`${url} did not answer GET /files within 15 s: the server is busy or stuck; try Refresh, or restart it.`);
    expect(await page.getByTestId('server-bar').getAttribute('data-state')).toBe('local');
    expect(await page.getByTestId('server-connect').isDisabled()).toBe(false);
  });

  it('says an address that is not the API is not the API', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    // The playground's own server: it answers, and allows the page, but not with the API.
    await connect(page, served.origin);
    await expect.poll(() => errorOf(page).getAttribute('data-reason')).toBe('unexpected');
    expect(await errorOf(page).textContent()).toMatch(new RegExp(`^${served.origin} answered GET /files with \\d+ [^,]*, which is not the workflow-cache HTTP API\\. Give the address workflow-cache serve prints`));
    await connect(page, 'ftp://127.0.0.1/');
    await expect.poll(() => errorOf(page).textContent()).toBe('ftp://127.0.0.1/ is not an http or https address.');
  });

  it('returns to the local files on Disconnect, as they were, and a reload stays local', async ({ onTestFinished }) => {
    const { context, page } = await openPlayground(served, screen);
    onTestFinished(() => context.close());
    await paste(page, '[[phase]]\ntask = "mine"\nrule = "cron=0 3 * * *"\n');
    const localFiles = await page.getByTestId('file-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-file')));
    await connect(page, server.url);
    await connected(page);
    expect(await page.getByTestId('file-item').count()).toBe(6);
    await page.getByTestId('server-disconnect').click();
    expect(await page.getByTestId('server-bar').getAttribute('data-state')).toBe('local');
    expect(page.url()).toBe(`${served.origin}/`);
    expect(await page.getByTestId('file-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-file')))).toEqual(localFiles);
    expect(await editorText(page)).toBe('[[phase]]\ntask = "mine"\nrule = "cron=0 3 * * *"\n');
    expect(await page.locator('.cm-content').getAttribute('contenteditable')).toBe('true');
    expect(await page.getByTestId('file-add').isDisabled()).toBe(false);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.getByTestId('server-bar').getAttribute('data-state')).toBe('local');
    expect(await editorText(page)).toBe('[[phase]]\ntask = "mine"\nrule = "cron=0 3 * * *"\n');
  });
});
