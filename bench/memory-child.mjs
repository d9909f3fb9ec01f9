// Run by bench/figures/memory.mjs in a fresh process (node --expose-gc): loads the workload and
// prints what memory it holds, so nothing else in the bench process is counted. The runtime's
// own share (Node, the library, sql.js started, an empty cache open) is measured first; then
// after the load; then after a lookup of a task of every file, which leaves every file's phases
// held for lookups (the steady state of a scheduler that ran each workflow once).
import { pathToFileURL } from 'node:url';

const [library, folder] = process.argv.slice(2);
const lib = await import(pathToFileURL(library).href);
const { MemorySource, WorkflowCache } = lib;
const empty = await WorkflowCache.open({ workflows: new MemorySource() });
globalThis.gc();
const runtimeRss = process.memoryUsage().rss;
const cache = await WorkflowCache.open({ workflows: folder });
globalThis.gc();
const after = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS * 1024;
// One task of each file: its first phase.
const firsts = cache.query('SELECT file_path AS file, written_task AS task FROM workflow_phases WHERE position = 0');
for (const { file, task } of firsts) cache.get({ type: lib.topic({ task }), meta: `workflow=${file}` });
firsts.length = 0;
globalThis.gc();
const walked = process.memoryUsage();
const imageBytes = cache.export().length;
await cache.close();
await empty.close();
console.log(JSON.stringify({ runtimeRss, rss: after.rss, external: after.external, walkedRss: walked.rss, walkedHeap: walked.heapUsed, heap: after.heapUsed, peakRss, imageBytes }));
