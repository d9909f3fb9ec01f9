// What every entry point exports; the entry points add the runtime's own pieces.
export type { OpenOptions, SavedOptions } from './open-options.js';
export {
  CacheClosedError,
  DatabaseContentError,
  DatabaseLockedError,
  describeFailure,
  EngineLoadError,
  QueryError,
  QueryMemoryError,
  QueryResultSizeError,
  QueryRowLimitError,
  QueryTimeoutError,
  RefreshError,
  SchemaVersionError,
  SourceChangedError,
  StorageError,
  UnusableDatabaseWarning,
  WorkflowCacheError,
  WorkflowLoadError,
  WorkflowPathError,
} from './errors.js';
export type { LoadFailure } from './errors.js';
export { emptyPhase, isEmpty, job, topic } from './phase.js';
export type { Phase, PhaseRecord, Task } from './phase.js';
export type { Problem, ProblemCode } from './problem.js';
export { cronError } from './cron.js';
export type { HistoryRetention, VersionPhase, WorkflowVersion } from './history.js';
export type { CacheStats, DatabaseCounts, Operation, OperationStats } from './stats.js';
export { SCHEMA_VERSION } from './db/schema.js';
export { MemorySource } from './sources/memory.js';
export { FileTooLargeError } from './sources/source.js';
export type { ReadLimits, SourceEntry, WorkflowSource } from './sources/source.js';
export { SqlJsLoadError } from './db/sql-js.js';
export type { SqlJsConfig } from './db/sql-js.js';
export type { WasmConfig } from './db/engine.js';
export type { WorkflowFile } from './db/workflow-tables.js';
export type { QueryLimits } from './db/query-thread.js';
export { MemoryStorage } from './storage/memory.js';
export type { StorageAdapter } from './storage/storage.js';
export { IndexedDBStorage } from './storage/indexeddb.js';
