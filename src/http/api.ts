import { diffVersions } from '../version-diff.js';
import { graphFormats, renderGraph, workflowGraph, type GraphFormat } from '../graph.js';
import type { WorkflowCache } from '../cache.js';
import { MemorySource } from '../sources/memory.js';
import { RefreshError, SourceChangedError, StorageError, WorkflowPathError } from '../errors.js';
import { unsafeKeyReason } from '../safe-key.js';
import { etagOf, matches } from './etag.js';
import { openApiDocument } from './openapi.js';
import { HttpProblem, problem } from './problem.js';
import { messageOf } from '../message-of.js';
import { parseQuery } from '../query-string.js';
import { ResponseMemo, type KeptAnswer } from './response-memo.js';

const utf8 = new TextEncoder();

/** How the handler answers. */
export interface HandlerOptions {
  /** Where the API is mounted in a larger app, such as `/workflows`. Default: `''`, the root. */
  prefix?: string;
  /** When set, `POST /refresh` needs `Authorization: Bearer <token>`. Default: no token. */
  token?: string;
  /** Origins allowed to call from browsers (`'*'` for any). Default: none, no CORS headers. */
  cors?: string | readonly string[];
  /** The largest request body read (`POST /validate`), in bytes. Default is 1 MiB. */
  maxBodyBytes?: number;
  /** Milliseconds a request may take before it is answered 503. Default is 10,000. */
  timeoutMs?: number;
}

/** A request as the API reads it, whatever server received it. */
export interface ApiRequest {
  method: string;
  /** The path and query as received, such as `/files/a.toml?x=1`. */
  target: string;
  /** A header's value, or `null`. */
  header(name: string): string | null;
  /**
   * The whole body, refused past `limit` bytes without reading on.
   * @throws {HttpProblem} 413 past the limit, 400 without a body
   */
  body(limit: number): Promise<Uint8Array>;
}

/** What the API answers, for the server to send. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array | null;
}

/** The API over one cache: both servers' adapters call it. An answer that waits for nothing comes at once, not as a promise. */
export type Api = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** The query's parameters, decoded as Go's `url.ParseQuery` decodes them (first value of each). */
type Params = ReadonlyMap<string, string>;
type Answer = { json: unknown } | { text: string | Uint8Array; type: string };

interface Route {
  method: 'GET' | 'POST';
  /** Query parameters it reads; any other is a 400. */
  query: readonly string[];
  run: (params: Params, request: ApiRequest, key: string) => Promise<Answer> | Answer;
  /**
   * Its answers given at once follow from the data alone (no clock, no disk), so they are kept
   * until the data changes; one that waits (a file's source, read from the disk) never is.
   */
  fromData?: true;
}

const optionNames = ['prefix', 'token', 'cors', 'maxBodyBytes', 'timeoutMs'];

/**
 * Answers the paths of the HTTP API from an open cache: lookups, files, problems, graphs,
 * history, refresh and validation. Every error is `application/problem+json`; bad input is a 4xx,
 * never a 5xx. GET answers carry an ETag of their body, and `If-None-Match` gets a 304.
 * @throws {TypeError} for unknown options or values of the wrong kind
 */
export function createApi(cache: WorkflowCache, options: HandlerOptions = {}): Api {
  for (const name of Object.keys(options)) {
    if (!optionNames.includes(name)) throw new TypeError(`createHandler(): unknown option "${name}"; expected one of ${optionNames.join(', ')}`);
  }
  const prefix = (options.prefix ?? '').replace(/\/+$/, '');
  if (prefix !== '' && !prefix.startsWith('/')) throw new TypeError(`createHandler(): "prefix" must start with / such as "/workflows"; got ${JSON.stringify(options.prefix)}`);
  const maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const origins = options.cors === undefined ? [] : typeof options.cors === 'string' ? [options.cors] : [...options.cors];
  const token = options.token;
  const document = JSON.stringify(openApiDocument(prefix === '' ? '/' : prefix));
  const memo = new ResponseMemo();

  const lookups = (p: Params) => ({ type: p.get('type') ?? '', job: p.get('job') ?? '', meta: p.get('meta') ?? '' });

  /** Fixed paths; `/files/…`, `/graph/…` and `/history/…` take a key after them. */
  const fixed: Record<string, Route> = {
    '/health': { method: 'GET', query: [], run: () => ({ json: { status: 'ok' } }) },
    '/files': { method: 'GET', query: [], fromData: true, run: () => ({ json: { files: cache.files(), failures: cache.failures() } }) },
    '/phase': { method: 'GET', query: ['type', 'job', 'meta'], fromData: true, run: (p) => ({ json: cache.get(lookups(p)) }) },
    '/children': { method: 'GET', query: ['type', 'job', 'meta'], fromData: true, run: (p) => ({ json: cache.children(lookups(p)) }) },
    '/search': { method: 'GET', query: ['topic', 'job'], fromData: true, run: (p) => ({ json: cache.search(p.get('topic') ?? '', p.get('job') ?? '') }) },
    '/problems': { method: 'GET', query: [], fromData: true, run: () => ({ json: { phases: cache.phases().filter((r) => r.status !== ''), failures: cache.failures() } }) },
    // Every phase in one answer: reading them file by file costs a request per file.
    '/phases': { method: 'GET', query: [], fromData: true, run: () => ({ json: { phases: cache.phases() } }) },
    '/stats': { method: 'GET', query: [], run: () => ({ json: cache.stats() }) },
    '/openapi.json': { method: 'GET', query: [], fromData: true, run: () => ({ text: document, type: 'application/json' }) },
    '/refresh': {
      method: 'POST',
      query: [],
      run: async (_p, request) => {
        if (token !== undefined && !bearerIs(request.header('authorization'), token)) {
          throw new HttpProblem(401, 'POST /refresh needs the header Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
        }
        try {
          return { json: { changed: await cache.refresh() } };
        } catch (error) {
          if (error instanceof RefreshError) {
            if (error.saveError) throw new HttpProblem(503, error.saveError.message);
            return { json: { changed: error.changed, failures: error.failures.map(failureOf) } };
          }
          if (error instanceof StorageError || error instanceof WorkflowPathError) throw new HttpProblem(503, error.message);
          throw error;
        }
      },
    },
    '/validate': {
      method: 'POST',
      query: ['file'],
      run: async (p, request) => {
        const file = checkedKey(p.get('file') ?? 'workflow.toml');
        const body = await request.body(maxBodyBytes);
        const Cache = cache.constructor as typeof WorkflowCache;
        const workflows = new MemorySource();
        workflows.set(file, body);
        const scratch = await Cache.open({ workflows, onWarning: () => {} });
        try {
          return { json: { phases: scratch.phases(), failures: scratch.failures() } };
        } finally {
          await scratch.close();
        }
      },
    },
  };

  const keyed: Record<string, Route> = {
    '/files/': {
      method: 'GET',
      query: [],
      fromData: true,
      run: (_p, _r, key) => {
        const files = cache.files();
        const summary = files.find((f) => f.file === key);
        const file = key.endsWith('/source') ? key.slice(0, -'/source'.length) : undefined;
        if (!summary && file !== undefined && files.some((f) => f.file === file)) return source(file);
        if (!summary) throw new HttpProblem(404, `no loaded file ${key}; GET /files lists them`);
        return { json: { file: key, hash: summary.hash, loadedAt: summary.loadedAt, phases: cache.phases(key) } };
      },
    },
    '/graph/': {
      method: 'GET',
      query: ['format'],
      fromData: true,
      run: (p, _r, key) => {
        fileSummary(key);
        const format = (p.get('format') ?? 'json') as GraphFormat;
        if (!graphFormats.includes(format)) throw new HttpProblem(400, `format must be one of ${graphFormats.join(', ')}; got ${JSON.stringify(format)}`);
        const text = renderGraph(workflowGraph(cache.phases(key)), format);
        return { text, type: format === 'json' ? 'application/json' : format === 'mermaid' ? 'text/vnd.mermaid; charset=utf-8' : 'text/vnd.graphviz; charset=utf-8' };
      },
    },
    '/history/': {
      method: 'GET',
      query: [],
      fromData: true,
      run: (_p, _r, key) => {
        const versions = cache.history(key);
        if (versions.length === 0) throw new HttpProblem(404, `the database knows no version of ${key}; GET /files lists the files`);
        return { json: { file: key, versions: versions.map((v, i) => (i === 0 ? v : { ...v, changes: diffVersions(versions[i - 1].phases, v.phases) })) } };
      },
    },
  };

  function fileSummary(key: string): { hash: string; loadedAt: string | null } {
    const found = cache.files().find((f) => f.file === key);
    if (!found) throw new HttpProblem(404, `no loaded file ${key}; GET /files lists them`);
    return found;
  }

  async function source(key: string): Promise<Answer> {
    try {
      const bytes = await cache.loadedSource(key);
      if (bytes === undefined) throw new HttpProblem(404, `no loaded file ${key}; GET /files lists them`);
      return { text: bytes, type: 'application/toml' };
    } catch (error) {
      if (error instanceof SourceChangedError) throw new HttpProblem(409, `${error.message} (POST /refresh)`);
      throw error;
    }
  }

  /** Synchronous for the lookups (nothing to wait for, nothing a timer could stop), a promise for what waits. */
  function route(request: ApiRequest): ApiResponse | Promise<ApiResponse> {
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    // Read before anything is computed: an answer kept under it was computed from this data.
    const version = cache.dataVersion;
    if (method === 'GET') {
      const kept = memo.get(request.target, version);
      if (kept) return respondKept(request, kept);
    }
    const at = request.target.indexOf('?');
    const pathname = at < 0 ? request.target : request.target.slice(0, at);
    const query = parseQuery(at < 0 ? '' : request.target.slice(at + 1));
    if (query.error !== undefined) throw new HttpProblem(400, `the query string is not valid: ${query.error}`);
    const params = query.values;
    if (prefix !== '' && pathname !== prefix && !pathname.startsWith(`${prefix}/`)) throw new HttpProblem(404, `no such path: ${pathname}`);
    const path = pathname.slice(prefix.length) || '/';
    let found = fixed[path];
    let key = '';
    if (!found) {
      const base = Object.keys(keyed).find((b) => path.startsWith(b));
      if (!base) throw new HttpProblem(404, `no such path: ${pathname}; GET ${prefix}/openapi.json lists them`);
      found = keyed[base];
      key = checkedKey(decodeKey(path.slice(base.length)));
    }
    if (method === 'OPTIONS') return { status: 204, headers: { allow: allowed(found) }, body: null };
    if (method !== found.method) {
      throw new HttpProblem(405, `${request.method} is not allowed on ${path}; use ${found.method}`, { allow: allowed(found) });
    }
    for (const name of params.keys()) {
      if (!found.query.includes(name)) {
        throw new HttpProblem(400, `unknown parameter "${name}"${found.query.length ? `; expected ${found.query.join(', ')}` : '; this path takes none'}`);
      }
    }
    const answer = found.run(params, request, key);
    if (answer instanceof Promise) return answer.then((a) => respond(request, method, a));
    if (method !== 'GET' || !found.fromData) return respond(request, method, answer);
    // Computed without a pause, so from the data as it was at `version`.
    const kept = sent(answer);
    memo.keep(request.target, version, kept);
    return respondKept(request, kept);
  }

  function respond(request: ApiRequest, method: string, answer: Answer): ApiResponse {
    if (method === 'GET') return respondKept(request, sent(answer));
    return 'json' in answer ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer.json) } : { status: 200, headers: { 'content-type': answer.type }, body: answer.text };
  }

  /** An answer as a GET sends it: bytes and their ETag. */
  function sent(answer: Answer): KeptAnswer {
    const [text, type] = 'json' in answer ? [JSON.stringify(answer.json), 'application/json'] : [answer.text, answer.type];
    return { type, body: typeof text === 'string' ? utf8.encode(text) : text, etag: etagOf(text) };
  }

  /** A GET answer: 200 with its bytes (none for HEAD), or 304 when the client holds them. */
  function respondKept(request: ApiRequest, answer: KeptAnswer): ApiResponse {
    const headers: Record<string, string> = { 'content-type': answer.type, etag: answer.etag, 'cache-control': 'no-cache' };
    if (matches(request.header('if-none-match'), answer.etag)) return { status: 304, headers, body: null };
    return { status: 200, headers, body: request.method === 'HEAD' ? null : answer.body };
  }

  /** The answer, or a 503 once the time limit passes first. */
  async function inTime(work: Promise<ApiResponse>): Promise<ApiResponse> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<ApiResponse>((resolve) => {
      timer = setTimeout(() => resolve(problem(503, `the request took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work.catch(toProblem), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  return (request: ApiRequest): ApiResponse | Promise<ApiResponse> => {
    let routed: ApiResponse | Promise<ApiResponse>;
    try {
      routed = route(request);
    } catch (error) {
      routed = toProblem(error);
    }
    // Only what waits gets a timer: a lookup answers before any timer could fire.
    return routed instanceof Promise ? inTime(routed).then((r) => withCors(request, r, origins)) : withCors(request, routed, origins);
  };
}

function withCors(request: ApiRequest, response: ApiResponse, origins: readonly string[]): ApiResponse {
  const origin = request.header('origin');
  if (origin === null || origins.length === 0 || !(origins.includes('*') || origins.includes(origin))) return response;
  const headers = { ...response.headers, 'access-control-allow-origin': origins.includes('*') ? '*' : origin, vary: 'Origin', 'access-control-expose-headers': 'ETag' };
  if (request.method === 'OPTIONS') {
    Object.assign(headers, {
      'access-control-allow-methods': 'GET, HEAD, POST',
      'access-control-allow-headers': 'Authorization, Content-Type, If-None-Match',
      'access-control-max-age': '600',
    });
  }
  return { ...response, headers };
}

function toProblem(error: unknown): ApiResponse {
  if (error instanceof HttpProblem) return problem(error.status, error.message, error.headers);
  return problem(500, `the server failed: ${messageOf(error)}`);
}

function allowed(route: Route): string {
  return route.method === 'GET' ? 'GET, HEAD, OPTIONS' : 'POST, OPTIONS';
}

/** The key after `/files/`: percent-decoded once, so `group%2Fa.toml` and `group/a.toml` are one file. */
function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpProblem(400, `the file key in the path is not valid percent-encoding: ${raw}`);
  }
}

/** The key, when it is a safe relative file key (see {@link unsafeKeyReason}); else a 400. */
function checkedKey(key: string): string {
  const why = unsafeKeyReason(key);
  if (why !== undefined) throw new HttpProblem(400, `${JSON.stringify(key)} is not a file key: ${why}`);
  return key;
}

/** Compares without stopping at the first difference, so timing tells nothing of the token. */
function bearerIs(header: string | null, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  let diff = given.length ^ token.length;
  for (let i = 0; i < token.length; i++) diff |= (given.charCodeAt(i) || 0) ^ token.charCodeAt(i);
  return diff === 0;
}

function failureOf(f: { file: string; reason: string; line?: number; column?: number }): object {
  return { file: f.file, reason: f.reason, ...(f.line === undefined ? {} : { line: f.line }), ...(f.column === undefined ? {} : { column: f.column }) };
}
