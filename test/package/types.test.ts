// The declarations users compile against, checked as a strict user's project does: the packed
// tarball installed, `skipLibCheck: false`, and no types but its own (no @types/sql.js, no
// @types/node in a browser app).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, repoRoot, type Packed } from './consumer.js';

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

let packed: Packed;
beforeAll(() => {
  packed = packAndInstall();
});
afterAll(() => packed.remove());

const strict = { strict: true, skipLibCheck: false, noEmit: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true };

interface Project {
  /** Packages of the repository's install the project has besides the package, e.g. `@types/node`. */
  also?: string[];
  /** A CommonJS project: no `"type": "module"`, the program in a `.cts` file. */
  commonJs?: boolean;
}

/** Type-checks a one-file program in a new project; returns tsc's output, empty when it passes. */
function typeCheck(compilerOptions: Record<string, unknown>, program: string, { also = [], commonJs = false }: Project = {}): string {
  const consumer = makeConsumer(packed, also);
  const file = commonJs ? 'main.cts' : 'main.ts';
  try {
    consumer.write('package.json', JSON.stringify({ name: 'consumer', private: true, ...(commonJs ? {} : { type: 'module' }) }));
    consumer.write('tsconfig.json', JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files: [file] }));
    consumer.write(file, program);
    execFileSync(process.execPath, [tsc, '-p', consumer.dir], { cwd: consumer.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim() || String(e);
  } finally {
    consumer.remove();
  }
}

// Everything a Node program reaches for, from each entry point.
const nodeMain = `
import { createServer } from 'node:http';
import { FileStorage, FsSource, IndexedDBStorage, MemorySource, SqlJsLoadError, watchWorkflows, WorkflowCache, WorkflowWatcher, type OpenOptions, type Phase } from 'workflow-cache';
import { diffVersions, renderGraph, workflowGraph } from 'workflow-cache/tools';
import { S3Source, S3Storage, s3OptionsFromUrl } from 'workflow-cache/s3';
import { createHandler, createNodeListener } from 'workflow-cache/http';

export async function main(): Promise<void> {
  const options: OpenOptions = { workflows: './workflows', storage: new FileStorage('./w.sqlite'), sqlJs: { locateFile: (f) => f } };
  const cache = await WorkflowCache.open(options);
  const phase: Phase = cache.get({ type: 'load', meta: 'workflow=a.toml' });
  const watcher: WorkflowWatcher = cache.watch({ poll: true });
  await watchWorkflows(cache, './workflows');
  createServer(createNodeListener(cache)).close();
  const response: Response = await createHandler(cache)(new Request('http://127.0.0.1/phase'));
  const graph: string = renderGraph(workflowGraph(cache.phases()), 'mermaid');
  const bucket = new S3Source({ bucket: 'b', region: 'auto' });
  const image = new S3Storage({ bucket: 'b', region: 'auto', key: 'w.sqlite' });
  const fromUrl = s3OptionsFromUrl('s3://b/prefix', {});
  const source: FsSource | MemorySource = new MemorySource({ 'a.toml': '' });
  const browserStorage = new IndexedDBStorage('key');
  void [phase, watcher, response, graph, bucket, image, fromUrl, source, browserStorage, diffVersions([], []), new SqlJsLoadError('x')];
  // @ts-expect-error: a cache is opened with WorkflowCache.open(), never constructed
  void new WorkflowCache();
  await cache.close();
}
`;

test('a Node project with node16 resolution compiles against the package without skipLibCheck', () => {
  expect(typeCheck({ module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2023'], types: ['node'] }, nodeMain, { also: ['@types/node'] })).toBe('');
});

test('a Node project with nodenext resolution compiles against the package without skipLibCheck', () => {
  expect(typeCheck({ module: 'nodenext', moduleResolution: 'nodenext', target: 'es2023', lib: ['es2023'], types: ['node'] }, nodeMain, { also: ['@types/node'] })).toBe('');
});

test('a Node project with bundler resolution gets the Node declarations under the node condition', () => {
  const options = { module: 'esnext', moduleResolution: 'bundler', customConditions: ['node'], target: 'es2022', lib: ['es2023'], types: ['node'] };
  expect(typeCheck(options, nodeMain, { also: ['@types/node'] })).toBe('');
});

// A browser app: DOM, no @types/node in its node_modules at all.
const browserMain = `
import { createStore } from 'idb-keyval';
import * as lib from 'workflow-cache';
import { IndexedDBStorage, MemorySource, WorkflowCache, type StorageAdapter, type WorkflowSource } from 'workflow-cache';
import { renderGraph, workflowGraph } from 'workflow-cache/tools';
import { S3Source, S3Storage } from 'workflow-cache/s3';
import { createHandler } from 'workflow-cache/http';

export async function main(): Promise<void> {
  const workflows: WorkflowSource = new MemorySource({ 'a.toml': '[[phase]]\\ntask = "a"\\n' });
  const storage: StorageAdapter = new IndexedDBStorage('workflows-db');
  const inStoreOfItsOwn = new IndexedDBStorage('workflows-db', createStore('app', 'workflows'));
  const cache = await WorkflowCache.open({ workflows, storage, sqlJs: { locateFile: () => '/sql-wasm.wasm' } });
  const children = cache.children({ type: 'a', meta: 'workflow=a.toml' });
  const graph = renderGraph(workflowGraph(cache.phases()), 'dot');
  const bucket = new S3Source({ bucket: 'b', region: 'auto', endpoint: 'http://127.0.0.1:9000' });
  const image = new S3Storage({ bucket: 'b', region: 'auto', key: 'w.sqlite' });
  const response: Response = await createHandler(cache)(new Request('http://127.0.0.1/phase'));
  void [children, graph, bucket, image, response, inStoreOfItsOwn];
  // @ts-expect-error: watching paths needs Node
  cache.watch();
  // @ts-expect-error: FileStorage is Node's
  void lib.FileStorage;
  // @ts-expect-error: FsSource is Node's
  void lib.FsSource;
  // @ts-expect-error: watchWorkflows is Node's
  void lib.watchWorkflows;
  // @ts-expect-error: WorkflowWatcher is Node's
  void lib.WorkflowWatcher;
}
`;

test('a browser app with bundler resolution compiles against the browser declarations, without Node types', () => {
  const options = { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2023', 'dom', 'dom.iterable'], types: [] };
  expect(typeCheck(options, browserMain)).toBe('');
});

test('a CommonJS Node project compiles against the package through await import()', () => {
  const program = `
export async function main(): Promise<void> {
  const { WorkflowCache, FileStorage } = await import('workflow-cache');
  const cache = await WorkflowCache.open({ workflows: './workflows', storage: new FileStorage('./w.sqlite') });
  await cache.close();
}
`;
  const options = { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2023'], types: ['node'] };
  expect(typeCheck(options, program, { also: ['@types/node'], commonJs: true })).toBe('');
});

test('no shipped declaration imports sql.js', () => {
  const declarations = packed.files.filter((f) => f.endsWith('.d.ts'));
  expect(declarations.length).toBeGreaterThan(0);
  for (const file of declarations) {
    const text = readFileSync(join(packed.nodeModules, 'workflow-cache', file), 'utf8');
    expect(text, file).not.toMatch(/from ['"]sql\.js['"]|import\(['"]sql\.js['"]\)/);
  }
});
