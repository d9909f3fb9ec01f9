// A process killed (SIGKILL) at random moments while saving leaves a database
// that opens and holds one saved version whole, never a torn one, and no temp files pile up.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { expect, test } from 'vitest';
import { MemorySource } from '../../src/index.node.js';
import { growingFiles, PART_PHASES } from './fixtures/growing-workflows.js';
import { leftovers, openCache, tempFolder, warnings } from './helpers.js';
import { saverPath } from './setup/saver-path.js';

const KILLS = 50;

interface Run {
  /** The last version the saver said was on disk. */
  acknowledged: number;
  stderr: string;
}

/**
 * Starts the saver from `version`, lets it save for a random moment after its first save (so
 * that every run saves, however loaded the machine), then kills it.
 */
function saveUntilKilled(database: string, version: number, moment: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [saverPath, database, String(version)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { acknowledged: version, stderr: '' };
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('saved ')) {
          if (run.acknowledged === version) setTimeout(() => child.kill('SIGKILL'), moment);
          run.acknowledged = Number(line.slice(6));
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(run);
      else reject(new Error(`saver exited by itself (code ${code}): ${run.stderr}`));
    });
  });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * Reads the database file as it lies on disk, with SQLite itself, and returns its version after
 * checking that it is whole: every file's hash and phase count are those of that one version.
 */
async function versionOnDisk(SQL: initSqlJs.SqlJsStatic, database: string): Promise<number> {
  if (!existsSync(database)) return 0;
  const db = new SQL.Database(await readFile(database));
  try {
    expect(db.exec('PRAGMA integrity_check')[0].values).toEqual([['ok']]);
    const counts = new Map(
      db.exec('SELECT file_path, count(*) FROM workflow_phases GROUP BY file_path')[0]?.values.map(([f, n]) => [String(f), Number(n)]) ?? [],
    );
    const version = counts.get('version.toml') ?? 0;
    const expected = growingFiles(version);
    const hashes = Object.fromEntries(db.exec('SELECT file_path, file_hash FROM workflow_files')[0]?.values ?? []);
    expect(hashes).toEqual(Object.fromEntries(Object.entries(expected).map(([key, text]) => [key, md5(text)])));
    for (const key of Object.keys(expected)) expect(counts.get(key) ?? 0).toBe(key === 'version.toml' ? version : PART_PHASES);
    return version;
  } finally {
    db.close();
  }
}

test(`a database killed mid-save ${KILLS} times opens each time with one saved version whole`, async () => {
  const folder = await tempFolder();
  const database = join(folder, 'workflows.db');
  const SQL = await initSqlJs();
  let version = 0;
  let killedMidWrite = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    // Spread over the first 150 ms of saving, when saves follow each other closely.
    const run = await saveUntilKilled(database, version, Math.random() * 150);
    expect(run.stderr).toBe('');
    if ((await readdir(folder)).some((name) => name.endsWith('.tmp'))) killedMidWrite++;
    expect(existsSync(`${database}.lock`), 'the killed saver held the lock').toBe(true);

    const found = await versionOnDisk(SQL, database);
    // Every acknowledged save survives; the one in flight may or may not have landed.
    expect(found).toBeGreaterThanOrEqual(run.acknowledged);
    expect(found).toBeLessThanOrEqual(run.acknowledged + 1);

    const { list, onWarning } = warnings();
    const cache = await openCache({ workflows: new MemorySource(growingFiles(found)), storage: database, onWarning });
    expect(list).toEqual([]);
    expect(await cache.refresh()).toEqual([]);
    expect(cache.phases('version.toml')).toHaveLength(found);
    await cache.close();
    expect(await leftovers(folder, 'workflows.db'), 'stale temp files and the dead lock are gone').toEqual([]);
    version = found;
  }
  console.log(`crash-save: ${KILLS} kills survived, ${killedMidWrite} left a temp file (killed mid-write), reached version ${version}`);
  expect(version).toBeGreaterThanOrEqual(KILLS);
});
