// The API decodes a request's query as the Go scheduler's net/http does (url.ParseQuery), so a
// task's type, job and meta mean over HTTP what they mean to flowlord.
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../src/index.http.js';
import { toml, useCaches } from '../helpers.js';

const caches = useCaches();

async function handler() {
  const cache = await caches.openMemory({ 'a b.toml': toml({ task: 'ingest:orders', rule: 'cron=0 2 * * *' }, { task: 'report', dependsOn: 'ingest:orders' }) });
  const handle = createHandler(cache);
  return async (path: string) => {
    const response = await handle(new Request(`http://127.0.0.1${path}`));
    return { status: response.status, body: await response.json() };
  };
}

describe('query strings', () => {
  it('read + and %20 as spaces, and %2B as a plus', async () => {
    const get = await handler();
    expect((await get('/phase?type=report&meta=workflow%3Da+b.toml')).body.task).toBe('report');
    expect((await get('/phase?type=report&meta=workflow%3Da%20b.toml')).body.task).toBe('report');
    expect((await get('/phase?ty%2Bpe=report')).body.detail).toBe('unknown parameter "ty+pe"; expected type, job, meta');
  });

  it('take the first value of a repeated parameter', async () => {
    const get = await handler();
    expect((await get('/phase?type=report&type=ingest&meta=workflow%3Da+b.toml')).body.task).toBe('report');
  });

  it.each([
    ['/phase?type=%zz', 'the query string is not valid: invalid URL escape "%zz"'],
    ['/phase?type=report%4', 'the query string is not valid: invalid URL escape "%4"'],
    ['/phase?type=report;job=x', 'the query string is not valid: invalid semicolon separator in query'],
  ])('refuse %s with a 400 naming what Go refuses', async (path, detail) => {
    const get = await handler();
    expect(await get(path)).toEqual({ status: 400, body: { type: 'about:blank', status: 400, title: 'Bad Request', detail } });
  });
});
