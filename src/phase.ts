import type { Problem } from './problem.js';
import { queryValue } from './query-string.js';

/** One phase of a workflow file, exactly as written in it (Go's `workflow.Phase`). */
export interface Phase {
  /** `topic` or `topic:job`; read it with {@link topic} and {@link job}. */
  task: string;
  /** A URL query string: `cron=0 * * * *&job=hourly`, `files=...`, `require=...`. */
  rule: string;
  /** The task this phase runs after: `topic` or `topic:job`; `''` for a root phase. */
  dependsOn: string;
  /**
   * How many times the scheduler retries a failed task: Go's 64-bit `int`, a bigint beyond
   * `Number.MAX_SAFE_INTEGER` so that it stays exact.
   */
  retry: number | bigint;
  /** The template the scheduler fills to create the task. */
  template: string;
}

/** A task as the scheduler hands it over (the fields of Go's `task.Task` that matter here). */
export interface Task {
  type: string;
  job?: string;
  /** A URL query string: `workflow=f1.toml&job=j1`; `workflow=*` means any file. */
  meta?: string;
  /** Not read by the cache: kept, with `id`, so that a Go `task.Task` decoded from JSON can be passed as it is. */
  info?: string;
  /** Not read by the cache; see `info`. */
  id?: string;
}

/** A phase with the file it comes from and the problems found in it. */
export interface PhaseRecord extends Phase {
  filePath: string;
  /** The problems' messages joined with `; `, `''` when none. */
  status: string;
  /** The problems, as data; absent when there are none. */
  problems?: Problem[];
}

/** The phase returned when nothing matches: all strings `''`, retry `0`. */
export function emptyPhase(): Phase {
  return { task: '', rule: '', dependsOn: '', retry: 0, template: '' };
}

/** The part of the task before `:`. */
export function topic(p: Pick<Phase, 'task'>): string {
  const colon = p.task.indexOf(':');
  return colon === -1 ? p.task : p.task.slice(0, colon);
}

/** The part of the task after `:`; else the rule's `job=` value; else `''`. */
export function job(p: Pick<Phase, 'task' | 'rule'>): string {
  return p.task.includes(':') ? afterColon(p.task) : queryValue(p.rule, 'job');
}

/** True for the empty phase (retry is not looked at, as in Go). */
export function isEmpty(p: Phase): boolean {
  return p.task === '' && p.rule === '' && p.dependsOn === '' && p.template === '';
}

/**
 * The key a phase is stored under: `topic:job`, or the task as written when it has no job.
 * @param phaseJob the phase's {@link job}, when the caller has it already (it parses the rule)
 */
export function taskKey(p: Pick<Phase, 'task' | 'rule'>, phaseJob: string = job(p)): string {
  if (p.task.includes(':')) return p.task;
  return phaseJob === '' ? p.task : `${p.task}:${phaseJob}`;
}

/** Splits a `dependsOn` value into the topic and job it names. */
export function dependency(dependsOn: string): { topic: string; job: string } {
  const colon = dependsOn.indexOf(':');
  return colon === -1 ? { topic: dependsOn, job: '' } : { topic: dependsOn.slice(0, colon), job: afterColon(dependsOn) };
}

/** What `split(':')[1]` gives, without the array: between the first colon and the next one (or the end). */
function afterColon(text: string): string {
  const colon = text.indexOf(':');
  const next = text.indexOf(':', colon + 1);
  return text.slice(colon + 1, next === -1 ? undefined : next);
}
