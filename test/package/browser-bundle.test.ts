import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, type Consumer, type Packed } from './consumer.js';
import { chromiumLaunchOptions } from '../setup/chromium.js';

let packed: Packed;
let consumer: Consumer;
let outDir: string;

beforeAll(async () => {
  packed = packAndInstall();
  consumer = makeConsumer(packed);
  consumer.write('index.html', '<!doctype html><script type="module" src="./main.js"></script><pre id="out"></pre><pre id="isolated"></pre>');
  consumer.write(
    'main.js',
    `import { WorkflowCache, MemorySource, IndexedDBStorage } from 'workflow-cache';
     const workflows = new MemorySource({ 'f1.toml': '[[phase]]\\ntask = "load"\\nrule = "cron=0 * * * *"\\n[[phase]]\\ntask = "report"\\ndependsOn = "load"\\n' });
     const cache = await WorkflowCache.open({ workflows, storage: new IndexedDBStorage('bundle-test') });
     document.getElementById('out').textContent = JSON.stringify(cache.children({ type: 'load', meta: 'workflow=f1.toml' }));
     const isolated = await cache.queryIsolated('SELECT count(*) AS n FROM workflow_phases').catch((e) => e.message);
     document.getElementById('isolated').textContent = JSON.stringify(isolated);`,
  );
  outDir = join(consumer.dir, 'dist');
  await build({ root: consumer.dir, logLevel: 'silent', build: { outDir, target: 'es2022' }, configFile: false });
});
afterAll(() => {
  consumer.remove();
  packed.remove();
});

function builtFiles(): string[] {
  return readdirSync(outDir, { recursive: true, encoding: 'utf8' });
}

test('vite bundles the package for a browser without any node: module', () => {
  const scripts = builtFiles().filter((f) => f.endsWith('.js'));
  expect(scripts.length).toBeGreaterThan(0);
  for (const f of scripts) expect(readFileSync(join(outDir, f), 'utf8')).not.toMatch(/["']node:/);
});

test('the bundle carries the sql.js wasm as an asset', () => {
  expect(builtFiles().some((f) => f.endsWith('.wasm'))).toBe(true);
});

test('the bundled page opens a cache in Chromium and answers', async () => {
  const server = await serve(outDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== '');
    expect(JSON.parse((await page.textContent('#out'))!)).toEqual([
      { task: 'report', rule: '', dependsOn: 'load', retry: 0, template: '' },
    ]);
  } finally {
    await browser.close();
    server.close();
  }
});

test('the bundled page runs queryIsolated in the worker its bundler built from the package', async () => {
  const server = await serve(outDir);
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    await page.waitForFunction(() => document.getElementById('isolated')?.textContent !== '');
    expect(JSON.parse((await page.textContent('#isolated'))!)).toEqual([{ n: 2 }]);
  } finally {
    await browser.close();
    server.close();
  }
});

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serve(folder: string): Promise<Server> {
  const server = createServer((req, res) => {
    try {
      const body = readFileSync(join(folder, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      res.writeHead(200, { 'content-type': types[extname(req.url!)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
