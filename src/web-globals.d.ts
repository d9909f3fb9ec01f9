// The Web APIs that Node and browsers both have and that core code uses, declared for the core's
// own type check (src/tsconfig.core.json): it has neither Node's types nor the DOM's, so a core
// module that reached for `Buffer`, `process`, `document` or `localStorage` would not compile.
// Only the members core code uses are here; the Node and browser projects check the same code
// against @types/node and lib.dom, which keeps these declarations honest.

/** Called with nothing, as both runtimes do when given no extra arguments (so `resolve` fits). */
declare function setTimeout(callback: (_: void) => void, ms?: number): WebTimer;
declare function clearTimeout(timer: WebTimer | undefined): void;
/** A timer handle: a number in browsers, an object in Node. */
interface WebTimer {
  readonly __webTimer: unique symbol;
}

declare const console: { warn(...data: unknown[]): void };
declare const performance: { now(): number };

declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(input: string, destination: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare class URL {
  constructor(url: string, base?: string | URL);
  readonly origin: string;
  readonly protocol: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly searchParams: URLSearchParams;
  href: string;
  toString(): string;
}
declare class URLSearchParams implements Iterable<[string, string]> {
  constructor(init?: string | Record<string, string>);
  get(name: string): string | null;
  getAll(name: string): string[];
  has(name: string): boolean;
  keys(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}

declare class AbortSignal {
  static timeout(ms: number): AbortSignal;
  readonly aborted: boolean;
}

declare class Headers implements Iterable<[string, string]> {
  constructor(init?: Record<string, string>);
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  [Symbol.iterator](): IterableIterator<[string, string]>;
}
type BodyInit = string | Uint8Array | ArrayBuffer;
interface RequestInit {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: BodyInit | null;
  signal?: AbortSignal;
}
interface ReadableStreamReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}
declare class Request {
  constructor(input: string | URL, init?: RequestInit);
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: { getReader(): ReadableStreamReader } | null;
}
declare class Response {
  constructor(body?: BodyInit | null, init?: { status?: number; headers?: Record<string, string> });
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}
declare function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
