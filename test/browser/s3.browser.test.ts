import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url';
import { expect, inject, it } from 'vitest';
import { MemoryStorage, WorkflowCache } from '../../src/index.browser.js';
import { S3Source, S3Storage } from '../../src/index.s3.js';

// S3Source and S3Storage in real Chromium, against the S3 API on 127.0.0.1 (CORS answered by the
// test server): signing with Web Crypto, fetch, no Node module.

const sqlJs = { locateFile: () => wasmUrl };
const s3 = { bucket: 'browser', endpoint: inject('s3Endpoint'), credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };

it('loads workflows from a bucket prefix and answers lookups', async () => {
  const cache = await WorkflowCache.open({ workflows: new S3Source({ ...s3, prefix: 'wf' }), storage: new MemoryStorage(), sqlJs });
  expect(cache.phases().map((p) => `${p.filePath} ${p.task}`)).toEqual(['group/daily.toml load', 'orders.toml ingest:orders', 'orders.toml report']);
  expect(cache.children({ type: 'ingest', job: 'orders', meta: 'workflow=orders.toml' }).map((p) => p.task)).toEqual(['report']);
  expect(await cache.refresh()).toEqual([]);
  await cache.close();
});

it('saves the database image to the bucket and opens it again', async () => {
  const key = `images/${crypto.randomUUID()}.sqlite`;
  const first = await WorkflowCache.open({ workflows: new S3Source({ ...s3, prefix: 'wf' }), storage: new S3Storage({ ...s3, key }), sqlJs });
  await first.close();
  const saved = await WorkflowCache.openSaved({ storage: new S3Storage({ ...s3, key }), sqlJs });
  expect(saved.get({ type: 'report', meta: 'workflow=orders.toml' }).dependsOn).toBe('ingest:orders');
  await saved.close();
});
