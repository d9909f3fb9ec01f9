import type { Stats } from 'node:fs';
import { link, open, readFile, readlink, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DatabaseLockedError } from '../errors.js';
import { openRegularFile, temporaryName } from './atomic-file.js';

/** How often a holder renews its lock's modification time. */
export const RENEW_EVERY_MS = 5_000;
/** A lock not renewed for this long, whose process cannot be checked, is taken over. */
export const STALE_AFTER_MS = 30_000;
/** Tries before giving up when other processes keep taking and freeing the lock meanwhile. */
const ATTEMPTS = 20;

/** What a lock file says about its holder. */
interface LockRecord {
  pid?: number;
  hostname?: string;
  /** Where `pid` means something (see {@link pidSpace}); `null` when the holder could not tell. */
  pidSpace?: string | null;
  /** The holder renews the lock well within this; absent in locks that are never renewed. */
  staleAfterMs?: number;
}

/** A lock file as read: what it says, and the file itself (to tell a renewal or a new lock apart). */
interface FoundLock {
  record: LockRecord;
  text: string;
  stats: Stats;
}

/** Whether the holder may be taken over, and if not what the user can do. */
type Verdict = { gone: true } | { gone: false; advice: string };

let ownPidSpace: Promise<string | null> | undefined;

/**
 * Lock paths this process holds or is making. A lock naming this process that is not among them
 * was left by an earlier process whose pid this one now has (a restarted container's pid 1).
 */
const heldHere = new Map<string, number>();

function claimHere(path: string): void {
  heldHere.set(path, (heldHere.get(path) ?? 0) + 1);
}

function unclaimHere(path: string): void {
  const count = heldHere.get(path) ?? 0;
  if (count <= 1) heldHere.delete(path);
  else heldHere.set(path, count - 1);
}

/**
 * Where this process's pid means something: a pid is checked (signal 0) only by a process in
 * the same space. On Linux that is one PID namespace on one boot of one machine (a container,
 * `unshare --pid`: pids there are invisible or other processes here); on macOS and Windows, the
 * machine. `null` where it cannot be told: such a holder is judged by its renewals alone.
 */
function pidSpace(): Promise<string | null> {
  ownPidSpace ??= (async () => {
    if (process.platform === 'darwin' || process.platform === 'win32') return `${process.platform}:${hostname()}`;
    if (process.platform !== 'linux') return null;
    try {
      const [boot, namespace] = await Promise.all([readFile('/proc/sys/kernel/random/boot_id', 'utf8'), readlink('/proc/self/ns/pid')]);
      return `${boot.trim()}/${namespace}`;
    } catch {
      return null;
    }
  })();
  return ownPidSpace;
}

/**
 * An exclusive lock file, `<database>.lock`, naming its holder. It is created whole (written
 * aside, then hard-linked into place, which fails when a lock exists) and renewed every
 * {@link RENEW_EVERY_MS} through the holder's open handle. A lock is taken over only from a
 * holder known to be gone: one whose pid this process can check (same PID space) and finds
 * dead, or one whose process cannot be checked and whose lock went unrenewed for its
 * `staleAfterMs`. A lock that says neither (not written by this version) is never taken over.
 */
export class FileLock {
  readonly path: string;
  readonly #database: string;
  #handle: FileHandle | undefined;
  #identity: { dev: number; ino: number } | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #renewing: Promise<void> | undefined;
  #renewedAt = 0;
  /** Why the lock is no longer ours, once another process took it over. */
  #lost: string | undefined;

  /** @param database the database it guards, as the user named it, for messages */
  constructor(path: string, database: string) {
    this.path = path;
    this.#database = database;
  }

  /**
   * @throws {DatabaseLockedError} when a holder not known to be gone has it
   * @throws the file system's error when the lock cannot be made (no folder, no permission), or
   * an `Error` naming the lock path when something other than a regular file is there
   */
  async acquire(): Promise<void> {
    const space = await pidSpace();
    const record = JSON.stringify({ pid: process.pid, hostname: hostname(), pidSpace: space, staleAfterMs: STALE_AFTER_MS });
    let found: FoundLock | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (await this.#create(record)) return;
      found = await readLock(this.path);
      if (!found) continue; // released while we looked
      const verdict = judge(found, space, this.path);
      if (!verdict.gone) throw new DatabaseLockedError(this.#database, this.path, found.record, verdict.advice);
      await this.#takeOver(found);
    }
    throw new DatabaseLockedError(this.#database, this.path, found?.record ?? {}, `other processes kept taking ${this.path} meanwhile; try again`);
  }

  /** Renews the lock before a save; throws when another process has taken it over. */
  async assertHeld(): Promise<void> {
    await this.#renew();
    if (this.#lost) throw new Error(this.#lost);
  }

  /** Removes the lock, if it is still ours, and closes its handle. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#renewing;
    const handle = this.#handle;
    if (!handle) return;
    this.#handle = undefined;
    unclaimHere(this.path);
    try {
      if (!this.#lost && (await this.#stillOurs())) {
        await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    } finally {
      await handle.close();
    }
  }

  /** Makes the lock with its record in it, or finds one there (false). */
  async #create(record: string): Promise<boolean> {
    const temporary = temporaryName(this.path, 'tmp');
    const handle = await open(temporary, 'wx', 0o644);
    let linked = false;
    claimHere(this.path); // before the lock exists: this process never judges its own new lock gone
    try {
      await handle.writeFile(record);
      try {
        await link(temporary, this.path);
        linked = true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // EEXIST: held. ENOENT: the holder's clean-up took our half-made lock; look again.
        if (code === 'EEXIST' || code === 'ENOENT') return false;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
      }
    } finally {
      if (!linked) {
        unclaimHere(this.path);
        await handle.close();
      }
      await unlink(temporary).catch(() => {});
    }
    // Without hard links (some network and FAT file systems): an exclusive create, then the
    // record; a checker may meet it empty for that instant, and refuses it as unnamed.
    let held = handle;
    if (!linked) {
      claimHere(this.path);
      const made = await this.#createInPlace(record).catch((error: unknown) => {
        unclaimHere(this.path);
        throw error;
      });
      if (!made) {
        unclaimHere(this.path);
        return false;
      }
      held = made;
    }
    this.#handle = held;
    const { dev, ino } = await this.#handle.stat();
    this.#identity = { dev, ino };
    this.#renewedAt = Date.now();
    this.#timer = setInterval(() => void this.#renew(), RENEW_EVERY_MS);
    this.#timer.unref(); // the lock never keeps the process alive
    return true;
  }

  async #createInPlace(record: string): Promise<FileHandle | undefined> {
    const handle = await open(this.path, 'wx', 0o644).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw error;
    });
    if (!handle) return undefined;
    try {
      await handle.writeFile(record);
    } catch (error) {
      // A lock naming no process could never be taken over: leave none behind.
      await handle.close();
      await unlink(this.path).catch(() => {});
      throw error;
    }
    return handle;
  }

  /**
   * Moves the lock judged gone out of the way before deleting it, so that of two processes
   * taking it over at once only one wins; when it changed meanwhile (renewed, or replaced), it
   * is put back unless a new lock already stands there.
   */
  async #takeOver(judged: FoundLock): Promise<void> {
    const moved = temporaryName(this.path, 'stale');
    try {
      await rename(this.path, moved);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const now = await readLock(moved).catch(() => undefined);
    if (now && !sameLock(now, judged)) {
      await link(moved, this.path).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return;
        if (error.code !== 'EPERM' && error.code !== 'ENOTSUP' && error.code !== 'ENOSYS') throw error;
        await rename(moved, this.path);
      });
    }
    await unlink(moved).catch(() => {});
  }

  /** Checks the lock is still ours, then renews it; one renewal at a time. */
  #renew(): Promise<void> {
    this.#renewing ??= this.#renewOnce().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renewOnce(): Promise<void> {
    const handle = this.#handle;
    if (!handle || this.#lost) return;
    if (!(await this.#stillOurs())) {
      const holder = await readLock(this.path).catch(() => undefined);
      const { pid, hostname } = holder?.record ?? {};
      const who = pid === undefined ? 'another process' : `process ${pid}${hostname ? ` on ${hostname}` : ''}`;
      const what = holder
        ? `was taken over by ${who} (this process had not renewed it for ${STALE_AFTER_MS / 1000} s: a stalled event loop or a suspended process)`
        : 'was removed by another process';
      this.#lost = `the lock ${this.path} ${what}; nothing more is saved to this database from here`;
      clearInterval(this.#timer);
      return;
    }
    // Saves follow each other closely: one renewal a second is plenty against a 30 s staleness.
    if (Date.now() - this.#renewedAt < 1_000) return;
    const now = new Date();
    await handle.utimes(now, now).then(() => (this.#renewedAt = now.getTime()), () => {}); // a failed renewal is retried at the next one
  }

  async #stillOurs(): Promise<boolean> {
    const now = await stat(this.path).catch(() => undefined);
    return now !== undefined && now.dev === this.#identity?.dev && now.ino === this.#identity?.ino;
  }
}

/** The lock at `path`, or `undefined` when there is none. */
async function readLock(path: string): Promise<FoundLock | undefined> {
  const opened = await openRegularFile(path, 'a lock file');
  if (!opened) return undefined;
  const { handle, stats } = opened;
  try {
    const buffer = Buffer.alloc(4096); // a record is under 200 bytes; anything longer is not ours
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return { record: parseRecord(text), text, stats };
  } finally {
    await handle.close();
  }
}

function parseRecord(text: string): LockRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {}; // being written this instant (without hard links), or not ours
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { pid, hostname, pidSpace, staleAfterMs } = parsed as Record<string, unknown>;
  return {
    ...(Number.isInteger(pid) && (pid as number) > 0 ? { pid: pid as number } : {}),
    ...(typeof hostname === 'string' ? { hostname } : {}),
    ...(typeof pidSpace === 'string' || pidSpace === null ? { pidSpace } : {}),
    ...(typeof staleAfterMs === 'number' && staleAfterMs > 0 && Number.isFinite(staleAfterMs) ? { staleAfterMs } : {}),
  };
}

/** Same file, same record, not renewed since: nobody touched it. */
function sameLock(a: FoundLock, b: FoundLock): boolean {
  return a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino && a.stats.mtimeMs === b.stats.mtimeMs && a.text === b.text;
}

function judge(found: FoundLock, space: string | null, path: string): Verdict {
  const { pid, pidSpace: theirs, staleAfterMs } = found.record;
  if (pid === undefined) {
    return { gone: false, advice: `${path} does not name it, so it is never taken over: remove ${path} once you know no cache uses the database` };
  }
  if (space !== null && theirs === space) {
    if (pid === process.pid ? !heldHere.has(path) : !isAlive(pid)) return { gone: true };
    return { gone: false, advice: `close that cache first (it holds ${path})` };
  }
  if (staleAfterMs === undefined) {
    return {
      gone: false,
      advice: `its process cannot be checked from here and ${path} is not one that is renewed (written by an older workflow-cache), so it is never taken over: remove ${path} once you know that process is gone`,
    };
  }
  const age = Date.now() - found.stats.mtimeMs;
  if (age > staleAfterMs) return { gone: true };
  const where = theirs === undefined || theirs === null || space === null ? 'another machine or PID namespace' : theirs.split('/')[0] === space.split('/')[0] ? 'another PID namespace' : 'another machine';
  return {
    gone: false,
    advice:
      `its process runs in ${where}, where this one cannot check it; a running holder renews ${path} every ${RENEW_EVERY_MS / 1000} s, ` +
      `and a lock left unrenewed for ${Math.round(staleAfterMs / 1000)} s is taken over (last renewed ${Math.max(0, Math.round(age / 1000))} s ago)`,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
