import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { WorkflowPathError } from '../errors.js';
import { fileKey } from './file-key.js';
import type { SourceEntry, WorkflowSource } from './source.js';

/** Stats in flight at once: enough to hide latency, few enough not to exhaust file handles. */
const PARALLEL_STATS = 64;

/** Workflow files on disk: one file, or every file in a folder and its sub-folders. */
export class FsSource implements WorkflowSource {
  readonly location: string;
  readonly isDir: boolean;
  readonly #root: string;

  private constructor(location: string, isDir: boolean) {
    this.location = location;
    this.isDir = isDir;
    this.#root = resolve(location);
  }

  /**
   * Opens a workflows path.
   * @throws {WorkflowPathError} when it does not exist or cannot be read
   */
  static async open(path: string): Promise<FsSource> {
    if (typeof path !== 'string' || path === '') throw new TypeError('workflows path must be a non-empty string');
    try {
      const stats = await stat(path);
      if (stats.isDirectory()) await readdir(path);
      else if (!stats.isFile()) throw new Error('not a file or folder');
      return new FsSource(path, stats.isDirectory());
    } catch (cause) {
      throw new WorkflowPathError(path, describe(cause), { cause });
    }
  }

  async list(): Promise<SourceEntry[]> {
    try {
      const files = this.isDir ? await walk(this.#root) : [this.#root];
      if (!this.isDir) await stat(this.#root);
      const entries: SourceEntry[] = [];
      for (let i = 0; i < files.length; i += PARALLEL_STATS) {
        const batch = files.slice(i, i + PARALLEL_STATS);
        // A file that cannot be stat'ed (a broken link) is still listed: reading it fails, and
        // that failure belongs to the file, not to the whole refresh.
        const stats = await Promise.all(batch.map((f) => stat(f).catch(() => undefined)));
        batch.forEach((f, j) => {
          const key = this.isDir ? fileKey(this.#root, f) : basename(f);
          const s = stats[j];
          entries.push(s ? { key, size: s.size, mtimeMs: s.mtimeMs } : { key });
        });
      }
      return entries;
    } catch (cause) {
      throw new WorkflowPathError(this.location, describe(cause), { cause });
    }
  }

  /**
   * Workflow files are small: a synchronous read takes microseconds, where an asynchronous one
   * pays four thread-pool round trips (open, stat, read, close) and made a full load 5x slower.
   */
  async read(key: string): Promise<Uint8Array> {
    return readFileSync(this.isDir ? join(this.#root, key) : this.#root);
  }
}

/** Every file below `folder`, following links to files and folders as `stat` does. */
async function walk(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const isDir =
      entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path).then((s) => s.isDirectory(), () => false)));
    if (isDir) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
