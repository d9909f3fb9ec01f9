import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { WorkflowCacheError } from '../errors.js';
import { FileTooLargeError } from './source.js';
import { messageOf } from '../message-of.js';

/**
 * Opening never waits: a FIFO without a writer would block `open` forever, and a terminal must
 * not become the process's controlling one. Regular files ignore both flags.
 */
export const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** A path that is not a regular file: a FIFO, a socket, a device or a folder is never read. */
export class NotRegularFileError extends WorkflowCacheError {
  override readonly name = 'NotRegularFileError';

  /**
   * @param kind what the path is, as {@link kindOf} names it
   * @param path the path, when the message should name it
   */
  constructor(
    readonly kind: string,
    path?: string,
  ) {
    super(`${path === undefined ? '' : `${path} is `}${kind}, not a regular file: only regular files are read`);
  }
}

/**
 * Opens a path to read without waiting on it (a FIFO or a device opens at once), with what its
 * open descriptor is: the caller judges the kind, so nothing swapped in at the path is judged.
 * Rejects as `open` does; the handle is closed if the stat fails.
 */
export async function openWithoutWaiting(path: string): Promise<{ handle: FileHandle; stats: Stats }> {
  const handle = await open(path, OPEN_FLAGS);
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  return { handle, stats };
}

/**
 * Opens a regular file to read, asynchronously, without waiting on a FIFO or a device.
 * @throws {NotRegularFileError} (naming the path) for anything but a regular file
 */
export async function openRegularFile(path: string): Promise<FileHandle> {
  let opened: { handle: FileHandle; stats: Stats };
  try {
    opened = await openWithoutWaiting(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') throw new NotRegularFileError(kindAt(path), path);
    throw error;
  }
  const { handle, stats } = opened;
  if (!stats.isFile()) {
    await handle.close();
    throw new NotRegularFileError(kindOf(stats), path);
  }
  return handle;
}

/**
 * The bytes of a regular file, at most `maxBytes` of them, read synchronously (workflow files
 * are small: a synchronous read takes microseconds, where the thread pool pays four round trips).
 * The open descriptor is checked, not the path, so nothing swapped in between is read.
 * @throws {NotRegularFileError} for anything but a regular file
 * @throws {FileTooLargeError} past `maxBytes`, judged by size before reading (a sparse 1.5 GB
 * file is refused without a byte read), and again while reading, for a file that grows
 */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    // A socket cannot be opened at all.
    if ((error as NodeJS.ErrnoException).code === 'ENXIO') throw new NotRegularFileError(kindAt(path));
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new NotRegularFileError(kindOf(stats));
    if (stats.size > maxBytes) throw new FileTooLargeError(stats.size, maxBytes);
    // One byte more than expected tells a file that grew since its size was taken.
    let buffer = Buffer.allocUnsafe(stats.size + 1);
    let filled = 0;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (read === 0) break;
      filled += read;
      if (filled > maxBytes) throw new FileTooLargeError(undefined, maxBytes);
      if (filled === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/**
 * Gunzips a `.gz` workflow file as Go's file package does (every member of a multi-member file,
 * and nothing after them), stopping at `maxBytes` of output.
 * @throws {FileTooLargeError} when the content passes `maxBytes`
 * @throws {WorkflowCacheError} when the bytes are not gzip data, as Go's reader refuses them
 */
export function gunzipLimited(bytes: Uint8Array, maxBytes: number): Buffer {
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    result = gunzipSync(bytes, { maxOutputLength: Math.max(maxBytes, 1), info: true }) as unknown as typeof result;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new FileTooLargeError(undefined, maxBytes, true);
    throw new WorkflowCacheError(`not gzip data, as its .gz name says (${messageOf(cause)})`, { cause });
  }
  // zlib passes over bytes after the last member; Go's reader takes them for a next header and fails.
  const trailing = bytes.length - result.engine.bytesWritten;
  if (trailing > 0) throw new WorkflowCacheError(`not gzip data after the first ${result.engine.bytesWritten} bytes (${trailing} more follow): gzip: invalid header`);
  if (result.buffer.length > maxBytes) throw new FileTooLargeError(undefined, maxBytes, true);
  return result.buffer;
}

function kindAt(path: string): string {
  try {
    return kindOf(statSync(path));
  } catch {
    return 'not openable';
  }
}

/** What a node of the file system is, in words, for a message. */
export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isDirectory()) return 'a folder';
  return 'a special file';
}
