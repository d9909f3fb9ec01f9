import type { DatabaseLockedError } from '../errors.js';

/**
 * Where the database image is kept between runs. `load` and `save` are all a store must do;
 * the rest are capabilities the cache uses when present.
 */
export interface StorageAdapter {
  /** The last saved image, or `undefined` when nothing was saved yet. */
  load(): Promise<Uint8Array | undefined>;
  /** Replaces the saved image; a crash part-way must leave the old image or the new one. */
  save(image: Uint8Array): Promise<void>;
  /**
   * Keeps an unusable image somewhere else, never deleting it, so that a fresh one can be saved;
   * resolves with where it went. Without it, the unusable image is overwritten by the next save.
   */
  moveAside?(image: Uint8Array): Promise<string>;
  /**
   * Claims the storage for this cache before it loads, so that two caches cannot overwrite each
   * other's saves; rejects (with {@link DatabaseLockedError}) when another holds it, or when
   * nothing could be saved there. Either way `open` rejects: a writer that cannot write is no cache.
   */
  acquire?(): Promise<void>;
  /** Gives up the claim taken by `acquire`; called once, when the cache closes. */
  release?(): Promise<void>;
  /** What the storage is, for messages: a path, an IndexedDB key. */
  readonly location?: string;
}
