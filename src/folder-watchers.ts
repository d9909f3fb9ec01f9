import { readdirSync, readFileSync, realpathSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * What {@link FolderWatchers.sync} found: `watching` every folder; `gone` when the workflows
 * folder (or a single file's folder) is not there; `unwatchable` when the system refused a
 * watch (out of inotify watches, say). Unless `watching`, every watcher is closed.
 */
export type FolderState = 'watching' | 'gone' | 'unwatchable';

interface Watched {
  /** Device and inode of the folder when it was watched: a folder replaced under its name is watched anew. */
  id: string;
  watcher: FSWatcher;
  /** The folder's key below the workflows folder (`''`, `sub/`); none when its events are not of one file. */
  prefix: string | undefined;
}

/**
 * File events for a workflows path from plain, non-recursive `fs.watch` watchers, one per folder
 * (a folder's watcher already reports the files in it), kept in step with the tree by
 * {@link sync}. Node 20's recursive watch on Linux is JavaScript that re-reads a folder and stats
 * its files on every event (a rewrite of a large folder holds the event loop for seconds: see
 * bench/RESULTS.md, "The event loop under a storm of file events"), and its watchers close for
 * good once the folder is deleted or renamed. An event means only "look again": the refresh that
 * follows decides what changed. Each event names the key that changed (`sub/x.toml`, or a folder's
 * `sub`), or none when anything may have: the workflows folder itself, a folder reached through a
 * link (whose files a listing does not reach), an event without a name, a watch that failed.
 */
export class FolderWatchers {
  readonly #path: string;
  readonly #isDir: boolean;
  readonly #onEvent: (key: string | undefined) => void;
  /** By the keys of {@link #folders}. */
  readonly #watched = new Map<string, Watched>();
  /** Whether {@link sync} has run: the folders it watches later are told as changed, since files may have come into them unseen. */
  #synced = false;

  /**
   * @param path the workflows folder, or a single workflows file (watched through its folder,
   *   since editors that save by rename replace the file)
   * @param onEvent called for every event of interest, often many times for one change, with the
   *   key that changed, or `undefined` when anything may have
   */
  constructor(path: string, isDir: boolean, onEvent: (key: string | undefined) => void) {
    this.#path = resolve(path);
    this.#isDir = isDir;
    this.#onEvent = onEvent;
  }

  /** Watches every folder there is now and closes the watchers of folders gone or replaced. */
  sync(): FolderState {
    const wanted = this.#folders();
    if (!wanted) {
      this.close();
      return 'gone';
    }
    const tell = this.#synced;
    this.#synced = true;
    for (const [key, watched] of this.#watched) {
      if (wanted.get(key)?.id === watched.id) continue;
      this.#unwatch(key);
      if (tell) this.#onEvent(folderKey(watched.prefix));
    }
    for (const [key, folder] of wanted) {
      if (this.#watched.has(key)) continue;
      try {
        this.#watch(key, folder);
        // Watched only now: what was written into it before is found by listing it whole.
        if (tell) this.#onEvent(folderKey(folder.prefix));
      } catch (error) {
        if (code(error) === 'ENOENT' || code(error) === 'ENOTDIR') continue; // gone since listed: its parent's event runs sync again
        if (folder.optional) continue;
        this.close();
        return 'unwatchable';
      }
    }
    return 'watching';
  }

  /** Closes every watcher; a later {@link sync} watches again. */
  close(): void {
    for (const key of [...this.#watched.keys()]) this.#unwatch(key);
  }

  /**
   * The folders to watch, by key, or `undefined` when the top one is not there. A folder is
   * its own key, or `name\0folder` when only events for that name matter: the workflows folder's
   * parent, where the folder itself is deleted, renamed or swapped (a link replaced), and a
   * single workflows file's folder.
   */
  #folders(): Map<string, Folder> | undefined {
    const wanted = new Map<string, Folder>();
    const top = this.#isDir ? this.#path : dirname(this.#path);
    const topFolder = folderAt(top);
    if (!topFolder) return undefined;
    if (!this.#isDir) {
      wanted.set(`${basename(this.#path)}\0${topFolder.real}`, { ...topFolder, name: basename(this.#path) });
      return wanted;
    }
    const parent = dirname(top);
    const parentFolder = parent === top ? undefined : folderAt(parent);
    if (parentFolder) wanted.set(`${basename(top)}\0${parentFolder.real}`, { ...parentFolder, name: basename(top), optional: true });
    const seen = new Set<string>();
    // `prefix` is the folder's key when reached by folders alone; through a link it has none,
    // and its events mean "anything" (a folder reached both ways is watched once).
    const visit = (path: string, folder: Located, prefix: string | undefined): void => {
      if (seen.has(folder.real)) return; // a link to a folder already watched, or back up the tree
      seen.add(folder.real);
      wanted.set(folder.real, { ...folder, prefix });
      let entries;
      try {
        entries = readdirSync(path, { withFileTypes: true });
      } catch {
        return; // unreadable or gone since: the refresh reports what it cannot read
      }
      for (const entry of entries) {
        if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
        const below = join(path, entry.name);
        const located = folderAt(below);
        if (located) visit(below, located, prefix === undefined || entry.isSymbolicLink() ? undefined : `${prefix}${entry.name}/`);
      }
    };
    visit(top, topFolder, '');
    return wanted;
  }

  #watch(key: string, folder: Folder): void {
    const { name, prefix } = folder;
    const watcher = watch(folder.real, { persistent: true }, (_event, file) => {
      if (name !== undefined) {
        if (file === null || String(file) === name) this.#onEvent(undefined);
      } else {
        this.#onEvent(prefix === undefined || file === null ? folderKey(prefix) : prefix + String(file));
      }
    });
    // A watch that fails later (its folder removed where the platform reports that as an error)
    // is dropped and looked at again by the next sync.
    watcher.on('error', () => {
      if (this.#watched.get(key)?.watcher === watcher) this.#unwatch(key);
      this.#onEvent(undefined);
    });
    this.#watched.set(key, { id: folder.id, watcher, prefix });
  }

  #unwatch(key: string): void {
    this.#watched.get(key)?.watcher.close();
    this.#watched.delete(key);
  }
}

interface Located {
  real: string;
  id: string;
}

interface Folder extends Located {
  /** Only events for this name count. */
  name?: string;
  /** Its key below the workflows folder, when reached by folders alone (not through a link). */
  prefix?: string;
  /** Watched when it can be; a refusal leaves the rest watched. */
  optional?: boolean;
}

/** The real path and identity of a folder (links followed), or `undefined` when `path` is not one. */
function folderAt(path: string): Located | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isDirectory()) return undefined;
    return { real: realpathSync(path), id: `${stats.dev}:${stats.ino}` };
  } catch {
    return undefined;
  }
}

/** The key a change of a whole folder is told under: `sub` for `sub/`, `''` for the workflows folder; none for a folder without a key. */
function folderKey(prefix: string | undefined): string | undefined {
  return prefix?.slice(0, -1);
}

/**
 * How many events one refresh may follow before some may have been lost unseen: Linux drops
 * events past the inotify queue of the process (`max_queued_events`, 16,384 by default) and
 * Node reports nothing, but a queue that overflowed delivered that many first. Half of it, since
 * the queue is shared with any other watch of this process.
 */
export function eventsSafelyFollowed(): number {
  try {
    return Math.max(1, Math.floor(Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8')) / 2)) || 8192;
  } catch {
    return 8192;
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
