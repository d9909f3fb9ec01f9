import type { Database, Engine } from './db/engine.js';
import { newDatabase, openImage, UnusableImage } from './db/open-image.js';
import { StorageError, UnusableDatabaseWarning, WorkflowCacheError } from './errors.js';
import type { StorageAdapter } from './storage/storage.js';
import { messageOf } from './message-of.js';

/** The database a cache opens, and the storage it may save to. */
export interface OpenedDatabase {
  db: Database;
  /** The storage to save to: `undefined` when saving there would lose what it holds (or it could not be read). */
  storage: StorageAdapter | undefined;
  /** Whether the database was built anew in place of an unusable image: worth saving at once. */
  rebuilt: boolean;
}

/**
 * Claims the storage and opens its saved image, recovering where it can: storage that cannot
 * be read leaves the cache in memory only, and an image that cannot be used is moved aside
 * (when the storage can) for a new database. Each recovery is told to `warn`.
 * @param alongside work started once the image is being loaded, to run while it loads (the
 * listing of the workflow files: the two take about as long); its promise is handed back as it
 * is, settled or not, whatever the open's outcome
 * @throws {DatabaseLockedError} when another cache holds the storage
 * @throws {StorageError} when the storage cannot be claimed for writing (no such folder, read-only)
 * @throws {SchemaVersionError} when the database was written by a newer workflow-cache
 */
export async function openDatabase<T>(
  engine: Engine,
  storage: StorageAdapter | undefined,
  warn: (warning: WorkflowCacheError) => void,
  alongside: () => Promise<T>,
): Promise<OpenedDatabase & { alongside: Promise<T> }> {
  const where = storage?.location ?? 'storage';
  let kept = storage;
  let image: Uint8Array | undefined;
  try {
    await storage?.acquire?.();
  } catch (cause) {
    // A storage that cannot be claimed for writing (locked, no such folder) is no cache to work with.
    if (cause instanceof WorkflowCacheError) throw cause;
    throw new StorageError(`cannot open the database ${where} for writing (${messageOf(cause)})`, { cause });
  }
  // FileStorage's reads are under way once load() returns: a synchronous listing runs meanwhile.
  const loading = (async () => storage?.load())();
  const started = alongside();
  started.catch(() => {}); // awaited by the caller; an open that fails first leaves it unread
  try {
    image = await loading;
  } catch (cause) {
    // Storage that cannot be read (IndexedDB off in private mode, a file that cannot be read):
    // work in memory rather than fail, and never save over what could not be read.
    await releaseStorage(storage);
    kept = undefined;
    const why = `cannot load the database from ${where} (${messageOf(cause)})`;
    warn(new StorageError(`${why}; the cache works in memory only and does not save there`, { cause }));
  }
  try {
    const opened = image === undefined ? newDatabase(engine) : openImage(engine, image, where);
    if (!(opened instanceof UnusableImage)) return { db: opened, storage: kept, rebuilt: false, alongside: started };
    const movedTo = kept?.moveAside ? await kept.moveAside(image!) : undefined;
    // Saving over an image that could not be kept elsewhere would delete it.
    if (movedTo === undefined) kept = undefined;
    warn(new UnusableDatabaseWarning(where, opened.reason, movedTo));
    return { db: newDatabase(engine), storage: kept, rebuilt: true, alongside: started };
  } catch (error) {
    await releaseStorage(kept);
    throw error;
  }
}

/**
 * Opens the image saved in `storage` to read it, without claiming the storage.
 * @throws {StorageError} when the storage holds no database, or one that cannot be used
 * @throws {SchemaVersionError} when the database was written by a newer workflow-cache
 */
export async function openSavedDatabase(engine: Engine, storage: StorageAdapter): Promise<Database> {
  const where = storage.location ?? 'storage';
  let image: Uint8Array | undefined;
  try {
    image = await storage.load();
  } catch (cause) {
    throw new StorageError(`cannot read the database from ${where} (${messageOf(cause)})`, { cause });
  }
  if (image === undefined) throw new StorageError(`${where} holds no saved database`);
  const db = openImage(engine, image, where);
  if (db instanceof UnusableImage) throw new StorageError(`${where} is ${db.reason}; it was left as it is`);
  return db;
}

/** Gives up a storage claim; one left behind by a failure is recovered as stale later, so a failure here is no loss. */
export async function releaseStorage(storage: StorageAdapter | undefined): Promise<void> {
  await storage?.release?.().catch(() => {});
}
