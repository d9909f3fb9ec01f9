import { WorkflowLoadError } from './errors.js';
import { messageOf } from './message-of.js';
import { inlineParser, poolParser, type FileParser } from './parse-pool.js';
import type { ParseThreads } from './parse-thread.js';
import type { ParsedFile } from './parsed-file.js';
import { newFileRow } from './db/new-file-rows.js';
import { FileTooLargeError, type SourceEntry, type WorkflowSource } from './sources/source.js';
import type { RefreshOutcome } from './refresh-store.js';
import type { WorkflowStore } from './store.js';

/** Files parsed and then written together: one request to a worker, one transaction. */
const CHUNK_FILES = 64;

/** Chunks read and parsing ahead of the one being written: enough to keep every worker busy, and some left for this thread. */
const CHUNKS_AHEAD = 6;

/**
 * Files read at once, by a first load's chunks and a refresh's batches. A synchronous source (the
 * Node one) finishes every read it is asked for before any is parsed; this caps what it holds
 * when sizes listed say little (a small `.gz` file may hold a whole limit), and still lets a
 * remote source overlap its requests.
 */
export const READS_AT_ONCE = 16;

/** Below this many files, starting workers costs more than they save. */
const POOL_MIN_FILES = 256;

/** A file of a chunk once read and parsed: loaded, or failed (unread, too large, not a workflow). */
type Done = Loaded | { entry: SourceEntry; failure: WorkflowLoadError };
type Loaded = { entry: SourceEntry; parsed: ParsedFile & { kind: 'parsed' } };

/**
 * Loads files into a store that holds none of them (no phases, no failure: a first load), as a
 * refresh would load each, and faster: files are parsed on worker threads when `threads` gives
 * some and there are enough files, while this thread reads the next ones and writes; each chunk
 * of files is written in one transaction by two statements, with no history to keep (none of the
 * files was loaded before) and no earlier rows to delete. A chunk that fails to be written is
 * written again file by file, so that only the files that cannot be stored fail. The indexes are
 * built at the end.
 * @param entries the files, in key order
 * @param pause gives the event loop a turn when this thread's slice of work is spent
 */
export async function loadNewFiles(
  store: WorkflowStore,
  source: WorkflowSource,
  entries: readonly SourceEntry[],
  md5: (bytes: Uint8Array) => string,
  maxFileSize: number,
  threads: ParseThreads | undefined,
  pause: () => Promise<void>,
  outcome: RefreshOutcome,
): Promise<void> {
  const parser = threads && threads.count > 0 && entries.length >= POOL_MIN_FILES ? poolParser(threads.start, threads.count, md5) : inlineParser(md5);
  try {
    const ahead: { done: Promise<Done[]>; bytes: number }[] = [];
    let next = 0;
    let held = 0;
    // This thread reads the next chunks while the workers parse, as long as the bytes held stay
    // within about one size limit: a load holds that much file content at once, whatever the
    // number of files.
    while (next < entries.length || ahead.length > 0) {
      while (next < entries.length && ahead.length < CHUNKS_AHEAD && (ahead.length === 0 || held + listedCost(entries[next], maxFileSize) <= maxFileSize)) {
        const chunk = await readChunk(entries, next, source, maxFileSize);
        next += chunk.read.length;
        held += chunk.bytes;
        ahead.push({ done: parseChunk(chunk.read, parser), bytes: chunk.bytes });
      }
      const { done, bytes } = ahead.shift()!;
      let settled = false;
      void done.then(() => (settled = true));
      // Rather than wait for the workers, this thread parses a chunk they have not started on.
      await Promise.resolve();
      if (!settled) parser.parseWaitingHere();
      const files = await done;
      held -= bytes;
      store.transaction(() => write(store, files, outcome));
      await pause();
    }
    // Built on the bare tables: several times faster than kept up by each insert.
    if (store.createIndexes()) outcome.touched = true;
  } finally {
    parser.close();
  }
}

/** The bytes a file's read is expected to hold, by its listed size: none for a file not read, nor for a size not known. */
function listedCost(entry: SourceEntry, maxFileSize: number): number {
  return entry.failure !== undefined || entry.size === undefined || entry.size > maxFileSize ? 0 : entry.size;
}

/** A file of a chunk as read: its bytes, or why it cannot be loaded. */
type Read = { entry: SourceEntry; bytes: Uint8Array } | { entry: SourceEntry; failure: WorkflowLoadError };

/**
 * Reads the files from `from` on, {@link READS_AT_ONCE} at a time, up to {@link CHUNK_FILES}
 * files, stopping before the sizes listed pass one size limit or once the bytes read reach it
 * (a small `.gz` file may hold a whole limit).
 */
async function readChunk(entries: readonly SourceEntry[], from: number, source: WorkflowSource, maxFileSize: number): Promise<{ read: Read[]; bytes: number }> {
  const read: Read[] = [];
  let listed = 0;
  let bytes = 0;
  let next = from;
  while (next < entries.length && read.length < CHUNK_FILES && bytes < maxFileSize) {
    const wave: SourceEntry[] = [];
    while (next < entries.length && wave.length < READS_AT_ONCE && read.length + wave.length < CHUNK_FILES) {
      const cost = listedCost(entries[next], maxFileSize);
      if (read.length + wave.length > 0 && listed + cost > maxFileSize) break;
      listed += cost;
      wave.push(entries[next++]);
    }
    if (wave.length === 0) break;
    const results = await Promise.all(wave.map((entry) => readOne(entry, source, maxFileSize)));
    wave.forEach((entry, i) => {
      const r = results[i];
      if (r instanceof WorkflowLoadError) {
        read.push({ entry, failure: r });
      } else {
        read.push({ entry, bytes: r });
        bytes += r.length;
      }
    });
  }
  return { read, bytes };
}

/** Parses the files of a chunk that were read; never rejects. */
async function parseChunk(chunk: readonly Read[], parser: FileParser): Promise<Done[]> {
  const files = chunk.flatMap((r) => ('bytes' in r ? [{ key: r.entry.key, bytes: r.bytes }] : []));
  const parsed = new Map((await parser.parse(files)).map((p) => [p.key, p]));
  return chunk.map((r): Done => {
    if ('failure' in r) return r;
    const p = parsed.get(r.entry.key)!;
    if (p.kind === 'parsed') return { entry: r.entry, parsed: p };
    // The same error a refresh gives: the decoder's own when it is there (not across threads).
    if (p.cause instanceof WorkflowLoadError) return { entry: r.entry, failure: p.cause };
    return { entry: r.entry, failure: new WorkflowLoadError(p.failure, p.cause === undefined ? undefined : { cause: p.cause }) };
  });
}

/** A file's bytes, or why they cannot be loaded, in the words of a refresh. */
export async function readOne(entry: SourceEntry, source: WorkflowSource, maxFileSize: number): Promise<Uint8Array | WorkflowLoadError> {
  const refuse = (reason: string, cause?: unknown) => new WorkflowLoadError({ file: entry.key, reason }, cause === undefined ? undefined : { cause });
  if (entry.failure !== undefined) return refuse(entry.failure);
  if (entry.size !== undefined && entry.size > maxFileSize) return refuse(new FileTooLargeError(entry.size, maxFileSize).message);
  let bytes: Uint8Array;
  try {
    bytes = await source.read(entry.key, { maxBytes: maxFileSize });
  } catch (cause) {
    if (cause instanceof FileTooLargeError) return refuse(cause.message, cause);
    return refuse(`cannot read: ${messageOf(cause)}`, cause);
  }
  // A source that does not stop at the limit: refused all the same, so that every source agrees.
  if (bytes.length > maxFileSize) return refuse(new FileTooLargeError(bytes.length, maxFileSize).message);
  return bytes;
}

/** Writes a chunk, in key order; the caller holds the transaction. */
function write(store: WorkflowStore, done: readonly Done[], outcome: RefreshOutcome): void {
  const now = Date.now();
  let loads: Loaded[] = [];
  const flush = () => {
    if (loads.length === 0) return;
    insert(store, loads, now, outcome);
    loads = [];
  };
  for (const d of done) {
    if ('parsed' in d) {
      loads.push(d);
    } else {
      flush();
      fail(store, d.failure, outcome);
    }
  }
  flush();
}

/** Inserts loaded files together; when that fails, one by one, so that only those that cannot be stored fail. */
function insert(store: WorkflowStore, loads: readonly Loaded[], now: number, outcome: RefreshOutcome): void {
  const rows = (d: Loaded) => {
    // Go keeps a declared `checksum` as the hash, so the file is loaded anew at every refresh:
    // no stamp is kept, so that it is read every time.
    const stamp = d.parsed.declaresChecksum ? { ...d.entry, mtimeMs: undefined } : d.entry;
    return newFileRow(d.entry.key, d.parsed.hash, stamp);
  };
  outcome.wrote = true;
  try {
    store.savepoint(() => store.insertNewFiles(loads.map(rows), loads.map((d) => d.parsed.rows), now));
    for (const d of loads) outcome.changed.push(d.entry.key);
    return;
  } catch {
    // Told file by file below.
  }
  for (const d of loads) {
    try {
      store.savepoint(() => store.insertNewFiles([rows(d)], [d.parsed.rows], now));
      outcome.changed.push(d.entry.key);
    } catch (cause) {
      fail(store, new WorkflowLoadError({ file: d.entry.key, reason: `cannot store: ${messageOf(cause)}` }, { cause }), outcome);
    }
  }
}

/** Records a failure: in a first load, no earlier failure of the file can be the same. */
function fail(store: WorkflowStore, failure: WorkflowLoadError, outcome: RefreshOutcome): void {
  outcome.failures.push(failure);
  store.recordFailure(failure);
  outcome.wrote = true;
}
