import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import type { ChangeJournal } from '../change-journal.js';
import { WorkflowCacheError, WorkflowPathError } from '../errors.js';
import { FileFilter, IGNORE_FILE, ignoreFilePatterns, type FileFilterOptions } from './file-filter.js';
import { refusedByGo } from './go-path.js';
import { gunzipLimited, readRegularFile } from './node-read.js';
import { DEFAULT_MAX_FILE_SIZE, type ChangedEntries, type ReadLimits, type SourceEntry, type WorkflowSource } from './source.js';
import { messageOf } from '../message-of.js';

/** An ignore file larger than this is not one a person wrote: it fails rather than being read whole. */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** Changed paths looked at before the event loop gets a turn: a storm of thousands must not hold it. */
const SLICE_MS = 20;

/**
 * Workflow files on disk: one file, or every file in a folder and its sub-folders, read as
 * Go's file package reads them (`.gz` files gunzipped; paths `url.Parse` refuses, and links to
 * folders, fail), and never more than the size limit of one file, nor anything but regular files.
 * In a folder, `ignore` and `include` patterns and the folder's own `.workflowcacheignore` leave
 * files out (see {@link FileFilterOptions}); a single file given by path is always read.
 */
export class FsSource implements WorkflowSource {
  readonly location: string;
  readonly isDir: boolean;
  readonly #root: string;
  readonly #filter: FileFilterOptions;
  /** Where watchers note the paths they saw change; see {@link track}. */
  readonly #journals = new Set<ChangeJournal>();
  /** What the last full listing walked, kept up to date by the listings of changed paths. */
  #walked: Walk | undefined;

  private constructor(location: string, isDir: boolean, filter: FileFilterOptions) {
    this.location = location;
    this.isDir = isDir;
    this.#root = resolve(location);
    this.#filter = filter;
  }

  /**
   * Opens a workflows path.
   * @param filter which files of a folder to read. Default: all of them, as in Go, less any the
   * folder's `.workflowcacheignore` names (read again at each listing)
   * @throws {WorkflowPathError} when it does not exist or cannot be read
   * @throws {TypeError} when a filter's patterns are not an array of strings
   */
  static async open(path: string, filter: FileFilterOptions = {}): Promise<FsSource> {
    if (typeof path !== 'string' || path === '') throw new TypeError('workflows path must be a non-empty string');
    new FileFilter(filter); // checks the patterns now, not at the first listing
    try {
      const stats = await stat(path);
      if (stats.isDirectory()) await readdir(path);
      else if (!stats.isFile()) throw new Error('not a file or folder');
      return new FsSource(path, stats.isDirectory(), { ...filter });
    } catch (cause) {
      throw new WorkflowPathError(path, describe(cause), { cause });
    }
  }

  async list(): Promise<SourceEntry[]> {
    try {
      if (!this.isDir) {
        const s = statSync(this.#root); // the file itself gone is the source gone
        const key = basename(this.#root);
        return [refusedByGo(key, key) ?? { key, size: s.size, mtimeMs: s.mtimeMs }];
      }
      const entries: SourceEntry[] = [];
      const walk: Walk = { entries, filter: this.#folderFilter(entries), seen: new Map(), folders: new Set(), passed: new Set() };
      listFolder(this.#root, '', walk);
      this.#walked = { ...walk, entries: [] };
      return entries;
    } catch (cause) {
      this.#walked = undefined;
      throw new WorkflowPathError(this.location, describe(cause), { cause });
    }
  }

  /**
   * Hands a refresh the paths the watchers noted, listed again (each a file, a folder listed
   * whole, or gone), when every one can be listed as a full listing would list it; else nothing,
   * and the refresh lists everything. See {@link WorkflowSource.withChanges}.
   */
  async withChanges<T>(apply: (changes: ChangedEntries | undefined) => Promise<T>): Promise<T> {
    const looks = [...this.#journals].map((journal) => ({ journal, ...journal.look() }));
    const walked = this.#walked;
    const complete = looks.filter((l) => l.paths !== undefined);
    let changes: ChangedEntries | undefined;
    if (this.isDir && walked && complete.length > 0) {
      changes = await this.#listChanged(new Set(complete.flatMap((l) => l.paths!)), walked, complete.map((l) => l.journal));
    }
    const result = await apply(changes);
    for (const { journal, mark } of looks) journal.done(mark);
    return result;
  }

  /**
   * Has `journal` handed to the refreshes of this source from now on, until the function
   * returned is called. A journal starts incomplete: the first refresh lists everything.
   * @internal for the Node watcher
   */
  track(journal: ChangeJournal): () => void {
    this.#journals.add(journal);
    return () => this.#journals.delete(journal);
  }

  /** The changed paths listed again, or `undefined` when one of them needs a full listing. */
  async #listChanged(paths: Set<string>, walked: Walk, journals: readonly ChangeJournal[]): Promise<ChangedEntries | undefined> {
    if (paths.has('') || paths.has(IGNORE_FILE)) return undefined; // the whole folder, or what the filter is
    const walk: Walk = { ...walked, entries: [] };
    // In key order a folder comes before what is below it, which its listing covers.
    const scopes: string[] = [];
    const scoped = new Set<string>();
    for (const key of [...paths].sort()) {
      if (ancestors(key).some((folder) => scoped.has(folder))) continue;
      const where = placeOf(walk, key);
      if (where === 'passed') continue;
      if (where === 'unknown') return undefined;
      scopes.push(key);
      scoped.add(key);
    }
    // All forgotten first: a folder renamed is the same folder (device and inode) under a new key.
    for (const key of scopes) forgetBelow(walk, `${key}/`);
    const found: Array<{ key: string; path: string; stats: Stats }> = [];
    let slice = performance.now();
    const pause = async () => {
      if (performance.now() - slice <= SLICE_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
      slice = performance.now();
    };
    for (const key of scopes) {
      await pause();
      const path = join(this.#root, key);
      try {
        const stats = lstatSync(path, { throwIfNoEntry: false });
        if (stats) found.push({ key, path, stats }); // else gone, with all below it
      } catch {
        return undefined; // its folder unreadable since: a full listing says which
      }
    }
    // Gone with the workflows folder itself (its own event may come later): a failure of the whole
    // folder, which a full listing gives, not files removed.
    if (found.length < scopes.length && !stampOf(this.#root)?.isDirectory()) return undefined;
    if (found.some((f) => f.stats.isDirectory())) for (const journal of journals) journal.watchFolders();
    for (const { key, path, stats } of found) {
      await pause();
      if (stats.isDirectory()) folderChild(path, key, walk);
      else fileChild(path, key, stats.isSymbolicLink(), walk, stats);
    }
    return { scopes, entries: walk.entries };
  }

  /**
   * The filter for one listing: the options, with the lines of the folder's ignore file as it is
   * now. An ignore file that cannot be used is an entry that fails, and the options alone apply.
   */
  #folderFilter(entries: SourceEntry[]): FileFilter {
    const path = join(this.#root, IGNORE_FILE);
    if (!stampOf(path)) return new FileFilter(this.#filter);
    try {
      return new FileFilter(this.#filter, ignoreFilePatterns(readRegularFile(path, MAX_IGNORE_FILE_BYTES).toString('utf8')));
    } catch (cause) {
      entries.push({ key: IGNORE_FILE, failure: `cannot be used: ${describe(cause)}` });
      return new FileFilter(this.#filter);
    }
  }

  /**
   * Reads a listed file: a regular file only, opened without waiting (a FIFO or a device fails
   * at once), refused past the size limit, gunzipped when its name ends in `.gz`.
   * @param limits Default: {@link DEFAULT_MAX_FILE_SIZE} bytes.
   */
  async read(key: string, limits?: ReadLimits): Promise<Uint8Array> {
    const maxBytes = limits?.maxBytes ?? DEFAULT_MAX_FILE_SIZE;
    let bytes: Buffer;
    try {
      bytes = readRegularFile(this.isDir ? join(this.#root, key) : this.#root, maxBytes);
    } catch (cause) {
      // The system's error names the whole path; the key already says which file.
      if (cause instanceof WorkflowCacheError) throw cause;
      throw new WorkflowCacheError(describe(cause), { cause });
    }
    // Go's file/local gunzips by the name (`filepath.Ext(path) == ".gz"`), whatever the bytes.
    return key.endsWith('.gz') ? gunzipLimited(bytes, maxBytes) : bytes;
  }
}

/**
 * A file's stat, taken synchronously: the thread pool's round trips cost more than the stats
 * themselves (bench/RESULTS.md, under refresh(), has the figures). A file that cannot be
 * stat'ed (a broken link) is still listed: reading it fails, and that failure belongs to the
 * file alone.
 */
function stampOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** A listing under way, and what it found of the folders: what a listing of changed paths needs to list them as a full one would. */
interface Walk {
  entries: SourceEntry[];
  /** The files and folders to leave out, by key; the ignore file itself is never listed. */
  filter: FileFilter;
  /** The folders read, by `dev:ino`, with the key they were read under. */
  seen: Map<string, string>;
  /** Keys of the folders listed (`''`, `sub/`). */
  folders: Set<string>;
  /** Keys of the folders not listed (left out, refused, unreadable, read already): nothing below them is. */
  passed: Set<string>;
}

/**
 * Lists every file below `folder` into `walk`, synchronously for the reason {@link stampOf}
 * is: listing takes less time than waiting on the thread pool would (bench/RESULTS.md).
 * Links to folders are not followed: Go lists them as files and fails them, which also leaves
 * no loop of links to walk. Each real folder (device and inode) is read once all the same, for
 * bind mounts. A sub-folder that cannot be listed is an entry that fails, the rest is listed.
 * Keys are the names as listed, joined by `/`: a `\` in a name is part of it, as in Go on Linux.
 * @param key the folder's key: `''` for the workflows folder, else `sub/`
 * @throws when the workflows folder itself cannot be read
 */
function listFolder(folder: string, key: string, walk: Walk): void {
  let children: Dirent[];
  try {
    const { dev, ino } = statSync(folder);
    const first = walk.seen.get(`${dev}:${ino}`);
    if (first !== undefined) {
      walk.entries.push({ key, failure: `the same folder as ${first === '' ? 'the workflows folder' : first} (a mount of it?), which is read once` });
      walk.passed.add(key);
      return;
    }
    walk.seen.set(`${dev}:${ino}`, key);
    children = readdirSync(folder, { withFileTypes: true });
  } catch (cause) {
    if (key === '') throw cause;
    walk.entries.push({ key, failure: `cannot list this folder: ${describe(cause)}` });
    walk.passed.add(key);
    return;
  }
  walk.folders.add(key);
  // A listed name is one plain segment: joined as is, where join() would normalize the whole
  // path again for each of thousands of files at every refresh.
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  for (const child of children) {
    const path = prefix + child.name;
    const childKey = key + child.name;
    if (child.isDirectory()) folderChild(path, childKey, walk);
    else fileChild(path, childKey, child.isSymbolicLink(), walk);
  }
}

/** A folder found in a listed folder: listed, unless left out or refused. */
function folderChild(path: string, key: string, walk: Walk): void {
  if (walk.filter.skipsFolder(key)) {
    walk.passed.add(`${key}/`);
    return;
  }
  const refused = refusedByGo(`${key}/`, key);
  if (refused) {
    walk.entries.push(refused);
    walk.passed.add(`${key}/`);
  } else {
    listFolder(path, `${key}/`, walk);
  }
}

/**
 * Anything but a folder found in a listed folder: a file's entry, unless left out.
 * @param lstats the path's own stats when already taken: no link, so they are the file's
 */
function fileChild(path: string, key: string, isLink: boolean, walk: Walk, lstats?: Stats): void {
  if (key === IGNORE_FILE || !walk.filter.reads(key)) return;
  const refused = refusedByGo(key, key);
  if (refused) {
    walk.entries.push(refused);
    return;
  }
  const s = !isLink && lstats ? lstats : stampOf(path);
  if (isLink && s?.isDirectory()) {
    walk.entries.push({ key, failure: 'a link to a folder, which the Go cache lists as a file and cannot read ("can not read directory"); link the files inside it instead' });
  } else {
    walk.entries.push(s ? { key, size: s.size, mtimeMs: s.mtimeMs } : { key });
  }
}

/**
 * Where a changed path is: in a folder listed (`listed`), below a folder not listed, where no
 * change matters (`passed`), or somewhere the last listings did not reach (`unknown`).
 */
function placeOf(walk: Walk, key: string): 'listed' | 'passed' | 'unknown' {
  if (ancestors(key).some((folder) => walk.passed.has(`${folder}/`))) return 'passed';
  return walk.folders.has(key.slice(0, key.lastIndexOf('/') + 1)) ? 'listed' : 'unknown';
}

/** The keys of the folders a key is below, outermost first: `a/b/c` → `a`, `a/b`. */
function ancestors(key: string): string[] {
  const found: string[] = [];
  for (let at = key.indexOf('/'); at >= 0; at = key.indexOf('/', at + 1)) found.push(key.slice(0, at));
  return found;
}

/** Forgets what a listing found of folder `prefix` (`sub/`) and those below it, before it is looked at again. */
function forgetBelow(walk: Walk, prefix: string): void {
  if (!walk.folders.has(prefix) && !walk.passed.has(prefix)) return; // not a folder then: nothing below it was found
  for (const set of [walk.folders, walk.passed]) {
    for (const key of set) if (key.startsWith(prefix)) set.delete(key);
  }
  for (const [id, key] of walk.seen) if (key.startsWith(prefix)) walk.seen.delete(id);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a link that leads to itself';
  return messageOf(error);
}
