// Saving and reopening: what a reopened cache loads and answers, saved images that cannot be
// used (moved aside, rebuilt, warned about) and images from a newer version (left alone).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import {
  MemorySource,
  MemoryStorage,
  RefreshError,
  StorageError,
  SCHEMA_VERSION,
  SchemaVersionError,
  UnusableDatabaseWarning,
  WorkflowCache,
} from '../src/index.node.js';
import { copyFixture, filesIn, toml, useCaches, useTempDirs } from './helpers.js';

const files = {
  'a.toml': toml({ task: 'a', rule: 'cron=0 0 * * *&job=daily', template: '?day={yyyy}-{mm}-{dd}' }, { task: 'b', dependsOn: 'a:daily' }),
  'sub/c.toml': toml({ task: 'c', rule: 'files=./in/*' }, { task: 'd', dependsOn: 'c', retry: 2 }),
};

/** What the cache answers, asked every way it can be. */
function answers(cache: WorkflowCache) {
  return {
    get: cache.get({ type: 'a', job: 'daily', meta: 'workflow=a.toml' }),
    wildcard: cache.get({ type: 'd', meta: 'workflow=*' }),
    children: cache.children({ type: 'a', job: 'daily', meta: 'workflow=a.toml' }),
    search: cache.search('c'),
    rows: cache.query('SELECT file_path, task, depends_on, rule, template, retry, status FROM workflow_phases ORDER BY file_path, task'),
    files: cache.query('SELECT file_path, file_hash FROM workflow_files ORDER BY file_path'),
  };
}

/** A SQLite image made by sql.js directly. */
async function sqliteImage(sql: string): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.exec(sql);
    return db.export();
  } finally {
    db.close();
  }
}

describe('reopening with the same storage', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  it('loads nothing anew when the files are unchanged (MemoryStorage)', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    await (await caches.open({ workflows: source, storage })).close();
    const reopened = await caches.open({ workflows: source, storage });
    expect(await reopened.refresh()).toEqual([]);
  });

  it('answers the same after reopening (MemoryStorage)', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    const first = await caches.open({ workflows: source, storage });
    const before = answers(first);
    await first.close();
    expect(answers(await caches.open({ workflows: source, storage }))).toEqual(before);
  });

  it('loads nothing anew from an unchanged folder (FileStorage on a real file)', async () => {
    const dir = await tempDir();
    const folder = await copyFixture('workflow', dir);
    const db = join(dir, 'cache.sqlite');
    await (await caches.open({ workflows: folder, storage: db })).close();
    const reopened = await caches.open({ workflows: folder, storage: db });
    expect(await reopened.refresh()).toEqual([]);
  });

  it('answers the same after reopening (FileStorage on a real file)', async () => {
    const dir = await tempDir();
    const folder = await copyFixture('workflow', dir);
    const db = join(dir, 'cache.sqlite');
    const first = await caches.open({ workflows: folder, storage: db });
    const before = {
      rows: first.query('SELECT * FROM workflow_phases ORDER BY file_path, task'),
      children: first.children({ type: 'worker', job: 'parent', meta: 'workflow=jobs.toml' }),
    };
    await first.close();
    const reopened = await caches.open({ workflows: folder, storage: db });
    expect({
      rows: reopened.query('SELECT * FROM workflow_phases ORDER BY file_path, task'),
      children: reopened.children({ type: 'worker', job: 'parent', meta: 'workflow=jobs.toml' }),
    }).toEqual(before);
  });

  it('loads a file that changed while the cache was closed', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    await (await caches.open({ workflows: source, storage })).close();
    source.set('a.toml', toml({ task: 'a', rule: 'cron=0 0 * * *&job=daily', template: 'changed' }));
    const reopened = await caches.open({ workflows: source, storage });
    expect(reopened.get({ type: 'a', meta: 'workflow=a.toml' }).template).toBe('changed');
  });

  it('forgets a file removed while the cache was closed', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    await (await caches.open({ workflows: source, storage })).close();
    source.delete('sub/c.toml');
    const reopened = await caches.open({ workflows: source, storage });
    expect(reopened.search('c')).toEqual({ path: '', phase: expect.objectContaining({ task: '' }) });
  });

  it('saves when a refresh changed something, before close', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    const cache = await caches.open({ workflows: source, storage });
    source.set('new.toml', toml({ task: 'n', rule: 'cron=0 0 * * *' }));
    await cache.refresh();
    const SQL = await initSqlJs();
    const saved = new SQL.Database(await storage.load());
    try {
      expect(saved.exec("SELECT file_path FROM workflow_files WHERE file_path = 'new.toml'")[0]?.values).toEqual([['new.toml']]);
    } finally {
      saved.close();
    }
  });

  it('keeps answering after a save', async () => {
    const storage = new MemoryStorage();
    const source = new MemorySource(files);
    const cache = await caches.open({ workflows: source, storage });
    source.set('new.toml', toml({ task: 'n', rule: 'cron=0 0 * * *' }));
    await cache.refresh();
    expect(cache.get({ type: 'n', meta: 'workflow=new.toml' }).rule).toBe('cron=0 0 * * *');
  });

  it('saves on close', async () => {
    const storage = new MemoryStorage();
    await (await caches.open({ workflows: new MemorySource(files), storage })).close();
    expect(await storage.load()).toBeInstanceOf(Uint8Array);
  });

  it('writes a database file at the storage path', async () => {
    const dir = await tempDir();
    await (await caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') })).close();
    expect(await filesIn(dir)).toEqual(['cache.sqlite']);
  });

  it('accepts an empty SQLite database as a new one, without a warning', async () => {
    const storage = new MemoryStorage(await sqliteImage('SELECT 1'));
    await caches.open({ workflows: new MemorySource(files), storage });
    expect([caches.warnings, storage.asideImages]).toEqual([[], []]);
  });
});

describe('a saved image that is not a usable database', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  const unusable: Array<[string, () => Promise<Uint8Array>]> = [
    ['random bytes', async () => new Uint8Array(randomBytes(4096))],
    ['an empty file', async () => new Uint8Array(0)],
    [
      'a truncated image',
      async () => {
        const cache = await WorkflowCache.open({ workflows: new MemorySource(files), onWarning: () => {} });
        const whole = cache.export();
        await cache.close();
        return whole.slice(0, Math.floor(whole.length / 2));
      },
    ],
    ['a SQLite database of another schema', () => sqliteImage("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")],
  ];

  describe.each(unusable)('%s', (_, make) => {
    it('is moved aside in memory, kept in asideImages', async () => {
      const bytes = await make();
      const storage = new MemoryStorage(bytes);
      await caches.open({ workflows: new MemorySource(files), storage });
      expect(storage.asideImages).toEqual([bytes]);
    });

    it('is moved aside on disk, still there beside the new database', async () => {
      const dir = await tempDir();
      const bytes = await make();
      await writeFile(join(dir, 'cache.sqlite'), bytes);
      const cache = await caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') });
      await cache.close();
      const aside = (await filesIn(dir)).filter((name) => name.startsWith('cache.sqlite.unusable-'));
      expect(new Uint8Array(await readFile(join(dir, aside[0])))).toEqual(bytes);
    });

    it('is rebuilt from the workflow files', async () => {
      const cache = await caches.open({ workflows: new MemorySource(files), storage: new MemoryStorage(await make()) });
      expect(cache.search('d').path).toBe('sub/c.toml');
    });

    it('is reported through onWarning as UnusableDatabaseWarning', async () => {
      await caches.open({ workflows: new MemorySource(files), storage: new MemoryStorage(await make()) });
      expect(caches.warnings).toEqual([expect.any(UnusableDatabaseWarning)]);
    });
  });

  it('is replaced on disk by the rebuilt database before close', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cache.sqlite'), randomBytes(512));
    await caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') });
    const header = new TextDecoder().decode((await readFile(join(dir, 'cache.sqlite'))).subarray(0, 15));
    expect(header).toBe('SQLite format 3');
  });

  it('names where the unusable file went in the warning', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cache.sqlite'), randomBytes(512));
    await caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') });
    expect((caches.warnings[0] as UnusableDatabaseWarning).movedTo).toContain(join(dir, 'cache.sqlite.unusable-'));
  });
});

describe('a database from a newer schema version', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  /** An image of ours, with user_version raised past what this library knows. */
  async function newerImage(): Promise<Uint8Array> {
    const cache = await WorkflowCache.open({ workflows: new MemorySource(files), onWarning: () => {} });
    const ours = cache.export();
    await cache.close();
    const SQL = await initSqlJs();
    const db = new SQL.Database(ours);
    try {
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
      expect(db.exec('PRAGMA application_id')[0].values[0][0]).toBe(0x57464321);
      return db.export();
    } finally {
      db.close();
    }
  }

  it('makes open reject with SchemaVersionError', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'cache.sqlite'), await newerImage());
    await expect(caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') })).rejects.toThrow(SchemaVersionError);
  });

  it('leaves the database file as it was', async () => {
    const dir = await tempDir();
    const bytes = await newerImage();
    await writeFile(join(dir, 'cache.sqlite'), bytes);
    await caches.open({ workflows: new MemorySource(files), storage: join(dir, 'cache.sqlite') }).catch(() => {});
    expect([await filesIn(dir), new Uint8Array(await readFile(join(dir, 'cache.sqlite')))]).toEqual([['cache.sqlite'], bytes]);
  });

  it('says which versions it found and supports', async () => {
    const storage = new MemoryStorage(await newerImage());
    await expect(caches.open({ workflows: new MemorySource(files), storage })).rejects.toMatchObject({
      found: SCHEMA_VERSION + 1,
      supported: SCHEMA_VERSION,
    });
  });
});

/** Storage that refuses the next `failures` saves, then saves in memory: a full disk that clears. */
class FlakyStorage {
  readonly location = 'flaky storage';
  image: Uint8Array | undefined;
  constructor(public failures: number) {}
  async load() {
    return this.image;
  }
  async save(image: Uint8Array) {
    if (this.failures-- > 0) throw new Error('disk full');
    this.image = image.slice();
  }
}

describe('a save that fails', () => {
  const caches = useCaches();

  it('leaves the refresh reporting its failed files, with the save error beside them', async () => {
    const source = new MemorySource(files);
    const storage = new FlakyStorage(0);
    const cache = await caches.open({ workflows: source, storage });
    storage.failures = 1;
    source.set('a.toml', toml({ task: 'a2', rule: 'cron=0 0 * * *' }));
    source.set('broken.toml', '[[phase]\n');
    const error = await cache.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshError);
    expect([(error as RefreshError).changed, (error as RefreshError).failures.map((f) => f.file)]).toEqual([['a.toml'], ['broken.toml']]);
    expect((error as RefreshError).saveError).toBeInstanceOf(StorageError);
  });

  it('is tried again by close(), which then saves the changes', async () => {
    const source = new MemorySource(files);
    const storage = new FlakyStorage(0);
    const cache = await WorkflowCache.open({ workflows: source, storage });
    storage.failures = 1;
    source.set('a.toml', toml({ task: 'a2', rule: 'cron=0 0 * * *' }));
    const refreshed = cache.refresh();
    const closed = cache.close();
    await expect(refreshed).rejects.toBeInstanceOf(StorageError);
    await closed;
    const reopened = await caches.open({ workflows: source, storage });
    expect(await reopened.refresh()).toEqual([]);
  });
});

describe('an unusable image in a storage that cannot move it aside', () => {
  const caches = useCaches();

  it('is left as it was: the cache works in memory and never saves over it', async () => {
    const garbage = new Uint8Array(randomBytes(4096));
    const storage = new FlakyStorage(0);
    storage.image = garbage.slice();
    const cache = await caches.open({ workflows: new MemorySource(files), storage });
    await cache.close();
    expect([storage.image, caches.warnings[0]?.message]).toEqual([garbage, expect.stringContaining('works in memory only')]);
  });
});

describe('a cache whose files did not change', () => {
  const caches = useCaches();

  it('does not save again at close after refreshes that found nothing new', async () => {
    const storage = new FlakyStorage(0);
    const source = new MemorySource(files);
    await (await WorkflowCache.open({ workflows: source, storage })).close();
    const saved = storage.image;
    const cache = await caches.open({ workflows: source, storage });
    await cache.refresh();
    await cache.refresh();
    storage.failures = Infinity; // any save now fails the close
    await cache.close();
    expect(storage.image).toBe(saved);
  });
});
