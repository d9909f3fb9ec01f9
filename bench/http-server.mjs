// A server for the HTTP figures, in a process of its own: either the workflow-cache handler over
// a cache of the workload, or the floor, a bare node:http server answering one fixed JSON body.
//   node bench/http-server.mjs handler <folder>  |  node bench/http-server.mjs bare <body>
// Prints its port; answers "memory" on stdin with its RSS and heap (after a full GC), "cpu" with
// the CPU time it has used (µs, user and system); stops when stdin closes.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';

const [kind, argument] = process.argv.slice(2);
let listener;
let cache;
if (kind === 'bare') {
  // Bytes made once, as the API sends its kept answers.
  const body = Buffer.from(argument);
  listener = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.byteLength });
    res.end(body);
  };
} else {
  const { WorkflowCache } = await import('../dist/node.js');
  const { createNodeListener } = await import('../dist/http.js');
  cache = await WorkflowCache.open({ workflows: argument });
  listener = createNodeListener(cache);
}
const server = createServer(listener).listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
    return;
  }
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed })}\n`);
});
lines.on('close', async () => {
  server.close();
  await cache?.close();
  process.exit(0);
});
