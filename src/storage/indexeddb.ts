import { get, set, update, type UseStore } from 'idb-keyval';
import type { StorageAdapter } from './storage.js';

/** Keeps the image in IndexedDB under one key (idb-keyval); one put is atomic. */
export class IndexedDBStorage implements StorageAdapter {
  readonly key: string;
  readonly location: string;
  readonly #store: UseStore | undefined;
  /** A value under our key that is not an image, kept so moving it aside loses nothing. */
  #foreign: unknown;

  /**
   * @param key the IndexedDB key the image lives under
   * @param store an idb-keyval store (`createStore(db, objectStore)`). Default is idb-keyval's own.
   */
  constructor(key: string, store?: UseStore) {
    if (typeof key !== 'string' || key === '') throw new TypeError('IndexedDBStorage needs a key');
    this.key = key;
    this.location = `IndexedDB key ${key}`;
    this.#store = store;
  }

  async load(): Promise<Uint8Array | undefined> {
    const value: unknown = await get(this.key, this.#store);
    if (value === undefined) return undefined;
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    // Something else was stored under our key: hand back bytes that fail the SQLite check, so
    // the value is moved aside (as it was) rather than overwritten.
    this.#foreign = value;
    return new Uint8Array(0);
  }

  async save(image: Uint8Array): Promise<void> {
    await set(this.key, image, this.#store);
  }

  /** Copies the unusable image to `<key>.unusable-<time>`, never over an earlier one. */
  async moveAside(image: Uint8Array): Promise<string> {
    const value = this.#foreign ?? image;
    const stamp = `${this.key}.unusable-${new Date().toISOString()}`;
    for (let n = 0; ; n++) {
      const aside = n === 0 ? stamp : `${stamp}-${n}`;
      // Looked up and written in one transaction: another tab cannot take the key in between.
      let taken = false;
      await update(
        aside,
        (earlier: unknown) => {
          taken = earlier !== undefined;
          return taken ? earlier : value;
        },
        this.#store,
      );
      if (taken) continue;
      this.#foreign = undefined;
      return `IndexedDB key ${aside}`;
    }
  }
}
