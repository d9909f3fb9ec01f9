// S3Storage against a real S3 API (s3rver on 127.0.0.1, behind a front that enforces conditional
// writes as AWS does): one whole PUT per save, an unusable object kept aside, and replicas
// sharing one image key without overwriting a newer one.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemorySource, UnusableDatabaseWarning, WorkflowCache, type WorkflowCacheError } from '../../src/index.node.js';
import { S3Error, S3Storage, type S3StorageOptions } from '../../src/index.s3.js';
import { credentials, startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
let bucketNumber = 0;
let bucket: string;

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.close());
beforeEach(async () => {
  bucket = `db-${++bucketNumber}`;
  await server.createBucket(bucket);
  server.seen = [];
  server.faults = [];
  server.conditional = true;
});

function storage(extra: Partial<S3StorageOptions> = {}): S3Storage {
  return new S3Storage({ bucket, key: 'cache/workflows.sqlite', endpoint: server.endpoint, credentials, retries: 1, ...extra });
}

const workflow = (rule: string) => `[[phase]]\ntask = "load"\nrule = "${rule}"\n\n[[phase]]\ntask = "sum"\ndependsOn = "load"\n`;

describe('S3Storage', () => {
  it('loads nothing from an empty key, then keeps the image across caches', async () => {
    const source = new MemorySource({ 'a.toml': workflow('cron=0 * * * *') });
    const first = await WorkflowCache.open({ workflows: source, storage: storage() });
    await first.close();
    const second = await WorkflowCache.open({ workflows: source, storage: storage() });
    expect(await second.refresh()).toEqual([]);
    expect(second.get({ type: 'sum', meta: 'workflow=a.toml' }).dependsOn).toBe('load');
    await second.close();
  });

  it('saves each image with one whole PUT, conditional on the version it last saw', async () => {
    const s = storage();
    expect(await s.load()).toBeUndefined();
    await s.save(new Uint8Array([1, 2, 3]));
    await s.save(new Uint8Array([4, 5, 6]));
    const puts = server.seen.filter((r) => r.method === 'PUT');
    expect(puts.length).toBe(2);
    expect(puts[0].headers['if-none-match']).toBe('*');
    expect(puts[1].headers['if-match']).toMatch(/^"[0-9a-f]{32}"$/);
    expect([...(await server.get(bucket, 'cache/workflows.sqlite'))!]).toEqual([4, 5, 6]);
  });

  it('keeps an object that is not a usable database under a new key and rebuilds', async () => {
    await server.put(bucket, 'cache/workflows.sqlite', 'not a database at all');
    const warnings: WorkflowCacheError[] = [];
    const cache = await WorkflowCache.open({
      workflows: new MemorySource({ 'a.toml': workflow('cron=0 * * * *') }),
      storage: storage(),
      onWarning: (w) => warnings.push(w),
    });
    await cache.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBeInstanceOf(UnusableDatabaseWarning);
    const aside = (warnings[0] as UnusableDatabaseWarning).movedTo!;
    expect(aside).toMatch(new RegExp(`^s3://${bucket}/cache/workflows\\.sqlite\\.unusable-`));
    const kept = await server.get(bucket, aside.slice(`s3://${bucket}/`.length));
    expect(new TextDecoder().decode(kept)).toBe('not a database at all');
    const image = await server.get(bucket, 'cache/workflows.sqlite');
    expect(new TextDecoder().decode(image!.subarray(0, 15))).toBe('SQLite format 3');
  });

  it('does not overwrite an image another replica saved later', async () => {
    const mine = storage();
    await mine.load();
    // Another replica saves after this one loaded, with a later clock.
    await server.put(bucket, 'cache/workflows.sqlite', 'theirs', { 'x-amz-meta-workflow-cache-saved-at': String(Date.now() + 60_000) });
    await mine.save(new TextEncoder().encode('mine'));
    expect(new TextDecoder().decode(await server.get(bucket, 'cache/workflows.sqlite'))).toBe('theirs');
    expect(server.seen.filter((r) => r.method === 'PUT').length).toBe(1);
  });

  it('overwrites an image another replica saved earlier, conditional on that image', async () => {
    const mine = storage();
    await mine.load();
    const theirs = await server.put(bucket, 'cache/workflows.sqlite', 'theirs', { 'x-amz-meta-workflow-cache-saved-at': String(Date.now() - 60_000) });
    await mine.save(new TextEncoder().encode('mine'));
    expect(new TextDecoder().decode(await server.get(bucket, 'cache/workflows.sqlite'))).toBe('mine');
    const puts = server.seen.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.headers['if-match'] ?? r.headers['if-none-match'])).toEqual(['*', theirs]);
  });

  it('names the object when a save is refused', async () => {
    const s = storage({ credentials: { accessKeyId: 'NOPE', secretAccessKey: 'x' } });
    const error = await s.save(new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).message).toMatch(new RegExp(`^s3://${bucket}/cache/workflows\\.sqlite: PUT failed: 403 InvalidAccessKeyId`));
  });

  it('requires an object key', () => {
    expect(() => new S3Storage({ bucket, key: 'folder/' })).toThrow('S3Storage: "key" must name an object such as "workflows.sqlite"; got "folder/"');
  });
});
