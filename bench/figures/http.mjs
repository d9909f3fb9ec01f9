// GET /phase through the HTTP API at concurrency 32, against the floor: a bare node:http server
// answering one fixed JSON body, one of the API's own answers (so the same size), in the same
// run. Each server runs in a process of its own, and so does the load; both sides get the same
// paths, connections, warmup and number of requests, in alternating rounds (floor, ours, ours,
// floor, …) so that drift in the machine's load falls on both alike.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { figureOf } from '../harness.mjs';

const CONNECTIONS = 32;
const ROUNDS = 4;

/**
 * @param {{ folder: string, requests: number }} options the workload, and requests per side
 */
export async function httpFigures({ folder, requests }) {
  const paths = await phasePaths(folder, 1000);
  const ours = await startServer(['handler', folder]);
  let bare;
  try {
    const answer = await (await fetch(`${ours.url}${paths[0]}`)).text();
    bare = await startServer(['bare', answer]);
    const memoryBefore = await ours.memory();
    // Every connection walks the paths from the first: enough warmup for each to ask every one
    // once, so that no measured round meets a phase asked for the first time (a file's first
    // read from SQLite, which a bare server never does), and the JIT has settled on both sides.
    const warmup = CONNECTIONS * paths.length;
    await load(bare.url, paths, warmup);
    await load(ours.url, paths, warmup);
    const floor = [];
    const measured = [];
    const perRound = Math.ceil(requests / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA: a steady rise or fall of the load weighs on both sides the same.
      const order = round % 2 === 0 ? [[bare, floor], [ours, measured]] : [[ours, measured], [bare, floor]];
      for (const [server, into] of order) {
        const cpu = await server.cpu();
        const round = await load(server.url, paths, perRound);
        into.push({ ...round, cpu: (await server.cpu()) - cpu });
      }
    }
    const memoryAfter = await ours.memory();
    const base = summary(floor);
    const mine = summary(measured);
    const count = (warmup + perRound * ROUNDS).toLocaleString('en');
    const distinct = Math.min(paths.length, Math.ceil(perRound / CONNECTIONS));
    return [
      figureOf({ figure: `GET /phase, concurrency ${CONNECTIONS}, ${distinct.toLocaleString('en')} distinct phases: time per request`, baselineName: `bare node:http, fixed JSON of ${Buffer.byteLength(answer)} bytes`, base: base.perRequest, ours: mine.perRequest, unit: 'ms/op', target: 1.5 }),
      figureOf({ figure: `GET /phase, concurrency ${CONNECTIONS}: p99 latency`, baselineName: 'bare node:http, fixed JSON', base: base.p99, ours: mine.p99, unit: 'ms', target: 1.5 }),
      // The server's own CPU time: what a busy machine's other processes change least.
      figureOf({ figure: `GET /phase, concurrency ${CONNECTIONS}: server CPU time per request`, baselineName: 'bare node:http, fixed JSON', base: base.cpuPerRequest, ours: mine.cpuPerRequest, unit: 'ms/op' }),
      figureOf({ figure: `GET /phase: server RSS after ${count} requests`, baselineName: 'RSS before them', base: memoryBefore.rss / 2 ** 20, ours: memoryAfter.rss / 2 ** 20, unit: 'MB' }),
      figureOf({ figure: `GET /phase: server heap used after ${count} requests (after a full GC)`, baselineName: 'heap used before them', base: memoryBefore.heapUsed / 2 ** 20, ours: memoryAfter.heapUsed / 2 ** 20, unit: 'MB' }),
      figureOf({ figure: `GET /phase: throughput (bare node:http: ${Math.round(1000 / base.perRequest)} requests/s)`, baselineName: '—', ours: Math.round(1000 / mine.perRequest), unit: 'requests/s' }),
    ];
  } finally {
    await bare?.close();
    await ours.close();
  }
}

/** `/phase` URLs for up to `count` phases of the workload, spread over its files. */
async function phasePaths(folder, count) {
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const step = Math.max(1, Math.floor(files.length / count));
  const paths = [];
  for (let i = 0; i < files.length && paths.length < count; i += step) {
    const key = relative(folder, files[i]).split(sep).join('/');
    const [first] = parse(await readFile(files[i], 'utf8')).phase;
    const [type, job = ''] = String(first.task).split(':');
    paths.push(`/phase?type=${encodeURIComponent(type)}&job=${encodeURIComponent(job)}&meta=${encodeURIComponent(`workflow=${key}`)}`);
  }
  return paths;
}

/** One round of load from a process of its own: its wall time and every answer's latency. */
async function load(url, paths, amount) {
  const script = fileURLToPath(new URL('../http-load.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, url, String(CONNECTIONS), String(amount)], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(paths));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`bench/http-load.mjs exited with ${code}`);
  const result = JSON.parse(out);
  if (result.failed > 0) throw new Error(`${url}: ${result.failed} of ${amount} requests failed or were not 2xx`);
  return { ms: result.ms, latencies: result.latencies };
}

/** Rounds together: wall and server CPU time per request, and the p99 of every latency. */
function summary(rounds) {
  const ms = rounds.reduce((sum, r) => sum + r.ms, 0);
  const cpuMs = rounds.reduce((sum, r) => sum + r.cpu, 0) / 1000;
  const latencies = Float64Array.from(rounds.flatMap((r) => r.latencies)).sort();
  return { perRequest: ms / latencies.length, cpuPerRequest: cpuMs / latencies.length, p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] };
}

async function startServer(args) {
  const script = fileURLToPath(new URL('../http-server.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = (async function* () {
    let buffered = '';
    for await (const chunk of child.stdout) {
      buffered += chunk;
      let at;
      while ((at = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, at);
        buffered = buffered.slice(at + 1);
      }
    }
  })();
  const port = Number((await lines.next()).value);
  return {
    url: `http://127.0.0.1:${port}`,
    async memory() {
      child.stdin.write('memory\n');
      return JSON.parse((await lines.next()).value);
    },
    async cpu() {
      child.stdin.write('cpu\n');
      return Number((await lines.next()).value);
    },
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}
