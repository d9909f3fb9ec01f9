import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { CacheClosedError, describeFailure, RefreshError, type WorkflowLoadError } from './errors.js';
import { FsSource } from './sources/node-fs.js';

/** How a watcher notices changes. */
export interface WatchOptions {
  /** Quiet time after the last file event before refreshing, so a burst of writes costs one refresh. Default is 100 ms. */
  debounceMs?: number;
  /** Time between refreshes when polling. Default is 1000 ms. */
  pollIntervalMs?: number;
  /** Poll even where file events work (network drives and some containers drop them). Default is `false`. */
  poll?: boolean;
}

/** One refresh that changed something: the keys loaded anew (`-key` for files gone) and the files that failed. */
export interface Reload {
  changed: string[];
  failures: readonly WorkflowLoadError[];
}

/** What a watcher refreshes: a workflow cache. */
export interface Refreshable {
  refresh(): Promise<string[]>;
}

/**
 * Keeps a cache in step with its workflow files: refreshes after file events (debounced), or by
 * polling where events are not available, and tells listeners what changed.
 */
export class WorkflowWatcher {
  readonly #cache: Refreshable;
  readonly #debounceMs: number;
  readonly #pollIntervalMs: number;
  readonly #reloadListeners = new Set<(reload: Reload) => void>();
  readonly #errorListeners = new Set<(error: unknown) => void>();
  #mode: 'events' | 'polling' = 'polling';
  #watcher: FSWatcher | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  /** The failures last reported, so that a file failing again unchanged is not reported at every poll. */
  #lastFailures = '';

  /** @internal use {@link watchWorkflows} */
  constructor(cache: Refreshable, path: string, isDir: boolean, options: WatchOptions) {
    this.#cache = cache;
    this.#debounceMs = checkMs(options.debounceMs ?? 100, 'debounceMs');
    this.#pollIntervalMs = checkMs(options.pollIntervalMs ?? 1000, 'pollIntervalMs');
    if (!options.poll) this.#watchEvents(path, isDir);
    if (this.#mode === 'polling') this.#schedule(this.#pollIntervalMs);
  }

  /** `events` while file events drive refreshes, `polling` otherwise. */
  get mode(): 'events' | 'polling' {
    return this.#mode;
  }

  /** Calls `listener` after each refresh that loaded, removed or failed files. Returns a function that unsubscribes. */
  onReload(listener: (reload: Reload) => void): () => void {
    this.#reloadListeners.add(listener);
    return () => this.#reloadListeners.delete(listener);
  }

  /** Calls `listener` when a refresh fails as a whole (the folder vanished, the database cannot be saved). */
  onError(listener: (error: unknown) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** Stops watching and waits for a refresh under way to finish. */
  async stop(): Promise<void> {
    this.#halt();
    await this.#running;
  }

  #halt(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }

  #watchEvents(path: string, isDir: boolean): void {
    // A single file is watched through its folder: editors that save by rename replace the
    // file, and a watch on the old file would go quiet.
    const name = basename(path);
    try {
      this.#watcher = watch(isDir ? path : dirname(path), { recursive: isDir, persistent: true }, (_event, file) => {
        if (isDir || file === null || basename(String(file)) === name) this.#schedule(this.#debounceMs);
      });
    } catch {
      return; // no (recursive) file events on this platform: poll
    }
    this.#mode = 'events';
    this.#watcher.on('error', () => {
      this.#watcher?.close();
      this.#watcher = undefined;
      this.#mode = 'polling';
      this.#schedule(this.#pollIntervalMs);
    });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#running = this.#refresh().finally(() => {
        this.#running = undefined;
        if (this.#again || this.#mode === 'polling') {
          this.#again = false;
          this.#schedule(this.#mode === 'polling' ? this.#pollIntervalMs : this.#debounceMs);
        }
      });
    }, delayMs);
  }

  async #refresh(): Promise<void> {
    let reload: Reload;
    try {
      reload = { changed: await this.#cache.refresh(), failures: [] };
    } catch (error) {
      if (error instanceof CacheClosedError) {
        this.#halt(); // the cache was closed under the watcher: nothing left to refresh
        return;
      }
      if (!(error instanceof RefreshError)) {
        this.#emitError(error);
        return;
      }
      reload = { changed: [...error.changed], failures: error.failures };
    }
    const failures = reload.failures.map(describeFailure).join('\n');
    if (reload.changed.length === 0 && failures === this.#lastFailures) return;
    this.#lastFailures = failures;
    for (const listener of this.#reloadListeners) {
      try {
        listener(reload);
      } catch (error) {
        this.#emitError(error);
      }
    }
  }

  /** Tells the error listeners; one that throws must not stop the watcher or the process. */
  #emitError(error: unknown): void {
    if (this.#errorListeners.size === 0) warn(error);
    for (const listener of this.#errorListeners) {
      try {
        listener(error);
      } catch (thrown) {
        warn(thrown);
      }
    }
  }
}

/**
 * Starts watching a workflows path (file or folder) and refreshing `cache` when it changes.
 * @throws {WorkflowPathError} when the path does not exist or cannot be read
 * @throws {TypeError} for a bad option
 */
export async function watchWorkflows(cache: Refreshable, path: string, options: WatchOptions = {}): Promise<WorkflowWatcher> {
  const source = await FsSource.open(path);
  return new WorkflowWatcher(cache, source.location, source.isDir, options);
}

function warn(error: unknown): void {
  console.warn(`workflow-cache watch: ${error instanceof Error ? error.message : String(error)}`);
}

function checkMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`the "${name}" option must be a number of milliseconds, 0 or more`);
  return value;
}
