import type { QueryThread } from './db/query-thread.js';
import type { ParseThreads } from './parse-thread.js';
import type { WasmConfig } from './db/engine.js';
import type { FileFilterOptions } from './sources/file-filter.js';
import type { WorkflowSource } from './sources/source.js';
import type { StorageAdapter } from './storage/storage.js';

/** What differs between Node and browsers; each entry point supplies one, the core imports none. */
export interface Platform {
  /** md5 of a file's bytes, lower-case hex, as Go's file checksum. */
  md5(bytes: Uint8Array): string;
  /** The source for a workflows path given as a string, leaving out what `filter` says. */
  openSource(path: string, filter?: FileFilterOptions): Promise<WorkflowSource>;
  /** The storage for a database path given as a string. */
  openStorage(path: string): StorageAdapter | Promise<StorageAdapter>;
  /** Where the SQLite wasm is found when the caller does not say. */
  wasm?: WasmConfig;
  /**
   * What starts a worker for one `queryIsolated()` call, loading the wasm from where `wasm` says:
   * imported on the first call, since most caches never make one.
   */
  queryThreads(): Promise<(wasm: WasmConfig) => QueryThread>;
  /** Workers that parse the files of a first load, where the runtime has them. */
  parseThreads?: ParseThreads;
}
