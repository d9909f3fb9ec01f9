// A real S3 API on 127.0.0.1 for the tests: s3rver, behind a small front of ours that counts the
// requests it forwards, can fail the next ones on purpose (5xx, throttling, silence), enforces
// conditional writes (s3rver ignores If-Match / If-None-Match), and answers CORS for Chromium.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The access key s3rver knows; any other is refused with InvalidAccessKeyId. */
export const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** What the front saw: one row per request forwarded or failed on purpose. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
}

/** A fault for the next request: an answer with this status and S3 error code, or no answer at all. */
export type Fault = { status: number; code: string } | 'silence';

export interface S3TestServer {
  /** The front's URL, such as http://127.0.0.1:41234: the endpoint to give the code under test. */
  endpoint: string;
  /** Every request the front received, oldest first. */
  seen: SeenRequest[];
  /** Faults served, one per request, before requests reach s3rver again. */
  faults: Fault[];
  /** Faults served for every request to one path (such as `/bucket/a.toml`) until removed. */
  failing: Map<string, Fault>;
  /** Whether PUTs with If-Match / If-None-Match are checked (as AWS does) before s3rver sees them. Default true. */
  conditional: boolean;
  /** Makes a bucket. */
  createBucket(name: string): Promise<void>;
  /** Writes an object directly (unsigned), as another tool would. */
  put(bucket: string, key: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<string>;
  /** Deletes an object directly. */
  remove(bucket: string, key: string): Promise<void>;
  /** Reads an object directly; `undefined` when it does not exist. */
  get(bucket: string, key: string): Promise<Uint8Array | undefined>;
  /** Keys in a bucket, directly (one page is enough for the tests that call it). */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Starts s3rver and its front on free ports of 127.0.0.1; both stop on `close()`. */
export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'workflow-cache-s3-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', fileURLToPath(new URL('s3rver-process.mjs', import.meta.url)), directory], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const backPort = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (line: Buffer) => resolve(Number(String(line).trim())));
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code} before it listened`)));
  });
  const back = `http://127.0.0.1:${backPort}`;
  const state = { seen: [] as SeenRequest[], faults: [] as Fault[], conditional: true };
  const failing = new Map<string, Fault>();
  const sockets = new Set<import('node:net').Socket>();

  const front: Server = createServer((req, res) => {
    void handle(req, res).catch((error) => {
      res.writeHead(502).end(String(error));
    });
  });
  front.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    cors(res);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    state.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const fault = failing.get((req.url ?? '').split('?')[0]) ?? state.faults.shift();
    if (fault === 'silence') return; // no answer: the client's time limit must end it
    if (fault) {
      s3Error(res, fault.status, fault.code);
      return;
    }
    if (req.method === 'PUT' && state.conditional && !(await conditionHolds(req))) {
      s3Error(res, 412, 'PreconditionFailed');
      return;
    }
    const upstream = httpRequest(`${back}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.writeHead(502).end(String(error)));
    upstream.end(body);
  }

  /** AWS's rules: If-None-Match `*` fails when the object exists; If-Match fails unless the ETag matches. */
  async function conditionHolds(req: IncomingMessage): Promise<boolean> {
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifMatch === undefined && ifNoneMatch === undefined) return true;
    const head = await fetch(`${back}${(req.url ?? '').split('?')[0]}`, { method: 'HEAD' });
    const etag = head.status === 200 ? head.headers.get('etag') : null;
    if (ifNoneMatch === '*' && etag !== null) return false;
    if (ifMatch !== undefined && ifMatch !== etag) return false;
    return true;
  }

  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  const server: S3TestServer = {
    endpoint,
    failing,
    get seen() {
      return state.seen;
    },
    set seen(value) {
      state.seen = value;
    },
    get faults() {
      return state.faults;
    },
    set faults(value) {
      state.faults = value;
    },
    get conditional() {
      return state.conditional;
    },
    set conditional(value) {
      state.conditional = value;
    },
    async createBucket(name) {
      const r = await fetch(`${back}/${name}`, { method: 'PUT' });
      if (r.status !== 200) throw new Error(`create bucket ${name}: ${r.status} ${await r.text()}`);
    },
    async put(bucket, key, body, headers = {}) {
      const r = await fetch(`${back}/${bucket}/${encodeKey(key)}`, { method: 'PUT', body: body as BodyInit, headers });
      if (r.status !== 200) throw new Error(`put ${key}: ${r.status} ${await r.text()}`);
      return r.headers.get('etag') ?? '';
    },
    async remove(bucket, key) {
      await fetch(`${back}/${bucket}/${encodeKey(key)}`, { method: 'DELETE' });
    },
    async get(bucket, key) {
      const r = await fetch(`${back}/${bucket}/${encodeKey(key)}`);
      return r.status === 200 ? new Uint8Array(await r.arrayBuffer()) : undefined;
    },
    async keys(bucket, prefix = '') {
      const r = await fetch(`${back}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      return [...(await r.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      front.close();
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
  return server;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function cors(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', 'GET, HEAD, PUT');
  res.setHeader('access-control-allow-headers', '*');
  res.setHeader('access-control-expose-headers', 'etag, x-amz-meta-workflow-cache-saved-at');
}

function s3Error(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code} (served by the test front)</Message></Error>`);
}
