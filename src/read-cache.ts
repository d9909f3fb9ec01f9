import type { Phase } from './phase.js';

/** A phase of one file with the values lookups match it by. */
export interface IndexedPhase {
  phase: Phase;
  topic: string;
  job: string;
  dependsTopic: string;
  dependsJob: string;
}

/**
 * Bytes of phases held at most, over all files: a few files a scheduler is busy with, not the
 * database. Counted in bytes, not phases, since one phase's template may be megabytes.
 */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * Keys longer than this are never remembered, by this cache or the store's answers: no real file
 * key or task comes near it (a path is at most 4,096 bytes), and a caller's huge strings must not
 * be held after the call.
 */
export const MAX_REMEMBERED_KEY = 4096;

/** How many lookups back a second lookup of the same file counts as "again soon". */
const RECENT_FILES = 64;

/**
 * About what holding these strings costs: two bytes a character (V8 keeps some strings in one,
 * others in two) and a fixed cost per object. An estimate to bound memory by, not a measure.
 */
export function heldBytes(...strings: string[]): number {
  let bytes = 64;
  for (const s of strings) bytes += 2 * s.length;
  return bytes;
}

/** What holding a phase costs, as {@link heldBytes} counts. */
export function phaseBytes(p: Phase): number {
  return heldBytes(p.task, p.rule, p.dependsOn, p.template);
}

/** One file's phases by topic and by the topic they run after, each list in file order. */
class FilePhases {
  readonly bytes: number;
  readonly #byTopic = new Map<string, IndexedPhase[]>();
  readonly #byParent = new Map<string, IndexedPhase[]>();

  constructor(phases: readonly IndexedPhase[], bytes: number) {
    this.bytes = bytes;
    for (const p of phases) {
      add(this.#byTopic, p.topic, p);
      add(this.#byParent, p.dependsTopic, p);
    }
  }

  /** The first phase with this topic (and job, when not `''`); shared: copy it before handing it out. */
  first(topic: string, job: string): Phase | undefined {
    const phases = this.#byTopic.get(topic);
    return (job === '' ? phases?.[0] : phases?.find((p) => p.job === job))?.phase;
  }

  /** Phases that run after `topic` (any job, or `job` when they name one), as new objects. */
  children(topic: string, job: string): Phase[] {
    const phases = this.#byParent.get(topic) ?? [];
    return phases.filter((p) => p.dependsJob === '' || p.dependsJob === job).map((p) => ({ ...p.phase }));
  }
}

function add(map: Map<string, IndexedPhase[]>, key: string, p: IndexedPhase): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

/**
 * The phases of files asked about again soon, held in plain objects: a scheduler asks about a
 * task, its children, then each child, all in one file, and an object lookup costs a fraction
 * of a query through SQLite in wasm. A file's first lookup goes to SQL; a second within the last
 * {@link RECENT_FILES} files reads the whole file in one query, so lookups spread over many files
 * cost no more than before. Least recently used files go first; the owner must {@link clear}
 * it on every write, so it never answers from before a change.
 */
export class ReadCache {
  readonly #load: (key: string) => IndexedPhase[];
  /** Least recently used first. */
  readonly #files = new Map<string, FilePhases>();
  readonly #seenOnce = new Set<string>();
  /** Files whose phases alone would fill the cache: always asked of SQL. */
  readonly #tooLarge = new Set<string>();
  #bytes = 0;
  /** The file asked about last: lookups come in runs on one file, which need no reordering. */
  #latest: { key: string; phases: FilePhases } | undefined;

  /** @param load reads all phases of the file with this key, in file order */
  constructor(load: (key: string) => IndexedPhase[]) {
    this.#load = load;
  }

  /** The phases of the file with this key when held, or read now when it was asked about recently; else `undefined`: ask SQL. */
  file(key: string): FilePhases | undefined {
    if (this.#latest?.key === key) return this.#latest.phases;
    const held = this.#files.get(key);
    if (held) {
      this.#files.delete(key);
      this.#files.set(key, held);
      this.#latest = { key, phases: held };
      return held;
    }
    if (key.length > MAX_REMEMBERED_KEY || this.#tooLarge.has(key)) return undefined;
    if (!this.#seenOnce.delete(key)) {
      this.#seenOnce.add(key);
      if (this.#seenOnce.size > RECENT_FILES) this.#seenOnce.delete(this.#seenOnce.values().next().value!);
      return undefined;
    }
    const phases = this.#load(key);
    const bytes = phases.reduce((sum, p) => sum + phaseBytes(p.phase), heldBytes(key));
    if (bytes > MAX_BYTES) {
      this.#tooLarge.add(key);
      return undefined;
    }
    const loaded = new FilePhases(phases, bytes);
    this.#files.set(key, loaded);
    this.#latest = { key, phases: loaded };
    this.#bytes += loaded.bytes;
    for (const [oldest, held] of this.#files) {
      if (this.#bytes <= MAX_BYTES) break;
      this.#files.delete(oldest);
      this.#bytes -= held.bytes;
    }
    return loaded;
  }

  clear(): void {
    this.#files.clear();
    this.#seenOnce.clear();
    this.#tooLarge.clear();
    this.#bytes = 0;
    this.#latest = undefined;
  }
}
