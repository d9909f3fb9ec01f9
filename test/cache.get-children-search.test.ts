// get(), children() and search(): every case of Go's TestGet and TestChildren, in our words,
// plus the same questions asked of our fixture folder on disk.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPhase, type Phase, type WorkflowCache } from '../src/index.node.js';
import { fixtures, toml, useCaches } from './helpers.js';

const phase = (p: Partial<Phase>): Phase => ({ ...emptyPhase(), ...p });

describe('get() (Go TestGet)', () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  beforeEach(async () => {
    cache = await caches.openMemory({
      'workflow.toml': toml(
        { task: 'task1' },
        { task: 'dup', template: 'from workflow.toml' },
        { task: 'task2', dependsOn: 'task1' },
        { task: 'task3', dependsOn: 'task2' },
        { task: 'task4', dependsOn: 'task2' },
      ),
      'w2job.toml': toml(
        { task: 'dup', template: 'from w2job.toml' },
        { task: 't2', rule: 'job=j1' },
        { task: 't2', rule: 'job=j2' },
        { task: 't2:j3', rule: '' },
      ),
    });
  });

  it('returns the empty phase when the task meta names no workflow', () => {
    expect(cache.get({ type: 'task1' })).toEqual(emptyPhase());
  });

  it('returns the empty phase for a blank task type', () => {
    expect(cache.get({ type: '', meta: 'workflow=workflow.toml' })).toEqual(emptyPhase());
  });

  it('returns the empty phase when no phase has the task type', () => {
    expect(cache.get({ type: 'missing', meta: 'workflow=workflow.toml' })).toEqual(emptyPhase());
  });

  it('matches task.job against the job in the rule, in any file for workflow=*', () => {
    expect(cache.get({ type: 't2', job: 'j2', meta: 'workflow=*' })).toEqual(phase({ task: 't2', rule: 'job=j2' }));
  });

  it('finds a phase by type in the named file', () => {
    expect(cache.get({ type: 'task2', meta: 'workflow=workflow.toml' })).toEqual(phase({ task: 'task2', dependsOn: 'task1' }));
  });

  it('takes the job from meta job= when the task has none', () => {
    expect(cache.get({ type: 't2', meta: 'workflow=w2job.toml&job=j1' })).toEqual(phase({ task: 't2', rule: 'job=j1' }));
  });

  it('returns the empty phase when the job does not exist', () => {
    expect(cache.get({ type: 't2', meta: 'workflow=w2job.toml&job=invalid' })).toEqual(emptyPhase());
  });

  it('matches a job written in the task as topic:job on a wildcard search', () => {
    expect(cache.get({ type: 't2', meta: 'workflow=*&job=j3' })).toEqual(phase({ task: 't2:j3' }));
  });

  it('picks the first file in key order when the same task is in several files', () => {
    expect(cache.get({ type: 'dup', meta: 'workflow=*' })).toEqual(phase({ task: 'dup', template: 'from w2job.toml' }));
  });

  it('prefers task.job over meta job=', () => {
    expect(cache.get({ type: 't2', job: 'j2', meta: 'workflow=w2job.toml&job=j1' })).toEqual(phase({ task: 't2', rule: 'job=j2' }));
  });

  it('returns the first phase of the type in file order when no job is given', () => {
    expect(cache.get({ type: 't2', meta: 'workflow=w2job.toml' })).toEqual(phase({ task: 't2', rule: 'job=j1' }));
  });

  it('returns the empty phase for a file that is not loaded', () => {
    expect(cache.get({ type: 'task1', meta: 'workflow=other.toml' })).toEqual(emptyPhase());
  });

  it('returns a phase with exactly the five Phase fields', () => {
    expect(Object.keys(cache.get({ type: 'task2', meta: 'workflow=workflow.toml' })).sort()).toEqual(
      ['dependsOn', 'retry', 'rule', 'task', 'template'],
    );
  });
});

describe('children() (Go TestChildren)', () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  beforeEach(async () => {
    cache = await caches.openMemory({
      'workflow.toml': toml(
        { task: 'task1' },
        { task: 'task2', dependsOn: 'task1' },
        { task: 'task3', dependsOn: 'task2' },
        { task: 'task4', dependsOn: 'task2' },
        { task: 'task5', dependsOn: 'task1:j4' },
      ),
    });
  });

  it('returns [] when the task meta names no workflow', () => {
    expect(cache.children({ type: 'task1' })).toEqual([]);
  });

  it('returns [] for a blank task type', () => {
    expect(cache.children({ type: '', meta: 'workflow=workflow.toml' })).toEqual([]);
  });

  it('returns the phases that depend on the topic without naming a job', () => {
    expect(cache.children({ type: 'task1', meta: 'workflow=workflow.toml' })).toEqual([phase({ task: 'task2', dependsOn: 'task1' })]);
  });

  it('returns several children in file order', () => {
    expect(cache.children({ type: 'task2', meta: 'workflow=workflow.toml' })).toEqual([
      phase({ task: 'task3', dependsOn: 'task2' }),
      phase({ task: 'task4', dependsOn: 'task2' }),
    ]);
  });

  it('returns [] for a leaf task', () => {
    expect(cache.children({ type: 'task3', meta: 'workflow=workflow.toml' })).toEqual([]);
  });

  it('returns [] for another leaf task', () => {
    expect(cache.children({ type: 'task4', meta: 'workflow=workflow.toml' })).toEqual([]);
  });

  it('with a job, returns children naming no job and those naming that job', () => {
    expect(cache.children({ type: 'task1', meta: 'workflow=workflow.toml&job=j4' })).toEqual([
      phase({ task: 'task2', dependsOn: 'task1' }),
      phase({ task: 'task5', dependsOn: 'task1:j4' }),
    ]);
  });

  it('takes the job from task.job as well as from meta', () => {
    expect(cache.children({ type: 'task1', job: 'j4', meta: 'workflow=workflow.toml' })).toContainEqual(
      phase({ task: 'task5', dependsOn: 'task1:j4' }),
    );
  });

  it('returns [] for workflow=*, which names no file', () => {
    expect(cache.children({ type: 'task1', meta: 'workflow=*' })).toEqual([]);
  });
});

describe('search()', () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  beforeEach(async () => {
    cache = await caches.openMemory({
      'b.toml': toml({ task: 'load', rule: 'job=daily', template: 'b daily' }, { task: 'load:hourly', template: 'b hourly' }),
      'a.toml': toml({ task: 'load', rule: 'job=weekly', template: 'a weekly' }),
    });
  });

  it('returns the first phase with the topic, files in key order, with its file key', () => {
    expect(cache.search('load')).toEqual({ path: 'a.toml', phase: phase({ task: 'load', rule: 'job=weekly', template: 'a weekly' }) });
  });

  it('matches the job when one is given', () => {
    expect(cache.search('load', 'hourly')).toEqual({ path: 'b.toml', phase: phase({ task: 'load:hourly', template: 'b hourly' }) });
  });

  it('returns an empty path and the empty phase when nothing matches', () => {
    expect(cache.search('load', 'monthly')).toEqual({ path: '', phase: emptyPhase() });
  });
});

describe('get() and children() on the fixture folder', () => {
  const caches = useCaches();
  let cache: WorkflowCache;
  beforeEach(async () => {
    cache = await caches.open({ workflows: join(fixtures, 'workflow') });
  });

  it('reads [[Phase]] with DependsOn and a capitalised Task key', () => {
    expect(cache.get({ type: 'extract', job: 'daily', meta: 'workflow=f1.toml' })).toEqual(
      phase({ task: 'extract', rule: 'cron=30 2 * * *&job=daily', template: '?day={yyyy}-{mm}-{dd}' }),
    );
  });

  it('reads [[phase]] with dependsOn', () => {
    expect(cache.children({ type: 'extract', meta: 'workflow=f2.toml' })).toEqual([
      phase({ task: 'publish', dependsOn: 'extract', template: '{meta:file}' }),
    ]);
  });

  it('finds a job given in the rule as job=', () => {
    expect(cache.get({ type: 'worker', meta: 'workflow=jobs.toml&job=child1' }).rule).toBe('job=child1');
  });

  it('finds a job written in the task as topic:job', () => {
    expect(cache.get({ type: 'worker', job: 'child2', meta: 'workflow=jobs.toml' }).task).toBe('worker:child2');
  });

  it('lists children of a topic:job parent, whichever way the child writes its job', () => {
    expect(cache.children({ type: 'worker', job: 'parent', meta: 'workflow=jobs.toml' }).map((p) => p.task)).toEqual([
      'worker',
      'worker:child2',
    ]);
  });

  it('gives no children to a task without a job when every child names one', () => {
    expect(cache.children({ type: 'worker', meta: 'workflow=jobs.toml' })).toEqual([]);
  });

  it('lists children that depend on topic:job only for that job', () => {
    expect(cache.children({ type: 'extract', meta: 'workflow=f1.toml&job=daily' }).map((p) => p.task)).toEqual(['transform', 'audit']);
  });

  it('keeps retry and template as written', () => {
    expect(cache.get({ type: 'transform', meta: 'workflow=f1.toml' })).toMatchObject({ retry: 2, template: '{meta:file}?day={yyyy}-{mm}-{dd}' });
  });
});
