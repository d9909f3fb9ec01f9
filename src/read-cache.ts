import type { Phase } from './phase.js';

/** A phase of one file with the values lookups match it by. */
export interface IndexedPhase {
  phase: Phase;
  topic: string;
  job: string;
  dependsTopic: string;
  dependsJob: string;
}

/** Phases kept at most, counted over all files: a few files a scheduler is busy with, not the database. */
const MAX_PHASES = 4096;

/** How many lookups back a second lookup of the same file counts as "again soon". */
const RECENT_FILES = 64;

/** One file's phases by topic and by the topic they run after, each list in file order. */
class FilePhases {
  readonly count: number;
  readonly #byTopic = new Map<string, IndexedPhase[]>();
  readonly #byParent = new Map<string, IndexedPhase[]>();

  constructor(phases: readonly IndexedPhase[]) {
    this.count = phases.length;
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
 * of a query through sql.js. A file's first lookup goes to SQL; a second within the last
 * {@link RECENT_FILES} files reads the whole file in one query, so lookups spread over many files
 * cost no more than before. Least recently used files go first; the owner must {@link clear}
 * it on every write, so it never answers from before a change.
 */
export class ReadCache {
  readonly #load: (file: string) => IndexedPhase[];
  /** Least recently used first. */
  readonly #files = new Map<string, FilePhases>();
  readonly #seenOnce = new Set<string>();
  /** Files with more phases than the cache holds: always asked of SQL. */
  readonly #tooLarge = new Set<string>();
  #phases = 0;
  /** The file asked about last: lookups come in runs on one file, which need no reordering. */
  #latest: { file: string; phases: FilePhases } | undefined;

  /** @param load reads all phases of a file, in file order */
  constructor(load: (file: string) => IndexedPhase[]) {
    this.#load = load;
  }

  /** The file's phases when held, or read now when it was asked about recently; else `undefined`: ask SQL. */
  file(file: string): FilePhases | undefined {
    if (this.#latest?.file === file) return this.#latest.phases;
    const held = this.#files.get(file);
    if (held) {
      this.#files.delete(file);
      this.#files.set(file, held);
      this.#latest = { file, phases: held };
      return held;
    }
    if (this.#tooLarge.has(file)) return undefined;
    if (!this.#seenOnce.delete(file)) {
      this.#seenOnce.add(file);
      if (this.#seenOnce.size > RECENT_FILES) this.#seenOnce.delete(this.#seenOnce.values().next().value!);
      return undefined;
    }
    const phases = this.#load(file);
    if (phases.length > MAX_PHASES) {
      this.#tooLarge.add(file);
      return undefined;
    }
    const loaded = new FilePhases(phases);
    this.#files.set(file, loaded);
    this.#latest = { file, phases: loaded };
    this.#phases += loaded.count;
    for (const [oldest, held] of this.#files) {
      if (this.#phases <= MAX_PHASES) break;
      this.#files.delete(oldest);
      this.#phases -= held.count;
    }
    return loaded;
  }

  clear(): void {
    this.#files.clear();
    this.#seenOnce.clear();
    this.#tooLarge.clear();
    this.#phases = 0;
    this.#latest = undefined;
  }
}
