// What every entry point exports; the entry points add the runtime's own pieces.
export type { OpenOptions, SavedOptions } from './cache.js';
export {
  CacheClosedError,
  DatabaseContentError,
  DatabaseLockedError,
  describeFailure,
  QueryError,
  QueryMemoryError,
  QueryResultSizeError,
  QueryRowLimitError,
  QueryTimeoutError,
  RefreshError,
  SchemaVersionError,
  SourceChangedError,
  SqlJsLoadError,
  StorageError,
  UnusableDatabaseWarning,
  WorkflowCacheError,
  WorkflowLoadError,
  WorkflowPathError,
} from './errors.js';
export type { LoadFailure } from './errors.js';
export { emptyPhase, isEmpty, job, topic } from './phase.js';
export type { Phase, PhaseRecord, Task } from './phase.js';
export { cronError } from './cron.js';
export type { HistoryRetention, VersionPhase, WorkflowVersion } from './history.js';
export type { CacheStats, DatabaseCounts, Operation, OperationStats } from './stats.js';
export { SCHEMA_VERSION } from './schema.js';
export { MemorySource } from './sources/memory.js';
export { FileTooLargeError } from './sources/source.js';
export type { ReadLimits, SourceEntry, WorkflowSource } from './sources/source.js';
export type { SqlJsConfig } from './sqljs.js';
export type { WorkflowFile } from './store.js';
export type { QueryLimits } from './query-thread.js';
export { MemoryStorage } from './storage/memory.js';
export type { StorageAdapter } from './storage/storage.js';
export { IndexedDBStorage } from './storage/indexeddb.js';
