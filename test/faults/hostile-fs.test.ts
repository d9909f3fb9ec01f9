// A hostile workflows folder cannot hang or exhaust the process that reads it: FIFOs, devices,
// sockets, huge and sparse files, links that multiply folders, a folder mounted inside itself;
// and a failure is the failure of what failed (an unreadable sub-folder fails alone, named).
// Attacks that blocked or exhausted the process run in a child (fixtures/open-cache.ts), which
// is killed when it does not answer in time, so a regression fails the test instead of the run.
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { onTestFinished, expect, test } from 'vitest';
import { MemorySource, WorkflowCache, type SourceEntry, type WorkflowSource } from '../../src/index.node.js';
import { markedWorkflow, tempFolder, warnings } from './helpers.js';
import { openCachePath } from './setup/saver-path.js';

/** What the child saw: see fixtures/open-cache.ts. */
interface Report {
  files: string[];
  phases: string[];
  failures: string[];
  warnings: string[];
  /** Timer ticks while the open ran: more than none when the event loop stayed free. */
  ticks: number;
  maxRssMb: number;
  /** Why `open` was refused, when it was: the child then reports nothing else. */
  rejected?: string;
}

/** Long enough for a slow machine; a child blocked on a FIFO never answers at all. */
const CHILD_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;
const NOBODY = 65534;

/**
 * Opens a cache in a child process and resolves with its report.
 * @param wrap a command the child runs under (`setpriv …`, `unshare …`), ending where node's arguments go
 */
function openInChild(options: { workflows: string; storage?: string; maxFileSize?: number }, wrap: string[] = []): Promise<Report> {
  const command = [...wrap, process.execPath, openCachePath, JSON.stringify(options)];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(JSON.parse(out) as Report);
      else reject(new Error(`the child ${signal ? `was killed (${signal}): it did not finish in ${CHILD_TIMEOUT_MS / 1000} s` : `exited ${code}`}\n${err.slice(0, 2000)}`));
    });
  });
}

/** A folder with one good workflow file, `good.toml`. */
async function folderWithGoodFile(): Promise<string> {
  const folder = join(await tempFolder(), 'workflows');
  await mkdir(folder);
  await writeFile(join(folder, 'good.toml'), markedWorkflow('good', 'ok'));
  return folder;
}

function mkfifo(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    spawn('mkfifo', [path], { stdio: 'inherit' }).on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mkfifo ${path}: ${code}`))));
  });
}

test('a FIFO in the workflows folder fails that file at once, and the process is never blocked', async () => {
  const folder = await folderWithGoodFile();
  await mkfifo(join(folder, 'pipe.toml'));
  const report = await openInChild({ workflows: folder });
  expect(report.files).toEqual(['good.toml']);
  expect(report.failures).toEqual(['pipe.toml: cannot read: a FIFO (named pipe), not a regular file: only regular files are read']);
  expect(report.ticks).toBeGreaterThan(0);
});

test('links to a FIFO, /dev/zero, /dev/urandom, /dev/null and a socket each fail alone, named for what they are', async () => {
  const folder = await folderWithGoodFile();
  const elsewhere = await tempFolder();
  await mkfifo(join(elsewhere, 'fifo'));
  const server = createServer().listen(join(elsewhere, 'socket'));
  onTestFinished(() => void server.close());
  await new Promise((resolve) => server.once('listening', resolve));
  const links = { 'fifo.toml': join(elsewhere, 'fifo'), 'zero.toml': '/dev/zero', 'random.toml': '/dev/urandom', 'null.toml': '/dev/null', 'socket.toml': join(elsewhere, 'socket') };
  for (const [name, target] of Object.entries(links)) await symlink(target, join(folder, name));
  const report = await openInChild({ workflows: folder });
  expect(report.files).toEqual(['good.toml']);
  expect(report.failures).toEqual([
    'fifo.toml: cannot read: a FIFO (named pipe), not a regular file: only regular files are read',
    'null.toml: cannot read: a character device, not a regular file: only regular files are read',
    'random.toml: cannot read: a character device, not a regular file: only regular files are read',
    'socket.toml: cannot read: a socket, not a regular file: only regular files are read',
    'zero.toml: cannot read: a character device, not a regular file: only regular files are read',
  ]);
  expect(report.maxRssMb).toBeLessThan(500);
});

test('a file over maxFileSize fails as too large, with its size and the limit, and the others load', async () => {
  const folder = await folderWithGoodFile();
  let big = '';
  for (let i = 0; big.length < 1.5 * MB; i++) big += markedWorkflow(`big${i}`, 'x'.repeat(200), 1);
  await writeFile(join(folder, 'big.toml'), big);
  const { list, onWarning } = warnings();
  const cache = await WorkflowCache.open({ workflows: folder, maxFileSize: MB, onWarning });
  onTestFinished(() => cache.close());
  expect(cache.failures()).toEqual([{ file: 'big.toml', reason: `too large (${big.length} bytes, limit ${MB}); raise the maxFileSize option to load it` }]);
  expect(list.map((w) => w.name)).toEqual(['RefreshError']);
  expect(cache.phases().map((p) => p.filePath)).toEqual(['good.toml', 'good.toml']);
});

test('maxFileSize that is not a positive whole number of bytes is refused at open', async () => {
  await expect(WorkflowCache.open({ workflows: new MemorySource(), maxFileSize: 0 })).rejects.toThrow(RangeError);
  await expect(WorkflowCache.open({ workflows: new MemorySource(), maxFileSize: 1.5 })).rejects.toThrow('positive whole number of bytes, got 1.5');
});

test('four sparse 1.5 GB files are refused by their size, none of them read', async () => {
  const folder = await folderWithGoodFile();
  const size = 1.5 * 1024 * MB;
  for (let i = 0; i < 4; i++) {
    await writeFile(join(folder, `sparse${i}.toml`), '');
    await truncate(join(folder, `sparse${i}.toml`), size);
  }
  const report = await openInChild({ workflows: folder });
  expect(report.files).toEqual(['good.toml']);
  expect(report.failures).toEqual(
    [0, 1, 2, 3].map((i) => `sparse${i}.toml: too large (${size} bytes, limit ${32 * MB}); raise the maxFileSize option to load it`),
  );
  // Reading even one of them would take 1.5 GB.
  expect(report.maxRssMb).toBeLessThan(500);
});

test('a load holds about one size limit of file content at once, not a batch of 256 files', async () => {
  // Twelve 40 MB files under a 64 MB limit: 480 MB if the batch is read before any is parsed.
  // Each fails at its first byte, so that what the check costs is reading them.
  const folder = await folderWithGoodFile();
  for (let i = 0; i < 12; i++) {
    await writeFile(join(folder, `big${i}.toml`), Buffer.from([0xff]));
    await truncate(join(folder, `big${i}.toml`), 40 * MB);
  }
  const report = await openInChild({ workflows: folder, maxFileSize: 64 * MB });
  expect(report.files).toEqual(['good.toml']);
  // The byte 0xFF where a key should start: refused by the decoder at once, as by Go's.
  expect(report.failures).toEqual(Array.from({ length: 12 }, (_, i) => `big${i}.toml: bare keys cannot contain '\ufffd'`).sort());
  console.log(`hostile-fs: 12 files of 40 MB under a 64 MB limit: max RSS ${report.maxRssMb} MB`);
  expect(report.maxRssMb).toBeLessThan(400);
});

test('small .gz files that each hold a whole limit are not all held at once', async () => {
  // 64 files of 8 KB, each 7.5 MB once gunzipped, under an 8 MB limit: 480 MB if all are held.
  const folder = await folderWithGoodFile();
  const content = Buffer.alloc(7.5 * MB);
  content[0] = 0xff;
  const bomb = gzipSync(content);
  for (let i = 0; i < 64; i++) await writeFile(join(folder, `bomb${String(i).padStart(2, '0')}.toml.gz`), bomb);
  const report = await openInChild({ workflows: folder, maxFileSize: 8 * MB });
  expect(report.files).toEqual(['good.toml']);
  expect(report.failures).toEqual(Array.from({ length: 64 }, (_, i) => `bomb${String(i).padStart(2, '0')}.toml.gz: bare keys cannot contain '\ufffd'`));
  console.log(`hostile-fs: 64 .gz files of ${bomb.length} bytes, 7.5 MB each gunzipped: max RSS ${report.maxRssMb} MB`);
  expect(report.maxRssMb).toBeLessThan(400);
});

test('reads in flight add up to one size limit by the sizes a source lists', async () => {
  let inFlight = 0;
  let most = 0;
  const text = new TextEncoder().encode(markedWorkflow('w', 'x', 1));
  // Any source that lists sizes: files of 10 MB under the default 32 MB limit.
  const source: WorkflowSource = {
    isDir: true,
    location: 'listed sizes',
    list: async (): Promise<SourceEntry[]> => Array.from({ length: 20 }, (_, i) => ({ key: `w${i}.toml`, size: 10 * MB })),
    read: async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return text;
    },
  };
  const cache = await WorkflowCache.open({ workflows: source });
  onTestFinished(() => cache.close());
  expect(cache.failures()).toEqual([]);
  expect(most).toBe(3);
});

test('links between folders cannot multiply the files listed: a link to a folder fails, as in Go', async () => {
  // d0 … d12, each d<i> with two links to d<i+1>: 8,191 paths to d12/w.toml when links are followed.
  const folder = join(await tempFolder(), 'workflows');
  const depth = 12;
  for (let i = 0; i <= depth; i++) await mkdir(join(folder, `d${i}`), { recursive: true });
  await writeFile(join(folder, `d${depth}`, 'w.toml'), markedWorkflow('w', 'x', 1));
  for (let i = 0; i < depth; i++) {
    await symlink(`../d${i + 1}`, join(folder, `d${i}`, 'a'));
    await symlink(`../d${i + 1}`, join(folder, `d${i}`, 'b'));
  }
  const { onWarning } = warnings();
  const cache = await WorkflowCache.open({ workflows: folder, onWarning });
  onTestFinished(() => cache.close());
  expect(cache.query('SELECT file_path FROM workflow_files').map((r) => r.file_path)).toEqual([`d${depth}/w.toml`]);
  const failures = cache.failures();
  expect(failures).toHaveLength(2 * depth);
  expect(failures.every((f) => f.reason.startsWith('a link to a folder'))).toBe(true);
});

test('a folder mounted inside itself is read once', async () => {
  const folder = await folderWithGoodFile();
  await mkdir(join(folder, 'sub', 'loop'), { recursive: true });
  await writeFile(join(folder, 'sub', 'inner.toml'), markedWorkflow('inner', 'x', 1));
  // A bind mount in a mount namespace of the child's own: the folder appears again below itself.
  const mount = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `mount --bind "$0" "$0/sub/loop" && exec "$@"`, folder];
  const report = await openInChild({ workflows: folder }, mount);
  expect(report.files).toEqual(['good.toml', 'sub/inner.toml']);
  expect(report.failures).toEqual(['sub/loop/: the same folder as the workflows folder (a mount of it?), which is read once']);
});

test('an unreadable sub-folder fails alone and named; its files keep their phases; the rest reloads', async () => {
  // As nobody: root reads a folder whatever its mode.
  const nobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  const top = await tempFolder();
  const folder = join(top, 'workflows');
  await mkdir(join(folder, 'locked'), { recursive: true });
  await mkdir(join(folder, 'open'));
  await writeFile(join(folder, 'top.toml'), markedWorkflow('top', 'v1', 1));
  await writeFile(join(folder, 'locked', 'inner.toml'), markedWorkflow('inner', 'v1', 1));
  await writeFile(join(folder, 'open', 'x.toml'), markedWorkflow('x', 'v1', 1));
  for (const path of [top, folder, join(folder, 'locked'), join(folder, 'open'), join(folder, 'top.toml'), join(folder, 'locked', 'inner.toml'), join(folder, 'open', 'x.toml')]) {
    await chown(path, NOBODY, NOBODY);
  }
  const options = { workflows: folder, storage: join(top, 'workflows.sqlite') };
  expect((await openInChild(options, nobody)).files).toEqual(['locked/inner.toml', 'open/x.toml', 'top.toml']);

  await chmod(join(folder, 'locked'), 0o000);
  await writeFile(join(folder, 'top.toml'), markedWorkflow('top2', 'v2', 1));
  const locked = await openInChild(options, nobody);
  expect(locked.failures).toEqual(['locked/: cannot list this folder: permission denied']);
  expect(locked.warnings).toEqual(['RefreshError: 1 workflow file failed to load:\n  locked/: cannot list this folder: permission denied']);
  expect(locked.phases).toEqual(['locked/inner.toml inner-1', 'open/x.toml x-1', 'top.toml top2-1']);

  await chmod(join(folder, 'locked'), 0o755);
  const again = await openInChild(options, nobody);
  expect([again.failures, again.warnings, again.files]).toEqual([[], [], ['locked/inner.toml', 'open/x.toml', 'top.toml']]);
});

test('an unreadable file fails, named, where Go would skip it without a word', async () => {
  const nobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  const folder = await folderWithGoodFile();
  await writeFile(join(folder, 'secret.toml'), markedWorkflow('secret', 'x', 1));
  await chmod(join(folder, 'secret.toml'), 0o000);
  for (const path of [join(folder, '..'), folder, join(folder, 'good.toml')]) await chown(path, NOBODY, NOBODY);
  const report = await openInChild({ workflows: folder }, nobody);
  expect([report.files, report.failures]).toEqual([['good.toml'], ['secret.toml: cannot read: permission denied']]);
});

test('a FIFO at the database path does not hang open: open is refused, saying why', async () => {
  const folder = await folderWithGoodFile();
  const database = join(await tempFolder(), 'workflows.sqlite');
  await mkfifo(database);
  const report = await openInChild({ workflows: folder, storage: database });
  expect(report.rejected).toBe(`StorageError: cannot save the database ${database}: it is a named pipe, not a database file`);
});

test('a FIFO at the lock path does not hang open: open is refused, saying why', async () => {
  const folder = await folderWithGoodFile();
  const database = join(await tempFolder(), 'workflows.sqlite');
  await mkfifo(`${database}.lock`);
  const report = await openInChild({ workflows: folder, storage: database });
  expect(report.rejected).toBe(`StorageError: cannot lock the database ${database}: ${database}.lock is a named pipe, not a lock file; nothing can be saved there`);
});
