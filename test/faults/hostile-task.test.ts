// Hostile task input to get/children/search (malformed meta, huge strings,
// SQL-looking text) gets the right answer or the empty phase, never an exception, and runs no SQL.
import fc from 'fast-check';
import { beforeAll, afterAll, describe, expect, test } from 'vitest';
import { emptyPhase, MemorySource, WorkflowCache, type Phase } from '../../src/index.node.js';

const sqlName = "x' OR '1'='1.toml";
const files: Record<string, string> = {
  'f.toml': `
[[phase]]
task = "task1"
rule = "cron=0 * * * *"

[[phase]]
task = "task2"
dependsOn = "task1"

[[phase]]
task = "task3:j1"
dependsOn = "task1"
`,
  [sqlName]: `
[[phase]]
task = "quoted"
rule = "cron=0 * * * *"
`,
};

const huge = 'a'.repeat(100_000);
const sqlish = ["' OR 1=1 --", "task1' OR '1'='1", "'; DROP TABLE workflow_phases; --", 'task1" OR ""="', 'task1\\', '%', '_', '*'];

let cache: WorkflowCache;
let everyPhase: Phase[];
beforeAll(async () => {
  cache = await WorkflowCache.open({ workflows: new MemorySource(files) });
  everyPhase = cache.phases().map(({ task, rule, dependsOn, retry, template }) => ({ task, rule, dependsOn, retry, template }));
});
afterAll(() => cache.close());

const task1 = { task: 'task1', rule: 'cron=0 * * * *', dependsOn: '', retry: 0, template: '' };

describe('get with hostile meta', () => {
  test.each([
    ['a bad escape names no file', 'workflow=%zz'],
    ['a bad escape in the file name names no file', 'workflow=f.toml%zz'],
    ['a semicolon separator is skipped, as Go skips it', 'workflow=f.toml;job=x'],
    ['a lone semicolon', ';'],
    ['ampersands alone', '&&&'],
    ['an escaped NUL after the name names another file', 'workflow=f.toml%00'],
    ['a 100k-character file name', `workflow=${huge}`],
    ['SQL as the file name', "workflow=' OR 1=1 --"],
    ['a percent alone', 'workflow=%'],
    ['an escape that is not UTF-8', 'workflow=%ff%fe'],
  ])('%s: the empty phase', (_, meta) => {
    expect(cache.get({ type: 'task1', meta })).toEqual(emptyPhase());
  });

  test('ampersands around a good pair still find the phase', () => {
    expect(cache.get({ type: 'task1', meta: '&&&workflow=f.toml&&&' })).toEqual(task1);
  });

  test('a file named like SQL is found by its escaped name, and only by it', () => {
    expect(cache.get({ type: 'quoted', meta: `workflow=${encodeURIComponent(sqlName)}` }).task).toBe('quoted');
    expect(cache.get({ type: 'task1', meta: `workflow=${encodeURIComponent(sqlName)}` })).toEqual(emptyPhase());
  });
});

describe('hostile task types and jobs', () => {
  test.each([...sqlish, huge, 'task1\0', '\uD800', ''])('type %j: the empty phase, no children', (type) => {
    expect(cache.get({ type, meta: 'workflow=f.toml' })).toEqual(emptyPhase());
    expect(cache.get({ type, meta: 'workflow=*' })).toEqual(emptyPhase());
    expect(cache.children({ type, meta: 'workflow=f.toml' })).toEqual([]);
    expect(cache.search(type)).toEqual({ path: '', phase: emptyPhase() });
  });

  test.each([...sqlish, huge, 'j1\0'])('job %j matches no phase and leaves children with an empty dependsOn job', (job) => {
    expect(cache.get({ type: 'task3', job, meta: 'workflow=f.toml' })).toEqual(emptyPhase());
    expect(cache.search('task3', job)).toEqual({ path: '', phase: emptyPhase() });
    expect(cache.children({ type: 'task1', job, meta: 'workflow=f.toml' }).map((p) => p.task)).toEqual(['task2', 'task3:j1']);
  });

  test('values that are not strings are read as their text', () => {
    const odd = { type: 123, job: null, meta: undefined } as unknown as { type: string };
    expect(cache.get(odd)).toEqual(emptyPhase());
    expect(cache.children(odd)).toEqual([]);
    expect(cache.search(null as unknown as string)).toEqual({ path: '', phase: emptyPhase() });
  });

  test('after every hostile lookup the database still holds every phase', () => {
    for (const type of sqlish) cache.get({ type, meta: `workflow=${encodeURIComponent(type)}` });
    expect(cache.phases()).toHaveLength(4);
  });
});

test('any strings as type, job and meta: no exception, and an answer that is empty or a phase of the files', () => {
  const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom(...sqlish, 'task1', 'task3', 'j1'));
  const meta = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.tuple(fc.constantFrom('workflow=f.toml', 'workflow=*', '', '&'), fc.string({ unit: 'binary' })).map(([a, b]) => a + b),
  );
  let tried = 0;
  fc.assert(
    fc.property(text, fc.option(text), meta, (type, job, meta) => {
      tried++;
      const task = { type, meta, ...(job === null ? {} : { job }) };
      const found = cache.get(task);
      expect(found.task === '' || everyPhase.some((p) => p.task === found.task)).toBe(true);
      for (const child of cache.children(task)) expect(everyPhase).toContainEqual(child);
      const searched = cache.search(type, job ?? undefined);
      expect(searched.path === '' || searched.path in files).toBe(true);
    }),
    { numRuns: 1000 },
  );
  expect(tried).toBe(1000);
});
