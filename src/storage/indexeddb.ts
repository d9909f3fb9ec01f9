import { get, set, update, type UseStore } from 'idb-keyval';
import type { StorageAdapter } from './storage.js';

/**
 * An idb-keyval store (`createStore(db, objectStore)`), in words that need no DOM types:
 * idb-keyval's own `UseStore` names IndexedDB's, which a Node project compiling against this
 * package does not have.
 */
export type KeyvalStore = <T>(txMode: 'readonly' | 'readwrite' | 'versionchange', callback: (store: unknown) => T | PromiseLike<T>) => Promise<T>;

/** Keeps the image in IndexedDB under one key (idb-keyval); one put is atomic. */
export class IndexedDBStorage implements StorageAdapter {
  readonly key: string;
  readonly location: string;
  readonly #store: UseStore | undefined;
  /** A value under our key that is not an image, kept so moving it aside loses nothing. */
  #foreign: unknown;

  /**
   * @param key the key the image lives under, in idb-keyval's default store (database
   * `keyval-store`, object store `keyval`, shared with other code of the page that uses
   * idb-keyval's defaults) unless `store` is given
   * @param store an idb-keyval store (`createStore(db, objectStore)`), to keep the image apart. Default is idb-keyval's own.
   */
  constructor(key: string, store?: KeyvalStore) {
    if (typeof key !== 'string' || key === '') throw new TypeError('IndexedDBStorage needs a key');
    this.key = key;
    this.location = `IndexedDB key ${key}`;
    // The same function: idb-keyval hands it an IDBObjectStore.
    this.#store = store as UseStore | undefined;
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
