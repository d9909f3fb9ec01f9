import { describeFailure, WorkflowLoadError } from './errors.js';
import { DEFAULT_MAX_FILE_SIZE, type ChangedEntries, type SourceEntry, type WorkflowSource } from './sources/source.js';
import type { CheckedPhase } from './check-phases.js';
import { fileStateOf, type FileState } from './db/workflow-tables.js';
import { loadNewFiles, READS_AT_ONCE, readOne } from './first-load.js';
import { KnownFiles } from './known-files.js';
import type { ParseThreads } from './parse-thread.js';
import { checked } from './parsed-file.js';
import type { WorkflowStore } from './store.js';
import { parseWorkflow } from './workflow-file.js';
import { messageOf } from './message-of.js';

/**
 * Files read and parsed before their batch is written. A batch also stops at one size limit of
 * bytes by the files' listed sizes, so what a load holds at once is bounded by the limit (two
 * limits of file content at most), not by the number of files.
 */
const BATCH_FILES = 256;

/**
 * A file's size and mtime are trusted to mean "unchanged" only when it was last checked this
 * long after it was modified; an edit within the clock's granularity could keep both.
 */
const RACY_WINDOW_MS = 2000;

/**
 * Work done before the event loop gets a turn: a refresh of thousands of files must not hold up
 * timers and I/O (a watcher's events, a server's requests) for seconds.
 */
const SLICE_MS = 25;

/**
 * Of a slice, the part spent writing before the transaction commits: the commit copies the pages
 * written into sql.js's file and costs about twice the writes themselves.
 */
const WRITE_SLICE_MS = 8;

/** What one refresh did. */
export interface RefreshOutcome {
  /** Keys loaded anew, then `-key` for files gone, as Go's `Refresh` reports them. */
  changed: string[];
  failures: WorkflowLoadError[];
  /** Whether the workflows in the database changed (a failure recorded counts too). */
  wrote: boolean;
  /** Whether only bookkeeping changed (when unchanged files were last checked): worth saving, not at once. */
  touched: boolean;
}

type Plan =
  | { kind: 'same' }
  | { kind: 'touch'; entry: SourceEntry }
  | { kind: 'load'; entry: SourceEntry; hash: string; phases: CheckedPhase[] }
  | { kind: 'fail'; failure: WorkflowLoadError };

/**
 * Brings the store in line with the source: files whose md5 changed are loaded anew, each in
 * full or not at all; files that fail keep their last good phases and their failure is recorded.
 * A source that watches its files hands over the paths that changed: only those are looked at.
 * @param threads workers that may parse the files of a first load
 * @param listing the source's listing when it was taken already (at open, while the image loaded)
 */
export async function refreshStore(
  store: WorkflowStore,
  source: WorkflowSource,
  md5: (bytes: Uint8Array) => string,
  maxFileSize = DEFAULT_MAX_FILE_SIZE,
  threads?: ParseThreads,
  listing?: Promise<SourceEntry[]>,
): Promise<RefreshOutcome> {
  const refresh = (changes: ChangedEntries | undefined) => refreshFrom(store, source, changes, md5, maxFileSize, threads, listing);
  return source.withChanges ? source.withChanges(refresh) : refresh(undefined);
}

async function refreshFrom(
  store: WorkflowStore,
  source: WorkflowSource,
  changes: ChangedEntries | undefined,
  md5: (bytes: Uint8Array) => string,
  maxFileSize: number,
  threads: ParseThreads | undefined,
  listing: Promise<SourceEntry[]> | undefined,
): Promise<RefreshOutcome> {
  const slices = new TimeSlices();
  // A listing taken at open is a full one: it covers whatever changes were recorded.
  const entries = listing ? await listing : changes ? changes.entries : await source.list();
  const scopes = listing ? undefined : changes?.scopes;
  await slices.pause();
  const outcome: RefreshOutcome = { changed: [], failures: [], wrote: false, touched: false };
  // Held between refreshes: reading every file's state costs more than the stats it is compared with.
  const known = KnownFiles.of(store);
  try {
    // Files whose stamp says unchanged are passed over before any promise is made for them.
    const todo = entries.filter((entry) => !unchanged(known, entry)).sort((a, b) => byKey(a.key, b.key));
    // A first load (the store holds no file): in bulk, parsed on workers where there are some.
    const first = known.states.size === 0 && known.failed.size === 0;
    if (first) await loadNewFiles(store, source, todo, md5, maxFileSize, threads, () => slices.pause(), outcome);
    for (let i = first ? todo.length : 0; i < todo.length; ) {
      const batch: SourceEntry[] = [];
      for (let bytes = 0; i < todo.length && batch.length < BATCH_FILES; i++) {
        const cost = readCost(todo[i], maxFileSize);
        if (batch.length > 0 && bytes + cost > maxFileSize) break;
        bytes += cost;
        batch.push(todo[i]);
      }
      const plans = await planBatch(batch, (entry) => plan(known, source, md5, entry, maxFileSize, slices), slices);
      // Written a slice at a time, each slice one transaction, each file whole.
      for (let next = 0; next < plans.length; ) {
        const writing = performance.now();
        store.transaction(() => {
          do apply(store, known, plans[next++]!, outcome);
          while (next < plans.length && performance.now() - writing < WRITE_SLICE_MS);
        });
        await slices.pause();
      }
    }
    const gone = goneKeys(known, entries, scopes);
    if (gone.length > 0) {
      store.transaction(() => {
        for (const key of gone) {
          if (store.removeFile(key)) outcome.changed.push(`-${key}`);
          known.removed(key);
        }
      });
      outcome.wrote = true;
    }
    // A first load fills bare tables and builds the indexes here, before the image is saved.
    if (store.createIndexes()) outcome.touched = true;
    // A first load wrote in bulk, not followed file by file here: the next refresh reads the tables.
    if (first) KnownFiles.forget(store);
    else known.settle(store);
  } catch (error) {
    KnownFiles.forget(store);
    throw error;
  }
  return outcome;
}

/**
 * The keys known and not listed now, in key order: within the scopes of a listing of changes,
 * or anywhere for a full listing. A folder that could not be listed hides its files this time:
 * they are kept, not gone. What this refresh wrote was all listed.
 */
function goneKeys(known: KnownFiles, entries: readonly SourceEntry[], scopes: readonly string[] | undefined): string[] {
  const listed = new Set(entries.map((e) => e.key));
  const unlisted = entries.filter((e) => e.failure !== undefined && e.key.endsWith('/')).map((e) => e.key);
  const hidden = (key: string) => unlisted.some((folder) => key.startsWith(folder));
  const candidates = scopes ? new Set(scopes.flatMap((scope) => known.within(scope))) : known.keys();
  const gone: string[] = [];
  for (const key of candidates) if (!listed.has(key) && !hidden(key)) gone.push(key);
  return gone.sort(byKey);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unchanged(known: KnownFiles, entry: SourceEntry): boolean {
  const state = known.states.get(entry.key);
  return state !== undefined && !known.failed.has(entry.key) && stampUnchanged(state, entry);
}

/** The plans of a batch, in its order, {@link READS_AT_ONCE} of them under way at a time. */
async function planBatch(batch: readonly SourceEntry[], planOne: (entry: SourceEntry) => Promise<Plan>, slices: TimeSlices): Promise<Plan[]> {
  const plans: Plan[] = [];
  let next = 0;
  const work = async () => {
    for (let i = next++; i < batch.length; i = next++) {
      plans[i] = await planOne(batch[i]);
      // Reading and parsing are synchronous for local files: the event loop gets its turns here.
      await slices.pause();
    }
  };
  await Promise.all(Array.from({ length: Math.min(READS_AT_ONCE, batch.length) }, work));
  return plans;
}

/** The bytes a file's read is expected to hold, by its listed size: none for a file not read, nor for a size not known. */
function readCost(entry: SourceEntry, maxFileSize: number): number {
  return entry.failure !== undefined || entry.size === undefined || entry.size > maxFileSize ? 0 : entry.size;
}

async function plan(
  known: KnownFiles,
  source: WorkflowSource,
  md5: (bytes: Uint8Array) => string,
  entry: SourceEntry,
  maxFileSize: number,
  slices: TimeSlices,
): Promise<Plan> {
  const state = known.states.get(entry.key);
  const failed = known.failed.has(entry.key);
  const bytes = await readOne(entry, source, maxFileSize);
  if (bytes instanceof WorkflowLoadError) return { kind: 'fail', failure: bytes };
  // The reads under way were all started in one slice: each waits here, before the parse, while it is spent.
  await slices.pause();
  const hash = md5(bytes);
  // Unchanged: a stamp worth trusting next time is recorded; without one there is nothing to do.
  if (state && !failed && state.hash === hash) {
    return entry.mtimeMs === undefined && entry.version === undefined ? { kind: 'same' } : { kind: 'touch', entry };
  }
  try {
    const workflow = parseWorkflow(entry.key, bytes);
    // Go keeps a `checksum` the file declares as its hash: it never equals the md5, so the
    // file is loaded anew at every refresh; no stamp is kept, so that it is read every time.
    if (workflow.checksum !== undefined) {
      return { kind: 'load', entry: { ...entry, mtimeMs: undefined }, hash: workflow.checksum, phases: checked(workflow.phases, bytes) };
    }
    return { kind: 'load', entry, hash, phases: checked(workflow.phases, bytes) };
  } catch (cause) {
    if (cause instanceof WorkflowLoadError) return { kind: 'fail', failure: cause };
    const reason = messageOf(cause);
    return { kind: 'fail', failure: new WorkflowLoadError({ file: entry.key, reason }, { cause }) };
  }
}

/** Tells when a slice of {@link SLICE_MS} of work is spent, and gives the event loop a turn then. */
class TimeSlices {
  #start = performance.now();
  /** The turn the event loop is being given, shared by every task that pauses meanwhile. */
  #turn: Promise<void> | undefined;

  spent(): boolean {
    return performance.now() - this.#start >= SLICE_MS;
  }

  /**
   * Resolves at once within a slice, else after the event loop has had a turn. The reads under
   * way at once all pause here: one turn each would give each of them a slice of its own, back
   * to back, so they share one, and each waits again while the slice is spent.
   */
  async pause(): Promise<void> {
    while (this.spent()) {
      this.#turn ??= new Promise((resolve) =>
        setTimeout(() => {
          this.#turn = undefined;
          this.#start = performance.now();
          resolve();
        }, 0),
      );
      await this.#turn;
    }
  }
}

function apply(store: WorkflowStore, known: KnownFiles, p: Plan, outcome: RefreshOutcome): void {
  const now = Date.now();
  if (p.kind === 'touch') {
    store.touchFile(p.entry.key, p.entry, now);
    known.wrote(p.entry.key, fileStateOf(known.states.get(p.entry.key)!.hash, p.entry, now));
    outcome.touched = true;
  } else if (p.kind === 'load') {
    try {
      known.wrote(p.entry.key, store.savepoint(() => store.writeFile(p.entry.key, p.hash, p.entry, now, p.phases)));
      outcome.changed.push(p.entry.key);
    } catch (cause) {
      const reason = `cannot store: ${messageOf(cause)}`;
      fail(store, known, new WorkflowLoadError({ file: p.entry.key, reason }, { cause }), outcome);
    }
    outcome.wrote = true;
  } else if (p.kind === 'fail') {
    fail(store, known, p.failure, outcome);
  }
}

function fail(store: WorkflowStore, known: KnownFiles, failure: WorkflowLoadError, outcome: RefreshOutcome): void {
  outcome.failures.push(failure);
  const before = known.failed.get(failure.file);
  if (!before || describeFailure(before) !== describeFailure(failure)) {
    store.recordFailure(failure);
    known.failedNow();
    outcome.wrote = true;
  }
}

function stampUnchanged(state: FileState, entry: SourceEntry): boolean {
  // A version is the content's own token: no clock is involved, so no racy window either.
  if (entry.version !== undefined) return state.version === entry.version;
  return (
    entry.size !== undefined &&
    entry.mtimeMs !== undefined &&
    state.size === entry.size &&
    state.mtimeMs === entry.mtimeMs &&
    state.checkedAtMs !== null &&
    state.checkedAtMs - entry.mtimeMs > RACY_WINDOW_MS
  );
}
