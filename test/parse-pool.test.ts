// The pool of parse workers: a worker that fails is replaced by this thread, so that what a load
// learns of its files is the same whatever the workers do. Real worker_threads, started from the
// scripts in test/workers/ (the built worker is exercised by test/package/parse-threads.test.ts).
import { createHash } from 'node:crypto';
import { expect, test } from 'vitest';
import { poolParser, inlineParser } from '../src/parse-pool.js';
import { startNodeParseThread } from '../src/parse-thread.node.js';
import type { FileBytes } from '../src/parsed-file.js';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);
const files: FileBytes[] = [
  { key: 'a.toml', bytes: text('[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\n') },
  { key: 'bad.toml', bytes: text('[[phase]]\ntask = "a\n') },
  { key: 'problems.toml', bytes: text('[[phase]]\ntask = "b"\nrule = "cron=61 * * * *"\n[[phase]]\ntask = "b"\n') },
];
const worker = (name: string) => () => startNodeParseThread(new URL(`./workers/${name}`, import.meta.url));
const expected = await inlineParser(md5).parse(files);

test('a worker that exits at a request is replaced by this thread for it', async () => {
  const pool = poolParser(worker('exits-on-request.mjs'), 1, md5);
  try {
    expect(await pool.parse(files)).toEqual(expected);
  } finally {
    pool.close();
  }
});

test('a worker that cannot start is replaced by this thread', async () => {
  const pool = poolParser(worker('throws-at-start.mjs'), 2, md5);
  try {
    expect(await pool.parse(files)).toEqual(expected);
    expect(await pool.parse(files.slice(1))).toEqual(expected.slice(1));
  } finally {
    pool.close();
  }
});

test('a worker that cannot even be created is replaced by this thread', async () => {
  const pool = poolParser(() => {
    throw new Error('no threads here');
  }, 2, md5);
  expect(await pool.parse(files)).toEqual(expected);
  pool.close();
});

test('requests under way on a worker that dies are all parsed here, in their order', async () => {
  const pool = poolParser(worker('answers-second-only.mjs'), 1, md5);
  try {
    const parsed = await Promise.all([pool.parse(files.slice(0, 1)), pool.parse(files.slice(1)), pool.parse(files)]);
    expect(parsed).toEqual([expected.slice(0, 1), expected.slice(1), expected]);
  } finally {
    pool.close();
  }
});

test('a bad file parsed here keeps its line and column', () => {
  expect(expected[1]).toMatchObject({ kind: 'failed', failure: { file: 'bad.toml', line: 2, column: expect.any(Number) } });
});

test('a request waiting behind busy workers is parsed on this thread when asked, the latest first', async () => {
  const pool = poolParser(worker('never-answers.mjs'), 1, md5);
  try {
    // Two requests go to the worker, which keeps them; the next two wait for it.
    void pool.parse(files);
    void pool.parse(files);
    const third = pool.parse(files.slice(0, 1));
    const fourth = pool.parse(files.slice(1));
    expect(pool.parseWaitingHere()).toBe(true);
    expect(await fourth).toEqual(expected.slice(1));
    expect(pool.parseWaitingHere()).toBe(true);
    expect(await third).toEqual(expected.slice(0, 1));
    expect(pool.parseWaitingHere()).toBe(false);
  } finally {
    pool.close();
  }
});

test('a parser on this thread has nothing waiting to take', async () => {
  const here = inlineParser(md5);
  const parsed = here.parse(files);
  expect(here.parseWaitingHere()).toBe(false);
  expect(await parsed).toEqual(expected);
});
