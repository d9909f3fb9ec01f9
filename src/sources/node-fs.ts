import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { WorkflowCacheError, WorkflowPathError } from '../errors.js';
import { FileFilter, IGNORE_FILE, ignoreFilePatterns, type FileFilterOptions } from './file-filter.js';
import { refusedByGo } from './go-path.js';
import { gunzipLimited, readRegularFile } from './node-read.js';
import { DEFAULT_MAX_FILE_SIZE, type ReadLimits, type SourceEntry, type WorkflowSource } from './source.js';
import { messageOf } from '../message-of.js';

/** An ignore file larger than this is not one a person wrote: it fails rather than being read whole. */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

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
      listFolder(this.#root, '', entries, new Map(), this.#folderFilter(entries));
      return entries;
    } catch (cause) {
      throw new WorkflowPathError(this.location, describe(cause), { cause });
    }
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

/**
 * Lists every file below `folder` into `entries`, synchronously for the reason {@link stampOf}
 * is: listing takes less time than waiting on the thread pool would (bench/RESULTS.md).
 * Links to folders are not followed: Go lists them as files and fails them, which also leaves
 * no loop of links to walk. Each real folder (device and inode) is read once all the same, for
 * bind mounts. A sub-folder that cannot be listed is an entry that fails, the rest is listed.
 * Keys are the names as listed, joined by `/`: a `\` in a name is part of it, as in Go on Linux.
 * @param key the folder's key: `''` for the workflows folder, else `sub/`
 * @param seen the folders read, by `dev:ino`, with the key they were read under
 * @param filter the files and folders to leave out, by key; the ignore file itself is never listed
 * @throws when the workflows folder itself cannot be read
 */
function listFolder(folder: string, key: string, entries: SourceEntry[], seen: Map<string, string>, filter: FileFilter): void {
  let children: Dirent[];
  try {
    const { dev, ino } = statSync(folder);
    const first = seen.get(`${dev}:${ino}`);
    if (first !== undefined) {
      entries.push({ key, failure: `the same folder as ${first === '' ? 'the workflows folder' : first} (a mount of it?), which is read once` });
      return;
    }
    seen.set(`${dev}:${ino}`, key);
    children = readdirSync(folder, { withFileTypes: true });
  } catch (cause) {
    if (key === '') throw cause;
    entries.push({ key, failure: `cannot list this folder: ${describe(cause)}` });
    return;
  }
  for (const child of children) {
    const path = join(folder, child.name);
    const childKey = key + child.name;
    if (child.isDirectory()) {
      if (filter.skipsFolder(childKey)) continue;
      const refused = refusedByGo(`${childKey}/`, childKey);
      if (refused) entries.push(refused);
      else listFolder(path, `${childKey}/`, entries, seen, filter);
      continue;
    }
    if (childKey === IGNORE_FILE || !filter.reads(childKey)) continue;
    const refused = refusedByGo(childKey, childKey);
    if (refused) {
      entries.push(refused);
      continue;
    }
    const s = stampOf(path);
    if (child.isSymbolicLink() && s?.isDirectory()) {
      entries.push({ key: childKey, failure: 'a link to a folder, which the Go cache lists as a file and cannot read ("can not read directory"); link the files inside it instead' });
    } else {
      entries.push(s ? { key: childKey, size: s.size, mtimeMs: s.mtimeMs } : { key: childKey });
    }
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a link that leads to itself';
  return messageOf(error);
}
