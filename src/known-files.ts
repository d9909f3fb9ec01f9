import type { FileState } from './db/workflow-tables.js';
import type { LoadFailure } from './errors.js';
import type { WorkflowStore } from './store.js';

/** By store: a refresh finds what the one before it left, if nothing else wrote since. */
const held = new WeakMap<WorkflowStore, KnownFiles>();

/**
 * What the store knows of every file (its stamp and hash, its failure), held between refreshes:
 * read from the tables it is a row each (~30 ms for 10,000 files), about half what the listing it
 * is compared with costs. It is trusted only while the connection's change count is the one it
 * was left at: any write but the refresh's own (each followed here) has it read again.
 */
export class KnownFiles {
  readonly states: Map<string, FileState>;
  failed: Map<string, LoadFailure>;
  /** Folders (`a/`, `a/b/`) of the files known, and maybe of some gone since: files below a key are looked for only in these. */
  readonly #folders = new Set<string>();
  #changeCount: number;
  #failuresStale = false;

  private constructor(store: WorkflowStore) {
    this.states = store.fileStates();
    this.failed = failuresOf(store);
    for (const key of this.states.keys()) this.#addFolders(key);
    for (const key of this.failed.keys()) this.#addFolders(key);
    this.#changeCount = store.changeCount();
  }

  /** What `store` knows now: held from the last refresh when nothing wrote since, else read. */
  static of(store: WorkflowStore): KnownFiles {
    const kept = held.get(store);
    if (kept && kept.#changeCount === store.changeCount()) return kept;
    const known = new KnownFiles(store);
    held.set(store, known);
    return known;
  }

  /** Drops what is held (a refresh that failed half way): the next one reads the tables. */
  static forget(store: WorkflowStore): void {
    held.delete(store);
  }

  /** Whether file `key` is known, loaded or failed. */
  has(key: string): boolean {
    return this.states.has(key) || this.failed.has(key);
  }

  /** Every key known, loaded or failed, once each. */
  *keys(): Iterable<string> {
    yield* this.states.keys();
    for (const key of this.failed.keys()) if (!this.states.has(key)) yield key;
  }

  /** The keys known within a scope of a listing of changes: `key` itself and every key below `key/`. */
  within(scope: string): string[] {
    const found = this.has(scope) ? [scope] : [];
    const prefix = `${scope}/`;
    if (this.#folders.has(prefix)) for (const key of this.keys()) if (key.startsWith(prefix)) found.push(key);
    return found;
  }

  /** File `key` was written (loaded, touched) and is in `state` now; a load clears its failure. */
  wrote(key: string, state: FileState): void {
    this.states.set(key, state);
    this.#addFolders(key);
    this.failed.delete(key);
  }

  /** A failure was recorded. */
  failedNow(): void {
    this.#failuresStale = true;
  }

  /** File `key` was removed, with its failure. */
  removed(key: string): void {
    this.states.delete(key);
    this.failed.delete(key);
  }

  /** The refresh's writes are done: what is held counts as the tables' from here. */
  settle(store: WorkflowStore): void {
    if (this.#failuresStale) {
      this.failed = failuresOf(store);
      for (const key of this.failed.keys()) this.#addFolders(key);
      this.#failuresStale = false;
    }
    this.#changeCount = store.changeCount();
  }

  #addFolders(key: string): void {
    for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) this.#folders.add(key.slice(0, at + 1));
  }
}

function failuresOf(store: WorkflowStore): Map<string, LoadFailure> {
  return new Map(store.failures().map((f) => [f.file, f]));
}
