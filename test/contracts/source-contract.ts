// What every WorkflowSource promises the cache, as one suite each source's runner calls with a
// way to make it (unstorage's testDriver, for workflow sources). A source's own behaviour (Go's
// path rules, gunzipping, S3 retries) is tested in its own files.
import { describe, expect, it } from 'vitest';
import { FileTooLargeError, type SourceEntry, type WorkflowSource } from '../../src/index.core.js';
import { bytesDiffer, pause, samples, text } from './bytes.js';

/** A source under test, over a place of its own, and the hands that change that place. */
export interface SourceUnderTest {
  source: WorkflowSource;
  /** What `source.location` must say: the folder's path, `s3://bucket/prefix/`. */
  location: string;
  /** Adds or replaces a file as another program would (a write to disk, a PUT); folders as needed. */
  write(key: string, bytes: Uint8Array): Promise<void>;
  /** Deletes a file as another program would. */
  remove(key: string): Promise<void>;
  /** Makes an empty folder as the place knows one (a directory, a zero-byte `key/` marker); given when the contract says `emptyFolders`. */
  emptyFolder?(key: string): Promise<void>;
}

/** A stamp a source lists beside each file, so that the cache can skip reading what did not change. */
export type Stamp = 'size' | 'mtimeMs' | 'version';

export interface SourceContract {
  /** A source over a new, empty place: a folder, a bucket prefix. */
  make(): Promise<SourceUnderTest>;
  /** The stamps it lists for every file. */
  stamps: readonly Stamp[];
  /** Whether `read(key, { maxBytes })` refuses longer content itself (it may: the cache refuses it all the same). */
  enforcesReadLimit: boolean;
  /** Whether the place can hold an empty folder; folders in memory exist only through their files. */
  emptyFolders: boolean;
}

/** Files below folders, with names that need escaping in a URL or a shell. */
const tree: Record<string, string> = {
  'a.toml': '[[phase]]\ntask = "a"\n',
  'group/b.toml': '[[phase]]\ntask = "b"\n',
  'group/deep/c.toml': '[[phase]]\ntask = "c"\n',
  'names/a b+c&d=e.toml': 'spaces and signs',
  'names/%41 is not A.toml': 'a valid escape, kept as written',
  'names/what?#hash.toml': 'a query and a fragment, as Go sees a path',
  'names/ünïcödé 日本.toml': 'not ASCII',
};

const sorted = (entries: SourceEntry[]) => entries.map((e) => e.key).sort();

/** The stamps of one listed file, by name. */
async function stampsOf(source: WorkflowSource, key: string): Promise<Partial<Record<Stamp, unknown>>> {
  const entry = (await source.list()).find((e) => e.key === key);
  if (!entry) throw new Error(`${key} is not listed`);
  return { size: entry.size, mtimeMs: entry.mtimeMs, version: entry.version };
}

/**
 * File systems stamp times at a clock tick (a jiffy: up to 10 ms on Linux), not at the instant
 * of the write; the cache's racy window covers a change within one tick. Wait one out.
 */
const TICK_MS = 25;

export function testSource({ make, stamps, enforcesReadLimit, emptyFolders }: SourceContract): void {
  async function withFiles(files: Record<string, string | Uint8Array>): Promise<SourceUnderTest> {
    const made = await make();
    for (const [key, content] of Object.entries(files)) await made.write(key, typeof content === 'string' ? text(content) : content);
    return made;
  }

  describe('WorkflowSource contract: listing', () => {
    it('lists nothing in an empty place', async () => {
      const { source } = await make();
      expect(await source.list()).toEqual([]);
    });

    it('lists every file once, by its path below the place with / between folders, in any order', async () => {
      const { source } = await withFiles(tree);
      expect(sorted(await source.list())).toEqual(Object.keys(tree).sort());
    });

    it('lists files only: no entry for a folder, and none fails', async () => {
      const { source } = await withFiles(tree);
      const entries = await source.list();
      expect(entries.filter((e) => e.key.endsWith('/') || e.failure !== undefined)).toEqual([]);
    });

    it('stops listing a removed file', async () => {
      const made = await withFiles({ 'kept.toml': 'k', 'gone/removed.toml': 'r' });
      await made.remove('gone/removed.toml');
      expect(sorted(await made.source.list())).toEqual(['kept.toml']);
    });

    it('lists a file written after an earlier listing', async () => {
      const made = await withFiles({ 'first.toml': '1' });
      await made.source.list();
      await made.write('later/second.toml', text('2'));
      expect(sorted(await made.source.list())).toEqual(['first.toml', 'later/second.toml']);
    });

    it('is a folder of files (isDir) and names its place (location)', async () => {
      const { source, location } = await make();
      expect([source.isDir, source.location]).toEqual([true, location]);
    });
  });

  describe('WorkflowSource contract: reading', () => {
    for (const [name, bytes] of samples) {
      it(`reads ${name} back byte for byte`, async () => {
        const { source } = await withFiles({ 'sample.toml': bytes });
        expect(bytesDiffer(await source.read('sample.toml'), bytes)).toBeUndefined();
      });
    }

    it('reads every listed key, whatever its characters, as the file written under it', async () => {
      const { source } = await withFiles(tree);
      const read: Record<string, string> = {};
      for (const { key } of await source.list()) read[key] = new TextDecoder().decode(await source.read(key));
      expect(read).toEqual(tree);
    });

    it('reads the new content of a file written over', async () => {
      const made = await withFiles({ 'a.toml': 'old content' });
      await made.source.read('a.toml');
      await made.write('a.toml', text('new'));
      expect(new TextDecoder().decode(await made.source.read('a.toml'))).toBe('new');
    });

    it('rejects a read of a key it does not hold', async () => {
      const { source } = await withFiles({ 'a.toml': 'a' });
      await expect(source.read('missing.toml')).rejects.toThrow();
    });

    it('rejects a read of a file removed since it was listed', async () => {
      const made = await withFiles({ 'a.toml': 'a' });
      await made.source.list();
      await made.remove('a.toml');
      await expect(made.source.read('a.toml')).rejects.toThrow();
    });

    it('under a read limit, returns the whole content or refuses it, never a part', async () => {
      const { source } = await withFiles({ 'big.toml': '0123456789' });
      const outcome = await source.read('big.toml', { maxBytes: 4 }).then(
        (bytes) => new TextDecoder().decode(bytes),
        (error: unknown) => error,
      );
      expect(outcome === '0123456789' || outcome instanceof FileTooLargeError).toBe(true);
    });

    if (enforcesReadLimit) {
      it('refuses content past the read limit with FileTooLargeError naming the limit', async () => {
        const { source } = await withFiles({ 'big.toml': '0123456789' });
        const error = await source.read('big.toml', { maxBytes: 9 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FileTooLargeError);
        expect((error as FileTooLargeError).limit).toBe(9);
      });

      it('reads content of exactly the read limit whole', async () => {
        const { source } = await withFiles({ 'big.toml': '0123456789' });
        expect(new TextDecoder().decode(await source.read('big.toml', { maxBytes: 10 }))).toBe('0123456789');
      });
    }
  });

  if (stamps.length > 0) {
    describe('WorkflowSource contract: stamps', () => {
      for (const stamp of stamps) {
        it(`lists ${stamp} for every file`, async () => {
          const { source } = await withFiles(tree);
          const missing = (await source.list()).filter((e) => e[stamp] === undefined).map((e) => e.key);
          expect(missing).toEqual([]);
        });
      }

      if (stamps.includes('size')) {
        it('lists as size the number of bytes a read returns', async () => {
          const { source } = await withFiles({ 'a.toml': 'twelve bytes', 'empty.toml': '' });
          const sizes = Object.fromEntries((await source.list()).map((e) => [e.key, e.size]));
          expect(sizes).toEqual({ 'a.toml': 12, 'empty.toml': 0 });
        });
      }

      if (stamps.includes('mtimeMs')) {
        it('lists as mtimeMs the time of the last write, by the clock of this machine', async () => {
          const before = Date.now();
          const { source } = await withFiles({ 'a.toml': 'a' });
          const { mtimeMs } = await stampsOf(source, 'a.toml');
          // The file system's clock ticks coarsely: a write may be stamped up to a tick earlier.
          expect(mtimeMs).toBeGreaterThanOrEqual(before - 1_000);
          expect(mtimeMs).toBeLessThanOrEqual(Date.now() + 1_000);
        });
      }

      it('lists the same stamps while the content stays the same', async () => {
        const { source } = await withFiles({ 'a.toml': 'a' });
        const first = await stampsOf(source, 'a.toml');
        await pause(TICK_MS);
        await source.read('a.toml');
        expect(await stampsOf(source, 'a.toml')).toEqual(first);
      });

      it('lists other stamps once the content changed, even to as many bytes', async () => {
        const made = await withFiles({ 'a.toml': 'before' });
        const first = await stampsOf(made.source, 'a.toml');
        await pause(TICK_MS);
        await made.write('a.toml', text('after!'));
        const second = await stampsOf(made.source, 'a.toml');
        // A version alone decides for the cache when there is one; else size and mtime together.
        if (stamps.includes('version')) expect(second.version).not.toEqual(first.version);
        else expect(second).not.toEqual(first);
      });
    });
  }

  if (emptyFolders) {
    describe('WorkflowSource contract: folders', () => {
      it('lists nothing for an empty folder, nor for the marker of one', async () => {
        const made = await withFiles({ 'a.toml': 'a' });
        if (!made.emptyFolder) throw new Error('the place cannot make an empty folder');
        await made.emptyFolder('empty');
        await made.emptyFolder('group/also-empty');
        expect(sorted(await made.source.list())).toEqual(['a.toml']);
      });
    });
  }
}
