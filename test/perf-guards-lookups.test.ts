// The phases a file's first lookup reads are held packed (one string a file, offsets into it):
// every answer from them must be the one the database gives, whatever the strings hold.
import { describe, expect, it } from 'vitest';
import { MemorySource, type WorkflowCache } from '../src/index.node.js';
import { toml, useCaches } from './helpers.js';

type Spec = Parameters<typeof toml>[0];

/** Every get() and children() a scheduler could ask of `file`: each topic, with and without each job, and one absent. */
function answers(cache: WorkflowCache, file: string, phases: readonly Spec[]): unknown[] {
  const meta = `workflow=${file}`;
  const topics = new Set<string>(['absent']);
  const jobs = new Set<string>(['', 'absent']);
  for (const p of phases) {
    for (const task of [p.task ?? '', p.dependsOn ?? '']) {
      const [topic, job = ''] = task.split(':');
      topics.add(topic);
      jobs.add(job);
    }
    const inRule = /job=([^&]*)/.exec(p.rule ?? '');
    if (inRule) jobs.add(inRule[1]);
  }
  const seen: unknown[] = [];
  for (const type of topics) {
    for (const job of jobs) seen.push(cache.get({ type, job, meta }), cache.children({ type, job, meta }));
  }
  return seen;
}

describe('phases held packed for lookups', () => {
  const caches = useCaches();
  /** The answers of a cache holding the file's phases, and of one asking the database each time. */
  const heldAndDatabase = async (phases: Spec[]) => {
    const files = { 'f1.toml': toml(...phases) };
    const held = await caches.open({ workflows: new MemorySource(files) });
    const database = await caches.open({ workflows: new MemorySource(files), lookupMemory: 0 });
    return [answers(held, 'f1.toml', phases), answers(database, 'f1.toml', phases)];
  };

  it('answer as the database does for jobs in the task, in the rule and in dependsOn', async () => {
    const [held, database] = await heldAndDatabase([
      { task: 'a', rule: 'cron=@hourly' },
      { task: 'a:eu', rule: 'cron=@daily' },
      { task: 'b', rule: 'require=any&job=us', dependsOn: 'a:eu' },
      { task: 'c', rule: 'require=any', dependsOn: 'a' },
      { task: 'c:us', rule: 'require=any', dependsOn: 'b:us', retry: 3 },
    ]);
    expect(held).toEqual(database);
    expect(held.filter((a) => Array.isArray(a) && a.length > 0).length).toBeGreaterThan(3);
  });

  it('answer as the database does for strings with characters beyond one UTF-16 unit, and empty ones', async () => {
    const [held, database] = await heldAndDatabase([
      { task: '🌍', rule: 'cron=@hourly', template: 's3://🪣/{yyyy}' },
      { task: 'é:ü', rule: '', dependsOn: '🌍', template: '' },
      { task: 'x𝄞y', rule: 'require=any&job=𝄞', dependsOn: 'é:ü', template: '日本語' },
    ]);
    expect(held).toEqual(database);
  });

  it('answer as the database does for a retry past a safe integer', async () => {
    const files = { 'f1.toml': '[[phase]]\ntask = "a"\nrule = "cron=@hourly"\nretry = 9007199254740993\n' };
    const held = await caches.open({ workflows: new MemorySource(files) });
    expect(held.get({ type: 'a', meta: 'workflow=f1.toml' }).retry).toBe(9007199254740993n);
  });

  it('answer as the database does for a file of more than 65,535 characters with topics under several jobs', async () => {
    // 300 phases: past the scan limit (found by topic), and offsets past 16 bits.
    const phases: Spec[] = Array.from({ length: 300 }, (_, i) => ({
      task: i % 3 === 0 ? `t${i % 40}` : `t${i % 40}:j${i % 7}`,
      rule: i < 40 ? 'cron=@hourly' : `require=any${i % 5 === 0 ? `&job=j${i % 3}` : ''}`,
      ...(i < 40 ? {} : { dependsOn: i % 2 === 0 ? `t${i % 13}` : `t${i % 11}:j${i % 7}` }),
      template: `s3://bucket/${i}/${'x'.repeat(250)}`,
    }));
    const [held, database] = await heldAndDatabase(phases);
    expect(held).toEqual(database);
    expect(held.filter((a) => Array.isArray(a) && a.length > 0).length).toBeGreaterThan(20);
  });
});
