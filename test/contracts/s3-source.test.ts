// S3Source keeps the source contract against a real S3 API (s3rver on 127.0.0.1), below a
// prefix of a bucket of its own per test; objects are written directly, as another tool would.
import { afterAll, beforeAll } from 'vitest';
import { S3Source } from '../../src/index.s3.js';
import { credentials, startS3Server, type S3TestServer } from '../s3/s3-server.js';
import { testSource } from './source-contract.js';

let server: S3TestServer;
let buckets = 0;

beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server.close());

testSource({
  stamps: ['size', 'version'],
  enforcesReadLimit: true,
  emptyFolders: true,
  async make() {
    const bucket = `contract-${++buckets}`;
    await server.createBucket(bucket);
    const prefix = 'workflows/';
    return {
      source: new S3Source({ bucket, prefix: 'workflows', endpoint: server.endpoint, credentials, retries: 0 }),
      location: `s3://${bucket}/${prefix}`,
      write: async (key, bytes) => void (await server.put(bucket, prefix + key, bytes)),
      remove: (key) => server.remove(bucket, prefix + key),
      // A console's "create folder": a zero-byte object whose key ends in /.
      emptyFolder: async (key) => void (await server.put(bucket, `${prefix}${key}/`, '')),
    };
  },
});
