import { WorkflowLoadError } from './errors.js';
import { messageOf } from './message-of.js';
import { inlineParser, poolParser, type FileParser } from './parse-pool.js';
import type { ParseThreads } from './parse-thread.js';
import type { FileBytes, ParsedFile } from './parsed-file.js';
import { newFileRow } from './db/new-file-rows.js';
import { FileTooLargeError, type SourceEntry, type WorkflowSource } from './sources/source.js';
import type { WorkflowStore } from './store.js';

/** Files parsed and then written together: one request to a worker, one transaction. */
const CHUNK_FILES = 64;

/** Chunks read and parsing ahead of the one being written: enough to keep every worker busy. */
const CHUNKS_AHEAD = 4;

/** Reads of a chunk under way at once, as a refresh's: a remote source overlaps its requests. */
const READS_AT_ONCE = 16;

/** Below this many files, starting workers costs more than they save. */
const POOL_MIN_FILES = 256;

/** What a first load reports, as a refresh does. */
export interface LoadOutcome {
  changed: string[];
  failures: WorkflowLoadError[];
  wrote: boolean;
  touched: boolean;
}

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
  outcome: LoadOutcome,
): Promise<void> {
  const parser = threads && threads.count > 0 && entries.length >= POOL_MIN_FILES ? poolParser(threads.start, threads.count, md5) : inlineParser(md5);
  store.bulkCache(true);
  try {
    const chunks = chunked(entries, maxFileSize);
    const ahead: { done: Promise<Done[]>; bytes: number }[] = [];
    let next = 0;
    let held = 0;
    // Chunks start while the bytes held stay within one size limit (by the sizes listed): a load
    // holds about one limit of file content at once, whatever the number of files.
    const startMore = () => {
      while (next < chunks.length && ahead.length < CHUNKS_AHEAD && (ahead.length === 0 || held + chunks[next].bytes <= maxFileSize)) {
        const { entries: chunk, bytes } = chunks[next++];
        ahead.push({ done: readAndParse(chunk, source, maxFileSize, parser), bytes });
        held += bytes;
      }
    };
    startMore();
    while (ahead.length > 0) {
      const { done, bytes } = ahead.shift()!;
      const files = await done;
      held -= bytes;
      startMore();
      store.transaction(() => write(store, files, outcome));
      await pause();
    }
    // Built on the bare tables, in the large cache: several times faster than kept up by each insert.
    if (store.createIndexes()) outcome.touched = true;
  } finally {
    parser.close();
    store.bulkCache(false);
  }
}

/** Chunks of {@link CHUNK_FILES} files, each also within one size limit of bytes by the sizes listed. */
function chunked(entries: readonly SourceEntry[], maxFileSize: number): { entries: SourceEntry[]; bytes: number }[] {
  const chunks: { entries: SourceEntry[]; bytes: number }[] = [];
  let chunk: SourceEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const cost = entry.failure !== undefined || entry.size === undefined || entry.size > maxFileSize ? 0 : entry.size;
    if (chunk.length === CHUNK_FILES || (chunk.length > 0 && bytes + cost > maxFileSize)) {
      chunks.push({ entries: chunk, bytes });
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += cost;
  }
  if (chunk.length > 0) chunks.push({ entries: chunk, bytes });
  return chunks;
}

/** Reads a chunk's files, {@link READS_AT_ONCE} at a time, and parses those read; never rejects. */
async function readAndParse(chunk: readonly SourceEntry[], source: WorkflowSource, maxFileSize: number, parser: FileParser): Promise<Done[]> {
  const read: (Uint8Array | WorkflowLoadError)[] = [];
  let next = 0;
  const work = async () => {
    for (let i = next++; i < chunk.length; i = next++) read[i] = await readOne(chunk[i], source, maxFileSize);
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, chunk.length) }, work));
  const files: FileBytes[] = [];
  chunk.forEach((entry, i) => {
    const r = read[i];
    if (!(r instanceof WorkflowLoadError)) files.push({ key: entry.key, bytes: r });
  });
  const parsed = new Map((await parser.parse(files)).map((p) => [p.key, p]));
  return chunk.map((entry, i): Done => {
    const r = read[i];
    if (r instanceof WorkflowLoadError) return { entry, failure: r };
    const p = parsed.get(entry.key)!;
    if (p.kind === 'parsed') return { entry, parsed: p };
    // The same error a refresh gives: the decoder's own when it is there (not across threads).
    if (p.cause instanceof WorkflowLoadError) return { entry, failure: p.cause };
    return { entry, failure: new WorkflowLoadError(p.failure, p.cause === undefined ? undefined : { cause: p.cause }) };
  });
}

/** A file's bytes, or why they cannot be loaded, in the words of a refresh. */
async function readOne(entry: SourceEntry, source: WorkflowSource, maxFileSize: number): Promise<Uint8Array | WorkflowLoadError> {
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
function write(store: WorkflowStore, done: readonly Done[], outcome: LoadOutcome): void {
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
function insert(store: WorkflowStore, loads: readonly Loaded[], now: number, outcome: LoadOutcome): void {
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
function fail(store: WorkflowStore, failure: WorkflowLoadError, outcome: LoadOutcome): void {
  outcome.failures.push(failure);
  store.recordFailure(failure);
  outcome.wrote = true;
}
