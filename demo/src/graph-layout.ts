/** What the page asks the layout worker, and what it answers. */
export interface LayoutRequest {
  id: number;
  nodes: Array<{ id: string; width: number; height: number }>;
  edges: Array<{ from: string; to: string }>;
}

export interface LayoutReply {
  id: number;
  width: number;
  height: number;
  nodes: Array<{ id: string; x: number; y: number; width: number; height: number }>;
  edges: Array<{ from: string; to: string; points: Array<{ x: number; y: number }> }>;
}

/** Lays graphs out in a worker; an answer to an older request than the latest is dropped. */
export class GraphLayout {
  readonly #worker = new Worker(new URL('./graph-layout.worker.ts', import.meta.url), { type: 'module' });
  #latest = 0;

  constructor(onLayout: (reply: LayoutReply) => void) {
    this.#worker.addEventListener('message', (event: MessageEvent<LayoutReply>) => {
      if (event.data.id === this.#latest) onLayout(event.data);
    });
  }

  request(nodes: LayoutRequest['nodes'], edges: LayoutRequest['edges']): void {
    const request: LayoutRequest = { id: ++this.#latest, nodes, edges };
    this.#worker.postMessage(request);
  }
}
