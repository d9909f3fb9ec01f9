// A refresh that fails part-way (a source that throws on reading the third
// file) leaves every file fully old or fully new, and the next refresh completes.
import { expect, test } from 'vitest';
import { MemorySource, RefreshError, type SourceEntry, type WorkflowSource } from '../../src/index.node.js';
import { markedWorkflow, openCache } from './helpers.js';

/** Files in memory whose n-th read, counted from `failFrom()`, throws what it is told to. */
class FailingSource implements WorkflowSource {
  readonly isDir = true;
  readonly location = 'failing source';
  readonly files = new MemorySource();
  #reads = 0;
  #failOn: number | undefined;
  #failure: unknown;

  /** Makes the n-th read from now throw `failure`, once. */
  failOnRead(n: number, failure: unknown): void {
    this.#reads = 0;
    this.#failOn = n;
    this.#failure = failure;
  }

  list(): Promise<SourceEntry[]> {
    return this.files.list();
  }

  // Not async: a source may also throw before it returns a promise.
  read(key: string): Promise<Uint8Array> {
    if (++this.#reads === this.#failOn) {
      this.#failOn = undefined;
      throw this.#failure;
    }
    return this.files.read(key);
  }
}

/** The marks (templates) of each file's phases, file by file. */
function marksByFile(phases: { filePath: string; template: string }[]): Record<string, string[]> {
  const marks: Record<string, string[]> = {};
  for (const p of phases) (marks[p.filePath] ??= []).push(p.template);
  return marks;
}

function writeAll(source: FailingSource, keys: string[], mark: string): void {
  for (const key of keys) source.files.set(key, markedWorkflow(key.replace('.toml', ''), mark, 3));
}

const keys = ['a.toml', 'b.toml', 'c.toml', 'd.toml', 'e.toml'];

test('a read that throws on the third file leaves that file old, the others new, none half', async () => {
  const source = new FailingSource();
  writeAll(source, keys, 'old');
  const cache = await openCache({ workflows: source });
  writeAll(source, keys, 'new');
  source.failOnRead(3, new Error('disk went away'));

  const error = await cache.refresh().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RefreshError);
  expect((error as RefreshError).failures.map((f) => f.file)).toEqual(['c.toml']);
  expect((error as RefreshError).changed).toEqual(['a.toml', 'b.toml', 'd.toml', 'e.toml']);
  expect(marksByFile(cache.phases())).toEqual({
    'a.toml': ['new', 'new', 'new'],
    'b.toml': ['new', 'new', 'new'],
    'c.toml': ['old', 'old', 'old'],
    'd.toml': ['new', 'new', 'new'],
    'e.toml': ['new', 'new', 'new'],
  });
});

test('the refresh after a failed read completes and loads the file that failed', async () => {
  const source = new FailingSource();
  writeAll(source, keys, 'old');
  const cache = await openCache({ workflows: source });
  writeAll(source, keys, 'new');
  source.failOnRead(3, new Error('disk went away'));
  await expect(cache.refresh()).rejects.toThrow(RefreshError);

  expect(await cache.refresh()).toEqual(['c.toml']);
  expect(cache.failures()).toEqual([]);
  expect(new Set(cache.phases().map((p) => p.template))).toEqual(new Set(['new']));
});

test('a source that throws something other than an Error fails only that file', async () => {
  const source = new FailingSource();
  writeAll(source, keys, 'old');
  const cache = await openCache({ workflows: source });
  writeAll(source, keys, 'new');
  source.failOnRead(3, 'a bare string');

  const error = await cache.refresh().then(() => undefined, (e: unknown) => e);
  expect((error as RefreshError).failures.map((f) => [f.file, f.reason])).toEqual([['c.toml', 'cannot read: a bare string']]);
  expect(marksByFile(cache.phases())['c.toml']).toEqual(['old', 'old', 'old']);
});

test('a failure in the second batch of a large refresh leaves the first batch loaded and each file whole', async () => {
  const many = Array.from({ length: 300 }, (_, i) => `w${String(i).padStart(3, '0')}.toml`);
  const source = new FailingSource();
  writeAll(source, many, 'old');
  const cache = await openCache({ workflows: source });
  writeAll(source, many, 'new');
  source.failOnRead(280, new Error('disk went away'));

  await expect(cache.refresh()).rejects.toThrow(RefreshError);
  const marks = marksByFile(cache.phases());
  for (const key of many) expect(marks[key], key).toEqual(key === many[279] ? ['old', 'old', 'old'] : ['new', 'new', 'new']);
  expect(await cache.refresh()).toEqual([many[279]]);
});
