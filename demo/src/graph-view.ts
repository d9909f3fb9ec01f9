import { Graph, layout, type Point } from '@dagrejs/dagre';
import type { PhaseRecord } from '../../src/index.browser.js';
import { workflowGraph } from '../../src/index.tools.js';
import { h, s, setChildren } from './dom.js';
import { problemsOf, severity } from './problems.js';
import type { Workspace } from './workspace.js';

interface Node {
  id: string;
  title: string;
  detail: string;
  kind: 'ok' | 'warning' | 'problem' | 'missing';
  tooltip: string;
}

interface Edge {
  from: string;
  to: string;
  kind: 'normal' | 'cycle' | 'missing';
}

/** The dependency graph of the selected file, laid out by dagre: roots left, children right. */
export function graphView(workspace: Workspace): { element: HTMLElement; render: () => void } {
  const picture = h('div', { class: 'graph-wrap' });
  const legend = h('div', { class: 'legend' },
    h('span', { class: 'key ok' }, 'ok'),
    h('span', { class: 'key warning' }, 'warning'),
    h('span', { class: 'key problem' }, 'problem'),
    h('span', { class: 'key missing' }, 'missing parent'),
    h('span', { class: 'key cycle' }, 'cycle'),
  );
  const caption = h('span', { class: 'summary', 'data-testid': 'graph-summary' });
  const element = h('div', { class: 'panel-body' }, h('div', { class: 'toolbar' }, caption, legend), picture);

  function render(): void {
    const file = workspace.selected;
    const records = file === '' ? [] : workspace.cache.phases(file);
    const { nodes, edges } = relationships(records);
    caption.textContent = file === '' ? 'No file selected' : `${file}: ${records.length} phases, ${edges.filter((e) => e.kind !== 'missing').length} links`;
    setChildren(picture, draw(nodes, edges));
  }

  return { element, render };
}

/**
 * The library's own graph of the file (edges matched as `children()` matches, cycles and
 * missing parents marked), with each phase's rule or parent as a second line.
 */
function relationships(records: PhaseRecord[]): { nodes: Node[]; edges: Edge[] } {
  const graph = workflowGraph(records);
  // A node per phase, in the order given, then one per missing parent.
  const phaseNodes = graph.nodes.filter((n) => !n.missing);
  const nodes: Node[] = graph.nodes.map((n) => {
    const r = n.missing ? undefined : records[phaseNodes.indexOf(n)];
    return {
      id: n.id,
      title: n.task,
      detail: r ? r.rule || (r.dependsOn ? `after ${r.dependsOn}` : '') : 'not in this file',
      kind: n.missing ? 'missing' : severity(n),
      tooltip: [n.task, ...problemsOf(n.status)].join('\n'),
    };
  });
  const missing = new Set(graph.nodes.filter((n) => n.missing).map((n) => n.id));
  const edges: Edge[] = graph.edges.map((e) => ({ from: e.from, to: e.to, kind: missing.has(e.from) ? 'missing' : e.cycle ? 'cycle' : 'normal' }));
  return { nodes, edges };
}

const titleSize = 13;
const detailSize = 11;

function draw(nodes: Node[], edges: Edge[]): SVGSVGElement {
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    // Text is not measured (the tab may be hidden): a width per character suits the system fonts.
    const width = Math.max(120, Math.max(n.title.length * titleSize * 0.62, clip(n.detail).length * detailSize * 0.62) + 28);
    g.setNode(n.id, { width, height: 48 });
  }
  for (const e of edges) g.setEdge(e.from, e.to);
  layout(g);
  const size = g.graph();
  const width = Math.max(size.width ?? 0, 200);
  const height = Math.max(size.height ?? 0, 80);
  const svg = s('svg', { 'data-testid': 'graph', class: 'graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': 'Dependency graph' },
    s('defs', {}, ...(['normal', 'cycle', 'missing'] as const).map((kind) =>
      s('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow ${kind}` })),
    )),
  );
  for (const e of edges) {
    const points: Point[] = g.edge(e.from, e.to)?.points ?? [];
    if (points.length === 0) continue;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    svg.append(s('path', { d, class: `edge ${e.kind}`, 'data-testid': `graph-edge-${e.kind}`, 'marker-end': `url(#arrow-${e.kind})` }));
  }
  for (const n of nodes) {
    const box = g.node(n.id);
    const x = box.x - box.width / 2;
    const y = box.y - box.height / 2;
    svg.append(s('g', { class: `node ${n.kind}`, 'data-testid': 'graph-node', 'data-kind': n.kind, transform: `translate(${x.toFixed(1)},${y.toFixed(1)})` },
      s('title', {}, n.tooltip),
      s('rect', { width: box.width, height: box.height, rx: 8 }),
      n.kind === 'problem' || n.kind === 'warning' ? s('circle', { class: 'badge', cx: box.width - 2, cy: 2, r: 8 }) : null,
      n.kind === 'problem' || n.kind === 'warning' ? s('text', { class: 'badge-mark', x: box.width - 2, y: 6 }, '!') : null,
      s('text', { class: 'title', x: 14, y: 20 }, n.title),
      s('text', { class: 'detail', x: 14, y: 37 }, clip(n.detail)),
    ));
  }
  return svg;
}

function clip(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}
