import { get, set } from 'idb-keyval';
import {
  IndexedDBStorage,
  MemorySource,
  RefreshError,
  WorkflowCache,
  type SqlJsConfig,
  type WorkflowCacheError,
} from '../../src/index.browser.js';
import { checkFileKey, unsafeKeyReason, UnsafeFileKeyError } from '../../src/safe-key.js';
import { PhaseIndex } from './phase-index.js';
import { starterFiles } from './starter.js';
import { mergeTexts } from './tab-sync.js';
import { messageOf } from '../../src/message-of.js';

/** The IndexedDB keys: the database image (the library's) and the workflow texts (ours). */
export const databaseKey = 'playground-db';
export const filesKey = 'playground-files';

/** How long typing must pause before the cache is refreshed. */
const REFRESH_DELAY_MS = 300;

/** The workflow texts as kept in IndexedDB beside the database. */
interface SavedFiles {
  files: Record<string, string>;
  selected: string;
  /** One more at every write, by any tab: a tab that finds another number than its own merges. */
  generation?: number;
}

/** The Web Lock held while a tab reads, merges and writes the texts; the channel that says they changed. */
const lockName = 'playground-files';
const channelName = 'playground-files';

/** Whether what is on screen is in IndexedDB yet. */
export type SaveState = 'saved' | 'pending' | 'error';

/**
 * The workflow files being edited and the cache that checks them. Texts live in a MemorySource
 * (what the cache reads, as it would read a folder) and in IndexedDB (so a reload finds them);
 * the cache keeps its database in IndexedDB through IndexedDBStorage.
 *
 * Several tabs may be open: each writes the texts under a Web Lock, after reading them, and
 * merges when another tab wrote since its last read ({@link mergeTexts}); it then tells the
 * others on a BroadcastChannel, and they take the new texts in. The database image is only a
 * quick start: whichever tab saves it last, the next open re-checks it against the texts.
 */
export class Workspace {
  readonly files = new Map<string, string>();
  selected = '';
  saveState: SaveState = 'saved';
  /** Problems the cache reported that are not load failures (a database moved aside, a failed save). */
  readonly warnings: string[] = [];
  #cache!: WorkflowCache;
  #source = new MemorySource({}, 'playground');
  readonly #sqlJs: SqlJsConfig;
  readonly #listeners: Array<() => void> = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending: Promise<void> = Promise.resolve();
  /** Every phase, read once and then file by file as files change. */
  readonly phases = new PhaseIndex();
  /** The texts as the store held them when this tab last read or wrote it, and that write's number. */
  #base = new Map<string, string>();
  #generation = 0;
  readonly #channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName) : undefined;

  private constructor(sqlJs: SqlJsConfig) {
    this.#sqlJs = sqlJs;
  }

  /** Restores the last session from IndexedDB, or starts from the example workflows. */
  static async open(sqlJs: SqlJsConfig): Promise<Workspace> {
    const workspace = new Workspace(sqlJs);
    const saved = (await get(filesKey)) as SavedFiles | undefined;
    workspace.#fill(saved?.files ?? starterFiles, saved?.selected);
    if (saved) workspace.#based(saved);
    // Kept from a session before keys were checked: shown, so the user can rename them.
    for (const key of workspace.files.keys()) {
      const reason = unsafeKeyReason(key);
      if (reason !== undefined) workspace.warnings.push(`${new UnsafeFileKeyError(key, reason).message}; rename it before downloading all files`);
    }
    await workspace.#openCache();
    if (!saved) await workspace.#saveFiles();
    workspace.#channel?.addEventListener('message', () => {
      workspace.#pending = workspace.#pending.then(() => workspace.#refresh());
    });
    return workspace;
  }

  get cache(): WorkflowCache {
    return this.#cache;
  }

  /** Called after every change the page should show. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  select(key: string): void {
    this.selected = key;
    // Keeping which file is open writes the texts too: through the refresh, which takes in
    // what another tab changed meanwhile.
    this.#pending = this.#pending.then(() => this.#refresh());
    this.#emit();
  }

  /** Replaces the text of a file (typing, pasting); the cache follows after a pause. */
  edit(key: string, text: string): void {
    this.files.set(key, text);
    this.#source.set(key, text);
    this.#schedule();
  }

  /**
   * Adds a file, or replaces one with that name, and selects it.
   * @throws {UnsafeFileKeyError} when the name is not a safe relative path; nothing changes
   */
  put(key: string, text: string): void {
    checkFileKey(key);
    this.edit(key, text);
    this.select(key);
  }

  /**
   * @throws {Error} when the new name is empty or taken
   * @throws {UnsafeFileKeyError} when it is not a safe relative path (`../x.toml`, `/abs.toml`)
   */
  rename(from: string, to: string): void {
    const name = to.trim();
    if (name === from) return;
    if (name === '') throw new Error('a file name must not be empty');
    checkFileKey(name);
    if (this.files.has(name)) throw new Error(`there is already a file named ${name}`);
    const text = this.files.get(from) ?? '';
    this.remove(from);
    this.put(name, text);
  }

  remove(key: string): void {
    this.files.delete(key);
    this.#source.delete(key);
    if (this.selected === key) this.selected = [...this.files.keys()].sort()[0] ?? '';
    this.#schedule();
    this.#emit();
  }

  /** A file name not yet used, such as `untitled-2.toml`. */
  freeName(stem = 'untitled'): string {
    for (let n = 1; ; n++) {
      const name = `${stem}${n === 1 ? '' : `-${n}`}.toml`;
      if (!this.files.has(name)) return name;
    }
  }

  /** Runs a scheduled refresh now and waits for it and for the saves. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#pending = this.#pending.then(() => this.#refresh());
    }
    await this.#pending;
  }

  /**
   * Starts over from a database image that has been checked, and the workflow texts taken
   * from it: both replace what IndexedDB held.
   * @throws {UnsafeFileKeyError} when a file key is not a safe relative path; nothing changes
   */
  async replace(files: Record<string, string>, image: Uint8Array): Promise<void> {
    for (const key of Object.keys(files)) checkFileKey(key);
    await this.flush();
    await this.#cache.close();
    await new IndexedDBStorage(databaseKey).save(image);
    this.#fill(files, undefined);
    // An import replaces every file, in every tab: written as it is, not merged.
    await withLock(async () => {
      const stored = (await get(filesKey)) as SavedFiles | undefined;
      await this.#write(this.files, (stored?.generation ?? 0) + 1);
    });
    await this.#openCache();
    this.#emit();
  }

  #fill(files: Record<string, string>, selected: string | undefined): void {
    this.files.clear();
    this.#source = new MemorySource({}, 'playground');
    for (const [key, text] of Object.entries(files)) {
      this.files.set(key, text);
      this.#source.set(key, text);
    }
    const keys = [...this.files.keys()].sort();
    this.selected = selected !== undefined && this.files.has(selected) ? selected : (keys[0] ?? '');
  }

  async #openCache(): Promise<void> {
    this.#cache = await WorkflowCache.open({
      workflows: this.#source,
      storage: new IndexedDBStorage(databaseKey),
      sqlJs: this.#sqlJs,
      // Load failures are shown from cache.failures(); anything else is worth a notice.
      onWarning: (warning: WorkflowCacheError) => {
        if (!(warning instanceof RefreshError)) this.warnings.push(warning.message);
      },
    });
    // Read in chunks, painting between them: "All files" fills in while the page is usable.
    void this.phases.reload(this.#cache, () => this.#emit());
  }

  #schedule(): void {
    this.saveState = 'pending';
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pending = this.#pending.then(() => this.#refresh());
    }, REFRESH_DELAY_MS);
  }

  async #refresh(): Promise<void> {
    let saved = true;
    try {
      await this.#saveFiles();
      this.phases.update(this.#cache, await this.#cache.refresh());
    } catch (error) {
      // A RefreshError is the normal outcome of a typo: the failures are in cache.failures().
      if (error instanceof RefreshError) this.phases.update(this.#cache, error.changed);
      else {
        saved = false;
        this.warnings.push(messageOf(error));
      }
    }
    if (this.#timer === undefined) this.saveState = saved ? 'saved' : 'error';
    this.#emit();
  }

  /**
   * Writes this tab's texts, merged with what other tabs wrote since this one last read them,
   * and takes their edits in (into the source: the refresh that follows checks them).
   */
  async #saveFiles(): Promise<void> {
    await withLock(async () => {
      const stored = (await get(filesKey)) as SavedFiles | undefined;
      const generation = stored?.generation ?? 0;
      if (stored === undefined || generation === this.#generation) {
        await this.#write(this.files, generation + 1);
        return;
      }
      const merged = mergeTexts(this.#base, this.files, new Map(Object.entries(stored.files)));
      for (const key of merged.fromOthers) {
        const text = merged.files.get(key);
        if (text === undefined) {
          this.files.delete(key);
          this.#source.delete(key);
        } else {
          this.files.set(key, text);
          this.#source.set(key, text);
        }
      }
      for (const { key, copy } of merged.conflicts) {
        this.warnings.push(`${key} was changed in another tab too: its text there is kept as ${key}, the text of this tab as ${copy}`);
      }
      if (!this.files.has(this.selected)) this.selected = [...this.files.keys()].sort()[0] ?? '';
      if (merged.local) await this.#write(merged.files, generation + 1);
      else this.#based(stored);
    });
  }

  /** Writes texts as the store's new state, numbered `generation`, and tells the other tabs. */
  async #write(files: ReadonlyMap<string, string>, generation: number): Promise<void> {
    const saved: SavedFiles = { files: Object.fromEntries(files), selected: this.selected, generation };
    await set(filesKey, saved);
    this.#based(saved);
    this.#channel?.postMessage({ generation });
  }

  #based(saved: SavedFiles): void {
    this.#base = new Map(Object.entries(saved.files));
    this.#generation = saved.generation ?? 0;
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

/** Runs `task` holding the texts' Web Lock, so that no other tab writes between its read and its write. */
function withLock<T>(task: () => Promise<T>): Promise<T> {
  return typeof navigator.locks?.request === 'function' ? navigator.locks.request(lockName, task) : task();
}
