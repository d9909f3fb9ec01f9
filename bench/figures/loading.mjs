// open(), refresh() and saving, against what the file system and sql.js do alone.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

async function atomicWrite(path, bytes) {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  await handle.writeFile(bytes);
  await handle.sync();
  await handle.close();
  await rename(temporary, path);
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
    full: { fn: async () => (await WorkflowCache.open({ workflows: folder })).close() },
    image: { fn: async () => (await WorkflowCache.open({ workflows: folder, storage: imagePath })).close() },
  });

  const refreshRows = await refreshFigures(lib, { folder, storage: imagePath, budgets });

  // Saving: close() after a refresh that only re-stamped a file (so nothing was saved yet).
  const SQL = await initSqlJs();
  const plain = new SQL.Database(readFileSync(imagePath));
  const someFile = (await listFiles(folder))[0];
  const original = await stat(someFile);
  let flip = 0;
  let pending;
  const save = await medians(budget, {
    exportWrite: { fn: async () => atomicWrite(join(scratch, 'plain.db'), plain.export()) },
    close: {
      beforeEach: async () => {
        pending = await WorkflowCache.open({ workflows: folder, storage: imagePath });
        const when = new Date(original.mtimeMs - 60_000 * (1 + (flip++ % 2)));
        await utimes(someFile, when, when);
        await pending.refresh();
      },
      fn: async () => pending.close(),
    },
  });
  plain.close();
  await utimes(someFile, original.atime, original.mtime);

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
    timed({ figure: 'open() from a saved image, files unchanged', baselineName: 'read + md5 + smol-toml parse of every file', base: load.floor, ours: load.image, target: 0.25 }),
    timed({ figure: 'save of the image (close() after a change)', baselineName: 'db.export() + atomic write', base: save.exportWrite, ours: save.close, target: 1.2 }),
    figureOf({ figure: 'saves for a burst of 10 refreshes with changes', baselineName: '—', ours: burstSaves, unit: 'saves', target: 2 }),
  ];
}
