import type { PhaseRecord } from '../../src/index.browser.js';
import type { WorkflowGraph } from '../../src/index.tools.js';
import { h, s, setChildren } from './dom.js';
import { GraphLayout, type LayoutReply } from './graph-layout.js';
import { problemsOf, severity } from './problems.js';
import type { Browsed } from './browsed.js';

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

/** The part of the drawing in view, in graph units. */
interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

const titleSize = 13;
const detailSize = 11;
const nodeHeight = 48;

/**
 * The dependency graph of the selected file, laid out by dagre in a worker: roots left,
 * children right. Drag to pan, wheel or the buttons to zoom, Fit to see it all; the arrow keys
 * and + / − do the same when the picture has focus.
 */
export function graphView(shown: () => Browsed): { element: HTMLElement; render: () => void } {
  const svg = s('svg', { 'data-testid': 'graph', class: 'graph', role: 'img', 'aria-label': 'Dependency graph', preserveAspectRatio: 'xMidYMid meet' });
  const picture = h('div', { class: 'graph-wrap', tabindex: 0, 'aria-label': 'Dependency graph: arrow keys pan, + and − zoom, 0 fits', 'data-testid': 'graph-wrap' }, svg);
  const legend = h('div', { class: 'legend', 'aria-label': 'Legend' },
    h('span', { class: 'key ok' }, 'ok'),
    h('span', { class: 'key warning' }, 'warning'),
    h('span', { class: 'key problem' }, 'problem'),
    h('span', { class: 'key missing' }, 'missing parent'),
    h('span', { class: 'key cycle' }, 'cycle'),
  );
  const caption = h('span', { class: 'summary', 'data-testid': 'graph-summary' });
  const zoomButtons = h('div', { class: 'zoom' },
    h('button', { type: 'button', class: 'small', 'data-testid': 'graph-zoom-in', 'aria-label': 'Zoom in', onclick: () => zoom(1 / 1.25) }, '+'),
    h('button', { type: 'button', class: 'small', 'data-testid': 'graph-zoom-out', 'aria-label': 'Zoom out', onclick: () => zoom(1.25) }, '−'),
    h('button', { type: 'button', class: 'small', 'data-testid': 'graph-fit', onclick: () => fit() }, 'Fit'),
  );
  const element = h('div', { class: 'panel-body graph-body' },
    h('div', { class: 'graph-head' }, h('h2', { class: 'card-title' }, 'Dependency graph'), caption, zoomButtons),
    legend,
    picture,
  );

  let drawnKey = '';
  let nodes: Node[] = [];
  let edges: Edge[] = [];
  let bounds = { width: 200, height: 80 };
  let view: ViewBox = { x: 0, y: 0, width: 200, height: 80 };
  /** Whether the view follows the picture's size (until the user pans or zooms). */
  let fitted = true;
  const layout = new GraphLayout((reply) => draw(reply));

  function render(): void {
    const browsed = shown();
    const file = browsed.selected;
    const records = file === '' ? [] : browsed.phases.file(file);
    const graph = file === '' ? { nodes: [], edges: [] } : browsed.graph(file);
    ({ nodes, edges } = relationships(graph ?? { nodes: [], edges: [] }, records));
    caption.textContent = file === '' ? 'No file selected' : graph === undefined ? `${file}: reading the graph…` : `${file}: ${records.length} phases, ${edges.filter((e) => e.kind !== 'missing').length} links`;
    const key = JSON.stringify([nodes, edges]);
    if (key === drawnKey) return;
    drawnKey = key;
    svg.dataset.state = 'layout';
    layout.request(nodes.map((n) => ({ id: n.id, width: nodeWidth(n), height: nodeHeight })), edges);
  }

  function draw(reply: LayoutReply): void {
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const kinds = new Map(edges.map((e) => [`${e.from}\n${e.to}`, e.kind]));
    bounds = { width: Math.max(reply.width, 200), height: Math.max(reply.height, 80) };
    setChildren(svg,
      s('defs', {}, ...(['normal', 'cycle', 'missing'] as const).map((kind) =>
        s('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
          s('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow ${kind}` })),
      )),
      ...reply.edges.filter((e) => e.points.length > 0).map((e) => {
        const kind = kinds.get(`${e.from}\n${e.to}`) ?? 'normal';
        const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
        return s('path', { d, class: `edge ${kind}`, 'data-testid': `graph-edge-${kind}`, 'marker-end': `url(#arrow-${kind})` });
      }),
      ...reply.nodes.map((box) => {
        const n = byId.get(box.id)!;
        const flagged = n.kind === 'problem' || n.kind === 'warning';
        return s('g', { class: `node ${n.kind}`, 'data-testid': 'graph-node', 'data-kind': n.kind, transform: `translate(${box.x.toFixed(1)},${box.y.toFixed(1)})` },
          s('title', {}, n.tooltip),
          s('rect', { width: box.width, height: box.height, rx: 8 }),
          flagged ? s('circle', { class: 'badge', cx: box.width - 2, cy: 2, r: 8 }) : null,
          flagged ? s('text', { class: 'badge-mark', x: box.width - 2, y: 6 }, '!') : null,
          s('text', { class: 'title', x: 14, y: 20 }, n.title),
          s('text', { class: 'detail', x: 14, y: 37 }, clip(n.detail)),
        );
      }),
    );
    svg.dataset.state = 'done';
    fit();
  }

  /** The whole graph in view; never enlarged past its natural size. */
  function fit(): void {
    fitted = true;
    const box = picture.getBoundingClientRect();
    const width = Math.max(box.width, 1);
    const height = Math.max(box.height, 1);
    const scale = Math.min(1, width / bounds.width, height / bounds.height);
    const w = width / scale;
    const ht = height / scale;
    setView({ x: (bounds.width - w) / 2, y: (bounds.height - ht) / 2, width: w, height: ht });
  }

  /** Zooms by `factor` of the view's size (below 1: closer) around a point of the picture, its centre by default. */
  function zoom(factor: number, around = { x: 0.5, y: 0.5 }): void {
    fitted = false;
    const width = clamp(view.width * factor, 60, Math.max(bounds.width, bounds.height) * 4);
    const actual = width / view.width;
    const height = view.height * actual;
    setView({ x: view.x + (view.width - width) * around.x, y: view.y + (view.height - height) * around.y, width, height });
  }

  function pan(dx: number, dy: number): void {
    fitted = false;
    setView({ ...view, x: view.x + dx, y: view.y + dy });
  }

  function setView(next: ViewBox): void {
    view = next;
    svg.setAttribute('viewBox', `${view.x.toFixed(1)} ${view.y.toFixed(1)} ${view.width.toFixed(1)} ${view.height.toFixed(1)}`);
    svg.dataset.zoom = (picture.getBoundingClientRect().width / view.width || 1).toFixed(3);
  }

  /** Picture pixels to graph units. */
  function unitsPerPixel(): number {
    return view.width / Math.max(picture.getBoundingClientRect().width, 1);
  }

  picture.addEventListener('wheel', (event) => {
    event.preventDefault();
    const box = picture.getBoundingClientRect();
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, { x: (event.clientX - box.left) / box.width, y: (event.clientY - box.top) / box.height });
  }, { passive: false });
  let drag: { x: number; y: number } | undefined;
  picture.addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, y: event.clientY };
    picture.setPointerCapture(event.pointerId);
    picture.classList.add('dragging');
  });
  picture.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const k = unitsPerPixel();
    pan((drag.x - event.clientX) * k, (drag.y - event.clientY) * k);
    drag = { x: event.clientX, y: event.clientY };
  });
  const stop = () => {
    drag = undefined;
    picture.classList.remove('dragging');
  };
  picture.addEventListener('pointerup', stop);
  picture.addEventListener('pointercancel', stop);
  picture.addEventListener('keydown', (event) => {
    const step = 60 * unitsPerPixel();
    const keys: Record<string, () => void> = {
      ArrowLeft: () => pan(-step, 0), ArrowRight: () => pan(step, 0), ArrowUp: () => pan(0, -step), ArrowDown: () => pan(0, step),
      '+': () => zoom(1 / 1.25), '=': () => zoom(1 / 1.25), '-': () => zoom(1.25), '0': () => fit(),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
  // The picture changes size with the window (and from 0 when its tab is shown): keep a fitted graph fitted.
  new ResizeObserver(() => { if (fitted) fit(); }).observe(picture);

  return { element, render };
}

/**
 * The library's own graph of the file (edges matched as `children()` matches, cycles and
 * missing parents marked: `workflowGraph()` here, `GET /graph/{key}` from a server), with each
 * phase's rule or parent as a second line. Its phase nodes are the records, in their order.
 */
function relationships(graph: WorkflowGraph, records: readonly PhaseRecord[]): { nodes: Node[]; edges: Edge[] } {
  const phaseNodes = graph.nodes.filter((n) => !n.missing);
  const position = new Map(phaseNodes.map((n, i) => [n, i]));
  const nodes: Node[] = graph.nodes.map((n) => {
    const r = n.missing ? undefined : records[position.get(n)!];
    return {
      id: n.id,
      title: n.task,
      detail: r ? r.rule || (r.dependsOn ? `after ${r.dependsOn}` : '') : 'not in this file',
      kind: r ? severity(r) : 'missing',
      tooltip: [n.task, ...(r ? problemsOf(r) : [n.status])].join('\n'),
    };
  });
  const missing = new Set(graph.nodes.filter((n) => n.missing).map((n) => n.id));
  const edges: Edge[] = graph.edges.map((e) => ({ from: e.from, to: e.to, kind: missing.has(e.from) ? 'missing' : e.cycle ? 'cycle' : 'normal' }));
  return { nodes, edges };
}

/** Text is not measured (the picture may be hidden): a width per character suits the system fonts. */
function nodeWidth(n: Node): number {
  return Math.max(120, Math.max(n.title.length * titleSize * 0.62, clip(n.detail).length * detailSize * 0.62) + 28);
}

function clip(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}

function clamp(n: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, n));
}
