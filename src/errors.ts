/** The base class of every error this library throws on purpose. */
export class WorkflowCacheError extends Error {
  // Every class names itself in a literal, which minifying its class name leaves as it is. A
  // class that others extend types it `string`, so theirs can differ.
  override readonly name: string = 'WorkflowCacheError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Where a workflow file went wrong: its key, and for TOML syntax errors the line and column. */
export interface LoadFailure {
  file: string;
  reason: string;
  line?: number;
  column?: number;
}

/** A workflow file could not be loaded: unreadable, not TOML, or a value of the wrong type. */
export class WorkflowLoadError extends WorkflowCacheError implements LoadFailure {
  override readonly name = 'WorkflowLoadError';
  readonly file: string;
  readonly reason: string;
  readonly line?: number;
  readonly column?: number;

  constructor(failure: LoadFailure, options?: ErrorOptions) {
    super(describeFailure(failure), options);
    this.file = failure.file;
    this.reason = failure.reason;
    if (failure.line !== undefined) this.line = failure.line;
    if (failure.column !== undefined) this.column = failure.column;
  }
}

/** `file:line:column: reason`, the form editors and CI logs link from. */
export function describeFailure(f: LoadFailure): string {
  const at = f.line === undefined ? '' : `:${f.line}${f.column === undefined ? '' : `:${f.column}`}`;
  return `${f.file}${at}: ${f.reason}`;
}

/**
 * A refresh in which some files failed to load. The files that loaded are in `changed`, as
 * `refresh()` would have resolved them; the failing files keep their last good phases.
 */
export class RefreshError extends WorkflowCacheError {
  override readonly name = 'RefreshError';
  readonly failures: readonly WorkflowLoadError[];
  readonly changed: readonly string[];

  /** When saving the refresh's changes failed too: why (they are kept in memory). */
  readonly saveError?: StorageError;

  constructor(failures: readonly WorkflowLoadError[], changed: readonly string[], saveError?: StorageError) {
    const list = failures.map((f) => `  ${f.message}`).join('\n');
    const saving = saveError ? `\nand ${saveError.message}` : '';
    super(`${failures.length} workflow file${failures.length === 1 ? '' : 's'} failed to load:\n${list}${saving}`, saveError ? { cause: saveError } : undefined);
    this.failures = failures;
    this.changed = changed;
    if (saveError) this.saveError = saveError;
  }
}

/** The workflows path given to `open` does not exist or cannot be read. */
export class WorkflowPathError extends WorkflowCacheError {
  override readonly name = 'WorkflowPathError';
  readonly path: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`workflows path ${path}: ${reason}`, options);
    this.path = path;
  }
}

/** The cache was used after `close()`. */
export class CacheClosedError extends WorkflowCacheError {
  override readonly name = 'CacheClosedError';

  constructor(method: string) {
    super(`WorkflowCache.${method}() called after close(); open a new cache`);
  }
}

/** A workflow file's text was asked for, but the file changed since it was loaded: refresh first. */
export class SourceChangedError extends WorkflowCacheError {
  override readonly name = 'SourceChangedError';
  readonly file: string;

  constructor(file: string) {
    super(`${file} changed since it was loaded; refresh() to load it, then ask again`);
    this.file = file;
  }
}

/** `query()` was given SQL that would change the database, or SQL that SQLite rejects. */
export class QueryError extends WorkflowCacheError {
  override readonly name: string = 'QueryError';
}

/** `queryIsolated()` stopped a statement that ran past its time limit. */
export class QueryTimeoutError extends QueryError {
  override readonly name = 'QueryTimeoutError';
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(`the query ran past its time limit of ${timeoutMs} ms and was stopped; narrow it, or raise timeoutMs`);
    this.timeoutMs = timeoutMs;
  }
}

/** `queryIsolated()` stopped a statement that returned more rows than its limit. */
export class QueryRowLimitError extends QueryError {
  override readonly name = 'QueryRowLimitError';
  readonly maxRows: number;

  constructor(maxRows: number) {
    super(`the query returned more than ${maxRows} rows and was stopped; add a LIMIT, or raise maxRows`);
    this.maxRows = maxRows;
  }
}

/** `queryIsolated()` stopped a statement whose rows came to more bytes than its limit. */
export class QueryResultSizeError extends QueryError {
  override readonly name = 'QueryResultSizeError';
  readonly maxBytes: number;

  constructor(maxBytes: number) {
    super(`the query's result came to more than ${maxBytes} bytes and was stopped; select fewer or smaller values, or raise maxBytes`);
    this.maxBytes = maxBytes;
  }
}

/** `queryIsolated()` stopped a statement that needed more memory than its limit. */
export class QueryMemoryError extends QueryError {
  override readonly name = 'QueryMemoryError';
  readonly maxMemoryBytes: number;

  constructor(maxMemoryBytes: number, options?: ErrorOptions) {
    super(`the query needed more than ${maxMemoryBytes} bytes of memory and was stopped; simplify it, or raise maxMemoryBytes`, options);
    this.maxMemoryBytes = maxMemoryBytes;
  }
}

/** The database was written by a newer version of this library; it is left as it is. */
export class SchemaVersionError extends WorkflowCacheError {
  override readonly name = 'SchemaVersionError';
  readonly found: number;
  readonly supported: number;

  constructor(found: number, supported: number, where: string) {
    super(
      `${where} holds schema version ${found}, newer than the ${supported} this workflow-cache ` +
        'understands; upgrade workflow-cache, or point storage elsewhere (the file is left untouched)',
    );
    this.found = found;
    this.supported = supported;
  }
}

/** A saved database could not be used; it was kept aside (when the storage can) and rebuilt. */
export class UnusableDatabaseWarning extends WorkflowCacheError {
  override readonly name = 'UnusableDatabaseWarning';
  readonly location: string;
  readonly reason: string;
  /** Where the unusable image now is, when the storage could move it. */
  readonly movedTo?: string;

  constructor(location: string, reason: string, movedTo?: string) {
    super(
      `the database in ${location} is ${reason}; ` +
        (movedTo
          ? `it was moved to ${movedTo} and the cache was rebuilt from the workflow files`
          : 'the storage cannot move it aside, so it is left as it is and the cache, rebuilt from the workflow files, works in memory only'),
    );
    this.location = location;
    this.reason = reason;
    if (movedTo !== undefined) this.movedTo = movedTo;
  }
}

/**
 * The database holds a value the cache cannot read back (a file changed outside workflow-cache,
 * or damaged); the rest of the cache still answers.
 */
export class DatabaseContentError extends WorkflowCacheError {
  override readonly name = 'DatabaseContentError';
  /** The workflow file whose stored data could not be read. */
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
  }
}

/** The storage adapter failed to load or save the database image. */
export class StorageError extends WorkflowCacheError {
  override readonly name = 'StorageError';
}

/** Another cache, in this process or another, has the database open for writing. */
export class DatabaseLockedError extends WorkflowCacheError {
  override readonly name = 'DatabaseLockedError';
  readonly location: string;
  /** The process that holds the lock, as its lock file names it. */
  readonly pid?: number;
  readonly hostname?: string;

  /** @param advice what to do, when the lock says more than who holds it (how it is checked, when it goes stale) */
  constructor(location: string, lockFile: string, holder: { pid?: number; hostname?: string }, advice?: string) {
    const who = holder.pid === undefined ? 'another process' : `process ${holder.pid}${holder.hostname ? ` on ${holder.hostname}` : ''}`;
    super(
      `the database ${location} is open for writing by ${who}; ` +
        (advice ?? `close that cache first, or, if that process is gone (on another machine it cannot be checked), remove ${lockFile}`),
    );
    this.location = location;
    if (holder.pid !== undefined) this.pid = holder.pid;
    if (holder.hostname !== undefined) this.hostname = holder.hostname;
  }
}

/** The SQLite engine (compiled to WASM) could not be fetched or started. */
export class EngineLoadError extends WorkflowCacheError {
  override readonly name: string = 'EngineLoadError';
}
