// What the HTTP API's kept answers rely on: a GET answer's bytes and ETag are kept by path and
// query only while the data they came from is unchanged, and within a byte budget.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MemorySource, type WorkflowCache } from '../src/index.node.js';
import { createHandler, createNodeListener } from '../src/index.http.js';
import { MAX_KEPT_BYTES, ResponseMemo } from '../src/http/response-memo.js';
import { toml, useCaches } from './helpers.js';

const caches = useCaches();
const orders = (rule: string) => toml({ task: 'ingest:orders', rule }, { task: 'report', dependsOn: 'ingest:orders' });
const ingest = '/phase?type=ingest&job=orders&meta=workflow%3Dorders.toml';

async function served(): Promise<{ source: MemorySource; cache: WorkflowCache; get: (path: string, init?: RequestInit) => Promise<Response> }> {
  const source = new MemorySource({ 'orders.toml': orders('cron=0 2 * * *') });
  const cache = await caches.open({ workflows: source });
  const handler = createHandler(cache, { cors: '*' });
  return { source, cache, get: (path, init) => handler(new Request(`http://127.0.0.1${path}`, init)) };
}

describe('GET answers kept by the HTTP API', () => {
  it('are not given after a refresh, made outside the API, that changed their data', async () => {
    const { source, cache, get } = await served();
    await get(ingest);
    expect((await (await get(ingest)).json()).rule).toBe('cron=0 2 * * *');
    source.set('orders.toml', orders('cron=0 3 * * *'));
    await cache.refresh();
    expect((await (await get(ingest)).json()).rule).toBe('cron=0 3 * * *');
  });

  it('are not given after a refresh that only recorded a failure', async () => {
    const { source, cache, get } = await served();
    expect((await (await get('/files')).json()).failures).toEqual([]);
    source.set('orders.toml', '[[phase]\n');
    await cache.refresh().catch(() => {});
    // The file keeps its phases: the failure is the only thing written.
    expect((await (await get(ingest)).json()).rule).toBe('cron=0 2 * * *');
    expect((await (await get('/files')).json()).failures.map((f: { file: string }) => f.file)).toEqual(['orders.toml']);
  });

  it('never include a file source, which is read from the disk at each request', async () => {
    const { source, get } = await served();
    expect((await get('/files/orders.toml/source')).status).toBe(200);
    source.set('orders.toml', orders('cron=0 3 * * *'));
    expect((await get('/files/orders.toml/source')).status).toBe(409);
  });

  it('are not given once the cache is closed', async () => {
    const { cache, get } = await served();
    expect((await get(ingest)).status).toBe(200);
    await cache.close();
    const after = await get(ingest);
    expect(after.status).toBeGreaterThanOrEqual(500);
    expect(after.headers.get('content-type')).toBe('application/problem+json');
  });

  it('keep the ETag while nothing changed, and answer If-None-Match, HEAD and CORS as a fresh answer would', async () => {
    const { get } = await served();
    const first = await get(ingest);
    const etag = first.headers.get('etag')!;
    const again = await get(ingest, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await get(ingest, { method: 'HEAD' });
    expect([head.status, head.headers.get('etag'), await head.text()]).toEqual([200, etag, '']);
    const cors = await get(ingest, { headers: { origin: 'https://app.example' } });
    expect([cors.headers.get('access-control-allow-origin'), cors.headers.get('etag'), await cors.text()]).toEqual(['*', etag, await first.text()]);
  });

  it('are kept per path and query: another query gets its own answer', async () => {
    const { get } = await served();
    await get(ingest);
    expect((await (await get('/phase?type=report&meta=workflow%3Dorders.toml')).json()).task).toBe('report');
    expect((await get('/phase?type=ingest&job=orders&meta=workflow%3Dorders.toml&typo=1')).status).toBe(400);
  });

  describe('through node:http', () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

    it('are not given after a refresh between two requests on one connection', async () => {
      const source = new MemorySource({ 'orders.toml': orders('cron=0 2 * * *') });
      const cache = await caches.open({ workflows: source });
      server = createServer(createNodeListener(cache));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}${ingest}`;
      expect((await (await fetch(url)).json()).rule).toBe('cron=0 2 * * *');
      source.set('orders.toml', orders('cron=0 3 * * *'));
      await cache.refresh();
      const response = await fetch(url);
      expect((await response.json()).rule).toBe('cron=0 3 * * *');
      server.closeAllConnections();
    });
  });
});

describe('ResponseMemo', () => {
  const answer = (bytes: number) => ({ type: 'application/json', body: new Uint8Array(bytes), etag: 'W/"x"' });

  it('drops what it kept at a newer data version', () => {
    const memo = new ResponseMemo();
    memo.keep('/phase?type=a', 1, answer(10));
    expect(memo.get('/phase?type=a', 1)).toBeDefined();
    expect(memo.get('/phase?type=a', 2)).toBeUndefined();
    expect(memo.get('/phase?type=a', 1)).toBeUndefined();
  });

  it('starts over rather than hold more than its byte budget', () => {
    const memo = new ResponseMemo();
    const size = MAX_KEPT_BYTES / 8;
    for (let i = 0; i < 8; i++) memo.keep(`/files?${i}`, 1, answer(size));
    expect(memo.get('/files?0', 1)).toBeUndefined();
    expect(memo.get('/files?7', 1)).toBeDefined();
  });

  it('keeps no answer too large for its budget, nor one for a huge path', () => {
    const memo = new ResponseMemo();
    memo.keep('/files', 1, answer(MAX_KEPT_BYTES / 2));
    memo.keep(`/phase?type=${'a'.repeat(5000)}`, 1, answer(10));
    expect(memo.get('/files', 1)).toBeUndefined();
    expect(memo.get(`/phase?type=${'a'.repeat(5000)}`, 1)).toBeUndefined();
  });
});
