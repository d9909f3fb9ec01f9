// The load of the HTTP figures, in a process of its own so that it takes no time from the one
// that measures nor shares its heap: autocannon sends `amount` GETs over `connections` keep-alive
// connections, cycling through the paths, and this prints one JSON line: the wall time, each
// answer's latency (ms, as autocannon measures it, to the microsecond) and any failures.
//   node bench/http-load.mjs <url> <connections> <amount>   (paths as a JSON array on stdin)
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';

const [url, connections, amount] = process.argv.slice(2);
const paths = JSON.parse(await text(process.stdin));
const latencies = [];
let failed = 0;
const started = performance.now();
const instance = autocannon({ url, connections: Number(connections), amount: Number(amount), requests: paths.map((path) => ({ method: 'GET', path })) });
instance.on('response', (_client, status, _bytes, ms) => {
  if (status < 200 || status > 299) failed++;
  latencies.push(Math.round(ms * 1000) / 1000);
});
const result = await instance;
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ ms, latencies, failed: failed + result.errors + result.timeouts })}\n`);
