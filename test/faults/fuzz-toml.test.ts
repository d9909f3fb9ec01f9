// Generated and mutated workflow files, thousands of them, plus the hand-made
// worst cases: the cache throws nothing but its own load error, never loses another file's
// phases, and keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  emptyPhase,
  job,
  MemorySource,
  RefreshError,
  topic,
  WorkflowCache,
  type Phase,
} from '../../src/index.node.js';
import { markedWorkflow } from './helpers.js';

const GENERATED_RUNS = 800;
const MUTATED_RUNS = 1200;

const anchor = markedWorkflow('anchor', 'kept', 5);
let source: MemorySource;
let cache: WorkflowCache;
let anchorPhases: ReturnType<WorkflowCache['phases']>;
beforeAll(async () => {
  source = new MemorySource({ 'anchor.toml': anchor });
  cache = await WorkflowCache.open({ workflows: source });
  anchorPhases = cache.phases('anchor.toml');
});
afterAll(() => cache.close());

const utf8 = new TextEncoder();

/** Loads `bytes` as fuzz.toml; resolves with the load failure's reason, or undefined when it loaded. */
async function load(bytes: Uint8Array): Promise<string | undefined> {
  source.set('fuzz.toml', bytes);
  try {
    await cache.refresh();
    return undefined;
  } catch (error) {
    // The only thing a bad file may cause: the cache's own error, naming that file alone.
    expect(error).toBeInstanceOf(RefreshError);
    expect((error as RefreshError).failures.map((f) => f.file)).toEqual(['fuzz.toml']);
    return (error as RefreshError).failures[0].reason;
  }
}

/** What must hold whatever fuzz.toml held: the other file whole, and every question answered. */
function expectStillAnswering(tasks: string[]): void {
  expect(cache.phases('anchor.toml')).toEqual(anchorPhases);
  expect(cache.get({ type: 'anchor-3', meta: 'workflow=anchor.toml' }).template).toBe('kept');
  expect(cache.children({ type: 'anchor-4', meta: 'workflow=anchor.toml' }).map((p) => p.task)).toEqual(['anchor-5']);
  for (const task of tasks.slice(0, 3)) {
    cache.get({ type: task, meta: 'workflow=fuzz.toml' });
    cache.get({ type: task, meta: 'workflow=*' });
    cache.children({ type: task, meta: 'workflow=fuzz.toml' });
    cache.search(task);
  }
}

const anyCase = (word: string) =>
  fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((up) =>
    [...word].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''),
  );
// No `:` inside a name, and both parts of `topic:job` present, so that the stored key is `topic:job`.
const name = fc.oneof(fc.constantFrom('a', 'b', 'c', 'load', 'send'), fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => s.replaceAll(':', '')));
const part = name.filter((s) => s !== '');
const phase: fc.Arbitrary<Phase> = fc.record({
  task: fc.oneof(name, fc.tuple(part, part).map(([t, j]) => `${t}:${j}`)),
  rule: fc.oneof(
    fc.constantFrom('', 'cron=0 * * * *', 'cron=bad', 'files=s3://x/*', 'job=j1', 'cron=@every 1h&job=j2', 'a=%zz'),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  ),
  dependsOn: fc.oneof(fc.constant(''), name, fc.tuple(name, name).map(([t, j]) => `${t}:${j}`)),
  retry: fc.integer({ min: -1000, max: 1000 }),
  template: fc.string({ unit: 'grapheme', maxLength: 40 }),
});
const fieldNames = { task: 'task', rule: 'rule', dependsOn: 'dependsOn', retry: 'retry', template: 'template' } as const;

/**
 * A workflow file as a person might write it: any key case, fields in any order, some left out.
 * One header case per file: `[[phase]]` and `[[Phase]]` are two TOML arrays that Go's decoder
 * decodes into one slice (pinned in test/go-toml.test.ts).
 */
const workflow = fc
  .tuple(
    anyCase('phase'),
    fc.array(
    fc.tuple(
      phase,
      fc.shuffledSubarray(Object.keys(fieldNames) as (keyof Phase)[], { minLength: 1 }),
      fc.record({ task: anyCase('task'), rule: anyCase('rule'), dependsOn: anyCase('dependson'), retry: anyCase('retry'), template: anyCase('template') }),
    ),
    { maxLength: 12 },
    ),
  )
  .map(([header, entries]) => {
    const phases: Phase[] = [];
    let text = '';
    for (const [p, fields, keys] of entries) {
      const written: Phase = { ...emptyPhase() };
      text += `[[${header}]]\n`;
      for (const field of fields) {
        const value = p[field];
        text += `${keys[field]} = ${typeof value === 'number' ? value : JSON.stringify(value)}\n`;
        (written as unknown as Record<string, unknown>)[field] = value;
      }
      text += '\n';
      phases.push(written);
    }
    return { text, phases };
  });

/** The phases a file keeps: the first of each task key (a later phase with the same key is dropped). */
function keptPhases(phases: Phase[]): Phase[] {
  const seen = new Set<string>();
  return phases.filter((p) => {
    const key = job(p) === '' ? topic(p) : `${topic(p)}:${job(p)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Mutation = (bytes: Uint8Array) => Uint8Array;
const at = (bytes: Uint8Array, n: number) => (bytes.length === 0 ? 0 : n % (bytes.length + 1));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, b]): Mutation => (x) => {
    const y = x.slice();
    if (y.length > 0) y[i % y.length] = b;
    return y;
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([i, n]): Mutation => (x) => new Uint8Array([...x.subarray(0, at(x, i)), ...x.subarray(at(x, i) + n)])),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 })).map(([i, ins]): Mutation => (x) => new Uint8Array([...x.subarray(0, at(x, i)), ...ins, ...x.subarray(at(x, i))])),
  fc.tuple(fc.nat(), fc.constantFrom('[', ']', '"', "'''", '"""', '=', '\n', '\r', '#', '{', '}', ',', '.', '\\', '\\u', 'phase', '[[phase]]\n', 'task = "a"\n', 'retry = "x"\n', 'retry = 99999999999999999999\n', '[phase]\n')).map(
    ([i, s]): Mutation => (x) => new Uint8Array([...x.subarray(0, at(x, i)), ...utf8.encode(s), ...x.subarray(at(x, i))]),
  ),
  fc.nat().map((i): Mutation => (x) => x.subarray(0, at(x, i))),
  fc.constant<Mutation>((x) => new Uint8Array([0xef, 0xbb, 0xbf, ...x])),
  fc.constant<Mutation>((x) => utf8.encode(new TextDecoder().decode(x).replaceAll('\n', '\r\n'))),
);

describe('fuzzed workflow files', () => {
  test(`${GENERATED_RUNS} generated files load whole, the first phase of each key kept`, async () => {
    await fc.assert(
      fc.asyncProperty(workflow, async ({ text, phases }) => {
        expect(await load(utf8.encode(text))).toBeUndefined();
        expect(cache.phases('fuzz.toml').map(({ task, rule, dependsOn, retry, template }) => ({ task, rule, dependsOn, retry, template }))).toEqual(keptPhases(phases));
        expectStillAnswering(phases.map((p) => p.task));
      }),
      { numRuns: GENERATED_RUNS },
    );
  });

  test(`${MUTATED_RUNS} mutated files either load or fail alone, and the cache keeps answering`, async () => {
    let failures = 0;
    await fc.assert(
      fc.asyncProperty(workflow, fc.array(mutation, { minLength: 1, maxLength: 4 }), async ({ text, phases }, mutations) => {
        const bytes = mutations.reduce<Uint8Array>((b, m) => m(b), utf8.encode(text));
        const before = cache.phases('fuzz.toml');
        const failed = await load(bytes);
        // A file that fails keeps its last good phases.
        if (failed !== undefined) {
          failures++;
          expect(cache.phases('fuzz.toml')).toEqual(before);
        }
        expectStillAnswering(phases.map((p) => p.task));
      }),
      { numRuns: MUTATED_RUNS },
    );
    console.log(`fuzz: ${MUTATED_RUNS} mutated files, ${failures} failed to load (each alone), ${MUTATED_RUNS - failures} loaded`);
  });
});

describe('hand-made worst cases', () => {
  const lines = (text: string) => utf8.encode(text);
  const goodText = '[[phase]]\ntask = "one"\nrule = "cron=0 * * * *"\n\n[[phase]]\ntask = "two"\ndependsOn = "one"\n';

  test('a 10 MB workflow file of 60,000 phases loads whole', async () => {
    let text = '';
    for (let i = 0; text.length < 10_000_000; i++) {
      text += `[[phase]]\ntask = "big${i}"\ndependsOn = "${i === 0 ? '' : `big${i - 1}`}"\nrule = "cron=0 * * * *"\ntemplate = "${'x'.repeat(100)}"\n\n`;
    }
    const count = text.split('[[phase]]').length - 1;
    expect(await load(lines(text))).toBeUndefined();
    expect(cache.phases('fuzz.toml')).toHaveLength(count);
    expect(cache.children({ type: 'big41', meta: 'workflow=fuzz.toml' }).map((p) => p.task)).toEqual(['big42']);
    expectStillAnswering([]);
  });

  test('a 10 MB file that breaks at its very end fails with the line, keeping the last good phases', async () => {
    expect(await load(lines(goodText))).toBeUndefined();
    const text = `${goodText}${`# ${'filler '.repeat(20)}\n`.repeat(70_000)}task = [unclosed\n`;
    expect(text.length).toBeGreaterThan(10_000_000);
    source.set('fuzz.toml', lines(text));
    const error = await cache.refresh().then(() => undefined, (e: unknown) => e as RefreshError);
    expect(error?.failures[0].line).toBe(text.split('\n').length - 1);
    expect(cache.phases('fuzz.toml').map((p) => p.task)).toEqual(['one', 'two']);
    expectStillAnswering([]);
  });

  test.each([
    ['arrays nested 100,000 deep', `x = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['inline tables nested 100,000 deep', `x = ${'{a='.repeat(100_000)}1${'}'.repeat(100_000)}\n`],
    ['a dotted key 20,000 parts long (Go\'s decoder has no dotted keys)', `${Array.from({ length: 20_000 }, () => 'a').join('.')} = 1\n`],
    ['a table header 20,000 parts long', `[${Array.from({ length: 20_000 }, () => 'a').join('.')}]\n`],
  ])('%s: loads or fails alone, never crashes the cache', async (_, text) => {
    await load(lines(`${goodText}${text}`));
    expectStillAnswering([]);
  });

  test('bytes that are not UTF-8 in a basic string load as U+FFFD, as Go decodes them', async () => {
    const bytes = new Uint8Array([...lines('[[phase]]\ntask = "'), 0xff, 0xfe, 0xc3, ...lines('"\nrule = "cron=0 * * * *"\n')]);
    expect(await load(bytes)).toBeUndefined();
    expect(cache.phases('fuzz.toml').map((p) => p.task)).toEqual(['\ufffd\ufffd\ufffd']);
    expectStillAnswering([]);
  });

  test('a byte-order mark fails the file, as Go fails it, keeping the last good phases', async () => {
    expect(await load(lines(goodText))).toBeUndefined();
    expect(await load(new Uint8Array([0xef, 0xbb, 0xbf, ...lines(goodText)]))).toBe("bare keys cannot contain '\\ufeff'");
    expect(cache.phases('fuzz.toml').map((p) => p.task)).toEqual(['one', 'two']);
  });

  test('CRLF line ends load as LF ones do', async () => {
    expect(await load(lines(goodText.replaceAll('\n', '\r\n')))).toBeUndefined();
    expect(cache.phases('fuzz.toml').map((p) => [p.task, p.dependsOn])).toEqual([['one', ''], ['two', 'one']]);
  });

  test('a lone CR ends a line, as it does for Go\'s decoder', async () => {
    expect(await load(lines('[[phase]]\ntask = "one"\rrule = "cron=0 * * * *"\n'))).toBeUndefined();
    expect(cache.phases('fuzz.toml').map((p) => [p.task, p.rule])).toEqual([['one', 'cron=0 * * * *']]);
    expectStillAnswering([]);
  });

  test('a key given twice in one table fails the file, naming the line', async () => {
    source.set('fuzz.toml', lines('[[phase]]\ntask = "one"\nrule = "cron=0 * * * *"\ntask = "two"\n'));
    const error = await cache.refresh().then(() => undefined, (e: unknown) => e as RefreshError);
    expect(error?.failures[0]).toMatchObject({ file: 'fuzz.toml', line: 4 });
  });

  test('keys in any case are the same fields; [[PHASE]], [[phase]] and [[Phase]] of one table each decode into one phase', async () => {
    const text = '[[PHASE]]\nTASK = "one"\nRULE = "cron=0 * * * *"\nRETRY = 3\nTEMPLATE = "t"\n\n[[phase]]\ntask = "two"\nDEPENDSON = "one"\n\n[[Phase]]\nTask = "three"\nDependsOn = "two"\n';
    expect(await load(lines(text))).toBeUndefined();
    expect(cache.phases('fuzz.toml').map(({ task, rule, dependsOn, retry, template }) => ({ task, rule, dependsOn, retry, template }))).toEqual([
      { task: 'three', rule: 'cron=0 * * * *', dependsOn: 'two', retry: 3, template: 't' },
    ]);
  });
});

test('the fuzzed file never held phases of another file', () => {
  expect(cache.phases().filter((p) => p.filePath === 'anchor.toml')).toEqual(anchorPhases);
});
