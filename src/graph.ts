import { parentFinder } from './parents.js';
import { job, taskKey, topic, type PhaseRecord } from './phase.js';

/** A phase placed in the graph: its node and what its parents are matched by. */
interface PlacedPhase {
  id: string;
  dependsOn: string;
  topic: string;
  job: string;
}

/** A phase in the dependency graph, or a parent that `dependsOn` names and the file lacks. */
export interface GraphNode {
  /** `file#topic:job`: unique across files. */
  id: string;
  file: string;
  /** The stored key, `topic:job` (or the `dependsOn` value for a missing parent). */
  task: string;
  /** The phase's problems, `''` when none. */
  status: string;
  /** True for a parent named by `dependsOn` that no phase of the file matches. */
  missing?: true;
}

/** "`to` runs after `from`", matched as `children()` matches. */
export interface GraphEdge {
  from: string;
  to: string;
  /** True when the edge lies on a dependency cycle. */
  cycle?: true;
}

export interface WorkflowGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export type GraphFormat = 'mermaid' | 'dot' | 'json';

export const graphFormats: readonly GraphFormat[] = ['mermaid', 'dot', 'json'];

/**
 * The dependency graph of phases (as `cache.phases()` gives them): a node per phase, one per
 * missing parent, and an edge from each parent to each phase that runs after it. Dependencies
 * never cross files, so each file is its own graph. Pure, for Node and browsers alike.
 */
export function workflowGraph(phases: readonly PhaseRecord[]): WorkflowGraph {
  const nodes = new Map<string, GraphNode>();
  const byFile = new Map<string, PlacedPhase[]>();
  for (const p of phases) {
    const phaseJob = job(p);
    const id = nodeId(p.filePath, taskKey(p, phaseJob));
    if (nodes.has(id)) continue;
    nodes.set(id, { id, file: p.filePath, task: taskKey(p, phaseJob), status: p.status });
    const placed = { id, dependsOn: p.dependsOn, topic: topic(p), job: phaseJob };
    const same = byFile.get(p.filePath);
    if (same) same.push(placed);
    else byFile.set(p.filePath, [placed]);
  }
  const edges: GraphEdge[] = [];
  for (const [file, filePhases] of byFile) {
    const fileEdges: GraphEdge[] = [];
    const parentsOf = parentFinder(filePhases);
    for (const child of filePhases) {
      if (child.dependsOn === '') continue;
      const parents = parentsOf(child.dependsOn);
      if (parents.length === 0) {
        const id = nodeId(file, child.dependsOn);
        if (!nodes.has(id)) nodes.set(id, { id, file, task: child.dependsOn, status: `parent task not found: ${child.dependsOn}`, missing: true });
        fileEdges.push({ from: id, to: child.id });
      }
      for (const parent of parents) fileEdges.push({ from: parent.id, to: child.id });
    }
    markCycles(fileEdges);
    edges.push(...fileEdges);
  }
  return { nodes: [...nodes.values()], edges };
}

/** Renders a graph as a Mermaid flowchart, Graphviz DOT, or JSON. */
export function renderGraph(graph: WorkflowGraph, format: GraphFormat): string {
  if (format === 'json') return JSON.stringify(graph, null, 2);
  return format === 'mermaid' ? mermaid(graph) : dot(graph);
}

function nodeId(file: string, task: string): string {
  return `${file}#${task}`;
}

/** An edge lies on a cycle when its source can be reached again from its target. */
function markCycles(edges: GraphEdge[]): void {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const next = out.get(e.from);
    if (next) next.push(e.to);
    else out.set(e.from, [e.to]);
  }
  for (const e of edges) {
    const seen = new Set([e.to]);
    const stack = [e.to];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === e.from) {
        e.cycle = true;
        break;
      }
      for (const next of out.get(node) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
}

function byFile(graph: WorkflowGraph): Map<string, GraphNode[]> {
  const files = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    const same = files.get(node.file);
    if (same) same.push(node);
    else files.set(node.file, [node]);
  }
  return files;
}

function mermaid(graph: WorkflowGraph): string {
  const short = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  const files = byFile(graph);
  let f = 0;
  for (const [file, nodes] of files) {
    const indent = files.size > 1 ? '    ' : '  ';
    if (files.size > 1) lines.push(`  subgraph f${f++}[${label(file)}]`);
    for (const n of nodes) lines.push(`${indent}${short.get(n.id)}[${label(n.task)}]`);
    if (files.size > 1) lines.push('  end');
  }
  for (const e of graph.edges) lines.push(`  ${short.get(e.from)} ${e.cycle ? '==>|cycle|' : '-->'} ${short.get(e.to)}`);
  const problems = graph.nodes.filter((n) => n.status !== '' && !n.missing).map((n) => short.get(n.id));
  const missing = graph.nodes.filter((n) => n.missing).map((n) => short.get(n.id));
  if (problems.length > 0) lines.push('  classDef problem fill:#fde2e1,stroke:#c0392b', `  class ${problems.join(',')} problem`);
  if (missing.length > 0) lines.push('  classDef missing fill:#fff,stroke:#c0392b,stroke-dasharray:4 3', `  class ${missing.join(',')} missing`);
  return lines.join('\n');
}

function dot(graph: WorkflowGraph): string {
  const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph workflows {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  let f = 0;
  for (const [file, nodes] of byFile(graph)) {
    lines.push(`  subgraph ${quote(`cluster_${f++}`)} {`, `    label=${quote(file)};`);
    for (const n of nodes) {
      const attrs = [`label=${quote(n.task)}`];
      if (n.status !== '') attrs.push('color=red', `tooltip=${quote(n.status)}`);
      if (n.missing) attrs.push('style="rounded,dashed"');
      lines.push(`    ${quote(n.id)} [${attrs.join(', ')}];`);
    }
    lines.push('  }');
  }
  for (const e of graph.edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)}${e.cycle ? ' [color=red, label="cycle"]' : ''};`);
  lines.push('}');
  return lines.join('\n');
}
