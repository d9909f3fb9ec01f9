import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { makeConsumer, packAndInstall, type Consumer, type Packed } from './consumer.js';

let packed: Packed;
let consumer: Consumer;
beforeAll(() => {
  packed = packAndInstall();
});
afterAll(() => packed.remove());
beforeEach(() => {
  consumer = makeConsumer(packed);
});
afterEach(() => consumer.remove());

test('a plain Node script imports workflow-cache and finds the wasm by itself', () => {
  consumer.write('workflows/f1.toml', '[[phase]]\ntask = "load"\nrule = "cron=0 * * * *"\n');
  const script = consumer.write(
    'main.mjs',
    `import { WorkflowCache } from 'workflow-cache';
     const cache = await WorkflowCache.open({ workflows: 'workflows', storage: 'cache.sqlite' });
     console.log(JSON.stringify(cache.get({ type: 'load', meta: 'workflow=f1.toml' })));
     await cache.close();`,
  );
  const out = execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual({ task: 'load', rule: 'cron=0 * * * *', dependsOn: '', retry: 0, template: '' });
});

test('a CommonJS script loads the package with await import()', () => {
  consumer.write('workflows/f1.toml', '[[phase]]\ntask = "load"\nrule = "cron=0 * * * *"\n');
  const script = consumer.write(
    'main.cjs',
    `(async () => {
       const { WorkflowCache } = await import('workflow-cache');
       const cache = await WorkflowCache.open({ workflows: 'workflows' });
       console.log(JSON.stringify(cache.get({ type: 'load', meta: 'workflow=f1.toml' }).task));
       await cache.close();
     })();`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8' }))).toBe('load');
});

test('the graph and diff helpers import from workflow-cache/tools', () => {
  const script = consumer.write(
    'tools.mjs',
    `import { renderGraph, workflowGraph, diffVersions } from 'workflow-cache/tools';
     const a = { task: 'a', rule: 'cron=@daily', dependsOn: '', retry: 0, template: '' };
     console.log(JSON.stringify({
       mermaid: renderGraph(workflowGraph([{ ...a, filePath: 'f.toml', status: '' }]), 'mermaid').startsWith('flowchart'),
       added: diffVersions([], [{ ...a, status: '' }]).added.length,
     }));`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8' }))).toEqual({ mermaid: true, added: 1 });
});

test('a wasm that cannot be found makes open reject with SqlJsLoadError naming where it looked', () => {
  const script = consumer.write(
    'no-wasm.mjs',
    `// sql.js also rejects a promise of its own that nobody can catch; keep the process alive.
     process.on('unhandledRejection', () => {});
     import { WorkflowCache, MemorySource } from 'workflow-cache';
     const error = await WorkflowCache.open({ workflows: new MemorySource(), sqlJs: { locateFile: () => '/no/such/sql-wasm.wasm' } })
       .then(() => undefined, (e) => e);
     console.log(JSON.stringify([error?.name, error?.message]));`,
  );
  const out = execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [name, message] = JSON.parse(out);
  expect([name, message]).toEqual(['SqlJsLoadError', expect.stringContaining('/no/such/sql-wasm.wasm')]);
});

test('the error a wasm that cannot be found gives is an EngineLoadError, caught under either name', () => {
  const script = consumer.write(
    'no-wasm-class.mjs',
    `process.on('unhandledRejection', () => {});
     import { WorkflowCache, MemorySource, EngineLoadError, SqlJsLoadError, WorkflowCacheError } from 'workflow-cache';
     const error = await WorkflowCache.open({ workflows: new MemorySource(), sqlJs: { locateFile: () => '/no/such/sql-wasm.wasm' } })
       .then(() => undefined, (e) => e);
     console.log(JSON.stringify([error instanceof EngineLoadError, error instanceof SqlJsLoadError, error instanceof WorkflowCacheError]));`,
  );
  const out = execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(JSON.parse(out)).toEqual([true, true, true]);
});
