import type { Phase } from './phase.js';

/** A phase of one file with the values lookups match it by: one object a phase, the least to hold. */
export interface IndexedPhase extends Phase {
  topic: string;
  job: string;
  dependsTopic: string;
  dependsJob: string;
}

/** The phase alone, as a new object: what a caller gets, to change as it likes. */
function answerOf(p: IndexedPhase): Phase {
  return { task: p.task, rule: p.rule, dependsOn: p.dependsOn, retry: p.retry, template: p.template };
}

/** A file's phases as one read gives them: in file order, with about what holding them costs. */
export interface FileRead {
  phases: IndexedPhase[];
  /** See {@link heldBytes}. */
  bytes: number;
}

/**
 * The default of the `lookupMemory` option: 96 MiB as {@link heldBytes} counts, which holds
 * 100,000 phases of some 250 characters each (a scheduler's whole fleet of workflows) with room
 * to spare; their true cost in V8 is about half that.
 */
export const DEFAULT_LOOKUP_MEMORY = 96 * 1024 * 1024;

/**
 * Keys longer than this are never remembered, by this cache or the store's answers: no real file
 * key or task comes near it (a path is at most 4,096 bytes), and a caller's huge strings must not
 * be held after the call.
 */
export const MAX_REMEMBERED_KEY = 4096;

/**
 * A copy of `s` that keeps nothing else alive: V8 makes a substring a view of the string it was
 * cut from, so a file name cut from a caller's megabyte meta, kept as a key, would keep the meta.
 * Joining flattens into a new string of this one's length, which the slice then views.
 */
export function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
}

/** Files with more phases than this get maps by topic; below, a scan of the file is faster and smaller. */
const SCANNED_UP_TO = 24;

/**
 * About what holding these strings costs, counted high: two bytes a character (V8 keeps most
 * strings in one) and a fixed cost per object. An estimate to bound memory by, not a measure.
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

/** One file's phases, in file order, found by topic and by the topic they run after. */
class FilePhases {
  readonly bytes: number;
  /** Asked about since the eviction sweep last passed it: it is passed over once more. */
  used = false;
  readonly #phases: readonly IndexedPhase[];
  /** Only for files past {@link SCANNED_UP_TO} phases. */
  readonly #byTopic: Map<string, IndexedPhase[]> | undefined;
  readonly #byParent: Map<string, IndexedPhase[]> | undefined;

  constructor(read: FileRead) {
    this.bytes = read.bytes;
    this.#phases = read.phases;
    if (read.phases.length <= SCANNED_UP_TO) return;
    this.#byTopic = new Map();
    this.#byParent = new Map();
    for (const p of read.phases) {
      add(this.#byTopic, p.topic, p);
      add(this.#byParent, p.dependsTopic, p);
    }
  }

  /** The first phase with this topic (and job, when not `''`), as a new object. */
  first(topic: string, job: string): Phase | undefined {
    const phases = this.#byTopic ? (this.#byTopic.get(topic) ?? []) : this.#phases;
    for (const p of phases) {
      if (p.topic === topic && (job === '' || p.job === job)) return answerOf(p);
    }
    return undefined;
  }

  /** Phases that run after `topic` (any job, or `job` when they name one), as new objects. */
  children(topic: string, job: string): Phase[] {
    const phases = this.#byParent ? (this.#byParent.get(topic) ?? []) : this.#phases;
    const found: Phase[] = [];
    for (const p of phases) {
      if (p.dependsTopic === topic && (p.dependsJob === '' || p.dependsJob === job)) found.push(answerOf(p));
    }
    return found;
  }
}

function add(map: Map<string, IndexedPhase[]>, key: string, p: IndexedPhase): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

/**
 * The phases of every file asked about, held in plain objects up to a memory budget: a
 * scheduler asks about the same workflows for days, and an object lookup costs a fraction of a
 * query through SQLite in wasm. A file's first lookup reads the whole file in one query; when
 * the budget is full the least recently used files go first (by the second-chance sweep, which
 * costs a lookup one flag instead of reordering a map), and a file too large for the budget is
 * always asked of SQL. The owner must {@link forget} a file before each write of it, so no
 * answer is from before a change.
 */
export class ReadCache {
  readonly #load: (key: string) => FileRead;
  readonly #budget: number;
  /** In the order they were read, or last passed over by the eviction sweep. */
  readonly #files = new Map<string, FilePhases>();
  /** Loaded files whose phases alone would overflow the budget: always asked of SQL. */
  readonly #tooLarge = new Set<string>();
  #bytes = 0;
  /** The file asked about last (two fields, not an object made per lookup): lookups come in runs on one file, which need no reordering. */
  #latestKey: string | undefined;
  #latest: FilePhases | undefined;

  /**
   * @param load reads all phases of the file with this key, in file order
   * @param budget bytes of phases held at most, as {@link heldBytes} counts; `0` holds nothing
   */
  constructor(load: (key: string) => FileRead, budget: number) {
    this.#load = load;
    this.#budget = budget;
  }

  /** The phases of the file with this key, read now when not held; `undefined` when they do not fit: ask SQL. */
  file(key: string): FilePhases | undefined {
    if (this.#latestKey === key) return this.#latest;
    const held = this.#files.get(key);
    if (held) {
      held.used = true;
      this.#latestKey = key;
      this.#latest = held;
      return held;
    }
    if (this.#budget === 0 || key.length > MAX_REMEMBERED_KEY || this.#tooLarge.has(key)) return undefined;
    const read = this.#load(key);
    const bytes = read.bytes + heldBytes(key);
    if (bytes > this.#budget) {
      // Only loaded files, so a caller's stream of unknown names cannot grow the set.
      if (read.phases.length > 0) this.#tooLarge.add(ownCopy(key));
      return undefined;
    }
    const loaded = new FilePhases({ phases: read.phases, bytes });
    this.#files.set(ownCopy(key), loaded);
    this.#latestKey = key;
    this.#latest = loaded;
    this.#bytes += bytes;
    // Second chance: a file asked about since the sweep last passed it goes to the back instead.
    // Each pass clears a mark, so the sweep ends; the file just read is last and fits alone.
    while (this.#bytes > this.#budget) {
      const [oldest, old] = this.#files.entries().next().value!;
      this.#files.delete(oldest);
      if (old.used) {
        old.used = false;
        this.#files.set(oldest, old);
      } else {
        this.#bytes -= old.bytes;
      }
    }
    return loaded;
  }

  /** Drops what is held of one file: call it before the file's phases are written or removed. */
  forget(key: string): void {
    const held = this.#files.get(key);
    if (held) {
      this.#files.delete(key);
      this.#bytes -= held.bytes;
    }
    this.#tooLarge.delete(key);
    if (this.#latestKey === key) this.#latestKey = this.#latest = undefined;
  }

  clear(): void {
    this.#files.clear();
    this.#tooLarge.clear();
    this.#bytes = 0;
    this.#latestKey = this.#latest = undefined;
  }
}
