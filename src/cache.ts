import type { WasmConfig } from './db/engine.js';
import { loadEngine } from './db/load-engine.js';
import type { QueryLimits } from './db/query-thread.js';
import type { WorkflowFile } from './db/workflow-tables.js';
import { CacheClosedError, RefreshError, SourceChangedError, StorageError, WorkflowCacheError, type LoadFailure } from './errors.js';
import { historyRetention, type WorkflowVersion } from './history.js';
import { checkOpenOptions, checkSavedOptions, type OpenOptions, type SavedOptions } from './open-options.js';
import { openDatabase, openSavedDatabase, releaseStorage } from './open-database.js';
import { emptyPhase, type Phase, type PhaseRecord, type Task } from './phase.js';
import type { ParseThreads } from './parse-thread.js';
import type { Platform } from './platform.js';
import { recheckStore } from './recheck-store.js';
import { refreshStore } from './refresh-store.js';
import { SaveQueue } from './save-queue.js';
import { NoWorkflowFiles } from './sources/no-workflow-files.js';
import { DEFAULT_MAX_FILE_SIZE, type SourceEntry, type WorkflowSource } from './sources/source.js';
import { OperationTimer, type CacheStats } from './stats.js';
import type { StorageAdapter } from './storage/storage.js';
import { WorkflowStore } from './store.js';
import { answerKey, TaskReader } from './task-reader.js';

/**
 * Workflow phases kept in SQLite, answering the Go `workflow.Cache` questions: which phase is
 * this task, and which phases run after it.
 */
export class WorkflowCache {
  /**
   * Set by each entry point (Node, browser): the core imports neither runtime.
   * @internal
   */
  protected static platform: Platform | undefined;

  readonly #store: WorkflowStore;
  readonly #timer = new OperationTimer();
  readonly #source: WorkflowSource;
  readonly #storage: StorageAdapter | undefined;
  readonly #md5: (bytes: Uint8Array) => string;
  readonly #saves: SaveQueue;
  readonly #tasks = new TaskReader();
  #maxFileSize = DEFAULT_MAX_FILE_SIZE;
  /** Workers that parse the files of a first load, if the runtime has them. */
  #parseThreads: ParseThreads | undefined;
  #closed = false;
  /** Where the wasm was found, for the workers of queryIsolated(). */
  #wasm: WasmConfig = {};
  /** Set when close() starts: later refreshes are refused, lookups still answer until it ends. */
  #closing: Promise<void> | undefined;
  /** Refreshes run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** The workflow files as listed while the image loaded, for the refresh at open. */
  #listed: Promise<SourceEntry[]> | undefined;

  /** Opened by {@link WorkflowCache.open} or {@link WorkflowCache.openSaved}, never constructed. */
  protected constructor(...opened: never);
  /** @internal */
  protected constructor(store: WorkflowStore, source: WorkflowSource, storage: StorageAdapter | undefined, md5: (bytes: Uint8Array) => string);
  protected constructor(store: WorkflowStore, source: WorkflowSource, storage: StorageAdapter | undefined, md5: (bytes: Uint8Array) => string) {
    this.#store = store;
    this.#source = source;
    this.#storage = storage;
    this.#md5 = md5;
    this.#saves = new SaveQueue(storage, () => store.export(), this.#timer);
  }

  /**
   * Opens a cache: loads the saved database, if any, then every workflow file that changed.
   * Files that fail to load are reported through `onWarning` and {@link failures}; the cache
   * opens all the same, as Go's `workflow.New` returns its cache beside the error.
   * @throws {WorkflowPathError} when the workflows path does not exist or cannot be read
   * @throws {SchemaVersionError} when the database was written by a newer workflow-cache
   */
  static async open<C extends typeof WorkflowCache>(this: C, options: OpenOptions): Promise<C['prototype']> {
    const platform = this.platform;
    if (!platform) throw new TypeError('import WorkflowCache from "workflow-cache", not from its internal modules');
    checkOpenOptions(options);
    const retention = historyRetention(options.history);
    const warn = options.onWarning ?? ((w: WorkflowCacheError) => console.warn(`workflow-cache: ${w.message}`));
    const filter = { ...(options.ignore && { ignore: options.ignore }), ...(options.include && { include: options.include }) };
    const source = typeof options.workflows === 'string' ? await platform.openSource(options.workflows, filter) : options.workflows;
    const storage = typeof options.storage === 'string' ? await platform.openStorage(options.storage) : options.storage;
    const engine = await loadEngine(options.sqlJs ?? platform.wasm);
    const { db, storage: kept, rebuilt, alongside: listed } = await openDatabase(engine, storage, warn, () => source.list());
    // The refresh builds the indexes after the first bulk load, before it saves.
    const store = new WorkflowStore(db, retention, options.lookupMemory);
    const cache = new this(store, source, kept, platform.md5) as C['prototype'];
    cache.#wasm = options.sqlJs ?? platform.wasm ?? {};
    cache.#listed = listed;
    if (rebuilt) cache.#saves.changed();
    // Before the refresh: files it loads anew are checked by the current checks anyway.
    try {
      if (recheckStore(store)) cache.#saves.changed();
    } catch (error) {
      store.close();
      await releaseStorage(kept);
      throw error;
    }
    cache.#maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (platform.parseThreads) cache.#parseThreads = { ...platform.parseThreads, count: options.parseThreads ?? platform.parseThreads.count };
    try {
      await cache.refresh();
    } catch (error) {
      if (!(error instanceof RefreshError || error instanceof StorageError)) {
        store.close();
        await releaseStorage(kept);
        throw error;
      }
      warn(error);
    }
    return cache;
  }

  /**
   * Opens a saved database to read it without its workflow files: lookups, `phases()`,
   * `failures()`, `history()`, `query()` and `stats()` answer from what was saved. Nothing is
   * written: no lock is taken (a reader does not hold up the cache that writes), an older schema
   * is brought up to date and verdicts of other checks are checked again in memory only,
   * `close()` saves nothing, and `refresh()` rejects.
   * @throws {StorageError} when the storage holds no database, or one that cannot be used
   * @throws {SchemaVersionError} when the database was written by a newer workflow-cache
   */
  static async openSaved<C extends typeof WorkflowCache>(this: C, options: SavedOptions): Promise<C['prototype']> {
    const platform = this.platform;
    if (!platform) throw new TypeError('import WorkflowCache from "workflow-cache", not from its internal modules');
    checkSavedOptions(options);
    const storage = typeof options.storage === 'string' ? await platform.openStorage(options.storage) : options.storage;
    const engine = await loadEngine(options.sqlJs ?? platform.wasm);
    const db = await openSavedDatabase(engine, storage);
    const store = new WorkflowStore(db, undefined, options.lookupMemory);
    // In memory only, as the schema's migration is: nothing here is saved.
    try {
      recheckStore(store);
    } catch (error) {
      store.close();
      throw error;
    }
    const cache = new this(store, new NoWorkflowFiles(storage.location ?? 'storage'), undefined, platform.md5) as C['prototype'];
    cache.#wasm = options.sqlJs ?? platform.wasm ?? {};
    return cache;
  }

  /** The first phase in any file with this topic (and job), files in key order, with its file key. */
  search(topic: string, job = ''): { path: string; phase: Phase } {
    return this.#timer.time('search', () => {
      const store = this.#open('search');
      return store.phaseInAnyFile(String(topic ?? ''), String(job ?? '')) ?? { path: '', phase: emptyPhase() };
    });
  }

  /** The phase for a task: in file `meta.workflow` (any file for `*`), matching its type and job. */
  get(task: Task): Phase {
    return this.#timer.time('get', () => {
      const store = this.#open('get');
      const { type, file, job } = this.#tasks.read(task, 'get');
      // One file's answers are held by the store; those over every file are remembered here.
      if (file !== '*') return (file === '' ? undefined : store.phaseInFile(file, type, job)) ?? emptyPhase();
      const key = answerKey(task);
      const known = store.answer(key);
      if (known) return { ...known };
      const phase = store.phaseInAnyFile(type, job)?.phase ?? emptyPhase();
      store.remember(key, phase);
      return { ...phase };
    });
  }

  /** The phases of file `meta.workflow` that run after this task, in file order. */
  children(task: Task): Phase[] {
    return this.#timer.time('children', () => {
      const store = this.#open('children');
      const { type, file, job } = this.#tasks.read(task, 'children');
      return type === '' || file === '' ? [] : store.children(file, type, job);
    });
  }

  /**
   * Re-reads the workflow files and loads those whose md5 changed. Resolves with the keys loaded
   * anew and `-key` for files gone.
   * @throws {RefreshError} when files failed to load; they keep their last good phases, the
   * others are loaded, and the error's `changed` holds what this call would have resolved with
   */
  refresh(): Promise<string[]> {
    return this.#timer.timeAsync('refresh', async () => {
      this.#open('refresh');
      if (this.#closing) throw new CacheClosedError('refresh');
      const listed = this.#listed;
      this.#listed = undefined;
      const run = this.#queue.then(() => refreshStore(this.#open('refresh'), this.#source, this.#md5, this.#maxFileSize, this.#parseThreads, listed));
      this.#queue = run.catch(() => {});
      const outcome = await run;
      if (outcome.wrote || outcome.touched) this.#saves.changed();
      let saveError: StorageError | undefined;
      if (outcome.wrote) {
        await this.#saves.save().catch((error: StorageError) => {
          saveError = error;
        });
      }
      if (outcome.failures.length > 0) throw new RefreshError(outcome.failures, outcome.changed, saveError);
      if (saveError) throw saveError;
      return outcome.changed;
    });
  }

  /** True when the workflows path is a folder. */
  isDir(): boolean {
    this.#open('isDir');
    return this.#source.isDir;
  }

  /** Saves (when storage is set and anything changed) and frees the database. */
  async close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    await this.#queue;
    // A save under way (or queued) that fails leaves its changes unsaved: close() waits for it,
    // then saves whatever is still unsaved.
    await this.#saves.settle();
    try {
      await this.#saves.save();
    } finally {
      this.#closed = true;
      this.#store.close();
      await releaseStorage(this.#storage);
    }
  }

  /**
   * Runs one read-only statement (`SELECT`, `WITH … SELECT`, `VALUES`) on the cache's own
   * connection and returns its rows. Nothing else is accepted, and nothing it accepts changes
   * the connection, but nothing bounds its time or memory either: for SQL you trust. For SQL
   * from users, see {@link queryIsolated}.
   * @throws {QueryError} for any other statement, several statements, bad SQL or parameters
   */
  query(sql: string, params: unknown[] = []): Record<string, unknown>[] {
    return this.#open('query').query(sql, params);
  }

  /**
   * Runs one read-only statement, as {@link query} accepts them, on a disposable copy of the
   * database in a worker thread (a Web Worker in browsers), within time, row, result-size and
   * memory limits: the worker is terminated when the statement ends or runs out of time, so
   * the event loop stays free, lookups and saves never see the statement, and its memory is
   * given back. Safe for SQL from users; each call costs a copy of the image and a worker start.
   * @throws {QueryError} for any other statement, several statements, bad SQL or parameters
   * @throws {QueryTimeoutError | QueryRowLimitError | QueryResultSizeError | QueryMemoryError} past a limit
   */
  async queryIsolated(sql: string, params: unknown[] = [], limits: QueryLimits = {}): Promise<Record<string, unknown>[]> {
    this.#open('queryIsolated');
    const platform = (this.constructor as typeof WorkflowCache).platform!;
    // Loaded on the first call: the bundles of caches that never make one stay without it.
    const [{ runIsolated }, start] = await Promise.all([import('./db/query-thread.js'), platform.queryThreads()]);
    return runIsolated(() => start(this.#wasm), () => this.#open('queryIsolated').export(), sql, params, limits);
  }

  /** Every phase with its file key and status, or those of file `key`; files in key order. */
  phases(key?: string): PhaseRecord[] {
    return this.#open('phases').phases(key);
  }

  /** Every loaded file with its md5 and its counts of phases and problems, in key order. */
  files(): WorkflowFile[] {
    return this.#open('files').files();
  }

  /** The keys of every file {@link history} knows a version of: loaded files, and removed ones whose versions are kept; in key order. */
  filesWithHistory(): string[] {
    return this.#open('filesWithHistory').filesWithHistory();
  }

  /**
   * The bytes of file `key` as last loaded, read from the workflows: `undefined` for a file not loaded.
   * @throws {SourceChangedError} when the file changed since (its md5 differs): refresh first
   */
  async loadedSource(key: string): Promise<Uint8Array | undefined> {
    const state = this.#open('loadedSource').fileState(String(key));
    if (!state) return undefined;
    const bytes = await this.#source.read(String(key)).catch(() => undefined);
    if (bytes === undefined || this.#md5(bytes) !== state.hash) throw new SourceChangedError(String(key));
    return bytes;
  }

  /** Files whose last load failed, with why; they keep their last good phases. */
  failures(): LoadFailure[] {
    return this.#open('failures').failures();
  }

  /** Every version of file `key` the database knows, oldest first, the current one last; `[]` for an unknown file. */
  history(key: string): WorkflowVersion[] {
    return this.#open('history').history(String(key));
  }

  /** Counts of files, phases and problems, the database size, and latency percentiles per operation since open. */
  stats(): CacheStats {
    return { ...this.#open('stats').counts(), operations: this.#timer.snapshot() };
  }

  /**
   * The workflow files this cache reads, for runtime extensions such as the Node watcher.
   * @internal
   */
  protected get source(): WorkflowSource {
    return this.#source;
  }

  /**
   * Changes whenever anything the cache answers may have changed (a refresh that wrote, close()):
   * for answers kept outside it, such as the HTTP API's.
   * @internal
   */
  get dataVersion(): number {
    return this.#store.version;
  }

  /** The database as a SQLite file image. */
  export(): Uint8Array {
    return this.#open('export').export();
  }

  #open(method: string): WorkflowStore {
    if (this.#closed) throw new CacheClosedError(method);
    return this.#store;
  }
}
