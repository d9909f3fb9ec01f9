import type { Task } from './phase.js';
import { parseQuery } from './query-string.js';

/** What a lookup needs of a task: its type, the file its meta names, its job. */
export interface TaskLookup {
  type: string;
  file: string;
  job: string;
}

/**
 * Reads tasks as lookups take them. Each cache has its own, so what one cache's caller passes
 * is never held by another's.
 */
export class TaskReader {
  /** The meta parsed last: a scheduler's lookups come in runs with one meta (one workflow file). */
  #lastMeta: { text: string; values: ReadonlyMap<string, string> } | undefined;

  /**
   * The task's type, workflow file and job (the task's own, else its meta's).
   * @throws {TypeError} naming `method` when `task` is not an object
   */
  read(task: Task, method: string): TaskLookup {
    if (typeof task !== 'object' || task === null) throw new TypeError(`${method}() needs a task object such as { type, meta }`);
    const meta = this.#metaValues(String(task.meta ?? ''));
    return {
      type: String(task.type ?? ''),
      file: meta.get('workflow') ?? '',
      job: String(task.job ?? '') || (meta.get('job') ?? ''),
    };
  }

  #metaValues(text: string): ReadonlyMap<string, string> {
    if (this.#lastMeta?.text !== text) this.#lastMeta = { text, values: parseQuery(text).values };
    return this.#lastMeta.values;
  }
}

/**
 * The fields of a task as given, so a hot task skips parsing its meta too; lengths keep two
 * tasks from sharing a key. `''` (never remembered) for what is not a task.
 */
export function answerKey(task: Task): string {
  if (typeof task !== 'object' || task === null) return '';
  const type = String(task.type ?? '');
  const job = String(task.job ?? '');
  return `${type.length}:${type}${job.length}:${job}${String(task.meta ?? '')}`;
}
