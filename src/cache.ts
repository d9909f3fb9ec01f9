import {
  CacheClosedError,
  QueryError,
  RefreshError,
  SourceChangedError,
  StorageError,
  UnusableDatabaseWarning,
  WorkflowCacheError,
  type LoadFailure,
} from './errors.js';
import { historyRetention, readHistory, type HistoryRetention, type WorkflowVersion } from './history.js';
import { newDatabase, openImage, UnusableImage } from './image.js';
import { refreshStore } from './loader.js';
import { emptyPhase, type Phase, type PhaseRecord, type Task } from './phase.js';
import type { Platform } from './platform.js';
import { parseQuery } from './query-string.js';
import { runIsolated, type QueryLimits } from './query-thread.js';
import { runReadOnly } from './read-only.js';
import { NoWorkflowFiles } from './sources/none.js';
import { DEFAULT_MAX_FILE_SIZE, type WorkflowSource } from './sources/source.js';
import { loadSqlJs, type Database, type SqlJsConfig } from './sqljs.js';
import { databaseCounts, OperationTimer, type CacheStats } from './stats.js';
import type { StorageAdapter } from './storage/storage.js';
import { WorkflowStore, type WorkflowFile } from './store.js';

/** How to open a cache. */
export interface OpenOptions {
  /** The workflow files: in Node a file or folder path; anywhere a {@link WorkflowSource}. */
  workflows: string | WorkflowSource;
  /** Where the database is kept: in Node a file path; anywhere a {@link StorageAdapter}. Default: memory only. */
  storage?: string | StorageAdapter;
  /**
   * Where sql.js finds its wasm. Default: found by itself in Node; next to the bundle in browsers.
   * sql.js starts once per page or process, so the first `open()` decides.
   */
  sqlJs?: SqlJsConfig;
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
  /** Globs of the files below a workflows path to read, all others left out (`['*.toml']`). Default: every file. For a path only. */
  include?: readonly string[];
}

/** How to open a saved database without its workflow files. */
export interface SavedOptions {
  /** Where the database was saved: in Node a file path; anywhere a {@link StorageAdapter}. */
  storage: string | StorageAdapter;
  /** As in {@link OpenOptions}. */
  sqlJs?: SqlJsConfig;
}

const optionNames = new Set(['workflows', 'storage', 'sqlJs', 'onWarning', 'maxFileSize', 'history', 'ignore', 'include']);
const savedOptionNames = new Set(['storage', 'sqlJs']);

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
  #maxFileSize = DEFAULT_MAX_FILE_SIZE;
  #closed = false;
  /** How sql.js was found, for the workers of queryIsolated(). */
  #sqlJs: SqlJsConfig = {};
  /** Set when close() starts: later refreshes are refused, lookups still answer until it ends. */
  #closing: Promise<void> | undefined;
  /** Refreshes run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  #unsaved = false;
  #saving: Promise<void> | undefined;
  #nextSave: Promise<void> | undefined;

  /** Opened by {@link WorkflowCache.open} or {@link WorkflowCache.openSaved}, never constructed. */
  protected constructor(...opened: never);
  /** @internal */
  protected constructor(store: WorkflowStore, source: WorkflowSource, storage: StorageAdapter | undefined, md5: (bytes: Uint8Array) => string);
  protected constructor(store: WorkflowStore, source: WorkflowSource, storage: StorageAdapter | undefined, md5: (bytes: Uint8Array) => string) {
    this.#store = store;
    this.#source = source;
    this.#storage = storage;
    this.#md5 = md5;
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
    checkOptions(options);
    const retention = historyRetention(options.history);
    const warn = options.onWarning ?? ((w: WorkflowCacheError) => console.warn(`workflow-cache: ${w.message}`));
    const filter = { ...(options.ignore && { ignore: options.ignore }), ...(options.include && { include: options.include }) };
    const source = typeof options.workflows === 'string' ? await platform.openSource(options.workflows, filter) : options.workflows;
    const storage = typeof options.storage === 'string' ? await platform.openStorage(options.storage) : options.storage;
    const SQL = await loadSqlJs(options.sqlJs ?? platform.sqlJs);
    const where = storage?.location ?? 'storage';
    let kept = storage;
    let image: Uint8Array | undefined;
    try {
      await storage?.acquire?.();
    } catch (cause) {
      // A storage that cannot be claimed for writing (locked, no such folder) is no cache to work with.
      if (cause instanceof WorkflowCacheError) throw cause;
      throw new StorageError(`cannot open the database ${where} for writing (${(cause as Error)?.message ?? cause})`, { cause });
    }
    try {
      image = await storage?.load();
    } catch (cause) {
      // Storage that cannot be read (IndexedDB off in private mode, a file that cannot be read):
      // work in memory rather than fail, and never save over what could not be read.
      await release(storage);
      kept = undefined;
      const why = `cannot load the database from ${where} (${(cause as Error)?.message ?? cause})`;
      warn(new StorageError(`${why}; the cache works in memory only and does not save there`, { cause }));
    }
    let db: Database;
    let rebuilt = false;
    try {
      const opened = image === undefined ? newDatabase(SQL) : openImage(SQL, image, where);
      if (opened instanceof UnusableImage) {
        const movedTo = kept?.moveAside ? await kept.moveAside(image!) : undefined;
        // Saving over an image that could not be kept elsewhere would delete it.
        if (movedTo === undefined) kept = undefined;
        warn(new UnusableDatabaseWarning(where, opened.reason, movedTo));
        db = newDatabase(SQL);
        rebuilt = true;
      } else {
        db = opened;
      }
    } catch (error) {
      await release(kept);
      throw error;
    }
    // The refresh builds the indexes after the first bulk load, before it saves.
    const store = new WorkflowStore(db, retention);
    const cache = new this(store, source, kept, platform.md5) as C['prototype'];
    cache.#sqlJs = options.sqlJs ?? platform.sqlJs ?? {};
    cache.#unsaved = rebuilt;
    cache.#maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    try {
      await cache.refresh();
    } catch (error) {
      if (!(error instanceof RefreshError || error instanceof StorageError)) {
        store.close();
        await release(kept);
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
   * is brought up to date in memory only, `close()` saves nothing, and `refresh()` rejects.
   * @throws {StorageError} when the storage holds no database, or one that cannot be used
   * @throws {SchemaVersionError} when the database was written by a newer workflow-cache
   */
  static async openSaved<C extends typeof WorkflowCache>(this: C, options: SavedOptions): Promise<C['prototype']> {
    const platform = this.platform;
    if (!platform) throw new TypeError('import WorkflowCache from "workflow-cache", not from its internal modules');
    checkNames(options, savedOptionNames, 'WorkflowCache.openSaved()');
    if (typeof options.storage !== 'string' && typeof options.storage?.load !== 'function') {
      throw new TypeError('the "storage" option must be a path or a StorageAdapter');
    }
    const storage = typeof options.storage === 'string' ? await platform.openStorage(options.storage) : options.storage;
    const where = storage.location ?? 'storage';
    const SQL = await loadSqlJs(options.sqlJs ?? platform.sqlJs);
    let image: Uint8Array | undefined;
    try {
      image = await storage.load();
    } catch (cause) {
      throw new StorageError(`cannot read the database from ${where} (${(cause as Error)?.message ?? cause})`, { cause });
    }
    if (image === undefined) throw new StorageError(`${where} holds no saved database`);
    const db = openImage(SQL, image, where);
    if (db instanceof UnusableImage) throw new StorageError(`${where} is ${db.reason}; it was left as it is`);
    const cache = new this(new WorkflowStore(db), new NoWorkflowFiles(where), undefined, platform.md5) as C['prototype'];
    cache.#sqlJs = options.sqlJs ?? platform.sqlJs ?? {};
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
      const key = answerKey(task);
      const known = store.answer(key);
      if (known) return { ...known };
      const { type, file, job } = readTask(task, 'get');
      const found = file === '' ? undefined : file === '*' ? store.phaseInAnyFile(type, job)?.phase : store.phaseInFile(file, type, job);
      const phase = found ?? emptyPhase();
      store.remember(key, phase);
      return { ...phase };
    });
  }

  /** The phases of file `meta.workflow` that run after this task, in file order. */
  children(task: Task): Phase[] {
    return this.#timer.time('children', () => {
      const store = this.#open('children');
      const { type, file, job } = readTask(task, 'children');
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
      const run = this.#queue.then(() => refreshStore(this.#open('refresh'), this.#source, this.#md5, this.#maxFileSize));
      this.#queue = run.catch(() => {});
      const outcome = await run;
      this.#unsaved ||= outcome.wrote || outcome.touched;
      let saveError: StorageError | undefined;
      if (outcome.wrote) {
        await this.#save().catch((error: StorageError) => {
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
    for (let pending = this.#nextSave ?? this.#saving; pending; pending = this.#nextSave ?? this.#saving) {
      await pending.catch(() => {});
    }
    try {
      await this.#save();
    } finally {
      this.#closed = true;
      this.#store.close();
      await release(this.#storage);
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
    return runReadOnly(this.#open('query').db, sql, params);
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
    const store = this.#open('queryIsolated');
    const platform = (this.constructor as typeof WorkflowCache).platform!;
    return runIsolated(() => platform.startQueryThread(this.#sqlJs), () => store.db.export(), sql, params, limits);
  }

  /** Every phase with its file and status, or those of one file; files in key order. */
  phases(file?: string): PhaseRecord[] {
    return this.#open('phases').phases(file);
  }

  /** Every loaded file with its md5 and its counts of phases and problems, in key order. */
  files(): WorkflowFile[] {
    return this.#open('files').files();
  }

  /**
   * A file's bytes as last loaded, read from the workflows: `undefined` for a file not loaded.
   * @throws {SourceChangedError} when the file changed since (its md5 differs): refresh first
   */
  async loadedSource(file: string): Promise<Uint8Array | undefined> {
    const state = this.#open('loadedSource').fileState(String(file));
    if (!state) return undefined;
    const bytes = await this.#source.read(String(file)).catch(() => undefined);
    if (bytes === undefined || this.#md5(bytes) !== state.hash) throw new SourceChangedError(String(file));
    return bytes;
  }

  /** Files whose last load failed, with why; they keep their last good phases. */
  failures(): LoadFailure[] {
    return this.#open('failures').failures();
  }

  /** Every version of a file the database knows, oldest first, the current one last; `[]` for an unknown file. */
  history(file: string): WorkflowVersion[] {
    return readHistory(this.#open('history').db, String(file));
  }

  /** Counts of files, phases and problems, the database size, and latency percentiles per operation since open. */
  stats(): CacheStats {
    return { ...databaseCounts(this.#open('stats').db), operations: this.#timer.snapshot() };
  }

  /**
   * The workflow files this cache reads, for runtime extensions such as the Node watcher.
   * @internal
   */
  protected get source(): WorkflowSource {
    return this.#source;
  }

  /** The database as a SQLite file image. */
  export(): Uint8Array {
    return this.#open('export').db.export();
  }

  #open(method: string): WorkflowStore {
    if (this.#closed) throw new CacheClosedError(method);
    return this.#store;
  }

  /**
   * Saves the image. Saves never overlap; callers that arrive while one runs share the next,
   * so a burst of refreshes costs at most two saves.
   */
  #save(): Promise<void> {
    const storage = this.#storage;
    if (!storage || !this.#unsaved) return this.#saving ?? Promise.resolve();
    if (this.#nextSave) return this.#nextSave;
    const next = (this.#saving ?? Promise.resolve())
      .catch(() => {})
      .then(async () => {
        this.#nextSave = undefined;
        this.#saving = next;
        this.#unsaved = false;
        try {
          await this.#timer.timeAsync('save', () => storage.save(this.#store.db.export()));
        } catch (cause) {
          this.#unsaved = true;
          throw new StorageError(
            `saving the database to ${storage.location ?? 'storage'} failed (${(cause as Error)?.message ?? cause}); ` +
              'the cache keeps working in memory and saves again at the next change or close()',
            { cause },
          );
        } finally {
          if (this.#saving === next) this.#saving = undefined;
        }
      });
    this.#nextSave = next;
    return next;
  }
}

/** Gives up a storage claim; one left behind by a failure is recovered as stale later, so a failure here is no loss. */
async function release(storage: StorageAdapter | undefined): Promise<void> {
  await storage?.release?.().catch(() => {});
}

function checkNames(options: object, names: ReadonlySet<string>, method: string): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${method} needs an options object`);
  for (const name of Object.keys(options)) {
    if (!names.has(name)) throw new TypeError(`unknown option "${name}"; expected one of ${[...names].join(', ')}`);
  }
}

function checkOptions(options: OpenOptions): void {
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
}

/**
 * The fields of a task as given, so a hot task skips parsing its meta too; lengths keep two
 * tasks from sharing a key. `''` (never remembered) for what is not a task.
 */
function answerKey(task: Task): string {
  if (typeof task !== 'object' || task === null) return '';
  const type = String(task.type ?? '');
  const job = String(task.job ?? '');
  return `${type.length}:${type}${job.length}:${job}${String(task.meta ?? '')}`;
}

function readTask(task: Task, method: string): { type: string; file: string; job: string } {
  if (typeof task !== 'object' || task === null) throw new TypeError(`${method}() needs a task object such as { type, meta }`);
  const meta = metaValues(String(task.meta ?? ''));
  return {
    type: String(task.type ?? ''),
    file: meta.get('workflow') ?? '',
    job: String(task.job ?? '') || (meta.get('job') ?? ''),
  };
}

/** The meta parsed last: a scheduler's lookups come in runs with one meta (one workflow file). */
let lastMeta: { text: string; values: ReadonlyMap<string, string> } | undefined;

function metaValues(text: string): ReadonlyMap<string, string> {
  if (lastMeta?.text !== text) lastMeta = { text, values: parseQuery(text).values };
  return lastMeta.values;
}

