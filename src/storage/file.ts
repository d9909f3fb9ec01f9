import { link, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { DatabaseLockedError } from '../errors.js';
import { openRegularFile } from '../sources/node-read.js';
import type { StorageAdapter } from './storage.js';

/** Who holds a database, as its lock file says. */
interface LockHolder {
  pid?: number;
  hostname?: string;
}

/**
 * Keeps the image in a file. Saves are crash-safe: the image goes to a temporary file beside
 * the target, is flushed to disk, and replaces the target in one rename, so a crash leaves the
 * old image or the new one, never a torn file. One cache at a time may hold the file: a lock
 * file `<path>.lock` names the holder, and one left by a dead process on this machine is taken over.
 */
export class FileStorage implements StorageAdapter {
  readonly path: string;
  readonly location: string;
  readonly #lock: string;
  #locked = false;

  /** @param path the database file; its folder must exist */
  constructor(path: string) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileStorage needs a file path');
    this.path = resolve(path);
    this.location = path;
    this.#lock = `${this.path}.lock`;
  }

  /** @throws {DatabaseLockedError} when a live process (this one included) holds the lock */
  async acquire(): Promise<void> {
    if (this.#locked) return;
    const mine = JSON.stringify({ pid: process.pid, hostname: hostname() });
    for (;;) {
      const handle = await open(this.#lock, 'wx', 0o644).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return undefined;
        throw error;
      });
      if (handle) {
        try {
          await handle.writeFile(mine);
        } catch (error) {
          // A lock naming no process could never be taken over: leave none behind.
          await handle.close();
          await unlink(this.#lock).catch(() => {});
          throw error;
        }
        await handle.close();
        this.#locked = true;
        return;
      }
      const holder = await readHolder(this.#lock);
      if (holder === undefined) continue; // released while we looked
      if (!isStale(holder)) throw new DatabaseLockedError(this.location, this.#lock, holder);
      await this.#breakStaleLock(holder);
    }
  }

  async release(): Promise<void> {
    if (!this.#locked) return;
    this.#locked = false;
    await unlink(this.#lock).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async load(): Promise<Uint8Array | undefined> {
    await this.#removeStaleTemporaries();
    let handle;
    try {
      // A FIFO or a device at the path must not hang the open: refused, the cache works in memory.
      handle = await openRegularFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // One read of the whole file: readFile() reads 512 KB at a time, a thread-pool round trip
    // each (35–42 ms against 25 ms for a 50 MB image). Saves replace the file by rename, so
    // the open handle sees one image whatever happens at the path meanwhile.
    try {
      const { size } = await handle.stat();
      const image = Buffer.allocUnsafeSlow(size); // every byte is read over: no zero-filling
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(image, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === size ? image : image.subarray(0, filled);
    } finally {
      await handle.close();
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
    const stamp = `${this.path}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // link() never replaces an existing file (rename would): an earlier aside file is kept.
    for (let n = 0; ; n++) {
      const aside = n === 0 ? stamp : `${stamp}-${n}`;
      try {
        await link(this.path, aside);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // Without hard links (some network and FAT file systems), check, then rename.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
        if (await stat(aside).then(() => true, () => false)) continue;
        await rename(this.path, aside);
        await syncFolder(dirname(this.path));
        return aside;
      }
      try {
        await unlink(this.path);
      } catch (error) {
        await unlink(aside).catch(() => {}); // the image stays where it was, whole
        throw error;
      }
      await syncFolder(dirname(this.path));
      return aside;
    }
  }

  /**
   * Moves the dead holder's lock out of the way before deleting it, so that of two processes
   * recovering it at once only one wins; one that moved a live lock by mistake puts it back.
   */
  async #breakStaleLock(stale: LockHolder): Promise<void> {
    const moved = `${this.#lock}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.stale`;
    try {
      await rename(this.#lock, moved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const holder = await readHolder(moved);
    if (holder?.pid !== stale.pid || holder?.hostname !== stale.hostname) {
      await rename(moved, this.#lock);
      throw new DatabaseLockedError(this.location, this.#lock, holder ?? {});
    }
    await unlink(moved);
  }

  /** Temporary files left by a process that died mid-save, or while taking over a stale lock. */
  async #removeStaleTemporaries(): Promise<void> {
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(dirname(this.path)).catch(() => [] as string[]);
    for (const name of names) {
      const match = name.startsWith(prefix) && /^(?:lock\.)?(\d+)\.[a-z0-9]+\.(?:tmp|stale)$/.exec(name.slice(prefix.length));
      if (match && !isAlive(Number(match[1]))) await unlink(join(dirname(this.path), name)).catch(() => {});
    }
  }
}

/** The lock's holder; `{}` when the file does not say; `undefined` when there is no lock. */
async function readHolder(lock: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    // Opened without waiting: a FIFO at the lock path would hang the open.
    const handle = await openRegularFile(lock);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { pid, hostname } = JSON.parse(text) as LockHolder;
    return {
      ...(Number.isInteger(pid) ? { pid } : {}),
      ...(typeof hostname === 'string' ? { hostname } : {}),
    };
  } catch {
    // Being written this instant, or not ours: held, by a process we cannot name.
    return {};
  }
}

/** A lock whose holder is known to be dead: on this machine, with no such process. */
function isStale(holder: LockHolder): boolean {
  return holder.pid !== undefined && holder.hostname === hostname() && !isAlive(holder.pid);
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
