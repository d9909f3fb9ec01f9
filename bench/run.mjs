// The bench suite: every figure as a ratio against a baseline measured in the same run.
//   npm run bench          10,000 files, 100,000 phases
//   npm run bench:quick    1,000 files, under a minute
// Builds the library first when dist/ is missing or older than the sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
installBaselineWhenMissing();
// Loaded after the install above: lookups.mjs imports the native baseline.
const { bundleFigures } = await import('./figures/bundle.mjs');
const { loadingFigures } = await import('./figures/loading.mjs');
const { lookupFigures } = await import('./figures/lookups.mjs');
const { memoryFigures } = await import('./figures/memory.mjs');
const { s3Figures } = await import('./figures/s3.mjs');
const { httpFigures } = await import('./figures/http.mjs');
const { watchFigures } = await import('./figures/watch.mjs');
const { playgroundFigures } = await import('./figures/playground.mjs');
const { generate, workloads } = await import('./generate.mjs');
const { budgets, quickBudgets, table } = await import('./harness.mjs');

const quick = process.argv.includes('--quick');
const name = quick ? 'quick' : 'full';
const workload = workloads[name];

buildWhenStale();
const folder = await workloadFolder();
const library = join(root, 'dist', 'node.js');
const lib = await import(pathToFileURL(library).href);
const scratch = await mkdtemp(join(tmpdir(), 'workflow-cache-bench-'));
const chosen = quick ? quickBudgets : budgets;
const rows = [];
try {
  const cache = await lib.WorkflowCache.open({ workflows: folder });
  rows.push(...(await lookupFigures(cache, lib, { lookups: workload.files * workload.phasesPerFile, budgets: chosen })));
  await cache.close();
  rows.push(...(await loadingFigures(lib, { folder, scratch, budgets: chosen })));
  rows.push(...memoryFigures(library, folder));
  rows.push(...(await httpFigures({ folder, requests: quick ? 20_000 : 100_000 })));
  rows.push(...(await s3Figures(lib, await import(pathToFileURL(join(root, 'dist', 's3.js')).href), { folder, budgets: chosen })));
  rows.push(...(await watchFigures(library, { scratch, files: quick ? 1000 : 3000 })));
  rows.push(...bundleFigures(join(root, 'dist')));
  rows.push(...(await playgroundFigures(lib, { files: quick ? 200 : 2000 })));
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const cpu = cpus();
console.log(`\n${workload.files.toLocaleString('en')} files, ${(workload.files * workload.phasesPerFile).toLocaleString('en')} phases`);
console.log(`machine: ${cpu[0]?.model ?? 'unknown cpu'} ×${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.versions.node}, ${process.platform}\n`);
console.log(table(rows));
const failed = rows.filter((r) => r.target !== undefined && !(r.ratio <= r.target));
console.log(failed.length === 0 ? '\nevery target met' : `\n${failed.length} target(s) missed: see bench/RESULTS.md`);

/**
 * better-sqlite3, the native baseline, builds from source (about a minute and a C++ toolchain), so
 * it lives in bench/package.json, out of the library's `npm ci`, and is installed on first use.
 */
function installBaselineWhenMissing() {
  if (existsSync(join(root, 'bench', 'node_modules', 'better-sqlite3'))) return;
  console.log('installing the benchmark baseline (better-sqlite3, a native build) into bench/node_modules…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: join(root, 'bench'), stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm ci in bench/ failed; run it there to see why');
}

function buildWhenStale() {
  const built = join(root, 'dist', 'node.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const inputs = [join(root, 'package.json'), join(root, 'vite.config.ts'), ...filesBelow(join(root, 'src'))];
  if (inputs.every((f) => statSync(f).mtimeMs <= builtAt)) return;
  console.log('building the library (vite build)…');
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed; run `npm run build` to see why');
}

function filesBelow(folder) {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** The generated workload, made again when missing or made from other settings. */
async function workloadFolder() {
  const target = join(root, 'bench', 'data', name);
  const manifest = join(root, 'bench', 'data', `${name}.json`);
  const wanted = JSON.stringify(workload);
  if (existsSync(target) && existsSync(manifest) && readFileSync(manifest, 'utf8') === wanted) return target;
  console.log(`generating the ${name} workload in bench/data/${name}…`);
  await generate(target, workload);
  writeFileSync(manifest, wanted);
  return target;
}
