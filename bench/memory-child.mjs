// Run by bench/figures/memory.mjs in a fresh process (node --expose-gc): loads the workload and
// prints what memory it holds, so nothing else in the bench process is counted. The runtime's
// own share (Node, the library, sql.js started, an empty cache open) is measured first.
import { pathToFileURL } from 'node:url';

const [library, folder] = process.argv.slice(2);
const { MemorySource, WorkflowCache } = await import(pathToFileURL(library).href);
const empty = await WorkflowCache.open({ workflows: new MemorySource() });
globalThis.gc();
const runtimeRss = process.memoryUsage().rss;
const cache = await WorkflowCache.open({ workflows: folder });
globalThis.gc();
const after = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS * 1024;
const imageBytes = cache.export().length;
await cache.close();
await empty.close();
console.log(JSON.stringify({ runtimeRss, rss: after.rss, external: after.external, peakRss, imageBytes }));
