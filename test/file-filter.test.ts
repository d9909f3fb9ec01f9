import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FsSource, MemorySource, WorkflowCache } from '../src/index.node.js';
import { toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const tempDir = useTempDirs();
const { open } = useCaches();

const phase = toml({ task: 'a', rule: 'cron=0 * * * *' });

/** A workflows folder that is also a git checkout, with notes and editor leftovers beside the workflows. */
async function mixedFolder(): Promise<string> {
  const dir = await tempDir();
  await writeFiles(dir, {
    'daily.toml': phase,
    'group/hourly.toml': phase,
    'README.md': 'Our workflows: see daily.toml\n',
    'group/notes.md': 'see daily\n',
    '.DS_Store': '\u0000\u0001bud1',
    'daily.toml~': phase,
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/objects/ab/cdef': '\u0000\u0078\u009c',
    'drafts/next.toml': phase,
  });
  return dir;
}

const keys = (cache: WorkflowCache) => cache.files().map((f) => f.file);
const failed = (cache: WorkflowCache) => cache.failures().map((f) => f.file);

describe('which files of a folder are workflows', () => {
  test('by default every file is, as in Go', async () => {
    const cache = await open({ workflows: await mixedFolder() });
    expect(keys(cache)).toEqual(['daily.toml', 'daily.toml~', 'drafts/next.toml', 'group/hourly.toml']);
    expect(failed(cache).sort()).toEqual(['.DS_Store', '.git/HEAD', '.git/objects/ab/cdef', 'README.md', 'group/notes.md']);
  });

  test('ignore: a name without a slash matches at any depth', async () => {
    const cache = await open({ workflows: await mixedFolder(), ignore: ['.git', '*.md', '.DS_Store', '*~'] });
    expect(keys(cache)).toEqual(['daily.toml', 'drafts/next.toml', 'group/hourly.toml']);
    expect(failed(cache)).toEqual([]);
  });

  test('an ignored folder is not listed at all', async () => {
    const dir = await tempDir();
    // A folder name Go refuses: listed, it fails; in an ignored folder it is never seen.
    await writeFiles(dir, { 'a.toml': phase, '.git/q%zz/x': 'x' });
    expect(failed(await open({ workflows: dir }))).toEqual(['.git/q%zz/']);
    expect(failed(await open({ workflows: dir, ignore: ['.git'] }))).toEqual([]);
  });

  test('ignore: a pattern with a slash matches from the workflows folder', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'drafts/a.toml': phase, 'group/drafts/b.toml': phase, 'c.toml': phase });
    expect(keys(await open({ workflows: dir, ignore: ['drafts/**'] }))).toEqual(['c.toml', 'group/drafts/b.toml']);
    expect(keys(await open({ workflows: dir, ignore: ['/drafts'] }))).toEqual(['c.toml', 'group/drafts/b.toml']);
  });

  test('ignore: a pattern ending in / matches folders only', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'x/build/a.toml': phase, 'build.toml': phase, 'y/build': phase });
    expect(keys(await open({ workflows: dir, ignore: ['build/'] }))).toEqual(['build.toml', 'y/build']);
  });

  test('include: only matching files are read, and ignore wins over it', async () => {
    const cache = await open({ workflows: await mixedFolder(), include: ['*.toml'], ignore: ['drafts/'] });
    expect(keys(cache)).toEqual(['daily.toml', 'group/hourly.toml']);
    expect(failed(cache)).toEqual([]);
  });

  test('.workflowcacheignore in the folder adds patterns, and is never a workflow itself', async () => {
    const dir = await mixedFolder();
    await writeFile(join(dir, '.workflowcacheignore'), '# not workflows\n.git/\n*.md\n\n.DS_Store\n*~\n');
    const cache = await open({ workflows: dir });
    expect(keys(cache)).toEqual(['daily.toml', 'drafts/next.toml', 'group/hourly.toml']);
    expect(failed(cache)).toEqual([]);
  });

  test('.workflowcacheignore is read again at each refresh: newly ignored files are gone', async () => {
    const dir = await mixedFolder();
    const cache = await open({ workflows: dir, ignore: ['.git', '*.md', '.DS_Store', '*~'] });
    await writeFile(join(dir, '.workflowcacheignore'), 'drafts/\n');
    expect(await cache.refresh()).toEqual(['-drafts/next.toml']);
  });

  test('a negation line fails the ignore file, named, and the rest still loads', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'a.toml': phase, 'b.md': 'x', '.workflowcacheignore': '*.md\n!keep.md\n' });
    const cache = await open({ workflows: dir, include: ['*.toml'] });
    expect(keys(cache)).toEqual(['a.toml']);
    expect(cache.failures()).toEqual([
      expect.objectContaining({ file: '.workflowcacheignore', reason: expect.stringContaining('line 2: "!keep.md": negation (!) is not supported') }),
    ]);
  });

  test('FsSource.open takes the same options', async () => {
    const source = await FsSource.open(await mixedFolder(), { include: ['**/*.toml'] });
    expect((await source.list()).map((e) => e.key).sort()).toEqual(['daily.toml', 'drafts/next.toml', 'group/hourly.toml']);
  });

  test('a single file given by path is read whatever the patterns say', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'notes.md': phase });
    expect(keys(await open({ workflows: join(dir, 'notes.md'), include: ['*.toml'] }))).toEqual(['notes.md']);
  });

  test('patterns that are not an array of strings are refused', async () => {
    const dir = await tempDir();
    await expect(open({ workflows: dir, ignore: '*.md' as unknown as string[] })).rejects.toThrow(
      new TypeError(`the "ignore" option must be an array of glob patterns such as ['*.md', '.git']`),
    );
  });

  test('with a source object, the options belong to the source', async () => {
    await expect(open({ workflows: new MemorySource({}), ignore: ['*.md'] })).rejects.toThrow(/apply to a workflows path; give them to the source instead/);
  });
});
