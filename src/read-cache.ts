import type { Phase } from './phase.js';

/** A phase of one file with the values lookups match it by, as {@link pack} takes it. */
export interface IndexedPhase extends Phase {
  topic: string;
  job: string;
  dependsTopic: string;
  dependsJob: string;
}

/**
 * A file's phases packed for holding: every string of every phase in one string, and where each
 * lies in it. One string a file instead of some five a phase, and no object a phase: the strings'
 * headers and the objects were a third of what 100,000 held phases cost (bench/RESULTS.md,
 * "Lookup memory and first touch").
 */
export interface FileRead {
  /** The phases' strings one after another: task, rule, dependsOn, template, then topic, job, dependsTopic, dependsJob where they are not those. */
  text: string;
  /**
   * {@link SLOTS} numbers per phase, in file order: offsets into `text`, and the low 16 bits of
   * {@link hashOf} its topic and dependsTopic, which a scan compares before strings (see {@link pack}).
   * One typed array, as each costs some 200 bytes besides its elements.
   */
  at: Uint16Array | Uint32Array;
  /** Each phase's retry, in file order. */
  retries: (number | bigint)[];
  /** See {@link heldBytes}. */
  bytes: number;
}

// Where a phase's strings lie, as offsets in its SLOTS: the four answer strings end to end
// (task from TASK to RULE, rule to DEPENDS_ON, dependsOn to TEMPLATE, template to END), then the
// four strings lookups match by, each as a start and an end; then the hashes of two of them.
const TASK = 0;
const RULE = 1;
const DEPENDS_ON = 2;
const TEMPLATE = 3;
const END = 4;
const TOPIC = 5;
const JOB = 7;
const DEPENDS_TOPIC = 9;
const DEPENDS_JOB = 11;
const TOPIC_HASH = 13;
const DEPENDS_TOPIC_HASH = 14;
const SLOTS = 15;

/** Packs a file's phases, in file order, into a {@link FileRead}. */
export function pack(phases: readonly IndexedPhase[]): FileRead {
  const pieces: string[] = [];
  const offsets: number[] = [];
  let length = 0;
  const put = (s: string): number => {
    if (s !== '') pieces.push(s);
    return (length += s.length);
  };
  /** The range of `s`: that of `same` when they are equal, else `s` put after the rest. */
  const range = (s: string, same: number, sameEnd: number, sameText: string): void => {
    if (s === sameText) offsets.push(same, sameEnd);
    else offsets.push(length, put(s));
  };
  for (const p of phases) {
    const task = length;
    const rule = put(p.task);
    const dependsOn = put(p.rule);
    const template = put(p.dependsOn);
    offsets.push(task, rule, dependsOn, template, put(p.template));
    range(p.topic, task, rule, p.task);
    range(p.job, task, task, '');
    range(p.dependsTopic, dependsOn, template, p.dependsOn);
    range(p.dependsJob, task, task, '');
    offsets.push(hashOf(p.topic), hashOf(p.dependsTopic));
  }
  const text = pieces.join('');
  const at = length < 0x10000 ? new Uint16Array(offsets) : new Uint32Array(offsets);
  return { text, at, retries: phases.map((p) => p.retry), bytes: heldBytes(text) + at.byteLength + 8 * phases.length };
}

/** The low 16 bits of FNV-1a of a string's UTF-16 code units: cheap, and enough to pass over the phases of other topics. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h & 0xffff;
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
  readonly #text: string;
  readonly #at: Uint16Array | Uint32Array;
  readonly #retries: readonly (number | bigint)[];
  /** Phases by number, only for files past {@link SCANNED_UP_TO} phases. */
  readonly #byTopic: Map<string, number[]> | undefined;
  readonly #byParent: Map<string, number[]> | undefined;

  constructor(read: FileRead) {
    this.bytes = read.bytes;
    this.#text = read.text;
    this.#at = read.at;
    this.#retries = read.retries;
    if (read.retries.length <= SCANNED_UP_TO) return;
    this.#byTopic = new Map();
    this.#byParent = new Map();
    for (let k = 0; k < read.retries.length; k++) {
      add(this.#byTopic, this.#slice(k, TOPIC), k);
      add(this.#byParent, this.#slice(k, DEPENDS_TOPIC), k);
    }
  }

  /** The first phase with this topic (and job, when not `''`), as a new object. */
  first(topic: string, job: string): Phase | undefined {
    const listed = this.#byTopic && (this.#byTopic.get(topic) ?? NONE);
    const hash = hashOf(topic);
    for (let i = 0, n = listed ? listed.length : this.#retries.length; i < n; i++) {
      const k = listed ? listed[i] : i;
      if (this.#at[k * SLOTS + TOPIC_HASH] === hash && this.#is(k, TOPIC, topic) && (job === '' || this.#is(k, JOB, job))) return this.#phase(k);
    }
    return undefined;
  }

  /** Phases that run after `topic` (any job, or `job` when they name one), as new objects. */
  children(topic: string, job: string): Phase[] {
    const listed = this.#byParent && (this.#byParent.get(topic) ?? NONE);
    const hash = hashOf(topic);
    const found: Phase[] = [];
    for (let i = 0, n = listed ? listed.length : this.#retries.length; i < n; i++) {
      const k = listed ? listed[i] : i;
      if (this.#at[k * SLOTS + DEPENDS_TOPIC_HASH] === hash && this.#is(k, DEPENDS_TOPIC, topic) && (this.#is(k, DEPENDS_JOB, '') || this.#is(k, DEPENDS_JOB, job))) found.push(this.#phase(k));
    }
    return found;
  }

  /** Whether the string at `slot` of phase `k` is `s`, compared where it lies: no string made. */
  #is(k: number, slot: number, s: string): boolean {
    const start = this.#at[k * SLOTS + slot];
    return this.#at[k * SLOTS + slot + 1] - start === s.length && this.#text.startsWith(s, start);
  }

  #slice(k: number, slot: number): string {
    return this.#text.slice(this.#at[k * SLOTS + slot], this.#at[k * SLOTS + slot + 1]);
  }

  /** Phase `k` as a new object. */
  #phase(k: number): Phase {
    const o = k * SLOTS;
    return {
      task: this.#copy(o + TASK),
      rule: this.#copy(o + RULE),
      dependsOn: this.#copy(o + DEPENDS_ON),
      retry: this.#retries[k],
      template: this.#copy(o + TEMPLATE),
    };
  }

  /**
   * The string from offset `i` to the next. V8 makes a slice a view of the whole text, which a
   * caller keeping the phase keeps alive: a view of a small file's text is kept (a copy costs
   * more than the rest of a lookup), a large file's is copied so that no phase keeps more than
   * {@link VIEWED_UP_TO} characters alive after its file is let go.
   */
  #copy(i: number): string {
    const s = this.#text.slice(this.#at[i], this.#at[i + 1]);
    return this.#text.length > VIEWED_UP_TO ? ownCopy(s) : s;
  }
}

/** Text of files up to this many characters is shared with the phases lookups give (see FilePhases' copy()). */
const VIEWED_UP_TO = 8 * 1024;

const NONE: readonly number[] = [];

function add(map: Map<string, number[]>, key: string, p: number): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

/**
 * The phases of every file asked about, held packed ({@link pack}) up to a memory budget: a
 * scheduler asks about the same workflows for days, and a lookup in memory costs a fraction of a
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
      if (read.retries.length > 0) this.#tooLarge.add(ownCopy(key));
      return undefined;
    }
    const loaded = new FilePhases({ ...read, bytes });
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
