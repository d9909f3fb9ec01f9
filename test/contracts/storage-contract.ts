// What every StorageAdapter promises the cache, as one suite each adapter's runner calls with a
// way to make it (unstorage's testDriver, for database images). Runs in Node and in Chromium.
// An adapter's own behaviour (temporary files, conditional PUTs, values not ours) is tested in
// its own files.
import { describe, expect, it, vi } from 'vitest';
import { DatabaseLockedError, type StorageAdapter } from '../../src/index.core.js';
import { bytesDiffer, pattern } from './bytes.js';

/** A storage under test, over a place of its own. */
export interface StorageUnderTest {
  storage: StorageAdapter;
  /** What `storage.location` must say: the path, the key, the object. */
  location: string;
  /**
   * A second adapter on the same place, as another process or a reloaded page would make it;
   * absent where the adapter is the place (memory).
   */
  reopen?(): StorageAdapter;
  /** The bytes kept where `moveAside` said it put them; given when the adapter can move aside. */
  readAside?(where: string): Promise<Uint8Array | undefined>;
}

export interface StorageContract {
  /** A storage over a new, empty place: a file path in a new folder, a new key, a new bucket. */
  make(): Promise<StorageUnderTest>;
  /** Whether a second adapter can be made on the same place (`reopen`). */
  shared: boolean;
  /** Whether the adapter has `moveAside` (and the runner `readAside`). */
  movesAside: boolean;
  /** Whether the adapter has `acquire` and `release`. */
  claims: boolean;
}

/** 50 MB: the benchmark's database of 10,000 files, and past any one-buffer shortcut. */
const LARGE = 50 * 1024 * 1024;

export function testStorage({ make, shared, movesAside, claims }: StorageContract): void {
  describe('StorageAdapter contract: loading and saving', () => {
    it('has the capabilities its runner declares', async () => {
      const made = await make();
      const has = (method: keyof StorageAdapter) => typeof made.storage[method] === 'function';
      const found = { shared: made.reopen !== undefined, movesAside: has('moveAside') && made.readAside !== undefined, claims: has('acquire') && has('release') };
      expect(found).toEqual({ shared, movesAside, claims });
    });

    it('loads undefined where nothing was saved', async () => {
      const { storage } = await make();
      expect(await storage.load()).toBeUndefined();
    });

    it('names its place (location)', async () => {
      const { storage, location } = await make();
      expect(storage.location).toBe(location);
    });

    it('loads back exactly the bytes it saved', async () => {
      const { storage } = await make();
      const image = pattern(5000);
      await storage.save(image);
      expect(bytesDiffer(await storage.load(), image)).toBeUndefined();
    });

    it('loads back an empty image as zero bytes, not as nothing saved', async () => {
      const { storage } = await make();
      await storage.save(new Uint8Array(0));
      expect(bytesDiffer(await storage.load(), new Uint8Array(0))).toBeUndefined();
    });

    it('loads back a 50 MB image exactly', async () => {
      const { storage } = await make();
      const image = pattern(LARGE);
      await storage.save(image);
      expect(bytesDiffer(await storage.load(), image)).toBeUndefined();
    }, 120_000);

    it('replaces the image whole at the next save: a shorter one leaves nothing of the longer', async () => {
      const { storage } = await make();
      await storage.save(pattern(1000, 1));
      await storage.save(pattern(2, 2));
      expect(bytesDiffer(await storage.load(), pattern(2, 2))).toBeUndefined();
    });

    it('keeps what was saved when the caller changes its array afterwards', async () => {
      const { storage } = await make();
      const image = pattern(16);
      await storage.save(image);
      image.fill(0);
      expect(bytesDiffer(await storage.load(), pattern(16))).toBeUndefined();
    });

    it('keeps what was saved when the caller changes a loaded image', async () => {
      const { storage } = await make();
      await storage.save(pattern(16));
      (await storage.load())!.fill(0);
      expect(bytesDiffer(await storage.load(), pattern(16))).toBeUndefined();
    });

    it('keeps the images of two places apart', async () => {
      const [a, b] = [await make(), await make()];
      await a.storage.save(pattern(8, 1));
      await b.storage.save(pattern(8, 2));
      expect([bytesDiffer(await a.storage.load(), pattern(8, 1)), bytesDiffer(await b.storage.load(), pattern(8, 2))]).toEqual([undefined, undefined]);
    });

    if (shared) {
      it('loads in a second adapter on the same place what the first saved', async () => {
        const made = await make();
        await made.storage.save(pattern(64));
        expect(bytesDiffer(await made.reopen!().load(), pattern(64))).toBeUndefined();
      });
    }
  });

  if (movesAside) {
    describe('StorageAdapter contract: moving an unusable image aside', () => {
      /** A place holding `image`, as the cache finds it before deciding it is unusable. */
      async function holding(image: Uint8Array) {
        const made = await make();
        await made.storage.save(image);
        return { ...made, loaded: (await made.storage.load())!, moveAside: made.storage.moveAside!.bind(made.storage), readAside: made.readAside! };
      }

      it('keeps the image elsewhere, byte for byte, and says where', async () => {
        const { loaded, moveAside, readAside, location } = await holding(pattern(300));
        const where = await moveAside(loaded);
        expect(where).not.toBe(location);
        expect(bytesDiffer(await readAside(where), pattern(300))).toBeUndefined();
      });

      it('keeps every image moved aside, also two within one millisecond', async () => {
        const { storage, loaded, moveAside, readAside } = await holding(pattern(10, 1));
        vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
        try {
          const first = await moveAside(loaded);
          await storage.save(pattern(10, 2));
          const second = await moveAside((await storage.load())!);
          expect([first === second, bytesDiffer(await readAside(first), pattern(10, 1)), bytesDiffer(await readAside(second), pattern(10, 2))]).toEqual([false, undefined, undefined]);
        } finally {
          vi.useRealTimers();
        }
      });

      it('leaves its place to the next save, the image aside untouched', async () => {
        const { storage, loaded, moveAside, readAside } = await holding(pattern(10, 1));
        const where = await moveAside(loaded);
        await storage.save(pattern(10, 2));
        expect([bytesDiffer(await storage.load(), pattern(10, 2)), bytesDiffer(await readAside(where), pattern(10, 1))]).toEqual([undefined, undefined]);
      });
    });
  }

  if (claims) {
    describe('StorageAdapter contract: claiming the place', () => {
      it('refuses a second claim of the place with DatabaseLockedError while the first holds it', async () => {
        const made = await make();
        await made.storage.acquire!();
        try {
          await expect(made.reopen!().acquire!()).rejects.toBeInstanceOf(DatabaseLockedError);
        } finally {
          await made.storage.release!();
        }
      });

      it('lets the next claim in once the holder released it', async () => {
        const made = await make();
        await made.storage.acquire!();
        await made.storage.release!();
        const next = made.reopen!();
        await expect(next.acquire!()).resolves.toBeUndefined();
        await next.release!();
      });
    });
  }
}
