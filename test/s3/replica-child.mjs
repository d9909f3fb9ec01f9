// One scheduler replica for the replica tests: a cache of the bucket, driven over stdin/stdout
// with one JSON line per command. Runs the built package (dist/), as a user's process would.
import { createInterface } from 'node:readline';
import { WorkflowCache, MemoryStorage } from '../../dist/node.js';
import { S3Source, S3Storage } from '../../dist/s3.js';

const { s3, storageKey } = JSON.parse(process.argv[2]);
const source = new S3Source(s3);
const storage = storageKey ? new S3Storage({ ...s3, prefix: undefined, key: storageKey }) : new MemoryStorage();
const cache = await WorkflowCache.open({ workflows: source, storage, onWarning: () => {} });
const reply = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ ready: true, requests: source.requests });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.op === 'refresh') {
    const before = source.requests;
    const changed = await cache.refresh().catch((e) => e.changed ?? String(e));
    reply({ changed, requests: source.requests - before });
  } else if (command.op === 'answers') {
    reply(command.tasks.map((task) => ({ get: cache.get(task), children: cache.children(task) })));
  } else if (command.op === 'close') {
    await cache.close();
    reply({ closed: true });
    process.exit(0);
  }
}
