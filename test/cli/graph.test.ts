import { describe, expect, test } from 'vitest';
import { brokenExamples, examples, run } from './run.js';

describe('workflow-cache graph', () => {
  test('prints a Mermaid flowchart by default, one subgraph per file', async () => {
    const result = await run(['graph', examples]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart LR\n/);
    expect(result.stdout).toContain('subgraph f3["orders.toml"]');
    expect(result.stdout.match(/ --> /g)).toHaveLength(7); // orders 3, campaigns 2, attribution 1, maintenance 1
  });

  test('--file limits the graph to one file', async () => {
    const result = await run(['graph', examples, '--file', 'ops/maintenance.toml', '--format', 'dot']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('label="ops/maintenance.toml";');
    expect(result.stdout).toContain('"ops/maintenance.toml#vacuum:warehouse" -> "ops/maintenance.toml#audit:warehouse";');
    expect(result.stdout).not.toContain('orders.toml');
  });

  test('--format json prints nodes and edges, with cycles and missing parents marked', async () => {
    const result = await run(['graph', brokenExamples, '--format', 'json']);
    const graph = JSON.parse(result.stdout);
    expect(graph.nodes).toContainEqual({ id: 'problems.toml#stage', file: 'problems.toml', task: 'stage', status: 'parent task not found: stage', missing: true });
    expect(graph.edges).toContainEqual({ from: 'problems.toml#ping', to: 'problems.toml#pong', cycle: true });
  });

  test('an unknown format exits 2 naming the choices', async () => {
    const result = await run(['graph', examples, '--format', 'png']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mermaid, dot, json');
  });

  test('an unknown file key exits 2 listing the files', async () => {
    const result = await run(['graph', examples, '--file', 'nope.toml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no phases in file "nope.toml"; files: marketing/attribution.toml');
  });
});
