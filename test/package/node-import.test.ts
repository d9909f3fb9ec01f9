import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { makeConsumer, type Consumer } from './consumer.js';

let consumer: Consumer;
beforeEach(() => {
  consumer = makeConsumer();
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

test('the package ships type declarations for its entry points', () => {
  const script = consumer.write(
    'types.mjs',
    `import { createRequire } from 'node:module';
     import { existsSync } from 'node:fs';
     const pkg = createRequire(import.meta.url)('workflow-cache/package.json');
     const root = new URL('./node_modules/workflow-cache/', import.meta.url);
     const types = [pkg.exports['.'].types, pkg.exports['.'].browser.types, pkg.exports['./tools'].types];
     console.log(JSON.stringify(types.map((t) => existsSync(new URL(t, root)))));`,
  );
  expect(JSON.parse(execFileSync(process.execPath, [script], { cwd: consumer.dir, encoding: 'utf8' }))).toEqual([true, true, true]);
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
