// Run by bench/figures/memory.mjs in a fresh process (node --expose-gc): loads the workload and
// prints what memory it holds, so nothing else in the bench process is counted.
import { pathToFileURL } from 'node:url';

const [library, folder] = process.argv.slice(2);
const { WorkflowCache } = await import(pathToFileURL(library).href);
const cache = await WorkflowCache.open({ workflows: folder });
globalThis.gc();
const after = process.memoryUsage();
const peakRss = process.resourceUsage().maxRSS * 1024;
const imageBytes = cache.export().length;
await cache.close();
console.log(JSON.stringify({ rss: after.rss, heapUsed: after.heapUsed, external: after.external, peakRss, imageBytes }));
