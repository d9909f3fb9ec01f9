// Lays a graph out with dagre off the page's thread: 500 phases take long enough to freeze a tab.
import { Graph, layout, type Point } from '@dagrejs/dagre';
import type { LayoutReply, LayoutRequest } from './graph-layout.js';

self.addEventListener('message', (event: MessageEvent<LayoutRequest>) => {
  const { id, nodes, edges } = event.data;
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 22, ranksep: 56, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of edges) g.setEdge(e.from, e.to);
  layout(g);
  const size = g.graph();
  const reply: LayoutReply = {
    id,
    width: size.width ?? 0,
    height: size.height ?? 0,
    nodes: nodes.map((n) => {
      const box = g.node(n.id);
      return { id: n.id, x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height };
    }),
    edges: edges.map((e) => ({ from: e.from, to: e.to, points: (g.edge(e.from, e.to)?.points ?? []).map((p: Point) => ({ x: p.x, y: p.y })) })),
  };
  self.postMessage(reply);
});
