import { expect, test } from 'vitest';
import { toml, useCaches } from './helpers.js';

const { openMemory } = useCaches();

// a → b → c → a: each phase runs after the one before it, and the first after the last.
const cyclic = toml(
  { task: 'a', dependsOn: 'c' },
  { task: 'b', dependsOn: 'a' },
  { task: 'c', dependsOn: 'b' },
  { task: 'after', dependsOn: 'c' },
);

test('each phase of a dependency cycle gets a status naming the cycle from itself', async () => {
  const cache = await openMemory({ 'loop.toml': cyclic });
  expect(cache.phases().map((p) => [p.task, p.status])).toEqual([
    ['a', 'dependency cycle: a → b → c → a'],
    ['b', 'dependency cycle: b → c → a → b'],
    ['c', 'dependency cycle: c → a → b → c'],
    ['after', ''],
  ]);
});

test('children() in a cyclic file answers one level and ends', async () => {
  const cache = await openMemory({ 'loop.toml': cyclic });
  expect(cache.children({ type: 'c', meta: 'workflow=loop.toml' }).map((p) => p.task)).toEqual(['a', 'after']);
  expect(cache.children({ type: 'a', meta: 'workflow=loop.toml' }).map((p) => p.task)).toEqual(['b']);
});

test('a phase that depends on itself is a cycle of one', async () => {
  const cache = await openMemory({ 'self.toml': toml({ task: 'x', dependsOn: 'x' }) });
  expect(cache.phases()[0].status).toBe('dependency cycle: x → x');
  expect(cache.children({ type: 'x', meta: 'workflow=self.toml' }).map((p) => p.task)).toEqual(['x']);
});
