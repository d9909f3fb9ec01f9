import type { WasmConfig } from './db/engine.js';
import type { WorkflowCacheError } from './errors.js';
import type { HistoryRetention } from './history.js';
import type { WorkflowSource } from './sources/source.js';
import type { StorageAdapter } from './storage/storage.js';

/** How to open a cache. */
export interface OpenOptions {
  /** The workflow files: in Node a file or folder path; anywhere a {@link WorkflowSource}. */
  workflows: string | WorkflowSource;
  /** Where the database is kept: in Node a file path; anywhere a {@link StorageAdapter}. Default: memory only. */
  storage?: string | StorageAdapter;
  /**
   * Where the SQLite wasm is found. Default: found by itself in Node; next to the bundle in
   * browsers. SQLite starts once per page or process, so the first `open()` decides.
   */
  sqlJs?: WasmConfig;
  /** Told of problems that do not stop the cache (an unusable database moved aside, files that failed at open). Default: `console.warn`. */
  onWarning?: (warning: WorkflowCacheError) => void;
  /**
   * The size limit of one workflow file, in bytes (for a `.gz` file, of its content too): a larger
   * file fails to load as too large, without being read. Default: 32 MiB.
   */
  maxFileSize?: number;
  /** How many earlier versions of each file {@link WorkflowCache.history} keeps. Default: the last 100 per file, none replaced over 365 days ago. */
  history?: HistoryRetention;
  /**
   * Globs of files and folders below a workflows path not to read (`['*.md', '.git']`), beside
   * the folder's own `.workflowcacheignore`. Default: none; every file is a workflow, as in Go.
   * For a path only: a {@link WorkflowSource} given whole takes its own (`FsSource.open(path, { ignore })`).
   */
  ignore?: readonly string[];
  /**
   * Worker threads that hash, decode and check the files of a first load of many files (a few
   * hundred or more) while this thread writes them: `worker_threads` in Node. Default: one fewer
   * than the cores, at least 1; `0` parses on this thread. Elsewhere (browsers) loads parse on
   * this thread. A worker that fails is replaced by this thread: the load is the same either way.
   */
  parseThreads?: number;
  /** Globs of the files below a workflows path to read, all others left out (`['*.toml']`). Default: every file. For a path only. */
  include?: readonly string[];
  /**
   * Bytes of phases that lookups hold in memory, counted high (two bytes a character, 128 a
   * phase): each file asked about is read whole once and then answered from memory until it
   * changes, least recently used files let go past this. `0` holds none: every lookup asks
   * SQLite. Default: 96 MiB, which holds 100,000 phases of 250 characters (about half that in
   * the heap).
   */
  lookupMemory?: number;
}

/** How to open a saved database without its workflow files. */
export interface SavedOptions {
  /** Where the database was saved: in Node a file path; anywhere a {@link StorageAdapter}. */
  storage: string | StorageAdapter;
  /** As in {@link OpenOptions}. */
  sqlJs?: WasmConfig;
  /** As in {@link OpenOptions}. */
  lookupMemory?: number;
}

const optionNames = new Set(['workflows', 'storage', 'sqlJs', 'onWarning', 'maxFileSize', 'history', 'ignore', 'include', 'parseThreads', 'lookupMemory']);
const savedOptionNames = new Set(['storage', 'sqlJs', 'lookupMemory']);

/**
 * Checks the options of `WorkflowCache.open()`.
 * @throws {TypeError} for an unknown option, workflows that are neither a path nor a source, or
 * `ignore`/`include` given with a source
 * @throws {RangeError} for a `maxFileSize` that is not a positive whole number, a `parseThreads` that is not a whole number, a `lookupMemory` that is not a whole number from 0
 */
export function checkOpenOptions(options: OpenOptions): void {
  checkNames(options, optionNames, 'WorkflowCache.open()');
  const w = options.workflows;
  if (typeof w !== 'string' && (typeof w !== 'object' || w === null || typeof w.list !== 'function')) {
    throw new TypeError('the "workflows" option must be a path or a WorkflowSource');
  }
  if (typeof w !== 'string' && (options.ignore !== undefined || options.include !== undefined)) {
    throw new TypeError('the "ignore" and "include" options apply to a workflows path; give them to the source instead, as FsSource.open(path, { ignore })');
  }
  const max = options.maxFileSize;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new RangeError(`the "maxFileSize" option must be a positive whole number of bytes, got ${String(max)}`);
  }
  const threads = options.parseThreads;
  if (threads !== undefined && !(Number.isSafeInteger(threads) && threads >= 0)) {
    throw new RangeError(`the "parseThreads" option must be a whole number of workers (0 for none), got ${String(threads)}`);
  }
  checkLookupMemory(options.lookupMemory);
}

/**
 * Checks the options of `WorkflowCache.openSaved()`.
 * @throws {TypeError} for an unknown option, or storage that is neither a path nor an adapter
 * @throws {RangeError} for a `lookupMemory` that is not a whole number from 0
 */
export function checkSavedOptions(options: SavedOptions): void {
  checkNames(options, savedOptionNames, 'WorkflowCache.openSaved()');
  if (typeof options.storage !== 'string' && typeof options.storage?.load !== 'function') {
    throw new TypeError('the "storage" option must be a path or a StorageAdapter');
  }
  checkLookupMemory(options.lookupMemory);
}

function checkLookupMemory(bytes: number | undefined): void {
  if (bytes !== undefined && !(Number.isSafeInteger(bytes) && bytes >= 0)) {
    throw new RangeError(`the "lookupMemory" option must be a whole number of bytes, 0 or more, got ${String(bytes)}`);
  }
}

function checkNames(options: object, names: ReadonlySet<string>, method: string): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${method} needs an options object`);
  for (const name of Object.keys(options)) {
    if (!names.has(name)) throw new TypeError(`unknown option "${name}"; expected one of ${[...names].join(', ')}`);
  }
}
