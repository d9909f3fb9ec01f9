import type { PhaseRecord, Problem, WorkflowCache } from '../../src/index.browser.js';

/** How many phases one read of "All files" takes before the page gets to paint again. */
const CHUNK_PHASES = 5000;

/** A phase as the tables show it, with what filtering and sorting need computed once. */
/** The columns phases sort by: the fields with one value each. */
export type SortColumn = Exclude<keyof PhaseRecord, 'problems'>;

export interface IndexedPhase extends PhaseRecord {
  /** Every column, lower-cased and joined: what the filter searches. */
  readonly haystack: string;
  /** File and task: which row this is, whatever the order. */
  readonly key: string;
}

/**
 * Every phase of the cache, kept in the page per file so that an edit re-reads only the files it
 * changed, and "All files" of 100,000 phases is read once, in chunks that let the page paint
 * between them (one `phases()` of 100,000 rows holds the tab for over a second).
 * Counts come from the database (`files()`), so they are true before the last chunk is in.
 */
export class PhaseIndex {
  readonly #byFile = new Map<string, IndexedPhase[]>();
  #total = 0;
  #problems = 0;
  #all: IndexedPhase[] | undefined;
  #sorted = new Map<string, IndexedPhase[]>();
  #loading = 0;
  #generation = 0;
  #warming = 0;

  /** Phases in the database, loaded or not. */
  get total(): number {
    return this.#total;
  }

  /** Phases with problems in the database. */
  get problems(): number {
    return this.#problems;
  }

  /** Whether some files are still being read. */
  get loading(): boolean {
    return this.#loading > 0;
  }

  /** Phases read so far. */
  get loaded(): number {
    return this.all().length;
  }

  /** The phases of one file, in file order (none while it is still being read). */
  file(key: string): IndexedPhase[] {
    return this.#byFile.get(key) ?? [];
  }

  /** Phases with problems in one file. */
  problemsIn(key: string): number {
    return this.file(key).reduce((n, r) => n + (r.status === '' ? 0 : 1), 0);
  }

  /** Every phase read so far: files in key order, phases in file order. */
  all(): IndexedPhase[] {
    this.#all ??= [...this.#byFile.keys()].sort(byCodeUnit).flatMap((key) => this.#byFile.get(key)!);
    return this.#all;
  }

  /**
   * `all()` sorted by a column (stable: equal values keep file order), kept until the phases
   * change, so a click on a column already sorted costs nothing.
   */
  sortedBy(column: SortColumn): IndexedPhase[] {
    let sorted = this.#sorted.get(column);
    if (!sorted) {
      const all = this.all();
      const order = Array.from(all.keys());
      const values = all.map((r) => r[column]);
      const numeric = column === 'retry';
      order.sort((a, b) => {
        const x = values[a];
        const y = values[b];
        if (numeric) return (x as number) - (y as number) || a - b;
        return x < y ? -1 : x > y ? 1 : a - b;
      });
      sorted = order.map((i) => all[i]);
      this.#sorted.set(column, sorted);
    }
    return sorted;
  }

  /** Reads the files named in `changed` (a `-key` is a file gone) again, synchronously: a few files. */
  update(cache: WorkflowCache, changed: readonly string[]): void {
    for (const key of changed) {
      if (key.startsWith('-')) this.#byFile.delete(key.slice(1));
      else this.#byFile.set(key, cache.phases(key).map(indexed));
    }
    this.#counted(cache);
    if (changed.length > 0) void this.#warm();
  }

  /**
   * Forgets every phase and reads them all again, a chunk of files at a time, calling `progress`
   * after each chunk; a newer `reload` stops an older one.
   */
  async reload(cache: WorkflowCache, progress: () => void): Promise<void> {
    const generation = ++this.#generation;
    this.#byFile.clear();
    const files = this.#counted(cache);
    this.#loading++;
    try {
      for (const chunk of chunks(files)) {
        if (generation !== this.#generation) return;
        this.#read(cache, chunk.map((f) => f.file));
        progress();
        await nextFrame();
      }
    } finally {
      this.#loading--;
    }
    progress();
    void this.#warm();
  }

  /** Takes in one file's phases read elsewhere (a served cache's answer); `undefined`: the file is gone. */
  put(key: string, records: readonly PhaseRecord[] | undefined): void {
    if (records === undefined) this.#byFile.delete(key);
    else this.#byFile.set(key, records.map(indexed));
    this.#changed();
  }

  /** Forgets every phase; the counts come from the files' summaries (a served cache's `GET /files`). */
  clear(files: ReadonlyArray<{ phases: number; problems: number }>): void {
    this.#byFile.clear();
    this.recount(files);
  }

  recount(files: ReadonlyArray<{ phases: number; problems: number }>): void {
    this.#total = files.reduce((n, f) => n + f.phases, 0);
    this.#problems = files.reduce((n, f) => n + f.problems, 0);
    this.#changed();
  }

  /** `loading` while `work` runs (files read elsewhere), then sorts in idle time as a reload does. */
  async reading<T>(work: Promise<T>): Promise<T> {
    this.#loading++;
    try {
      return await work;
    } finally {
      this.#loading--;
      void this.#warm();
    }
  }

  /**
   * Sorting 100,000 rows by text takes a frame's budget several times over: sort by each column
   * while the page is idle, so that a click on a header only looks the order up. A change of
   * the phases starts over.
   */
  async #warm(): Promise<void> {
    const mine = ++this.#warming;
    for (const column of sortable) {
      await idle();
      if (mine !== this.#warming || this.loading) return;
      this.sortedBy(column);
    }
  }

  /** One query answering with JSON: a single string to parse is far faster than 100,000 row objects. */
  #read(cache: WorkflowCache, keys: string[]): void {
    // Read afresh: an edit during the reload may have read one of these files already.
    for (const key of keys) this.#byFile.set(key, []);
    const [answer] = cache.query(
      `SELECT json_group_array(json_array(file_path, written_task, coalesce(depends_on, ''), coalesce(rule, ''), coalesce(retry, 0), coalesce(template, ''), coalesce(status, ''), json(problems)))
       AS phases FROM (SELECT * FROM workflow_phases WHERE file_path BETWEEN ? AND ? ORDER BY file_path, position)`,
      [keys[0], keys[keys.length - 1]],
    );
    const rows = JSON.parse(String(answer.phases)) as Array<[string, string, string, string, number, string, string, Problem[] | null]>;
    for (const [filePath, task, dependsOn, rule, retry, template, status, problems] of rows) {
      const record = indexed({ filePath, task, dependsOn, rule, retry, template, status, ...(problems && { problems }) });
      this.#byFile.get(filePath)?.push(record);
    }
    this.#changed();
  }

  #counted(cache: WorkflowCache): Array<{ file: string; phases: number }> {
    const files = cache.files();
    this.recount(files);
    return files;
  }

  #changed(): void {
    this.#all = undefined;
    this.#sorted.clear();
  }
}

function indexed(r: PhaseRecord): IndexedPhase {
  const haystack = [r.filePath, r.task, r.dependsOn, r.rule, r.retry, r.template, r.status].join('\n').toLowerCase();
  return { filePath: r.filePath, task: r.task, dependsOn: r.dependsOn, rule: r.rule, retry: r.retry, template: r.template, status: r.status, ...(r.problems && { problems: r.problems }), haystack, key: `${r.filePath}\n${r.task}` };
}

/** Files, in the database's key order (what BETWEEN follows), grouped to hold about CHUNK_PHASES phases each. */
function chunks<F extends { file: string; phases: number }>(files: F[]): F[][] {
  const groups: F[][] = [];
  let group: F[] = [];
  let size = 0;
  for (const f of files) {
    group.push(f);
    size += f.phases;
    if (size >= CHUNK_PHASES) {
      groups.push(group);
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** File keys in a stable order for display. */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The columns a table sorts by. */
const sortable: SortColumn[] = ['task', 'status', 'filePath', 'dependsOn', 'rule', 'retry', 'template'];

function idle(): Promise<void> {
  return new Promise((resolve) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(() => resolve()) : setTimeout(resolve, 50)));
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
