// Opening and closing a cache 1,000 times in one process leaves memory flat
// (every sql.js database and statement freed) and leaks no file handle.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MemorySource, WorkflowCache } from '../../src/index.node.js';
import { leftovers, markedWorkflow, tempFolder } from './helpers.js';

const OPENS = 1000;
const WARM_UP = 100;
const MB = 1024 * 1024;

/** Open file handles of this process; Linux only, where /proc tells. */
const openHandles = () => readdirSync('/proc/self/fd').length;

/** Memory after a full collection (vitest runs this project with --expose-gc). */
function settledMemory(): { heap: number; rss: number } {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

test(`opening and closing a cache ${OPENS} times grows neither memory nor open handles`, async () => {
  expect(globalThis.gc, 'the faults project runs with --expose-gc').toBeTypeOf('function');
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`w${i}.toml`] = markedWorkflow(`w${i}`, `file ${i} `.repeat(20), 10);
  const source = new MemorySource(files);

  let warm = { heap: 0, rss: 0 };
  let handles = 0;
  for (let i = 0; i < OPENS; i++) {
    if (i === WARM_UP) {
      warm = settledMemory();
      handles = openHandles();
    }
    const cache = await WorkflowCache.open({ workflows: source, storage: database });
    expect(cache.get({ type: 'w7-10', meta: 'workflow=w7.toml' }).task).toBe('w7-10');
    expect(cache.query('SELECT count(*) AS n FROM workflow_phases')).toEqual([{ n: 200 }]);
    await cache.close();
  }
  const end = settledMemory();
  const growth = { heap: (end.heap - warm.heap) / MB, rss: (end.rss - warm.rss) / MB };
  console.log(
    `resources: ${OPENS} opens; after warm-up heap ${(warm.heap / MB).toFixed(1)} MB, rss ${(warm.rss / MB).toFixed(1)} MB; ` +
      `growth heap ${growth.heap.toFixed(1)} MB, rss ${growth.rss.toFixed(1)} MB; handles ${handles} -> ${openHandles()}`,
  );
  // Generous bounds: a cache left open costs its whole database in wasm memory, far above these.
  expect(growth.heap).toBeLessThan(16);
  expect(growth.rss).toBeLessThan(48);
  expect(openHandles()).toBeLessThanOrEqual(handles);
  expect(await leftovers(folder, 'workflows.db')).toEqual([]);
});

test('running query() 20,000 times frees what each call takes in wasm memory', async () => {
  const cache = await WorkflowCache.open({ workflows: new MemorySource({ 'w.toml': markedWorkflow('w', 'x', 10) }) });
  // A long statement makes a leak of its copy in wasm memory plain: 4 KB × 20,000 = 80 MB.
  const sql = `SELECT count(*) AS n FROM workflow_phases /* ${'padding '.repeat(512)} */`;
  for (let i = 0; i < 1000; i++) cache.query(sql);
  const warm = settledMemory();
  for (let i = 0; i < 20_000; i++) cache.query(sql);
  const growth = (settledMemory().rss - warm.rss) / MB;
  await cache.close();
  console.log(`resources: 20,000 queries of 4 KB; rss growth ${growth.toFixed(1)} MB`);
  expect(growth).toBeLessThan(24);
});
