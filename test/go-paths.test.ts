// Paths as the Go cache reads them (task-tools' file package): every path goes through
// url.Parse before it is opened, `.gz` files are gunzipped by name, and a link to a folder is
// listed as a file that cannot be read. Each verdict written from that code, in our own cases.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { RefreshError, type WorkflowCache } from '../src/index.node.js';
import { toml, useCaches, useTempDirs, writeFiles } from './helpers.js';

const fileKeys = (cache: WorkflowCache) => cache.query('SELECT file_path FROM workflow_files ORDER BY file_path').map((r) => r.file_path);
const reasons = (cache: WorkflowCache) => cache.failures().map((f) => `${f.file}: ${f.reason}`);
const phase = (task: string) => toml({ task, rule: 'cron=0 0 * * *' });
const refused = (key: string, why: string) => `${key}: a path the Go cache cannot read (url.Parse: ${why}); rename it`;

describe('paths that Go\'s url.Parse refuses', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  async function open(files: Record<string, string>): Promise<WorkflowCache> {
    const dir = await tempDir();
    await writeFiles(dir, files);
    return caches.open({ workflows: dir });
  }

  it('fails a file whose name has a % not followed by two hex digits', async () => {
    const cache = await open({ 'bad%zz.toml': phase('a'), '100%.toml': phase('b'), 'end%.toml': phase('c'), 'good.toml': phase('d') });
    expect(fileKeys(cache)).toEqual(['good.toml']);
    expect(reasons(cache)).toEqual([
      refused('100%.toml', 'invalid URL escape "%.t"'),
      refused('bad%zz.toml', 'invalid URL escape "%zz"'),
      refused('end%.toml', 'invalid URL escape "%.t"'),
    ]);
  });

  it('loads a file whose % escapes are valid, and one whose bad escape is in the query part after ?', async () => {
    const cache = await open({ 'ok%41.toml': phase('a'), 'q?%zz.toml': phase('b') });
    expect([fileKeys(cache), reasons(cache)]).toEqual([['ok%41.toml', 'q?%zz.toml'], []]);
  });

  it('fails a bad escape after #, in the fragment, which Go checks too', async () => {
    const cache = await open({ 'f#%zz.toml': phase('a'), 'f#ok.toml': phase('b') });
    expect([fileKeys(cache), reasons(cache)]).toEqual([['f#ok.toml'], [refused('f#%zz.toml', 'invalid URL escape "%zz"')]]);
  });

  it('fails a file whose name has a control character before any #, and loads one with it after', async () => {
    const cache = await open({ 'tab\there.toml': phase('a'), 'del\x7f.toml': phase('b'), 'x#\x01.toml': phase('c') });
    expect(fileKeys(cache)).toEqual(['x#\x01.toml']);
    expect(reasons(cache)).toEqual([
      refused('del\x7f.toml', 'net/url: invalid control character in URL'),
      refused('tab\there.toml', 'net/url: invalid control character in URL'),
    ]);
  });

  it('fails a sub-folder Go cannot list, named, without reading what is in it; the rest loads', async () => {
    // Go's whole refresh fails here; ours fails that folder alone (the README's table says why).
    const cache = await open({ 'q%zz/inner.toml': phase('a'), 'ctl\x01/inner.toml': phase('b'), 'top.toml': phase('c') });
    expect(fileKeys(cache)).toEqual(['top.toml']);
    expect(reasons(cache)).toEqual([refused('ctl\x01/', 'net/url: invalid control character in URL'), refused('q%zz/', 'invalid URL escape "%zz"')]);
  });

  it('judges a file below a folder by its whole key: a # in the folder makes the rest a fragment', async () => {
    const cache = await open({ 'd#x/%zz.toml': phase('a'), 'd#x/ok.toml': phase('b') });
    expect([fileKeys(cache), reasons(cache)]).toEqual([['d#x/ok.toml'], [refused('d#x/%zz.toml', 'invalid URL escape "%zz"')]]);
  });

  it('keeps a backslash in a name as part of it, as Go does on Linux', async () => {
    const cache = await open({ 'back\\slash.toml': phase('a') });
    expect([fileKeys(cache), reasons(cache)]).toEqual([['back\\slash.toml'], []]);
  });

  it('judges a single workflows file by its name', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'one%zz.toml'), phase('a'));
    const cache = await caches.open({ workflows: join(dir, 'one%zz.toml') });
    expect([fileKeys(cache), reasons(cache)]).toEqual([[], [refused('one%zz.toml', 'invalid URL escape "%zz"')]]);
  });
});

describe('.gz files, gunzipped as Go\'s file/local reads them', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  async function openWith(name: string, bytes: Uint8Array | string, maxFileSize?: number): Promise<WorkflowCache> {
    const dir = await tempDir();
    await writeFile(join(dir, name), bytes);
    return caches.open({ workflows: dir, ...(maxFileSize === undefined ? {} : { maxFileSize }) });
  }

  it('loads a gzipped workflow under its own name', async () => {
    const cache = await openWith('daily.toml.gz', gzipSync(phase('zipped')));
    expect([fileKeys(cache), cache.get({ type: 'zipped', meta: 'workflow=daily.toml.gz' }).task]).toEqual([['daily.toml.gz'], 'zipped']);
  });

  it('loads every member of a gzip file made of several, as one file', async () => {
    const cache = await openWith('two.gz', Buffer.concat([gzipSync(`${phase('first')}\n`), gzipSync(phase('second'))]));
    expect(cache.phases().map((p) => p.task)).toEqual(['first', 'second']);
  });

  it('fails plain text named .gz, as Go\'s gzip reader refuses its header', async () => {
    const cache = await openWith('plain.toml.gz', phase('a'));
    expect(fileKeys(cache)).toEqual([]);
    expect(reasons(cache)).toEqual(['plain.toml.gz: cannot read: not gzip data, as its .gz name says (incorrect header check)']);
  });

  it('fails an empty .gz file, which holds no gzip header', async () => {
    const cache = await openWith('empty.gz', '');
    expect(reasons(cache)).toEqual(['empty.gz: cannot read: not gzip data, as its .gz name says (unexpected end of file)']);
  });

  it('fails bytes after the last gzip member, which Go reads as a bad header', async () => {
    const cache = await openWith('tail.gz', Buffer.concat([gzipSync(phase('a')), Buffer.alloc(16)]));
    expect(reasons(cache)).toEqual([`tail.gz: cannot read: not gzip data after the first ${gzipSync(phase('a')).length} bytes (16 more follow): gzip: invalid header`]);
  });

  it('does not gunzip a name that only ends in .GZ: Go compares the extension exactly', async () => {
    const cache = await openWith('upper.GZ', phase('plain'));
    expect(fileKeys(cache)).toEqual(['upper.GZ']);
  });

  it('refuses content that grows past maxFileSize when gunzipped, without holding more than the limit', async () => {
    const cache = await openWith('bomb.gz', gzipSync(Buffer.alloc(4 * 1024 * 1024, ' ')), 1024 * 1024);
    expect(reasons(cache)).toEqual(['bomb.gz: too large (more than 1048576 bytes decompressed, limit 1048576); raise the maxFileSize option to load it']);
  });
});

describe('links, as Go lists them', () => {
  const tempDir = useTempDirs();
  const caches = useCaches();

  it('fails a link to a folder, which Go lists as a file and cannot read, and loads what it links to once', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'a/f.toml': phase('t'), 'shared/g.toml': phase('u') });
    await symlink(join(dir, 'shared'), join(dir, 'a', 'linked'), 'dir');
    await symlink(dir, join(dir, 'a', 'loop'), 'dir');
    const cache = await caches.open({ workflows: dir });
    expect(fileKeys(cache)).toEqual(['a/f.toml', 'shared/g.toml']);
    const why = 'a link to a folder, which the Go cache lists as a file and cannot read ("can not read directory"); link the files inside it instead';
    expect(reasons(cache)).toEqual([`a/linked: ${why}`, `a/loop: ${why}`]);
  });

  it('loads a link to a file under the link\'s name', async () => {
    const dir = await tempDir();
    const elsewhere = await tempDir();
    await writeFile(join(elsewhere, 'real.toml'), phase('linked'));
    await mkdir(join(dir, 'sub'));
    await symlink(join(elsewhere, 'real.toml'), join(dir, 'sub', 'alias.toml'));
    const cache = await caches.open({ workflows: dir });
    expect([fileKeys(cache), reasons(cache)]).toEqual([['sub/alias.toml'], []]);
  });

  it('opens a workflows path that is itself a link to a folder, as Go stats it through the link', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'real/w.toml': phase('w') });
    await symlink(join(dir, 'real'), join(dir, 'link'), 'dir');
    const cache = await caches.open({ workflows: join(dir, 'link') });
    expect(fileKeys(cache)).toEqual(['w.toml']);
  });

  it('rejects the refresh with a RefreshError that names every path Go refuses', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'ok.toml': phase('ok') });
    const cache = await caches.open({ workflows: dir });
    await writeFiles(dir, { 'bad%zz.toml': phase('bad') });
    const error = await cache.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshError);
    expect((error as RefreshError).failures.map((f) => f.file)).toEqual(['bad%zz.toml']);
  });
});
