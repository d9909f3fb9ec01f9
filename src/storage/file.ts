import { constants } from 'node:fs';
import { access, link, lstat, rename, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DatabaseLockedError, StorageError } from '../errors.js';
import { kindOf, readRegularFile, removeTemporaries, replaceFile, resolveLinks, syncFolder } from './atomic-file.js';
import { FileLock } from './file-lock.js';
import type { StorageAdapter } from './storage.js';
import { messageOf } from '../message-of.js';

/**
 * Keeps the image in a file. Saves are crash-safe: the image goes to a temporary file beside
 * the target, is flushed to disk, and replaces the target in one rename, so a crash leaves the
 * old image or the new one, never a torn file; the new file keeps the old one's mode and owner,
 * and a symbolic link at the path stays a link, its target replaced. One cache at a time may
 * hold the file, through the lock `<file>.lock` (see {@link FileLock}); only that holder removes
 * what dead processes left beside the file, so a reader (`openSaved`) deletes nothing.
 */
export class FileStorage implements StorageAdapter {
  readonly path: string;
  readonly location: string;
  /** While this storage holds the lock: it, and the file it guards, links followed at acquire. */
  #held: { lock: FileLock; target: string } | undefined;

  /** @param path the database file (or a symbolic link to it); its folder must exist */
  constructor(path: string) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileStorage needs a file path');
    this.path = resolve(path);
    this.location = path;
  }

  /**
   * Claims the file for writing: checks it can be saved to, takes the lock, then removes what
   * dead processes left beside it.
   * @throws {DatabaseLockedError} when a process not known to be gone (this one included) holds the lock
   * @throws {StorageError} when nothing could be saved there: no such folder, a folder or a
   * read-only file at the path, a lock that cannot be made or is no file
   */
  async acquire(): Promise<void> {
    if (this.#held) return;
    const target = await resolveLinks(this.path);
    await this.#checkWritable(target);
    const lock = new FileLock(`${target}.lock`, this.location);
    try {
      await lock.acquire();
    } catch (error) {
      if (error instanceof DatabaseLockedError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // An fs error names a temporary file; say which lock could not be made, and why.
      const why = code === undefined ? messageOf(error) : `cannot create ${lock.path} (${code})`;
      throw new StorageError(`cannot lock the database ${this.location}: ${why}; nothing can be saved there`, { cause: error });
    }
    this.#held = { lock, target };
    await removeTemporaries(target);
  }

  async release(): Promise<void> {
    const held = this.#held;
    this.#held = undefined;
    await held?.lock.release();
  }

  async load(): Promise<Uint8Array | undefined> {
    return readRegularFile(this.#held?.target ?? this.path, 'a database file');
  }

  /** @throws when the lock was taken over since it was acquired: this cache no longer saves here */
  async save(image: Uint8Array): Promise<void> {
    if (!this.#held) return replaceFile(await resolveLinks(this.path), image);
    // Checked while the image is written, and before it replaces the file.
    await replaceFile(this.#held.target, image, this.#held.lock.assertHeld());
  }

  /** Renames the unusable file (a link's target) to `<name>.unusable-<time>` beside it. */
  async moveAside(): Promise<string> {
    const target = this.#held?.target ?? (await resolveLinks(this.path));
    const stamp = `${target}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    // link() never replaces an existing file (rename would): an earlier aside file is kept.
    for (let n = 0; ; n++) {
      const aside = n === 0 ? stamp : `${stamp}-${n}`;
      try {
        await link(target, aside);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // Without hard links (some network and FAT file systems), check, then rename.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
        if (await stat(aside).then(() => true, () => false)) continue;
        await rename(target, aside);
        await syncFolder(dirname(target));
        return aside;
      }
      try {
        await unlink(target);
      } catch (error) {
        await unlink(aside).catch(() => {}); // the image stays where it was, whole
        throw error;
      }
      await syncFolder(dirname(target));
      return aside;
    }
  }

  /** A writer that could save nothing is refused at open, not left to fail at every save. */
  async #checkWritable(target: string): Promise<void> {
    const folder = dirname(target);
    const folderStats = await stat(folder).catch(() => undefined);
    if (!folderStats?.isDirectory()) {
      throw new StorageError(`cannot save the database ${this.location}: its folder ${folder} ${folderStats ? 'is not a folder' : 'does not exist'}`);
    }
    const stats = await lstat(target).catch(() => undefined);
    if (!stats) return;
    if (!stats.isFile()) throw new StorageError(`cannot save the database ${this.location}: it is ${kindOf(stats)}, not a database file`);
    if (!(await access(target, constants.W_OK).then(() => true, () => false))) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new StorageError(`cannot save the database ${this.location}: it is read-only for this user (mode ${mode}); make it writable, or read it with openSaved()`);
    }
  }
}
