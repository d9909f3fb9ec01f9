// A server for the HTTP figures, in a process of its own: either the workflow-cache handler over
// a cache of the workload, or the floor, a bare node:http server answering one fixed JSON body.
// Prints its port; answers "memory" on stdin with its RSS and heap; stops when stdin closes.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

const [kind, folder] = process.argv.slice(2);
let listener;
let cache;
if (kind === 'bare') {
  const body = JSON.stringify({ task: 'load', rule: 'cron=0 * * * *', dependsOn: '', retry: 0, template: 'x' });
  listener = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
} else {
  const { WorkflowCache } = await import('../dist/node.js');
  const { createNodeListener } = await import('../dist/http.js');
  cache = await WorkflowCache.open({ workflows: folder });
  listener = createNodeListener(cache);
}
const server = createServer(listener).listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
const lines = createInterface({ input: process.stdin });
lines.on('line', () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed })}\n`);
});
lines.on('close', async () => {
  server.close();
  await cache?.close();
  process.exit(0);
});
