// S3Source against a real S3 API (s3rver on 127.0.0.1): the same answers as the same files in a
// folder, change detection by ETag with the requests counted by the server, pagination, and
// errors that name the bucket and key.
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RefreshError, WorkflowCache } from '../../src/index.node.js';
import { S3Error, S3Source, type S3Options } from '../../src/index.s3.js';
import { useTempDirs, writeFiles } from '../helpers.js';
import { credentials, startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
let bucketNumber = 0;
let bucket: string;
const tempDir = useTempDirs();

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.close());
beforeEach(async () => {
  bucket = `wf-${++bucketNumber}`;
  await server.createBucket(bucket);
  server.seen = [];
  server.faults = [];
});

function options(extra: Partial<S3Options> = {}): S3Options {
  return { bucket, endpoint: server.endpoint, credentials, retries: 2, ...extra };
}

/** A port of 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

async function putAll(files: Record<string, string>, prefix = ''): Promise<void> {
  for (const [key, text] of Object.entries(files)) await server.put(bucket, prefix + key, text);
}

async function open(source: S3Source): Promise<WorkflowCache> {
  return WorkflowCache.open({ workflows: source, onWarning: () => {} });
}

const files = {
  'orders.toml': '[[phase]]\ntask = "ingest:orders"\nrule = "cron=0 2 * * *"\n\n[[phase]]\ntask = "report"\ndependsOn = "ingest:orders"\n',
  'group/daily.toml': '[[phase]]\ntask = "load"\nrule = "cron=0 * * * *&job=hourly"\n\n[[phase]]\ntask = "sum"\ndependsOn = "load:hourly"\nretry = 3\n',
  'group/deep/odd name+%.toml': '[[phase]]\ntask = "odd"\nrule = "files=/in/*.csv"\n',
  'broken.toml': '[[phase]\ntask = "x"\n',
};

describe('S3Source', () => {
  it('gives the same phases, failures and answers as the same files in a folder', async () => {
    const dir = await tempDir();
    await writeFiles(dir, files);
    await putAll(files, 'wf/');
    const local = await WorkflowCache.open({ workflows: dir, onWarning: () => {} });
    const remote = await open(new S3Source(options({ prefix: 'wf' })));
    try {
      expect(remote.phases()).toEqual(local.phases());
      expect(remote.failures()).toEqual(local.failures());
      for (const { filePath, task } of local.phases()) {
        const [type, job] = task.split(':');
        const meta = `workflow=${filePath}`;
        expect(remote.get({ type, job, meta })).toEqual(local.get({ type, job, meta }));
        expect(remote.children({ type, job, meta })).toEqual(local.children({ type, job, meta }));
        expect(remote.search(type, job)).toEqual(local.search(type, job));
      }
    } finally {
      await local.close();
      await remote.close();
    }
  });

  it('lists the prefix once and reads no object when nothing changed', async () => {
    await putAll({ 'a.toml': files['orders.toml'], 'b.toml': files['group/daily.toml'] });
    const cache = await open(new S3Source(options()));
    server.seen = [];
    expect(await cache.refresh()).toEqual([]);
    expect(server.seen.map((r) => r.method + ' ' + r.url.split('?')[0])).toEqual([`GET /${bucket}/`]);
    await cache.close();
  });

  it('reloads an edited object and reports a deleted one as -key', async () => {
    await putAll({ 'a.toml': files['orders.toml'], 'b.toml': files['group/daily.toml'] });
    const cache = await open(new S3Source(options()));
    await server.put(bucket, 'a.toml', files['orders.toml'].replace('0 2 * * *', '0 3 * * *'));
    await server.remove(bucket, 'b.toml');
    server.seen = [];
    expect(await cache.refresh()).toEqual(['a.toml', '-b.toml']);
    expect(server.seen.map((r) => r.url.replace(/\?.*/, '?…'))).toEqual([`/${bucket}/?…`, `/${bucket}/a.toml`]);
    expect(cache.get({ type: 'ingest', job: 'orders', meta: 'workflow=a.toml' }).rule).toBe('cron=0 3 * * *');
    await cache.close();
  });

  it('keeps the last good phases of an object that stops parsing, and names it', async () => {
    await putAll({ 'a.toml': files['orders.toml'] });
    const cache = await open(new S3Source(options()));
    await server.put(bucket, 'a.toml', '[[phase]\n');
    const error = await cache.refresh().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshError);
    expect((error as RefreshError).failures.map((f) => [f.file, f.line])).toEqual([['a.toml', 1]]);
    expect(cache.get({ type: 'report', meta: 'workflow=a.toml' }).dependsOn).toBe('ingest:orders');
    await cache.close();
  });

  it('treats a prefix as a folder: wf and wf/ are the same, wf-archive is not below wf', async () => {
    await putAll({ 'wf/a.toml': files['orders.toml'], 'wf-archive/x.toml': files['orders.toml'] });
    const keys = async (prefix: string) => (await new S3Source(options({ prefix })).list()).map((e) => e.key);
    expect(await keys('wf')).toEqual(['a.toml']);
    expect(await keys('wf/')).toEqual(['a.toml']);
    expect(await keys('/wf/')).toEqual(['a.toml']);
  });

  it('follows continuation tokens past one page of 1,000 keys', async () => {
    const names = Array.from({ length: 2345 }, (_, i) => `p/${String(i).padStart(5, '0')}.toml`);
    const started = Date.now();
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => server.put(bucket, n, `[[phase]]\ntask = "t${n}"\nrule = "files=x"\n`)));
    }
    console.log(`put ${names.length} objects in ${Date.now() - started} ms`);
    server.seen = [];
    const listed = await new S3Source(options()).list();
    expect(listed.map((e) => e.key)).toEqual(names);
    expect(server.seen.length).toBe(3);
    expect(server.seen.slice(1).every((r) => r.url.includes('continuation-token='))).toBe(true);
  }, 120_000);

  it('signs every request with SigV4 when credentials are given', async () => {
    await putAll({ 'a.toml': files['orders.toml'] });
    await new S3Source(options()).read('a.toml');
    expect(server.seen[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date/);
    expect(server.seen[0].headers['x-amz-content-sha256']).toMatch(/^([0-9a-f]{64}|UNSIGNED-PAYLOAD)$/);
  });
});

describe('S3Source retries and errors', () => {
  it('retries throttling and 5xx answers with backoff, then succeeds', async () => {
    await putAll({ 'a.toml': files['orders.toml'] });
    server.faults = [{ status: 503, code: 'SlowDown' }, { status: 500, code: 'InternalError' }];
    const cache = await open(new S3Source(options()));
    expect(cache.get({ type: 'report', meta: 'workflow=a.toml' }).task).toBe('report');
    expect(server.seen.filter((r) => r.url.startsWith(`/${bucket}/?`)).length).toBe(3);
    await cache.close();
  });

  it('gives up after the retries with an error naming the bucket, the status and the tries', async () => {
    server.faults = Array(3).fill({ status: 503, code: 'SlowDown' });
    const error = await new S3Source(options()).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).message).toBe(`s3://${bucket}/: GET failed: 503 SlowDown (SlowDown (served by the test front)) (after 3 tries)`);
  });

  it('fails an object that cannot be read alone, naming it, and keeps its last good phases', async () => {
    await putAll({ 'a.toml': files['orders.toml'], 'b.toml': files['group/daily.toml'] });
    const cache = await open(new S3Source(options({ retries: 0 })));
    await server.put(bucket, 'a.toml', files['orders.toml'] + '\n');
    await server.put(bucket, 'b.toml', files['group/daily.toml'] + '\n');
    server.failing.set(`/${bucket}/a.toml`, { status: 403, code: 'AccessDenied' });
    try {
      const error = (await cache.refresh().catch((e: unknown) => e)) as RefreshError;
      expect(error).toBeInstanceOf(RefreshError);
      expect(error.changed).toEqual(['b.toml']);
      expect(error.failures.map((f) => f.message)).toEqual([
        `a.toml: cannot read: s3://${bucket}/a.toml: GET failed: 403 AccessDenied (AccessDenied (served by the test front)); the credentials lack permission for this bucket or key`,
      ]);
      expect(cache.get({ type: 'report', meta: 'workflow=a.toml' }).task).toBe('report');
    } finally {
      server.failing.clear();
      await cache.close();
    }
  });

  it('says to check the credentials when the access key is unknown', async () => {
    const error = await new S3Source(options({ credentials: { accessKeyId: 'NOPE', secretAccessKey: 'x' } })).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).message).toMatch(new RegExp(`^s3://${bucket}/: GET failed: 403 InvalidAccessKeyId .*; check the credentials \\(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\\)$`));
    expect((error as S3Error).code).toBe('InvalidAccessKeyId');
  });

  it('says the bucket does not exist', async () => {
    const error = await new S3Source(options({ bucket: 'no-such-bucket' })).list().catch((e: unknown) => e);
    expect((error as S3Error).message).toMatch(/^s3:\/\/no-such-bucket\/: GET failed: 404 NoSuchBucket .*; check the bucket name and the endpoint$/);
  });

  it('says the service cannot be reached when nothing listens', async () => {
    const port = await closedPort();
    const error = await new S3Source(options({ endpoint: `http://127.0.0.1:${port}`, retries: 1 })).list().catch((e: unknown) => e);
    expect((error as S3Error).message).toBe(`s3://${bucket}/: GET failed: cannot reach http://127.0.0.1:${port} (ECONNREFUSED) (after 2 tries)`);
  });

  it('abandons a request that gets no answer within the time limit, and retries it', async () => {
    await putAll({ 'a.toml': files['orders.toml'] });
    server.faults = ['silence'];
    const listed = await new S3Source(options({ timeoutMs: 300 })).list();
    expect(listed.map((e) => e.key)).toEqual(['a.toml']);
    server.faults = ['silence', 'silence'];
    const error = await new S3Source(options({ timeoutMs: 300, retries: 1 })).list().catch((e: unknown) => e);
    expect((error as S3Error).message).toBe(`s3://${bucket}/: GET failed: no answer within 300 ms (after 2 tries)`);
  });

  it('rejects unknown options, naming the valid ones', () => {
    expect(() => new S3Source({ ...options(), Bucket: 'x' } as S3Options)).toThrow(/unknown option "Bucket"; expected one of bucket, prefix, endpoint/);
  });
});

describe('s3:// paths in Node', () => {
  it('opens workflows and storage from s3:// strings configured by AWS_* variables', async () => {
    await putAll({ 'wf/a.toml': files['orders.toml'] });
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_ENDPOINT_URL_S3: server.endpoint, AWS_REGION: 'eu-west-1' });
    try {
      const cache = await WorkflowCache.open({ workflows: `s3://${bucket}/wf`, storage: `s3://${bucket}/db/workflows.sqlite`, onWarning: () => {} });
      expect(cache.get({ type: 'report', meta: 'workflow=a.toml' }).task).toBe('report');
      await cache.close();
      expect(await server.keys(bucket, 'db/')).toEqual(['db/workflows.sqlite']);
      expect(server.seen.every((r) => String(r.headers.authorization).includes('/eu-west-1/s3/'))).toBe(true);
    } finally {
      process.env = saved;
    }
  });
});
