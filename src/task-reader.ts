import type { Task } from './phase.js';
import { parseQuery } from './query-string.js';
import { MAX_REMEMBERED_KEY, ownCopy } from './read-cache.js';

/** What a lookup needs of a task: its type, the file its meta names, its job. */
export interface TaskLookup {
  type: string;
  file: string;
  job: string;
}

/**
 * Metas remembered at most: a scheduler's tasks carry one meta per workflow file, and the
 * files it is busy with at once are few; past this, start over.
 */
const RECENT_METAS = 256;

/** What makes a meta more than one pair taken as written: another pair, an escape, a space, Go's refused separator. */
const needsParsing = /[&%+;]/;

/**
 * Reads tasks as lookups take them. Each cache has its own, so what one cache's caller passes
 * is never held by another's.
 */
export class TaskReader {
  /** Metas parsed lately, by their text (none longer than {@link MAX_REMEMBERED_KEY}). */
  readonly #metas = new Map<string, ReadonlyMap<string, string>>();

  /**
   * The task's type, workflow file and job (the task's own, else its meta's).
   * @throws {TypeError} naming `method` when `task` is not an object
   */
  read(task: Task, method: string): TaskLookup {
    if (typeof task !== 'object' || task === null) throw new TypeError(`${method}() needs a task object such as { type, meta }`);
    const type = String(task.type ?? '');
    const job = String(task.job ?? '');
    const text = String(task.meta ?? '');
    // Most metas are one plain pair, `workflow=<file>`, whose value Go's parser returns as it is.
    if (text.startsWith('workflow=') && !needsParsing.test(text)) return { type, file: text.slice(9), job };
    const meta = this.#metaValues(text);
    return { type, file: meta.get('workflow') ?? '', job: job || (meta.get('job') ?? '') };
  }

  #metaValues(text: string): ReadonlyMap<string, string> {
    const known = this.#metas.get(text);
    if (known) return known;
    if (text.length > MAX_REMEMBERED_KEY) return parseQuery(text).values;
    // Parsed from the copy, so that neither the key nor the values cut from it keep a longer string.
    const own = ownCopy(text);
    const values = parseQuery(own).values;
    if (this.#metas.size >= RECENT_METAS) this.#metas.clear();
    this.#metas.set(own, values);
    return values;
  }
}

/**
 * The fields of a task as given, for remembering a `workflow=*` answer; lengths keep two tasks
 * from sharing a key. `''` (never remembered) for what is not a task.
 */
export function answerKey(task: Task): string {
  if (typeof task !== 'object' || task === null) return '';
  const type = String(task.type ?? '');
  const job = String(task.job ?? '');
  return `${type.length}:${type}${job.length}:${job}${String(task.meta ?? '')}`;
}
