// open(), refresh() and saving, against what the file system and sql.js do alone.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import initSqlJs from 'sql.js';
import { parse } from 'smol-toml';
import { figureOf, medians, timed } from '../harness.mjs';

/** Every file below the folder, as the plain `readdir` lists them. */
async function listFiles(folder) {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The floor of a full load: what the Go cache does at every start, nothing stored. */
async function readHashParse(folder) {
  let phases = 0;
  for (const path of await listFiles(folder)) {
    const bytes = readFileSync(path);
    createHash('md5').update(bytes).digest('hex');
    phases += parse(bytes.toString('utf8')).phase.length;
  }
  return phases;
}

/** The same floor on `threads` worker threads, each given every `threads`-th file (their start counted, as ours is). */
async function readHashParseOnWorkers(folder, threads) {
  const files = await listFiles(folder);
  const workers = Array.from({ length: threads }, () => new Worker(new URL('../floor-worker.mjs', import.meta.url)));
  try {
    const counts = await Promise.all(
      workers.map(
        (worker, i) =>
          new Promise((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage(files.filter((_, n) => n % threads === i));
          }),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The floor of a refresh that finds nothing changed: list every file and stat it, synchronously (the fastest way in Node). */
function listAndStat(folder) {
  let files = 0;
  for (const e of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    statSync(join(e.parentPath, e.name));
    files++;
  }
  return files;
}

/**
 * refresh() of a cache that watches the workload, one file changed: against a `statSync` of that
 * file (what learning that it changed costs at least), and against the same change refreshed by a
 * cache of that file alone (what loading the file costs, with nothing else to look at).
 */
async function watchedRefresh(lib, folder, budget) {
  const { WorkflowCache } = lib;
  const file = (await listFiles(folder))[0];
  const original = readFileSync(file);
  const before = statSync(file);
  const cache = await WorkflowCache.open({ workflows: folder });
  const alone = await WorkflowCache.open({ workflows: file });
  // The watcher's own refresh must not take the change first: it waits a minute.
  const watcher = cache.watch({ debounceMs: 60_000 });
  let edits = 0;
  const edit = async () => {
    writeFileSync(file, `${original}\n# edit ${edits++}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the events in
  };
  const loaded = (changed) => {
    if (changed.length !== 1) throw new Error(`a refresh after one edit changed ${changed.length} files`);
  };
  try {
    await cache.refresh(); // the first refresh of a watched cache looks at everything
    return await medians(budget, {
      stat: { beforeEach: edit, fn: () => statSync(file) },
      watched: { beforeEach: edit, fn: async () => loaded(await cache.refresh()) },
      alone: { beforeEach: edit, fn: async () => loaded(await alone.refresh()) },
    });
  } finally {
    await watcher.stop();
    await cache.close();
    await alone.close();
    writeFileSync(file, original);
    await utimes(file, before.atime, before.mtime);
  }
}

/**
 * The durable floor of a save: the image to a new file in one write, flushed, renamed over the
 * old one, and the folder flushed so that the rename itself survives a power cut (without that
 * last step, a save that resolved may come back as the old image).
 */
async function durableWrite(path, bytes) {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  for (let written = 0; written < bytes.length; ) written += (await handle.write(bytes, written, bytes.length - written, written)).bytesWritten;
  await handle.sync();
  await handle.close();
  await rename(temporary, path);
  const folder = await open(dirname(path), 'r');
  await folder.sync();
  await folder.close();
}

/** The median of some times. */
function median(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/**
 * The refresh() figures, alone.
 * @param {typeof import('../../dist/node.js')} lib the built library
 * @param {object} options
 * @param {string} options.folder the workload
 * @param {string} [options.storage] the cache's database file
 * @param {typeof import('../harness.mjs').budgets} options.budgets
 */
export async function refreshFigures(lib, { folder, storage, budgets }) {
  const cache = await lib.WorkflowCache.open({ workflows: folder, ...(storage && { storage }) });
  const refresh = await medians(budgets.medium, {
    listStat: { fn: () => listAndStat(folder) },
    refresh: { fn: async () => cache.refresh() },
  });
  await cache.close();
  const watched = await watchedRefresh(lib, folder, budgets.medium);
  return [
    timed({ figure: 'refresh(), nothing changed', baselineName: 'readdirSync + statSync of every file', base: refresh.listStat, ours: refresh.refresh, target: 1.2 }),
    timed({ figure: 'refresh() while watching, one file changed', baselineName: 'statSync of that file', base: watched.stat, ours: watched.watched, target: 5 }),
    timed({ figure: 'refresh() while watching, one file changed', baselineName: 'the same change refreshed by a cache of that file alone', base: watched.alone, ours: watched.watched }),
  ];
}

/**
 * @param {typeof import('../../dist/node.js')} lib the built library
 * @param {object} options
 * @param {string} options.folder the workload
 * @param {string} options.scratch a folder for database files
 * @param {typeof import('../harness.mjs').budgets} options.budgets
 */
export async function loadingFigures(lib, { folder, scratch, budgets }) {
  const { WorkflowCache, FileStorage } = lib;
  const budget = budgets.slow;
  const imagePath = join(scratch, 'image.db');
  await rm(imagePath, { force: true });
  await (await WorkflowCache.open({ workflows: folder, storage: imagePath })).close();

  const load = await medians(budget, {
    floor: { fn: async () => readHashParse(folder) },
    floorOnTwo: { fn: async () => readHashParseOnWorkers(folder, 2) },
    full: { fn: async () => (await WorkflowCache.open({ workflows: folder })).close() },
    fullHere: { fn: async () => (await WorkflowCache.open({ workflows: folder, parseThreads: 0 })).close() },
    fullOnTwo: { fn: async () => (await WorkflowCache.open({ workflows: folder, parseThreads: 2 })).close() },
    image: { fn: async () => (await WorkflowCache.open({ workflows: folder, storage: imagePath })).close() },
  });

  const refreshRows = await refreshFigures(lib, { folder, storage: imagePath, budgets });

  // Saving after one file changed: each round edits a file and refreshes, which saves at once
  // (timed by the cache's own save timer: db.export() and the storage's write), then refreshes
  // again (nothing changed, nothing saved: the same garbage of a listing behind it as behind our
  // save) and writes the same cache's image the durable way.
  const someFile = (await listFiles(folder))[0];
  const someText = await readFile(someFile, 'utf8');
  const original = await stat(someFile);
  const saving = await WorkflowCache.open({ workflows: folder, storage: imagePath });
  const rounds = 3 * budget.iterations;
  const floorSaves = [];
  for (let round = 0; round < rounds; round++) {
    await writeFile(someFile, `${someText}\n# edit ${round}\n`);
    await saving.refresh();
    await saving.refresh();
    const started = performance.now();
    await durableWrite(join(scratch, 'plain.db'), saving.export());
    floorSaves.push(performance.now() - started);
  }
  const ourSaves = saving.stats().operations.save;
  if (ourSaves.count !== rounds) throw new Error(`expected ${rounds} saves, one per edit, and the cache made ${ourSaves.count}`);
  await writeFile(someFile, someText);
  await utimes(someFile, original.atime, original.mtime);
  await saving.refresh();
  await saving.close();

  // A burst of refreshes, each after an edit, saves at most twice.
  let saves = 0;
  const storage = new FileStorage(imagePath);
  const counting = { location: imagePath, load: () => storage.load(), save: (image) => (saves++, storage.save(image)) };
  const burstCache = await WorkflowCache.open({ workflows: folder, storage: counting });
  const files = (await listFiles(folder)).slice(0, 10);
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const times = await Promise.all(files.map((f) => stat(f)));
  saves = 0;
  await Promise.all(
    files.map(async (f, i) => {
      await writeFile(f, `${texts[i]}\n# edited\n`);
      await burstCache.refresh();
    }),
  );
  const burstSaves = saves;
  await Promise.all(files.map((f, i) => writeFile(f, texts[i])));
  await burstCache.refresh();
  await burstCache.close();
  // The generator's fixed mtimes back, so the next run sees the same folder.
  await Promise.all(files.map((f, i) => utimes(f, times[i].atime, times[i].mtime)));

  return [
    ...refreshRows,
    timed({ figure: 'open(), full load', baselineName: 'read + md5 + smol-toml parse of every file', base: load.floor, ours: load.full, target: 2.0 }),
    timed({ figure: 'open(), full load, parsed on this thread (parseThreads: 0)', baselineName: 'read + md5 + smol-toml parse of every file', base: load.floor, ours: load.fullHere }),
    timed({ figure: 'open(), full load, 2 parse workers (parseThreads: 2)', baselineName: 'read + md5 + smol-toml parse of every file', base: load.floor, ours: load.fullOnTwo }),
    timed({ figure: 'open(), full load, 2 parse workers (parseThreads: 2)', baselineName: 'the same floor on 2 worker threads', base: load.floorOnTwo, ours: load.fullOnTwo }),
    timed({ figure: 'open() from a saved image, files unchanged', baselineName: 'read + md5 + smol-toml parse of every file', base: load.floor, ours: load.image, target: 0.2 }),
    timed({ figure: 'save after one file changed', baselineName: 'db.export() + durable write (write, fsync, rename, fsync folder)', base: median(floorSaves), ours: ourSaves.p50, target: 1 }),
    figureOf({ figure: 'saves for a burst of 10 refreshes with changes', baselineName: '—', ours: burstSaves, unit: 'saves', target: 2 }),
  ];
}
