import { describe, expect, test } from 'vitest';
import type { PhaseRecord } from '../src/index.node.js';
import { renderGraph, workflowGraph } from '../src/index.tools.js';
import { toml, useCaches } from './helpers.js';

const { openMemory } = useCaches();

function record(filePath: string, task: string, more: Partial<PhaseRecord> = {}): PhaseRecord {
  return { filePath, task, rule: '', dependsOn: '', retry: 0, template: '', status: '', ...more };
}

describe('workflowGraph()', () => {
  test('has a node per phase and an edge from each parent to the phase that runs after it', () => {
    const graph = workflowGraph([record('f.toml', 'a', { rule: 'cron=@daily' }), record('f.toml', 'b', { dependsOn: 'a' })]);
    expect(graph.nodes).toEqual([
      { id: 'f.toml#a', file: 'f.toml', task: 'a', status: '' },
      { id: 'f.toml#b', file: 'f.toml', task: 'b', status: '' },
    ]);
    expect(graph.edges).toEqual([{ from: 'f.toml#a', to: 'f.toml#b' }]);
  });

  test('names phases by topic:job and links a dependsOn that names a job only to that job', () => {
    const graph = workflowGraph([
      record('f.toml', 'load', { rule: 'job=daily' }),
      record('f.toml', 'load', { rule: 'job=hourly' }),
      record('f.toml', 'report', { dependsOn: 'load:hourly' }),
      record('f.toml', 'audit', { dependsOn: 'load' }),
    ]);
    expect(graph.nodes.map((n) => n.task)).toEqual(['load:daily', 'load:hourly', 'report', 'audit']);
    expect(graph.edges).toEqual([
      { from: 'f.toml#load:hourly', to: 'f.toml#report' },
      { from: 'f.toml#load:daily', to: 'f.toml#audit' },
      { from: 'f.toml#load:hourly', to: 'f.toml#audit' },
    ]);
  });

  test('adds a missing node for a parent the file lacks', () => {
    const graph = workflowGraph([record('f.toml', 'b', { dependsOn: 'a', status: 'parent task not found: a' })]);
    expect(graph.nodes[1]).toEqual({ id: 'f.toml#a', file: 'f.toml', task: 'a', status: 'parent task not found: a', missing: true });
    expect(graph.edges).toEqual([{ from: 'f.toml#a', to: 'f.toml#b' }]);
  });

  test('never links phases of different files', () => {
    const graph = workflowGraph([record('f.toml', 'a', { rule: 'cron=@daily' }), record('g.toml', 'b', { dependsOn: 'a' })]);
    expect(graph.edges).toEqual([{ from: 'g.toml#a', to: 'g.toml#b' }]);
    expect(graph.nodes.find((n) => n.id === 'g.toml#a')?.missing).toBe(true);
  });

  test('marks the edges of a cycle, and only those', () => {
    const graph = workflowGraph([
      record('f.toml', 'a', { dependsOn: 'c' }),
      record('f.toml', 'b', { dependsOn: 'a' }),
      record('f.toml', 'c', { dependsOn: 'b' }),
      record('f.toml', 'd', { dependsOn: 'c' }),
    ]);
    const cyclic = graph.edges.filter((e) => e.cycle).map((e) => `${e.from}>${e.to}`);
    expect(cyclic.sort()).toEqual(['f.toml#a>f.toml#b', 'f.toml#b>f.toml#c', 'f.toml#c>f.toml#a']);
    expect(graph.edges.find((e) => e.to === 'f.toml#d')?.cycle).toBeUndefined();
  });

  test('draws what the cache holds, statuses included', async () => {
    const cache = await openMemory({ 'f.toml': toml({ task: 'a', rule: 'cron=@daily' }, { task: 'b', dependsOn: 'zz' }) });
    const graph = workflowGraph(cache.phases());
    expect(graph.nodes.map((n) => [n.task, n.status])).toEqual([
      ['a', ''],
      ['b', 'parent task not found: zz'],
      ['zz', 'parent task not found: zz'],
    ]);
  });
});

describe('renderGraph()', () => {
  const graph = workflowGraph([
    record('f.toml', 'a "quoted"', { rule: 'cron=@daily' }),
    record('f.toml', 'b', { dependsOn: 'a "quoted"' }),
    record('f.toml', 'c', { dependsOn: 'x', status: 'parent task not found: x' }),
  ]);

  test('as Mermaid: a flowchart with quoted labels and problem nodes styled', () => {
    expect(renderGraph(graph, 'mermaid')).toBe(
      [
        'flowchart LR',
        '  n0["a #quot;quoted#quot;"]',
        '  n1["b"]',
        '  n2["c"]',
        '  n3["x"]',
        '  n0 --> n1',
        '  n3 --> n2',
        '  classDef problem fill:#fde2e1,stroke:#c0392b',
        '  class n2 problem',
        '  classDef missing fill:#fff,stroke:#c0392b,stroke-dasharray:4 3',
        '  class n3 missing',
      ].join('\n'),
    );
  });

  test('as Mermaid: one subgraph per file when there are several', () => {
    const two = workflowGraph([record('f.toml', 'a', { rule: 'cron=@daily' }), record('g.toml', 'a', { rule: 'cron=@daily' })]);
    expect(renderGraph(two, 'mermaid')).toContain('  subgraph f0["f.toml"]\n    n0["a"]\n  end\n  subgraph f1["g.toml"]');
  });

  test('as DOT: a digraph with a cluster per file and escaped quotes', () => {
    const dot = renderGraph(graph, 'dot');
    expect(dot).toMatch(/^digraph workflows \{/);
    expect(dot).toContain('subgraph "cluster_0" {');
    expect(dot).toContain('"f.toml#a \\"quoted\\"" -> "f.toml#b";');
    expect(dot).toContain('"f.toml#x" [label="x", color=red, tooltip="parent task not found: x", style="rounded,dashed"];');
  });

  test('as JSON: the graph itself', () => {
    expect(JSON.parse(renderGraph(graph, 'json'))).toEqual(graph);
  });
});
