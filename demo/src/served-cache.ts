import type { LoadFailure, PhaseRecord, Task } from '../../src/index.browser.js';
import type { WorkflowGraph } from '../../src/index.tools.js';
import type { Browsed, FileText, LookupMethod } from './browsed.js';
import { PhaseIndex } from './phase-index.js';

/** Why a served cache cannot be shown, in words that say what to do about it. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    message: string,
    /** `address`: not a URL this page may call; `unreachable`: nothing answers; `cors`: an answer this page may not read; `unexpected`: not the API's answer. */
    readonly reason: 'address' | 'unreachable' | 'cors' | 'unexpected',
  ) {
    super(message);
  }
}

/** A file as `GET /files` lists it. */
interface FileSummary {
  file: string;
  hash: string;
  phases: number;
  problems: number;
}

interface FilesAnswer {
  files: FileSummary[];
  failures: LoadFailure[];
}

/** Requests in flight at once: what browsers give one HTTP/1.1 host. */
const PARALLEL = 6;

/** Past this many files to read, one `GET /phases` reads them all: each `GET /files/{key}` costs a request. */
const BY_FILE = 20;

/** How long one answer may take: a server that accepts and never answers is not waited on for ever. */
const ANSWER_MS = 15_000;

/** The command that serves a cache this page may read. */
export function serveCommand(): string {
  return `workflow-cache serve <folder> --cors ${location.origin}`;
}

/**
 * The address of a served cache as typed (`127.0.0.1:8080`, `http://host/workflows/`), made the
 * base the API's paths are appended to.
 * @throws {ServerError} for what is not an http(s) URL, or one this page's browser will not call
 */
export function serverAddress(input: string): string {
  const typed = input.trim();
  if (typed === '') throw new ServerError('Type the address workflow-cache serve prints, such as http://127.0.0.1:8080.', 'address');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(typed) ? typed : `http://${typed}`);
  } catch {
    throw new ServerError(`${typed} is not a URL: type the address workflow-cache serve prints, such as http://127.0.0.1:8080.`, 'address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ServerError(`${typed} is not an http or https address.`, 'address');
  if (url.username !== '' || url.password !== '') throw new ServerError('Leave the user name and password out of the address: the API reads without them.', 'address');
  // Browsers refuse http calls from an https page, except to this machine.
  if (location.protocol === 'https:' && url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new ServerError(`This page is served over https, and browsers let it call ${url.origin} only over https: serve the cache behind https, or open the playground over http.`, 'address');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * A cache served by `workflow-cache serve` (or any `createHandler`), read over its HTTP API
 * only, for the views to show read-only. Every GET sends the ETag of the answer it holds, so a
 * refresh of an unchanged server costs `304`s; when the list changed, only the files whose hash
 * changed are read again (one `GET /phases` when there are many).
 */
export class ServedCache implements Browsed {
  readonly server: string;
  readonly phases = new PhaseIndex();
  selected = '';
  /** When the server's list of files was last read. */
  checkedAt = new Date(0);
  /** What stopped the last read in the background, until a refresh succeeds. */
  trouble: ServerError | undefined;
  #files: FileSummary[] = [];
  #failures: LoadFailure[] = [];
  /** Every key, loaded or failing, sorted: read at every render. */
  #keys: string[] = [];
  /** The reading of every file's phases begun by connect. */
  #background: Promise<void> = Promise.resolve();
  /** Answers by path, with their ETags. */
  readonly #held = new Map<string, { etag: string; value: unknown }>();
  /** The hash of each file whose phases the index holds. */
  readonly #readHash = new Map<string, string>();
  readonly #texts = new Map<string, FileText>();
  readonly #graphs = new Map<string, WorkflowGraph>();
  /** One more at every read of the list: reads of files begun before it are dropped. */
  #generation = 0;
  readonly #abort = new AbortController();
  readonly #listeners: Array<() => void> = [];
  #emitTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(server: string) {
    this.server = server;
  }

  /**
   * Reads the server's files and the first one's phases, text and graph; the other files'
   * phases follow in the background (`phases.loading` meanwhile).
   * @throws {ServerError} when the server cannot be read, with what to do
   */
  static async connect(input: string): Promise<ServedCache> {
    const served = new ServedCache(serverAddress(input));
    const { toRead } = await served.#readList();
    await served.#readSelected();
    served.#background = served.#readFiles(toRead).catch((error: unknown) => served.#failed(error));
    return served;
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Stops every read under way; nothing more is shown from this server. */
  close(): void {
    this.#listeners.length = 0;
    clearTimeout(this.#emitTimer);
    this.#abort.abort();
  }

  /**
   * Reads what changed on the server since the last read.
   * @returns the files that changed (phases, failure or gone); `[]` when nothing did
   * @throws {ServerError} when the server cannot be read; what was read before is kept
   */
  async refresh(): Promise<string[]> {
    // The first reading of every file, if still under way, is this refresh's work too.
    await this.#background;
    const failuresBefore = new Map(this.#failures.map((f) => [f.file, JSON.stringify(f)]));
    const keysBefore = this.keys();
    const shownBefore = this.selected;
    const { toRead, fresh } = await this.#readList();
    const keys = this.keys();
    const failures = new Map(this.#failures.map((f) => [f.file, JSON.stringify(f)]));
    const changed = new Set([...toRead, ...keysBefore.filter((k) => !keys.includes(k))]);
    for (const key of new Set([...failures.keys(), ...failuresBefore.keys()])) if (failures.get(key) !== failuresBefore.get(key)) changed.add(key);
    // An unchanged list is an unchanged server: its hashes, failures and load times are all in it.
    const same = !fresh && this.selected === shownBefore && this.#texts.has(this.selected);
    if (!same) await this.#readSelected();
    await this.#readFiles(toRead);
    this.trouble = undefined;
    // Nothing to paint again but the time of the check (the bar, which asked, shows it).
    if (!same) this.#emit();
    return [...changed].sort();
  }

  keys(): string[] {
    return this.#keys;
  }

  text(key: string): FileText {
    return this.#texts.get(key) ?? { note: key === '' ? 'The server has no workflow files.' : `Reading ${key} from ${this.server}…` };
  }

  failures(): readonly LoadFailure[] {
    return this.#failures;
  }

  graph(key: string): WorkflowGraph | undefined {
    return this.#graphs.get(key);
  }

  select(key: string): void {
    this.selected = key;
    this.#emit();
    void this.#readSelected().then(() => this.#emit(), (error: unknown) => this.#failed(error));
  }

  describe(method: LookupMethod, task: Task): string {
    return `GET ${this.server}${lookupPath(method, task)}`;
  }

  async lookup(method: LookupMethod, task: Task): Promise<unknown> {
    const path = lookupPath(method, task);
    const response = await this.#fetch(path, {});
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) throw await this.#unexpected(path, response);
    return response.json();
  }

  /** `GET /files`: the list and the failures; returns the files whose phases are to be read, and whether the list changed. */
  async #readList(): Promise<{ toRead: string[]; fresh: boolean }> {
    const { value, fresh } = await this.#read('/files', filesAnswer);
    this.checkedAt = new Date();
    if (!fresh) return { toRead: this.#files.filter((f) => this.#readHash.get(f.file) !== f.hash).map((f) => f.file), fresh };
    this.#generation++;
    const listed = new Set(value.files.map((f) => f.file));
    for (const key of this.#readHash.keys()) {
      if (listed.has(key)) continue;
      this.#readHash.delete(key);
      this.phases.put(key, undefined);
    }
    this.#files = value.files;
    this.#failures = value.failures;
    this.phases.recount(value.files);
    const keys = [...new Set([...value.files.map((f) => f.file), ...value.failures.map((f) => f.file)])].sort();
    this.#keys = keys;
    // A file that loaded shows the most: phases, text, graph.
    if (!keys.includes(this.selected)) this.selected = value.files[0]?.file ?? keys[0] ?? '';
    return { toRead: value.files.filter((f) => this.#readHash.get(f.file) !== f.hash).map((f) => f.file), fresh };
  }

  /** The selected file's phases (unless read), text and graph. */
  async #readSelected(): Promise<void> {
    const key = this.selected;
    if (key === '') return;
    const summary = this.#files.find((f) => f.file === key);
    if (summary && this.#readHash.get(key) !== summary.hash) await this.#readPhases(summary);
    if (!summary) {
      this.#texts.set(key, { note: `${key} has never loaded on the server, so it has no text to show: the problem below says why.` });
      this.#graphs.set(key, { nodes: [], edges: [] });
      return;
    }
    const [text, graph] = await Promise.all([this.#readText(key), this.#read(`/graph/${encodeURIComponent(key)}`, graphAnswer, true)]);
    this.#texts.set(key, text);
    this.#graphs.set(key, graph?.value ?? { nodes: [], edges: [] });
  }

  /** Reads the files' phases: all at once when many changed, else a few files at a time, shown as they come. */
  async #readFiles(keys: readonly string[]): Promise<void> {
    const wanted = new Set(keys);
    const summaries = this.#files.filter((f) => wanted.has(f.file) && this.#readHash.get(f.file) !== f.hash);
    if (summaries.length === 0) return;
    let next = 0;
    const lane = async () => {
      while (next < summaries.length) {
        await this.#readPhases(summaries[next++]);
        this.#emitSoon();
      }
    };
    await this.phases.reading((async () => {
      if (summaries.length > BY_FILE && (await this.#readAll())) return;
      await Promise.all(Array.from({ length: Math.min(PARALLEL, summaries.length) }, lane));
    })());
    this.#emit();
  }

  /** `GET /phases`: every file's phases in one answer; `false` from a server without that path (read file by file then). */
  async #readAll(): Promise<boolean> {
    const generation = this.#generation;
    const answer = await this.#read('/phases', phasesAnswer, true);
    if (answer === undefined) return false;
    // A newer list may name other hashes: its refresh reads those files again.
    if (generation !== this.#generation) return true;
    const byFile = new Map<string, PhaseRecord[]>();
    for (const record of answer.value) {
      const same = byFile.get(record.filePath);
      if (same) same.push(record);
      else byFile.set(record.filePath, [record]);
    }
    for (const summary of this.#files) {
      this.phases.put(summary.file, byFile.get(summary.file) ?? []);
      this.#readHash.set(summary.file, summary.hash);
    }
    return true;
  }

  async #readPhases(summary: FileSummary): Promise<void> {
    const generation = this.#generation;
    const answer = await this.#read(`/files/${encodeURIComponent(summary.file)}`, phasesAnswer, true);
    // A newer list may name another hash: its refresh reads the file again.
    if (generation !== this.#generation) return;
    this.phases.put(summary.file, answer?.value ?? []);
    this.#readHash.set(summary.file, summary.hash);
  }

  /** `GET /files/{key}/source`, or why the server has no text to show. */
  async #readText(key: string): Promise<FileText> {
    const path = `/files/${encodeURIComponent(key)}/source`;
    const held = this.#held.get(path);
    const response = await this.#fetch(path, held ? { 'if-none-match': held.etag } : {});
    if (response.status === 304 && held) return { text: held.value as string };
    if (response.status === 404) return { note: `${key} is no longer on the server: Refresh to read its list of files again.` };
    if (response.status === 409) {
      return { note: `${key} changed on the server's disk since the server last loaded it, so its loaded text is gone: the server keeps the last good phases until it refreshes (serve --watch, or POST /refresh).` };
    }
    if (!response.ok) throw await this.#unexpected(path, response);
    const text = await response.text();
    const etag = response.headers.get('etag');
    if (etag) this.#held.set(path, { etag, value: text });
    return { text };
  }

  /**
   * A conditional GET of JSON: the held answer on a 304, the new one checked by `check`.
   * With `missing`, a 404 (a file gone since the list was read) is `undefined`.
   */
  async #read<T>(path: string, check: (body: unknown) => T | undefined): Promise<{ value: T; fresh: boolean }>;
  async #read<T>(path: string, check: (body: unknown) => T | undefined, missing: true): Promise<{ value: T; fresh: boolean } | undefined>;
  async #read<T>(path: string, check: (body: unknown) => T | undefined, missing = false): Promise<{ value: T; fresh: boolean } | undefined> {
    const held = this.#held.get(path) as { etag: string; value: T } | undefined;
    const response = await this.#fetch(path, held ? { 'if-none-match': held.etag } : {});
    if (response.status === 304 && held) return { value: held.value, fresh: false };
    if (response.status === 404 && missing) return undefined;
    if (!response.ok) throw await this.#unexpected(path, response);
    const type = response.headers.get('content-type') ?? '';
    const value = type.includes('json') ? check(await response.json().catch(() => undefined)) : undefined;
    if (value === undefined) throw notTheApi(this.server, path, `${response.status} ${type || 'without a content type'}`);
    const etag = response.headers.get('etag');
    if (etag) this.#held.set(path, { etag, value });
    return { value, fresh: true };
  }

  async #fetch(path: string, headers: Record<string, string>): Promise<Response> {
    try {
      // The ETags are sent by hand: the page keeps what it parsed, and a 304 costs nothing to show.
      return await fetch(`${this.server}${path}`, { cache: 'no-store', headers, signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ANSWER_MS)]) });
    } catch (error) {
      if (this.#abort.signal.aborted) throw error;
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ServerError(`${this.server} did not answer GET ${path} within ${ANSWER_MS / 1000} s: the server is busy or stuck; try Refresh, or restart it.`, 'unreachable');
      }
      throw await this.#whyUnreachable();
    }
  }

  /**
   * A failed fetch does not say why. A `no-cors` request, whose answer the page may not read,
   * tells a server that answers without allowing this origin from no server at all.
   */
  async #whyUnreachable(): Promise<ServerError> {
    try {
      await fetch(`${this.server}/health`, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ANSWER_MS)]) });
      return new ServerError(
        `${this.server} answers, but does not allow this page (${location.origin}) to read its answers (CORS). Restart it allowing this page: ${serveCommand()}`,
        'cors',
      );
    } catch {
      return new ServerError(`Nothing answers at ${this.server}. Start the server (${serveCommand()}), check the address it prints, and connect again.`, 'unreachable');
    }
  }

  async #unexpected(path: string, response: Response): Promise<ServerError> {
    const type = response.headers.get('content-type') ?? '';
    if (type.startsWith('application/problem+json')) {
      const body = (await response.json().catch(() => ({}))) as { detail?: unknown };
      return new ServerError(`${this.server} answered GET ${path} with ${response.status}: ${String(body.detail ?? response.statusText)}`, 'unexpected');
    }
    return notTheApi(this.server, path, `${response.status} ${type || 'without a content type'}`);
  }

  #failed(error: unknown): void {
    if (this.#abort.signal.aborted) return;
    this.trouble = error instanceof ServerError ? error : new ServerError(`Reading ${this.server} failed: ${String(error)}`, 'unexpected');
    this.#emit();
  }

  /** Progress while many files come in: a paint at most every 100 ms. */
  #emitSoon(): void {
    this.#emitTimer ??= setTimeout(() => {
      this.#emitTimer = undefined;
      this.#emit();
    }, 100);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }
}

function notTheApi(server: string, path: string, what: string): ServerError {
  return new ServerError(
    `${server} answered GET ${path} with ${what}, which is not the workflow-cache HTTP API. Give the address workflow-cache serve prints (with its --prefix, if it has one).`,
    'unexpected',
  );
}

function lookupPath(method: LookupMethod, task: Task): string {
  const params = new URLSearchParams(method === 'search' ? { topic: task.type } : { type: task.type });
  if (task.job) params.set('job', task.job);
  if (method !== 'search' && task.meta) params.set('meta', task.meta);
  return `/${method === 'get' ? 'phase' : method}?${params}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function filesAnswer(body: unknown): FilesAnswer | undefined {
  if (!isObject(body) || !Array.isArray(body.files) || !Array.isArray(body.failures)) return undefined;
  const files = body.files.every((f) => isObject(f) && typeof f.file === 'string' && typeof f.hash === 'string' && typeof f.phases === 'number' && typeof f.problems === 'number');
  const failures = body.failures.every((f) => isObject(f) && typeof f.file === 'string' && typeof f.reason === 'string');
  return files && failures ? (body as unknown as FilesAnswer) : undefined;
}

function phasesAnswer(body: unknown): PhaseRecord[] | undefined {
  if (!isObject(body) || !Array.isArray(body.phases)) return undefined;
  return body.phases.every((p) => isObject(p) && typeof p.filePath === 'string' && typeof p.task === 'string' && typeof p.status === 'string') ? (body.phases as PhaseRecord[]) : undefined;
}

function graphAnswer(body: unknown): WorkflowGraph | undefined {
  return isObject(body) && Array.isArray(body.nodes) && Array.isArray(body.edges) ? (body as unknown as WorkflowGraph) : undefined;
}
