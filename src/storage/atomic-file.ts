import { closeSync, fstatSync, openSync, read, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { OPEN_FLAGS, openWithoutWaiting } from '../sources/node-read.js';

/** Temporary files this process is writing now: the lock holder's clean-up leaves them alone. */
const inFlight = new Set<string>();

/** A name beside `path`, unique to this process and moment: `<path>.<pid>.<random>.<suffix>`. */
export function temporaryName(path: string, suffix: 'tmp' | 'stale'): string {
  return `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.${suffix}`;
}

/**
 * The file a path names once symbolic links at its end are followed (a link to a link too), so
 * that a save replaces the link's target, not the link; the path itself when it is no link.
 * A link whose target does not exist yet resolves to that target.
 */
export async function resolveLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const stats = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!stats?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
}

/**
 * Opens a file to read without ever blocking on it: a FIFO or a device opens at once and is
 * refused, since only a regular file can hold a database or a lock. `undefined` when absent.
 * The stats are the open descriptor's: what is read is that file, whatever the path names later.
 */
export async function openRegularFile(path: string, what: string): Promise<{ handle: FileHandle; stats: Stats } | undefined> {
  let opened: { handle: FileHandle; stats: Stats };
  try {
    opened = await openWithoutWaiting(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const { handle, stats } = opened;
  if (!stats.isFile()) {
    await handle.close();
    throw new Error(`${path} is ${kindOf(stats)}, not ${what}`);
  }
  return opened;
}

/**
 * Parts of a large file read at once: the kernel's copy into fresh memory is mostly page faults
 * on the new buffer, which parallel reads on the thread pool spread over the cores (bench/RESULTS.md,
 * "open() from a saved image, and the save after one file changed").
 */
const READ_PART_BYTES = 8 * 1024 * 1024;
const READS_AT_ONCE = 4;

/**
 * Reads a whole regular file, a few large reads at once; `undefined` when absent. The file is
 * opened and its reads are under way when this returns, so synchronous work of the caller's
 * (listing the workflow files) runs while the thread pool reads. Saves replace the file by
 * rename, so the open descriptor sees one image whatever happens at the path meanwhile.
 */
export function readRegularFile(path: string, what: string): Promise<Uint8Array | undefined> {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS); // a regular file opens at once; anything else is refused below
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(undefined);
    return Promise.reject(error);
  }
  let reading: Promise<Uint8Array>;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${path} is ${kindOf(stats)}, not ${what}`);
    reading = readParts(fd, stats.size);
  } catch (error) {
    closeSync(fd);
    return Promise.reject(error);
  }
  return reading.finally(() => closeSync(fd));
}

/** All `size` bytes of the open file, in parts read at once; a file cut short meanwhile (written in place by another program) is whole up to its first gap. */
async function readParts(fd: number, size: number): Promise<Uint8Array> {
  // readFile() reads 512 KB at a time, a thread-pool round trip each.
  const image = Buffer.allocUnsafeSlow(size); // every byte is read over: no zero-filling
  const parts = Math.min(READS_AT_ONCE, Math.ceil(size / READ_PART_BYTES));
  const part = Math.ceil(size / parts);
  const ends = await Promise.all(Array.from({ length: parts }, (_, i) => readRange(fd, image, i * part, Math.min(size, (i + 1) * part))));
  const short = ends.findIndex((end, i) => end < Math.min(size, (i + 1) * part));
  const filled = short === -1 ? size : ends[short];
  return filled === size ? image : image.subarray(0, filled);
}

/** Reads bytes `start` to `end` of the file into the same place of `into`; resolves with where the read stopped. */
async function readRange(fd: number, into: Uint8Array, start: number, end: number): Promise<number> {
  let filled = start;
  while (filled < end) {
    const bytesRead = await new Promise<number>((done, fail) => read(fd, into, filled, end - filled, filled, (error, n) => (error ? fail(error) : done(n))));
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * Replaces `target` with `bytes` crash-safely: a temporary file beside it is written, flushed to
 * disk and renamed over it, so a crash leaves the old content or the new, never a torn file. The
 * new file keeps the old one's mode and, as far as this user may set them, its owner and group
 * (only root may give a file to another user; a member of its group may keep the group).
 * @param target a path with no symbolic link at its end (see {@link resolveLinks})
 * @param mayReplace settles while the file is written; when it rejects, the target is left as it is
 */
export async function replaceFile(target: string, bytes: Uint8Array, mayReplace?: Promise<void>): Promise<void> {
  mayReplace?.catch(() => {}); // awaited below, once the temporary file is written
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing && !existing.isFile()) throw new Error(`${target} is ${kindOf(existing)}, not a database file`);
  const temporary = temporaryName(target, 'tmp');
  // Steps that wait on nothing of each other share a round trip of the thread pool: the folder
  // is opened while the file is, its mode set while its bytes are written (bench/RESULTS.md,
  // "The save: the durable floor, and ours above it").
  const folder = openFolder(dirname(target));
  inFlight.add(temporary);
  try {
    // Private until it has the old file's mode: a 0600 database is never readable by others.
    const handle = await open(temporary, 'wx', existing ? 0o600 : 0o644);
    try {
      await Promise.all([writeWhole(handle, bytes), existing && takeOwnerAndMode(handle, existing)]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await mayReplace;
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    await folder.then((opened) => opened?.close()).catch(() => {});
    throw error;
  } finally {
    inFlight.delete(temporary);
  }
  await syncOpenedFolder(await folder);
}

/** Writes `bytes` at the start of the file in as few writes as the kernel takes: writeFile() writes 512 KB at a time, a thread-pool round trip each. */
async function writeWhole(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length; ) {
    written += (await handle.write(bytes, written, bytes.length - written, written)).bytesWritten;
  }
}

/**
 * Owner and group first: changing them clears set-id bits that the mode then restores. File
 * systems without owners or modes (FAT, some network shares) refuse, which is no loss there.
 */
async function takeOwnerAndMode(handle: FileHandle, like: Stats): Promise<void> {
  // The new file is this process's (or, in a set-group-id folder, has the folder's group, as the old one had).
  if (process.geteuid && (like.uid !== process.geteuid() || like.gid !== process.getegid!())) {
    await handle.chown(like.uid, like.gid).catch(async (error: NodeJS.ErrnoException) => {
      if (!unsupported(error)) throw error;
      await handle.chown(-1, like.gid).catch((again: NodeJS.ErrnoException) => {
        if (!unsupported(again)) throw again;
      });
    });
  }
  await handle.chmod(like.mode & 0o7777).catch((error: NodeJS.ErrnoException) => {
    if (!unsupported(error)) throw error;
  });
}

/** Not allowed for this user, or not kept by this file system. */
function unsupported(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPERM' || error.code === 'ENOTSUP' || error.code === 'EOPNOTSUPP' || error.code === 'EINVAL';
}

/**
 * Removes what dead processes left beside `target`: half-written images (`<name>.<pid>.<r>.tmp`)
 * and lock files moved aside or half made (`<name>.lock.<pid>.<r>.stale|tmp`). Only the lock
 * holder calls this: no other process writes there while it holds the lock, whatever their pid
 * says (a pid from another PID namespace means nothing here), so it spares only its own.
 */
export async function removeTemporaries(target: string): Promise<void> {
  const folder = dirname(target);
  const prefix = `${basename(target)}.`;
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^(?:lock\.)?\d+\.[a-z0-9]+\.(?:tmp|stale)$/.test(name.slice(prefix.length))) continue;
    const path = join(folder, name);
    if (!inFlight.has(path)) await unlink(path).catch(() => {});
  }
}

/** Makes a rename durable; some systems refuse to open folders, which is no loss there. */
export async function syncFolder(folder: string): Promise<void> {
  await syncOpenedFolder(await openFolder(folder));
}

/** The folder opened to be flushed; `undefined` where folders cannot be opened. */
function openFolder(folder: string): Promise<FileHandle | undefined> {
  return open(folder, 'r').catch(() => undefined);
}

/** Flushes a folder opened by {@link openFolder} (its state now, renames made since it was opened included) and closes it. */
async function syncOpenedFolder(handle: FileHandle | undefined): Promise<void> {
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // fsync on a folder is not supported everywhere (some network file systems)
  } finally {
    await handle.close();
  }
}

/** What a file is, for messages. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}
