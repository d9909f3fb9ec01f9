// GET /phase through the HTTP handler at concurrency 32, against the floor: a bare node:http
// server answering a fixed JSON body of the same size, in the same run. Each server runs in its
// own process; autocannon drives both from this one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { parse } from 'smol-toml';
import { figureOf } from '../harness.mjs';

/**
 * @param {{ folder: string, requests: number }} options the workload, and requests per side
 */
export async function httpFigures({ folder, requests }) {
  const paths = await phasePaths(folder, 1000);
  const bare = await startServer('bare', folder);
  const ours = await startServer('handler', folder);
  try {
    const memoryBefore = await ours.memory();
    // Warm both, then measure one after the other, the floor first.
    await drive(bare.url, ['/'], 2000);
    await drive(ours.url, paths, 2000);
    const floor = await drive(bare.url, ['/'], requests);
    const measured = await drive(ours.url, paths, requests);
    const memoryAfter = await ours.memory();
    return [
      figureOf({ figure: 'GET /phase, concurrency 32: throughput (time per request)', baselineName: 'bare node:http, fixed JSON', base: 1000 / floor.rps, ours: 1000 / measured.rps, unit: 'ms', target: 1.5 }),
      figureOf({ figure: 'GET /phase, concurrency 32: p99 latency', baselineName: 'bare node:http, fixed JSON', base: floor.p99, ours: measured.p99, unit: 'ms', target: 1.5 }),
      figureOf({ figure: `GET /phase: server RSS after ${requests.toLocaleString('en')} requests`, baselineName: 'RSS before them', base: memoryBefore.rss / 2 ** 20, ours: memoryAfter.rss / 2 ** 20, unit: 'MB' }),
      figureOf({ figure: 'GET /phase: throughput', baselineName: '—', ours: Math.round(measured.rps), unit: 'requests/s' }),
    ];
  } finally {
    await bare.close();
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

async function drive(url, paths, amount) {
  const result = await autocannon({ url, connections: 32, amount, requests: paths.map((path) => ({ method: 'GET', path })) });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average === 0 ? amount / (result.duration || 1) : amount / result.duration, p99: result.latency.p99 };
}

async function startServer(kind, folder) {
  const script = fileURLToPath(new URL('../http-server.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', script, kind, folder], { stdio: ['pipe', 'pipe', 'inherit'] });
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
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}
