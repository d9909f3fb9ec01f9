// Run by bench/figures/memory.mjs in a fresh process (node --expose-gc): loads the workload and
// prints what memory it holds, so nothing else in the bench process is counted. The runtime's
// own share (Node, the library, sql.js started, an empty cache open) is measured first; then
// after the load; then after a lookup of a task of every file, which leaves every file's phases
// held for lookups (the steady state of a scheduler that ran each workflow once).
import { pathToFileURL } from 'node:url';

const [library, folder] = process.argv.slice(2);
const lib = await import(pathToFileURL(library).href);
const { MemorySource, WorkflowCache } = lib;
/**
 * Collects garbage until what is freed is given back: V8 frees the memory of dead ArrayBuffers
 * (sql.js's file grows by copying into a larger one) on another thread after a collection, so a
 * reading right after gc() sometimes still counted a 48 MB buffer already dead.
 */
async function settle() {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  globalThis.gc();
}

const empty = await WorkflowCache.open({ workflows: new MemorySource() });
await settle();
const runtimeRss = process.memoryUsage().rss;
const cache = await WorkflowCache.open({ workflows: folder });
await settle();
const after = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS * 1024;
// One task of each file: its first phase.
const firsts = cache.query('SELECT file_path AS file, written_task AS task FROM workflow_phases WHERE position = 0');
for (const { file, task } of firsts) cache.get({ type: lib.topic({ task }), meta: `workflow=${file}` });
firsts.length = 0;
await settle();
const walked = process.memoryUsage();
const imageBytes = cache.export().length;
await cache.close();
await empty.close();
console.log(JSON.stringify({ runtimeRss, rss: after.rss, external: after.external, walkedRss: walked.rss, walkedHeap: walked.heapUsed, heap: after.heapUsed, peakRss, imageBytes }));
