// The HTTP handler called directly with Web-standard requests: every path of the API, the
// ETag/304 round trip, the bearer token, CORS, and hostile paths and bodies. Every response is
// checked against the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource, WorkflowCache } from '../../src/index.node.js';
import { createHandler, type Handler, type HandlerOptions } from '../../src/index.http.js';
import { openApiChecker } from './openapi-check.js';

const orders = '[[phase]]\ntask = "ingest:orders"\nrule = "cron=0 2 * * *"\n\n[[phase]]\ntask = "report"\ndependsOn = "ingest:orders"\nretry = 11\n';
const daily = '[[phase]]\ntask = "load"\nrule = "cron=0 * * * *&job=hourly"\n\n[[phase]]\ntask = "sum"\ndependsOn = "missing"\n';

let source: MemorySource;
let cache: WorkflowCache;
let checker: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  source = new MemorySource({ 'orders.toml': orders, 'group/daily.toml': daily, 'bad.toml': '[[phase]\n' });
  cache = await WorkflowCache.open({ workflows: source, onWarning: () => {} });
  checker = await openApiChecker();
});
afterAll(async () => {
  await cache.close();
  // Every response of this file went through the document.
  expect(checker.checked()).toBeGreaterThan(40);
});

async function call(path: string, init: RequestInit = {}, options: HandlerOptions = {}, handler?: Handler): Promise<Response> {
  const handle = handler ?? createHandler(cache, options);
  const response = await handle(new Request(`http://127.0.0.1${path}`, init));
  const prefix = options.prefix ?? '';
  await checker.check(init.method ?? 'GET', path.slice(prefix.length), response);
  return response;
}

async function json(path: string, init?: RequestInit): Promise<unknown> {
  const response = await call(path, init);
  expect(response.status).toBe(200);
  return response.json();
}

describe('the paths', () => {
  it('GET /health says ok', async () => {
    expect(await json('/health')).toEqual({ status: 'ok' });
  });

  it('GET /files lists each loaded file with its hash and counts, then the failures', async () => {
    const body = (await json('/files')) as { files: { file: string; phases: number; problems: number }[]; failures: { file: string; line: number }[] };
    expect(body.files.map((f) => [f.file, f.phases, f.problems])).toEqual([
      ['group/daily.toml', 2, 1],
      ['orders.toml', 2, 1],
    ]);
    expect(body.failures.map((f) => [f.file, f.line])).toEqual([['bad.toml', 1]]);
  });

  it('GET /files/{key} gives the phases, with the key encoded or literal', async () => {
    const literal = await json('/files/group/daily.toml');
    expect(await json('/files/group%2Fdaily.toml')).toEqual(literal);
    expect((literal as { phases: { task: string }[] }).phases.map((p) => p.task)).toEqual(['load', 'sum']);
  });

  it('GET /files/{key}/source gives the text as loaded', async () => {
    const response = await call('/files/orders.toml/source');
    expect(response.headers.get('content-type')).toBe('application/toml');
    expect(await response.text()).toBe(orders);
  });

  it('GET /files/{key}/source is 409 when the file changed since it was loaded', async () => {
    source.set('orders.toml', `${orders}\n# edited\n`);
    try {
      const response = await call('/files/orders.toml/source');
      expect(response.status).toBe(409);
      expect((await response.json()).detail).toBe('orders.toml changed since it was loaded; refresh() to load it, then ask again (POST /refresh)');
    } finally {
      source.set('orders.toml', orders);
    }
  });

  it('GET /phase answers as get(), and the empty phase for no match', async () => {
    expect(await json('/phase?type=report&meta=workflow%3Dorders.toml')).toEqual({ task: 'report', rule: '', dependsOn: 'ingest:orders', retry: 11, template: '' });
    expect(await json('/phase?type=nothing&meta=workflow%3D*')).toEqual({ task: '', rule: '', dependsOn: '', retry: 0, template: '' });
  });

  it('GET /children answers as children()', async () => {
    expect(((await json('/children?type=ingest&job=orders&meta=workflow%3Dorders.toml')) as { task: string }[]).map((p) => p.task)).toEqual(['report']);
  });

  it('GET /search answers as search()', async () => {
    expect(await json('/search?topic=load&job=hourly')).toMatchObject({ path: 'group/daily.toml', phase: { task: 'load' } });
  });

  it('GET /problems lists phases with problems and failed files', async () => {
    const body = (await json('/problems')) as { phases: { task: string; status: string }[]; failures: unknown[] };
    expect(body.phases.map((p) => [p.task, p.status])).toEqual([
      ['sum', 'parent task not found: missing'],
      ['report', 'warning: retry count exceeds recommended limit'],
    ]);
    expect(body.failures).toHaveLength(1);
  });

  it('GET /graph/{key} draws the graph as JSON, Mermaid or DOT', async () => {
    expect(((await json('/graph/orders.toml')) as { edges: unknown[] }).edges).toHaveLength(1);
    const mermaid = await call('/graph/orders.toml?format=mermaid');
    expect(mermaid.headers.get('content-type')).toBe('text/vnd.mermaid; charset=utf-8');
    expect(await mermaid.text()).toMatch(/^flowchart LR/);
    expect(await (await call('/graph/orders.toml?format=dot')).text()).toMatch(/^digraph/);
  });

  it('GET /history/{key} gives the versions with what changed', async () => {
    source.set('orders.toml', orders.replace('0 2 * * *', '0 3 * * *'));
    await cache.refresh().catch(() => {});
    try {
      const body = (await json('/history/orders.toml')) as { versions: { version: number; changes?: { changed: { key: string; fields: string[] }[] } }[] };
      expect(body.versions.map((v) => v.version)).toEqual([1, 2]);
      expect(body.versions[0].changes).toBeUndefined();
      expect(body.versions[1].changes!.changed.map((c) => [c.key, c.fields])).toEqual([['ingest:orders', ['rule']]]);
    } finally {
      source.set('orders.toml', orders);
      await cache.refresh().catch(() => {});
    }
  });

  it('POST /refresh gives what changed, and the failures with a 200', async () => {
    source.set('group/daily.toml', `${daily}\n`);
    expect(await json('/refresh', { method: 'POST' })).toEqual({ changed: ['group/daily.toml'], failures: [{ file: 'bad.toml', reason: "expected end of table array name delimiter ']', but got '\\n' instead", line: 1, column: 9 }] });
  });

  it('POST /validate checks the body as a file and stores nothing', async () => {
    const before = cache.stats().files;
    const body = (await json('/validate?file=new.toml', { method: 'POST', body: '[[phase]]\ntask = "x"\nrule = "cron=61 * * * *"\n' })) as { phases: { filePath: string; status: string }[]; failures: unknown[] };
    expect(body.phases.map((p) => [p.filePath, p.status])).toEqual([['new.toml', expect.stringMatching(/^no valid rule found: cron=61 \* \* \* \*/)]]);
    expect(body.failures).toEqual([]);
    expect(cache.stats().files).toBe(before);
    const broken = (await json('/validate', { method: 'POST', body: 'task = \n' })) as { failures: { file: string; line: number }[] };
    expect(broken.failures.map((f) => [f.file, f.line])).toEqual([['workflow.toml', 1]]);
  });

  it('GET /stats gives counts and latencies', async () => {
    expect(await json('/stats')).toMatchObject({ files: 2, phases: 4, operations: { get: { count: expect.any(Number) } } });
  });

  it('GET /openapi.json is the document', async () => {
    expect(await json('/openapi.json')).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('ETags', () => {
  it('answers 304 to If-None-Match with the current ETag, and a new ETag once the data changes', async () => {
    const first = await call('/files/orders.toml');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const again = await call('/files/orders.toml', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    source.set('orders.toml', orders.replace('retry = 11', 'retry = 2'));
    await cache.refresh().catch(() => {});
    try {
      const changed = await call('/files/orders.toml', { headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    } finally {
      source.set('orders.toml', orders);
      await cache.refresh().catch(() => {});
    }
  });

  it('keeps the ETag of an answer whose data did not change when another file did', async () => {
    const etag = (await call('/phase?type=load&meta=workflow%3Dgroup%2Fdaily.toml')).headers.get('etag');
    source.set('orders.toml', `${orders}# x\n`);
    await cache.refresh().catch(() => {});
    source.set('orders.toml', orders);
    await cache.refresh().catch(() => {});
    expect((await call('/phase?type=load&meta=workflow%3Dgroup%2Fdaily.toml')).headers.get('etag')).toBe(etag);
  });
});

describe('untrusted input', () => {
  it.each([
    ['/files/..%2F..%2Fetc%2Fpasswd', 400, '"../../etc/passwd" is not a file key: it has a ".." segment, which leaves its folder'],
    ['/files/%2Fetc%2Fpasswd', 400, '"/etc/passwd" is not a file key: it is an absolute path'],
    ['/files/a%00.toml', 400, '"a\\u0000.toml" is not a file key: it has a control character'],
    ['/files/a%2F%2Fb.toml', 400, '"a//b.toml" is not a file key: it has an empty segment (two slashes together, or a slash at the end)'],
    ['/files/a%5Cb.toml', 400, '"a\\\\b.toml" is not a file key: it has a backslash, a folder separator on Windows'],
    ['/files/C%3A%2Fx.toml', 400, '"C:/x.toml" is not a file key: it starts with a drive letter'],
    ['/files/%zz', 400, 'the file key in the path is not valid percent-encoding: %zz'],
    ['/files/nothing.toml', 404, 'no loaded file nothing.toml; GET /files lists them'],
    ['/graph/orders.toml?format=svg', 400, 'format must be one of mermaid, dot, json; got "svg"'],
    ['/phase?typ=load', 400, 'unknown parameter "typ"; expected type, job, meta'],
    ['/nowhere', 404, 'no such path: /nowhere; GET /openapi.json lists them'],
  ])('GET %s is a %i problem', async (path, status, detail) => {
    const response = await call(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({ type: 'about:blank', status, title: expect.any(String), detail });
  });

  it('refuses a wrong method with 405 and the methods allowed', async () => {
    const response = await call('/refresh');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await call('/files', { method: 'POST' })).status).toBe(405);
  });

  it('refuses a body over the limit with 413, by its declared length and by what arrives', async () => {
    const options = { maxBodyBytes: 100 };
    const declared = await call('/validate', { method: 'POST', body: 'x'.repeat(101) }, options);
    expect(declared.status).toBe(413);
    const stream = new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(64)) });
    const streamed = await call('/validate', { method: 'POST', body: stream, duplex: 'half' } as RequestInit, options);
    expect(streamed.status).toBe(413);
  });

  it('answers 503 when a request takes longer than the time limit', async () => {
    const slow = new ReadableStream({ start: () => {} });
    const response = await call('/validate', { method: 'POST', body: slow, duplex: 'half' } as RequestInit, { timeoutMs: 50 });
    expect(response.status).toBe(503);
    expect((await response.json()).detail).toBe('the request took longer than 50 ms');
  });

  it('needs the bearer token for POST /refresh when one is set', async () => {
    const options = { token: 's3cret' };
    expect((await call('/refresh', { method: 'POST' }, options)).status).toBe(401);
    expect((await call('/refresh', { method: 'POST', headers: { authorization: 'Bearer wrong' } }, options)).status).toBe(401);
    expect((await call('/refresh', { method: 'POST', headers: { authorization: 'Bearer s3cret' } }, options)).status).toBe(200);
    expect((await call('/health', {}, options)).status).toBe(200);
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const plain = await call('/health', { headers: { origin: 'https://evil.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const options = { cors: ['https://app.example'] };
    expect((await call('/health', { headers: { origin: 'https://app.example' } }, options)).headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect((await call('/health', { headers: { origin: 'https://evil.example' } }, options)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers under a prefix, and 404 outside it', async () => {
    const options = { prefix: '/workflows' };
    expect((await call('/workflows/health', {}, options)).status).toBe(200);
    const outside = await createHandler(cache, options)(new Request('http://127.0.0.1/health'));
    expect(outside.status).toBe(404);
  });

  it('rejects unknown options, naming the valid ones', () => {
    expect(() => createHandler(cache, { tokn: 'x' } as HandlerOptions)).toThrow('createHandler(): unknown option "tokn"; expected one of prefix, token, cors, maxBodyBytes, timeoutMs');
  });
});
