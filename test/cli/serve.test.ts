import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiChecker } from '../http/openapi-check.js';
import { examples, start, until } from './run.js';

// `workflow-cache serve` over real HTTP on 127.0.0.1: every path, hostile raw paths that a URL
// parser would have cleaned, ETag/304, the bearer token, a log line per request, and SIGTERM.

let folder: string;
let server: ReturnType<typeof start>;
let base: string;
let checker: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'workflow-cache-serve-'));
  await cp(examples, join(folder, 'workflows'), { recursive: true });
  checker = await openApiChecker();
  server = start(['serve', join(folder, 'workflows'), '--port', '0', '--db', join(folder, 'w.sqlite')], undefined, { WORKFLOW_CACHE_TOKEN: 'tok' });
  await until(() => /on (http:\/\/127\.0\.0\.1:\d+)/.test(server.output()));
  base = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1];
});
afterAll(async () => {
  server.child.kill('SIGKILL');
  await rm(folder, { recursive: true, force: true });
});

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${base}${path}`, init);
  await checker.check(init.method ?? 'GET', path, response);
  return response;
}

/** A request sent as written, without a URL parser resolving `..` first. */
function raw(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}/`, { path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

it('with --watch, serves an edit without being asked to refresh', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'workflow-cache-serve-watch-'));
  await writeFile(join(dir, 'a.toml'), '[[phase]]\ntask = "a"\nrule = "cron=0 * * * *"\n');
  const watching = start(['serve', dir, '--port', '0', '--watch', '--interval', '100']);
  try {
    await until(() => /on (http:\/\/127\.0\.0\.1:\d+)/.test(watching.output()));
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(watching.output())![1];
    await writeFile(join(dir, 'a.toml'), '[[phase]]\ntask = "a"\nrule = "cron=0 5 * * *"\n');
    await until(() => watching.output().includes('refreshed: a.toml'));
    expect(((await (await fetch(`${url}/phase?type=a&meta=workflow%3Da.toml`)).json()) as { rule: string }).rule).toBe('cron=0 5 * * *');
  } finally {
    watching.child.kill('SIGTERM');
    await watching.exited;
    await rm(dir, { recursive: true, force: true });
  }
});

describe('workflow-cache serve', () => {
  it('binds 127.0.0.1 and says where', () => {
    expect(server.output()).toMatch(/^serving .*workflows on http:\/\/127\.0\.0\.1:\d+ \(4 files, 12 phases\); Ctrl-C stops\n/);
  });

  it('answers every GET path, each as the OpenAPI document says', async () => {
    const files = (await (await get('/files')).json()) as { files: { file: string }[] };
    const key = files.files[0].file;
    for (const path of ['/health', '/problems', '/stats', '/openapi.json', `/files/${key}`, `/files/${encodeURIComponent(key)}`, `/files/${key}/source`, `/graph/${key}?format=dot`, `/history/${key}`, '/phase?type=ingest&meta=workflow%3D*', '/children?type=ingest&meta=workflow%3D*', '/search?topic=ingest']) {
      expect((await get(path)).status, path).toBe(200);
    }
  });

  it('answers 304 to a current ETag', async () => {
    const first = await get('/files');
    expect((await get('/files', { headers: { 'if-none-match': first.headers.get('etag')! } })).status).toBe(304);
  });

  it('never serves a file outside the workflows for a raw .. path', async () => {
    await writeFile(join(folder, 'secret.toml'), 'password = "x"\n');
    for (const path of ['/files/../secret.toml/source', '/files/%2E%2E/secret.toml/source', '/files/..%2Fsecret.toml/source', '/files/%2e%2e%2fsecret.toml/source']) {
      const answer = await raw(path);
      expect([400, 404], path).toContain(answer.status);
      expect(answer.body).not.toContain('password');
    }
  });

  it('validates a posted file, and refuses a body over 1 MiB with 413', async () => {
    const checked = await get('/validate?file=x.toml', { method: 'POST', body: '[[phase]]\ntask = "x"\n' });
    expect(((await checked.json()) as { phases: { status: string }[] }).phases[0].status).toBe('invalid phase: rule and dependsOn are blank');
    const big = await get('/validate', { method: 'POST', body: 'x'.repeat(2 << 20) });
    expect(big.status).toBe(413);
    expect((await get('/health')).status).toBe(200);
  });

  it('needs the token from WORKFLOW_CACHE_TOKEN to refresh', async () => {
    expect((await get('/refresh', { method: 'POST' })).status).toBe(401);
    const ok = await get('/refresh', { method: 'POST', headers: { authorization: 'Bearer tok' } });
    expect(await ok.json()).toEqual({ changed: [] });
  });

  it('logs one line per request: method, path, status, ms', async () => {
    await get('/health?x=1');
    await until(() => server.output().includes('GET /health?x=1 400'));
    expect(server.output()).toMatch(/\nGET \/health\?x=1 400 \d+\.\dms\n/);
  });

  it('stops cleanly on SIGTERM with exit 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/stopped\n$/);
  });
});
