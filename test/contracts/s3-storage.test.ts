// S3Storage keeps the storage contract against a real S3 API (s3rver on 127.0.0.1, behind a
// front that checks conditional writes as AWS does), in a bucket of its own per test.
import { afterAll, beforeAll } from 'vitest';
import { S3Storage, type S3StorageOptions } from '../../src/index.s3.js';
import { credentials, startS3Server, type S3TestServer } from '../s3/s3-server.js';
import { testStorage } from './storage-contract.js';

let server: S3TestServer;
let buckets = 0;

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.close());

testStorage({
  shared: true,
  movesAside: true,
  claims: false,
  async make() {
    const bucket = `contract-${++buckets}`;
    await server.createBucket(bucket);
    const options: S3StorageOptions = { bucket, key: 'cache/workflows.sqlite', endpoint: server.endpoint, credentials, retries: 0 };
    return {
      storage: new S3Storage(options),
      location: `s3://${bucket}/cache/workflows.sqlite`,
      reopen: () => new S3Storage(options),
      readAside: (where) => server.get(bucket, where.slice(`s3://${bucket}/`.length)),
    };
  },
});
