// The bench's 1,000-file workload, loaded and asked thousands of questions, each answer checked
// against a plain in-memory port of the Go cache: first match in key order, then file order.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, random, workloads, workflowFiles } from '../bench/generate.mjs';
import { WorkflowCache, type Phase, type Task } from '../src/index.node.js';

/** Go's workflow.Cache, kept in maps, as task-tools writes it. */
class GoCache {
  readonly keys: string[];
  constructor(readonly workflows: Map<string, Phase[]>) {
    this.keys = [...workflows.keys()].sort();
  }

  get(t: Task): Phase {
    const values = new URLSearchParams(t.meta ?? '');
    const key = values.get('workflow') ?? '';
    const job = t.job || (values.get('job') ?? '');
    if (key === '*') return this.search(t.type, job).phase;
    for (const p of this.workflows.get(key) ?? []) {
      if (goTopic(p) === t.type && (job === '' || goJob(p) === job)) return p;
    }
    return empty();
  }

  children(t: Task): Phase[] {
    const values = new URLSearchParams(t.meta ?? '');
    const job = t.job || (values.get('job') ?? '');
    if (t.type === '') return [];
    return (this.workflows.get(values.get('workflow') ?? '') ?? []).filter((p) => {
      const [depends, j = ''] = p.dependsOn.split(':');
      return depends === t.type && (j === '' || j === job);
    });
  }

  search(topic: string, job: string): { path: string; phase: Phase } {
    for (const key of this.keys) {
      for (const p of this.workflows.get(key)!) {
        if (goTopic(p) === topic && (job === '' || goJob(p) === job)) return { path: key, phase: p };
      }
    }
    return { path: '', phase: empty() };
  }
}

const goTopic = (p: Phase) => p.task.split(':')[0];
const goJob = (p: Phase) => p.task.split(':')[1] ?? new URLSearchParams(p.rule).get('job') ?? '';
const empty = (): Phase => ({ task: '', rule: '', dependsOn: '', retry: 0, template: '' });

function toPhase(table: Record<string, unknown>): Phase {
  return {
    task: String(table.task ?? ''),
    rule: String(table.rule ?? ''),
    dependsOn: String(table.dependsOn ?? ''),
    retry: Number(table.retry ?? 0),
    template: String(table.template ?? ''),
  };
}

describe('the 1,000-file workload against the Go semantics', () => {
  const files = workflowFiles(workloads.quick);
  const go = new GoCache(new Map(files.map((f) => [f.key, (parse(f.text).phase as Record<string, unknown>[]).map(toPhase)])));
  const all = [...go.workflows].flatMap(([file, phases]) => phases.map((p) => ({ file, p })));
  const next = random(7);
  const sample = <T,>(items: T[], n: number) => Array.from({ length: n }, () => items[Math.floor(next() * items.length)]);
  let dir: string;
  let cache: WorkflowCache;

  // One load for every test: it is the slow part.
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'workflow-cache-large-'));
    await generate(dir, workloads.quick);
    cache = await WorkflowCache.open({ workflows: dir });
  });
  afterAll(async () => {
    await cache?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every file and every phase', () => {
    expect(cache.query('SELECT count(*) AS n FROM workflow_files')[0].n).toBe(files.length);
    expect(cache.query('SELECT count(*) AS n FROM workflow_phases')[0].n).toBe(all.length);
  });

  it('reads on disk the files the reference was built from', async () => {
    for (const f of sample(files, 50)) expect(await readFile(join(dir, f.key), 'utf8')).toBe(f.text);
  });

  it('answers get() as Go does for phases of a named file, with and without their job', () => {
    for (const { file, p } of sample(all, 2000)) {
      const job = goJob(p);
      for (const task of [{ type: goTopic(p), meta: `workflow=${file}` }, { type: goTopic(p), job, meta: `workflow=${file}` }, { type: goTopic(p), meta: `workflow=${file}&job=${job}` }]) {
        expect(cache.get(task)).toEqual(go.get(task));
      }
    }
  });

  it('answers get() as Go does for workflow=*, across files in key order', () => {
    for (const { p } of sample(all, 1000)) {
      const task = { type: goTopic(p), job: goJob(p), meta: 'workflow=*' };
      expect(cache.get(task)).toEqual(go.get(task));
      expect(cache.get({ type: goTopic(p), meta: 'workflow=*' })).toEqual(go.get({ type: goTopic(p), meta: 'workflow=*' }));
    }
  });

  it('answers get() with the empty phase where Go finds nothing', () => {
    for (const { file, p } of sample(all, 300)) {
      for (const task of [{ type: `${goTopic(p)}-x`, meta: `workflow=${file}` }, { type: goTopic(p), job: 'no-such-job', meta: `workflow=${file}` }, { type: goTopic(p), meta: 'workflow=missing.toml' }]) {
        expect(cache.get(task)).toEqual(go.get(task));
      }
    }
  });

  it('answers children() as Go does, in file order', () => {
    const parents = all.filter(({ p }) => p.dependsOn !== '');
    let nonEmpty = 0;
    for (const { file, p } of sample(parents, 2000)) {
      const [topic, job = ''] = p.dependsOn.split(':');
      for (const task of [{ type: topic, meta: `workflow=${file}` }, { type: topic, job: job || 'other', meta: `workflow=${file}` }]) {
        const expected = go.children(task);
        nonEmpty += expected.length > 0 ? 1 : 0;
        expect(cache.children(task)).toEqual(expected);
      }
    }
    expect(nonEmpty).toBeGreaterThan(2000);
  });

  it('answers search() as Go does, with the file it found the phase in', () => {
    for (const { p } of sample(all, 1000)) {
      expect(cache.search(goTopic(p), goJob(p))).toEqual(go.search(goTopic(p), goJob(p)));
      expect(cache.search(goTopic(p))).toEqual(go.search(goTopic(p), ''));
    }
  });
});
