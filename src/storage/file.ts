import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { StorageAdapter } from './storage.js';

/**
 * Keeps the image in a file. Saves are crash-safe: the image goes to a temporary file beside
 * the target, is flushed to disk, and replaces the target in one rename, so a crash leaves the
 * old image or the new one, never a torn file.
 */
export class FileStorage implements StorageAdapter {
  readonly path: string;
  readonly location: string;

  /** @param path the database file; its folder must exist */
  constructor(path: string) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileStorage needs a file path');
    this.path = resolve(path);
    this.location = path;
  }

  async load(): Promise<Uint8Array | undefined> {
    await this.#removeStaleTemporaries();
    try {
      return await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async save(image: Uint8Array): Promise<void> {
    const temporary = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
    try {
      const handle = await open(temporary, 'wx', 0o644);
      try {
        await handle.writeFile(image);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await syncFolder(dirname(this.path));
  }

  /** Renames the unusable file to `<name>.unusable-<time>` beside it. */
  async moveAside(): Promise<string> {
    const aside = `${this.path}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(this.path, aside);
    await syncFolder(dirname(this.path));
    return aside;
  }

  /** Temporary files left by a process that died mid-save. */
  async #removeStaleTemporaries(): Promise<void> {
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(dirname(this.path)).catch(() => [] as string[]);
    for (const name of names) {
      const match = name.startsWith(prefix) && /^(\d+)\.[a-z0-9]+\.tmp$/.exec(name.slice(prefix.length));
      if (match && !isAlive(Number(match[1]))) await unlink(join(dirname(this.path), name)).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes a rename durable; some systems refuse to open folders, which is no loss there. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // fsync on a folder is not supported everywhere (some network file systems)
  } finally {
    await handle.close();
  }
}
