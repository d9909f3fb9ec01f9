import { describeFailure, WorkflowLoadError, type LoadFailure } from './errors.js';
import type { SourceEntry, WorkflowSource } from './sources/source.js';
import { checkPhases, type CheckedPhase } from './status.js';
import type { FileState, WorkflowStore } from './store.js';
import { parseWorkflow } from './workflow-file.js';

/** Files read and parsed before their batch is written: bounds the memory a large load takes. */
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
 */
export async function refreshStore(
  store: WorkflowStore,
  source: WorkflowSource,
  md5: (bytes: Uint8Array) => string,
): Promise<RefreshOutcome> {
  const slices = new TimeSlices();
  const entries = (await source.list()).sort((a, b) => byKey(a.key, b.key));
  await slices.pause();
  const outcome: RefreshOutcome = { changed: [], failures: [], wrote: false, touched: false };
  // Read once: a query per file would cost more than the stat that decides whether to read it.
  const known: Known = { states: store.fileStates(), failed: new Map(store.failures().map((f) => [f.file, f])) };
  await slices.pause();
  for (let i = 0; i < entries.length; i += BATCH_FILES) {
    // Files whose stamp says unchanged are passed over before any promise is made for them.
    const batch = entries.slice(i, i + BATCH_FILES).filter((entry) => !unchanged(known, entry));
    if (batch.length === 0) continue;
    const reads = await Promise.all(batch.map((entry) => read(source, entry)));
    // Parsed and written a slice at a time, each slice one transaction, each file whole.
    for (let next = 0; next < reads.length; ) {
      store.transaction(() => {
        do apply(store, known, plan(known, md5, reads[next++]!), outcome);
        while (next < reads.length && !slices.spent());
      });
      await slices.pause();
    }
  }
  const listed = new Set(entries.map((e) => e.key));
  // Known at the start and not listed now (what this refresh wrote was all listed): no query
  // of every key again, ~10 ms of a 10,000-file open.
  const gone = [...new Set([...known.states.keys(), ...known.failed.keys()])].filter((key) => !listed.has(key)).sort(byKey);
  if (gone.length > 0) {
    store.transaction(() => {
      for (const key of gone) if (store.removeFile(key)) outcome.changed.push(`-${key}`);
    });
    outcome.wrote = true;
  }
  // A first load fills bare tables and builds the indexes here, before the image is saved.
  if (store.createIndexes()) outcome.touched = true;
  return outcome;
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What the store knew of every file when the refresh began. */
interface Known {
  states: Map<string, FileState>;
  /** Files whose last load failed, with the failure recorded then. */
  failed: Map<string, LoadFailure>;
}

function unchanged(known: Known, entry: SourceEntry): boolean {
  const state = known.states.get(entry.key);
  return state !== undefined && !known.failed.has(entry.key) && stampUnchanged(state, entry);
}

/** A listed file's bytes, or why they could not be read. */
type Read = { entry: SourceEntry; bytes: Uint8Array } | { entry: SourceEntry; failure: WorkflowLoadError };

async function read(source: WorkflowSource, entry: SourceEntry): Promise<Read> {
  try {
    return { entry, bytes: await source.read(entry.key) };
  } catch (cause) {
    const reason = `cannot read: ${cause instanceof Error ? cause.message : String(cause)}`;
    return { entry, failure: new WorkflowLoadError({ file: entry.key, reason }, { cause }) };
  }
}

function plan(known: Known, md5: (bytes: Uint8Array) => string, read: Read): Plan {
  if ('failure' in read) return { kind: 'fail', failure: read.failure };
  const { entry, bytes } = read;
  const state = known.states.get(entry.key);
  const failed = known.failed.has(entry.key);
  const hash = md5(bytes);
  // Unchanged: a stamp worth trusting next time is recorded; without one there is nothing to do.
  if (state && !failed && state.hash === hash) return entry.mtimeMs === undefined ? { kind: 'same' } : { kind: 'touch', entry };
  try {
    return { kind: 'load', entry, hash, phases: checkPhases(parseWorkflow(entry.key, bytes)) };
  } catch (cause) {
    if (cause instanceof WorkflowLoadError) return { kind: 'fail', failure: cause };
    const reason = cause instanceof Error ? cause.message : String(cause);
    return { kind: 'fail', failure: new WorkflowLoadError({ file: entry.key, reason }, { cause }) };
  }
}

/** Tells when a slice of {@link SLICE_MS} of work is spent, and gives the event loop a turn then. */
class TimeSlices {
  #start = performance.now();

  spent(): boolean {
    return performance.now() - this.#start >= SLICE_MS;
  }

  /** Resolves at once within a slice, else after the event loop has had a turn. */
  async pause(): Promise<void> {
    if (!this.spent()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#start = performance.now();
  }
}

function apply(store: WorkflowStore, known: Known, p: Plan, outcome: RefreshOutcome): void {
  const now = Date.now();
  if (p.kind === 'touch') {
    store.touchFile(p.entry.key, p.entry, now);
    outcome.touched = true;
  } else if (p.kind === 'load') {
    try {
      store.savepoint(() => store.writeFile(p.entry.key, p.hash, p.entry, now, p.phases));
      outcome.changed.push(p.entry.key);
    } catch (cause) {
      const reason = `cannot store: ${cause instanceof Error ? cause.message : String(cause)}`;
      fail(store, known, new WorkflowLoadError({ file: p.entry.key, reason }, { cause }), outcome);
    }
    outcome.wrote = true;
  } else if (p.kind === 'fail') {
    fail(store, known, p.failure, outcome);
  }
}

function fail(store: WorkflowStore, known: Known, failure: WorkflowLoadError, outcome: RefreshOutcome): void {
  outcome.failures.push(failure);
  const before = known.failed.get(failure.file);
  if (!before || describeFailure(before) !== describeFailure(failure)) {
    store.recordFailure(failure);
    outcome.wrote = true;
  }
}

function stampUnchanged(state: FileState, entry: SourceEntry): boolean {
  return (
    entry.size !== undefined &&
    entry.mtimeMs !== undefined &&
    state.size === entry.size &&
    state.mtimeMs === entry.mtimeMs &&
    state.checkedAtMs !== null &&
    state.checkedAtMs - entry.mtimeMs > RACY_WINDOW_MS
  );
}
