import type { WorkflowCache } from '../cache.js';
import { createApi, type HandlerOptions } from './api.js';
import { readBody } from './read-body.js';

/** A Web-standard request handler: Deno, Bun, workers, and Node through an adapter. */
export type Handler = (request: Request) => Promise<Response>;

/**
 * The HTTP API as a Web-standard handler over an open cache: `Deno.serve(handler)`,
 * `Bun.serve({ fetch: handler })`, a worker's `fetch`, or a route of an existing app (with
 * `prefix`). `workflow-cache serve` runs the same API on `node:http` directly.
 * @throws {TypeError} for unknown options or values of the wrong kind
 */
export function createHandler(cache: WorkflowCache, options: HandlerOptions = {}): Handler {
  const api = createApi(cache, options);
  return async (request) => {
    const url = new URL(request.url);
    const answer = await api({
      method: request.method,
      target: url.pathname + url.search,
      header: (name) => request.headers.get(name),
      body: (limit) => {
        const reader = request.body?.getReader();
        const next = async () => (reader ? ((await reader.read()).value ?? undefined) : undefined);
        return readBody(request.headers.get('content-length'), next, () => void reader?.cancel().catch(() => {}), limit);
      },
    });
    return new Response(answer.body as ConstructorParameters<typeof Response>[0], { status: answer.status, headers: answer.headers });
  };
}
