// A first load parsed on worker threads (the built package: workers start from dist/) gives the
// database a load parsed on the calling thread gives, and the one a refresh file by file gives.
import { execFileSync } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, expect, test } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { fixtures, taskToolsFixtures, useTempDirs, writeFiles } from '../helpers.js';

type Library = typeof import('../../src/index.node.js');
type Cache = Awaited<ReturnType<Library['WorkflowCache']['open']>>;

const dist = join(import.meta.dirname, '../../dist/node.js');
let lib: Library;
beforeAll(async () => {
  lib = (await import(pathToFileURL(dist).href)) as Library;
});
const tempDir = useTempDirs();

/** Files that exercise what a load stores beside phases: problems with lines, failures with line and column, declared checksums, big retries, text SQLite must keep byte for byte. */
const varied: Record<string, string> = {
  'bad-toml.toml': '[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\ntemplate = "unclosed\n',
  'bad-type.toml': '[[phase]]\ntask = "a"\nretry = "three"\n',
  'checksum.toml': 'checksum = "0123456789abcdef"\n[[phase]]\ntask = "summed"\nrule = "cron=0 * * * *"\n',
  'problems.toml': [
    '[[phase]]\ntask = "a"\nrule = "cron=61 * * * *"\n',
    '[[phase]]\ntask = "b"\ndependsOn = "c"\n',
    '[[phase]]\ntask = "c"\ndependsOn = "b"\n',
    '[[phase]]\ntask = "a"\n',
    '[[phase]]\ntask = "z:zone"\nrule = "cron=0 2 * * *&TZ=Mars/Olympus"\n',
    '[[phase]]\ntask = "z:utc"\nrule = "cron=0 2 * * *&TZ=America/New_York"\n',
  ].join(''),
  'inline.toml': 'phase = [ { task = "x", rule = "nope" }, { task = "y", dependsOn = "x" } ]\n',
  'text.toml': '[[phase]]\ntask = "t:ünï"\ntemplate = "a\\u0000b 😀 \\u2028 é"\nretry = 9223372036854775807\nrule = "cron=0 * * * *"\n',
  'empty.toml': '',
  'no-phases.toml': 'title = "nothing"\n',
};

/** A folder of enough files for workers to be started: the fixtures, the files above and a generated workload. */
async function workload(): Promise<string> {
  const dir = await tempDir();
  await generate(join(dir, 'generated'), { files: 300, phasesPerFile: 10, seed: 7 });
  await cp(fixtures, join(dir, 'fixtures'), { recursive: true });
  await cp(taskToolsFixtures, join(dir, 'task-tools'), { recursive: true });
  await writeFiles(join(dir, 'varied'), varied);
  return dir;
}

/** Everything the database holds but the clock: each table's rows in key order. */
function contents(cache: Cache): Record<string, unknown[]> {
  return {
    files: cache.query('SELECT file_path, file_hash, last_modified, size, mtime_ms, version FROM workflow_files ORDER BY file_path'),
    phases: cache.query('SELECT *, typeof(retry) AS retry_type, hex(template) AS template_bytes FROM workflow_phases ORDER BY file_path, position'),
    failures: cache.query('SELECT file_path, message, line, "column" FROM workflow_load_errors ORDER BY file_path'),
    history: cache.query('SELECT file_path, file_hash, loaded_at, phases FROM workflow_history ORDER BY id'),
    indexes: cache.query("SELECT name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name"),
  };
}

async function load(folder: string, parseThreads: number): Promise<{ contents: Record<string, unknown[]>; warnings: string[] }> {
  const warnings: string[] = [];
  const cache = await lib.WorkflowCache.open({ workflows: folder, parseThreads, onWarning: (w) => warnings.push(w.message) });
  try {
    return { contents: contents(cache), warnings };
  } finally {
    await cache.close();
  }
}

test('a load parsed on two workers stores what a load parsed on this thread stores', async () => {
  const folder = await workload();
  const here = await load(folder, 0);
  const workers = await load(folder, 2);
  expect(workers).toEqual(here);
  expect(here.contents.phases.length).toBeGreaterThan(3000);
  expect(here.contents.failures.length).toBeGreaterThanOrEqual(3);
});

test('a first load in bulk stores what the refresh of a store that knows a file stores, file by file', async () => {
  const folder = await workload();
  const bulk = await load(folder, 1);
  // A saved store that knows one of the files (stamp and all), so that every other is loaded one by one.
  const known = await tempDir();
  await cp(join(folder, 'varied', 'empty.toml'), join(known, 'varied', 'empty.toml'), { preserveTimestamps: true });
  const image = join(await tempDir(), 'image.sqlite');
  await (await lib.WorkflowCache.open({ workflows: known, storage: image })).close();
  const cache = await lib.WorkflowCache.open({ workflows: folder, storage: image, onWarning: () => {} });
  try {
    expect(contents(cache)).toEqual(bulk.contents);
  } finally {
    await cache.close();
  }
});

test('a file that is not TOML fails alone, with its line and column, when parsed on a worker', async () => {
  const folder = await workload();
  const failure = async (parseThreads: number) => {
    const cache = await lib.WorkflowCache.open({ workflows: folder, parseThreads, onWarning: () => {} });
    try {
      expect(cache.get({ type: 'summed', meta: 'workflow=varied/checksum.toml' }).rule).toBe('cron=0 * * * *');
      expect(cache.stats().files).toBeGreaterThan(300);
      return cache.failures().find((f) => f.file === 'varied/bad-toml.toml');
    } finally {
      await cache.close();
    }
  };
  const onWorker = await failure(1);
  expect(onWorker).toMatchObject({ file: 'varied/bad-toml.toml', line: 4, column: expect.any(Number) });
  expect(onWorker).toEqual(await failure(0));
});

test('after a load on workers the process has no thread more than before it, and exits by itself', async () => {
  const folder = await workload();
  const script = join(await tempDir(), 'threads.mjs');
  await writeFiles(join(script, '..'), {
    'threads.mjs': `
      import { readdirSync } from 'node:fs';
      const { WorkflowCache } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      const threads = () => readdirSync('/proc/self/task').length;
      // A small load first starts what stays for the process's life (SQLite, libuv's pool).
      await (await WorkflowCache.open({ workflows: ${JSON.stringify(join(folder, 'fixtures'))}, onWarning: () => {} })).close();
      const before = threads();
      const cache = await WorkflowCache.open({ workflows: ${JSON.stringify(folder)}, parseThreads: 2, onWarning: () => {} });
      const loaded = cache.stats().files;
      await cache.close();
      // A terminated worker's thread ends soon after; give it that time.
      for (let i = 0; i < 50 && threads() > before; i++) await new Promise((r) => setTimeout(r, 20));
      console.log(JSON.stringify({ before, after: threads(), loaded }));
    `,
  });
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
  const { before, after, loaded } = JSON.parse(out) as { before: number; after: number; loaded: number };
  expect(loaded).toBeGreaterThan(300);
  expect(after).toBe(before);
});
