import type { WorkflowCache } from '../cache.js';
import { createApi, type ApiResponse, type HandlerOptions } from './api.js';
import { readBody } from './read-body.js';

const utf8 = new TextEncoder();

/** The part of Node's `IncomingMessage` the listener reads. */
export interface NodeRequestLike extends AsyncIterable<Uint8Array> {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  resume(): unknown;
}

/** The part of Node's `ServerResponse` the listener writes. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string | Uint8Array): unknown;
}

/**
 * The HTTP API as a `node:http` request listener: the same answers as {@link createHandler},
 * without building a `Request` and a `Response` for each call (they cost as much as the rest of
 * a lookup together). `http.createServer(createNodeListener(cache))`.
 * @throws {TypeError} for unknown options or values of the wrong kind
 */
export function createNodeListener(cache: WorkflowCache, options: HandlerOptions = {}): (req: NodeRequestLike, res: NodeResponseLike) => Promise<void> {
  const api = createApi(cache, options);
  return async (req, res) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    const answer = api({
      method: req.method ?? 'GET',
      target: req.url ?? '/',
      header,
      body: (limit) => {
        const chunks = req[Symbol.asyncIterator]();
        const next = async () => {
          const { done, value } = await chunks.next();
          return done ? undefined : value;
        };
        // Past the limit the rest is drained unread, so the connection can answer.
        return readBody(header('content-length'), next, () => req.resume(), limit);
      },
    });
    // A lookup is sent in the same turn it arrived: no promise to wait for.
    send(res, answer instanceof Promise ? await answer : answer);
  };
}

function send(res: NodeResponseLike, answer: ApiResponse): void {
  // Bytes with their length: one write, no chunked encoding.
  const body = typeof answer.body === 'string' ? utf8.encode(answer.body) : answer.body;
  res.writeHead(answer.status, body === null ? answer.headers : { ...answer.headers, 'content-length': String(body.byteLength) });
  res.end(body ?? undefined);
}
