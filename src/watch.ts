import { CacheClosedError, describeFailure, RefreshError, type WorkflowLoadError } from './errors.js';
import { ChangeJournal, type TrackedSource } from './change-journal.js';
import { eventsSafelyFollowed, FolderWatchers } from './folder-watchers.js';
import { isObjectUrl } from './s3/s3-url.js';
import { FsSource } from './sources/node-fs.js';
import { messageOf } from './message-of.js';

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

/** A burst of events that never pauses still gets a refresh this often (at least the debounce). */
const MAX_WAIT_MS = 1000;

/**
 * Keeps a cache in step with its workflow files: refreshes after file events (debounced), or by
 * polling where events are not available, and tells listeners what changed. A workflows folder
 * that vanishes is a failed refresh, told to error listeners once: the watcher polls until it is
 * back, then watches by events again and reports the refresh that finds it.
 */
export class WorkflowWatcher {
  readonly #cache: Refreshable;
  readonly #debounceMs: number;
  readonly #pollIntervalMs: number;
  readonly #reloadListeners = new Set<(reload: Reload) => void>();
  readonly #errorListeners = new Set<(error: unknown) => void>();
  /** Where file events come from; `undefined` when polling was asked for or events cannot be had. */
  #folders: FolderWatchers | undefined;
  /**
   * The paths the events named, for the cache's refreshes to look at those alone; lost (a
   * refresh of everything) whenever events may have been missed: polling, a watch refused or failed.
   */
  readonly #journal = new ChangeJournal({ maxEvents: eventsSafelyFollowed(), watchFolders: () => this.#watchNewFolders() });
  #untrack: (() => void) | undefined;
  #mode: 'events' | 'polling' = 'polling';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  /** When the first event not yet refreshed came, and the last one. */
  #pendingSince: number | undefined;
  #lastEventAt = 0;
  #stopped = false;
  /** The failures last reported, so that a file failing again unchanged is not reported at every poll. */
  #lastFailures = '';
  /** The message of the last refresh that failed as a whole, told once; `undefined` once one succeeds. */
  #lastError: string | undefined;

  /**
   * @internal use {@link watchWorkflows}
   * @param source the cache's own source, when it is the folder watched: its refreshes then look
   *   only at what the events named
   */
  constructor(cache: Refreshable, path: string, isDir: boolean, options: WatchOptions, source?: TrackedSource) {
    this.#cache = cache;
    this.#debounceMs = checkMs(options.debounceMs ?? 100, 'debounceMs');
    this.#pollIntervalMs = checkMs(options.pollIntervalMs ?? 1000, 'pollIntervalMs');
    if (!options.poll) {
      this.#folders = new FolderWatchers(path, isDir, (key) => this.#onEvent(key));
      this.#syncFolders();
      // Tracked once watched: what changed before is found by the first refresh, of everything.
      // Starting counts as an event, so that one comes soon and the refreshes of later events
      // (a storm's, say) look only at their paths.
      this.#untrack = source?.track(this.#journal);
      if (this.#untrack && this.#mode === 'events') this.#onEvent();
    }
    if (this.#mode === 'polling') this.#arm(this.#pollIntervalMs);
  }

  /** `events` while file events drive refreshes, `polling` otherwise (asked for, unavailable, or while the workflows folder is gone). */
  get mode(): 'events' | 'polling' {
    return this.#mode;
  }

  /**
   * Calls `listener` after each refresh that loaded, removed or failed files, and after the
   * first refresh that succeeds after one that failed as a whole. Returns a function that unsubscribes.
   */
  onReload(listener: (reload: Reload) => void): () => void {
    this.#reloadListeners.add(listener);
    return () => this.#reloadListeners.delete(listener);
  }

  /**
   * Calls `listener` when a refresh fails as a whole (the folder vanished, the database cannot be
   * saved); the same failure again is not told again until a refresh has succeeded. Returns a
   * function that unsubscribes.
   */
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
    this.#timer = undefined;
    this.#folders?.close();
    this.#untrack?.();
  }

  /** Watches the folders there are now; polls while the workflows folder is gone, and for good when events are refused. */
  #syncFolders(): 'events' | 'polling' {
    const state = this.#folders?.sync();
    if (state === 'unwatchable') this.#folders = undefined;
    this.#mode = state === 'watching' ? 'events' : 'polling';
    if (this.#mode === 'polling') this.#journal.lose();
    return this.#mode;
  }

  /** Before a refresh lists a folder that changed (one of the cache's own, perhaps called by the user): its watchers first. */
  #watchNewFolders(): void {
    if (this.#stopped || !this.#folders) return;
    this.#syncFolders();
    // Gone meanwhile: the watcher polls from now, as a refresh of its own would have it do.
    if (this.#mode === 'polling' && !this.#running && this.#timer === undefined) this.#arm(this.#pollIntervalMs);
  }

  /** Costs a note and a comparison for all but the first event of a burst: a storm of thousands stays cheap. */
  #onEvent(key?: string): void {
    if (this.#stopped) return;
    if (key === undefined) this.#journal.lose();
    else this.#journal.note(key);
    this.#lastEventAt = Date.now();
    this.#pendingSince ??= this.#lastEventAt;
    if (!this.#running && this.#timer === undefined) this.#arm(this.#debounceMs);
  }

  #arm(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tick(), delayMs);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#mode === 'events' && this.#pendingSince !== undefined) {
      const now = Date.now();
      const quiet = now - this.#lastEventAt;
      const waited = now - this.#pendingSince;
      const maxWait = Math.max(MAX_WAIT_MS, this.#debounceMs);
      if (quiet < this.#debounceMs && waited < maxWait) {
        this.#arm(Math.min(this.#debounceMs - quiet, maxWait - waited));
        return;
      }
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#mode === 'polling') this.#arm(this.#pollIntervalMs);
      else if (this.#pendingSince !== undefined) this.#arm(this.#debounceMs);
    });
  }

  async #run(): Promise<void> {
    // Before the refresh: a folder made since the last look is watched before it is listed, so
    // nothing written into it is missed.
    if (this.#folders) {
      const wasGone = this.#mode === 'polling';
      this.#syncFolders();
      // A workflows folder that is back may still be being filled (a copy): wait until it is quiet.
      if (wasGone && this.#mode === 'events') {
        this.#onEvent();
        return;
      }
    }
    this.#pendingSince = undefined;
    await new Promise((resolve) => setTimeout(resolve, 0)); // the look at the folders and the listing: two turns of the event loop, not one
    if (!this.#stopped) await this.#refresh();
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
        // The folder may have vanished after this run looked at it: listeners told of that
        // find the watcher already polling for its return, not still waiting on events.
        if (this.#folders && !this.#stopped) this.#syncFolders();
        const message = messageOf(error);
        if (message !== this.#lastError) this.#emitError(error);
        this.#lastError = message;
        return;
      }
      reload = { changed: [...error.changed], failures: error.failures };
    }
    // A folder back while polling was refreshed by this poll: its watchers go in place before
    // listeners hear of it, and one more refresh of everything takes in what changed before them.
    if (this.#folders && this.#mode === 'polling' && !this.#stopped) {
      if (this.#syncFolders() === 'events') this.#onEvent();
    }
    const recovered = this.#lastError !== undefined;
    this.#lastError = undefined;
    const failures = reload.failures.map(describeFailure).join('\n');
    if (reload.changed.length === 0 && failures === this.#lastFailures && !recovered) return;
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
 * Starts watching a workflows path (file or folder) and refreshing `cache` when it changes. A
 * bucket (`s3://…`) sends no file events: it is polled, every `pollIntervalMs`.
 * @throws {WorkflowPathError} when the path does not exist or cannot be read
 * @throws {TypeError} for a bad option
 */
export async function watchWorkflows(cache: Refreshable, path: string, options: WatchOptions = {}): Promise<WorkflowWatcher> {
  if (isObjectUrl(path)) return new WorkflowWatcher(cache, path, true, { ...options, poll: true });
  const source = await FsSource.open(path);
  return new WorkflowWatcher(cache, source.location, source.isDir, options);
}

function warn(error: unknown): void {
  console.warn(`workflow-cache watch: ${messageOf(error)}`);
}

function checkMs(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`the "${name}" option must be a number of milliseconds, 0 or more`);
  return value;
}
