// GET /phases: every phase of every loaded file in one answer (what the playground reads to show
// a served cache), as the OpenAPI document says, with an ETag that changes when a phase does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemorySource, WorkflowCache } from '../../src/index.node.js';
import { createHandler, type Handler } from '../../src/index.http.js';
import { openApiChecker } from './openapi-check.js';

let source: MemorySource;
let cache: WorkflowCache;
let handler: Handler;
let checker: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  source = new MemorySource({
    'orders.toml': '[[phase]]\ntask = "ingest"\nrule = "cron=0 2 * * *"\n\n[[phase]]\ntask = "report"\ndependsOn = "ingest"\n',
    'group/daily.toml': '[[phase]]\ntask = "sum"\ndependsOn = "missing"\n',
    'bad.toml': '[[phase]\n',
  });
  cache = await WorkflowCache.open({ workflows: source, onWarning: () => {} });
  handler = createHandler(cache);
  checker = await openApiChecker();
});
afterAll(() => cache.close());

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await handler(new Request(`http://127.0.0.1${path}`, { headers }));
  await checker.check('GET', path, response);
  return response;
}

it('answers every phase of every loaded file, files in key order, each with its status', async () => {
  const response = await get('/phases');
  expect(response.status).toBe(200);
  const { phases } = (await response.json()) as { phases: { filePath: string; task: string; status: string }[] };
  expect(phases.map((p) => [p.filePath, p.task, p.status])).toEqual([
    ['group/daily.toml', 'sum', 'parent task not found: missing'],
    ['orders.toml', 'ingest', ''],
    ['orders.toml', 'report', ''],
  ]);
  expect(phases).toEqual(cache.phases());
});

it('answers 304 to its ETag until a phase changes', async () => {
  const etag = (await get('/phases')).headers.get('etag')!;
  expect((await get('/phases', { 'if-none-match': etag })).status).toBe(304);
  source.set('orders.toml', '[[phase]]\ntask = "ingest"\nrule = "cron=0 3 * * *"\n');
  // bad.toml still fails: the refresh says so, and loads the rest.
  await cache.refresh().catch((error: Error) => expect(error.name).toBe('RefreshError'));
  const changed = await get('/phases', { 'if-none-match': etag });
  expect(changed.status).toBe(200);
  expect(changed.headers.get('etag')).not.toBe(etag);
});

it('takes no parameters', async () => {
  expect((await get('/phases?file=orders.toml')).status).toBe(400);
});
