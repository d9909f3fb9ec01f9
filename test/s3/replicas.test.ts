// Several replicas (processes) over one bucket: each keeps its own database and answers as a
// fresh load of the bucket does after every refresh, and a replica can start warm from the image
// another one saved, paying only for what changed since.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { WorkflowCache, type Task } from '../../src/index.node.js';
import { S3Source, type S3Options } from '../../src/index.s3.js';
import { credentials, startS3Server, type S3TestServer } from './s3-server.js';

let server: S3TestServer;
const bucket = 'replicas';
beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(bucket);
});
afterAll(() => server.close());

const s3 = (): S3Options => ({ bucket, prefix: 'wf', endpoint: server.endpoint, credentials });

/** A replica process and a way to send it commands. */
async function replica(storageKey?: string): Promise<{ send: (command: object) => Promise<any>; ready: any }> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [fileURLToPath(new URL('replica-child.mjs', import.meta.url)), JSON.stringify({ s3: s3(), storageKey })]);
  onTestFinished(() => {
    child.kill();
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value));
  const ready = await next();
  return { ready, send: async (command) => (child.stdin.write(`${JSON.stringify(command)}\n`), next()) };
}

function flow(name: string, cron: string, extra = ''): string {
  return `[[phase]]\ntask = "${name}"\nrule = "cron=${cron}"\n\n[[phase]]\ntask = "${name}-next"\ndependsOn = "${name}"\n${extra}`;
}

/** Every task of every file of the fresh load, asked of a replica and of the fresh load alike. */
async function expectSameAsFreshLoad(replicas: { send: (c: object) => Promise<any> }[]): Promise<void> {
  const fresh = await WorkflowCache.open({ workflows: new S3Source(s3()), onWarning: () => {} });
  try {
    const tasks: Task[] = fresh.phases().map((p) => ({ type: p.task.split(':')[0], meta: `workflow=${p.filePath}` }));
    tasks.push({ type: 'gone', meta: 'workflow=b.toml' });
    const expected = tasks.map((task) => ({ get: fresh.get(task), children: fresh.children(task) }));
    for (const r of replicas) expect(await r.send({ op: 'answers', tasks })).toEqual(expected);
  } finally {
    await fresh.close();
  }
}

it('two replicas that refresh after edits answer as a fresh load of the bucket', async () => {
  await server.put(bucket, 'wf/a.toml', flow('a', '0 * * * *'));
  await server.put(bucket, 'wf/b.toml', flow('gone', '0 1 * * *'));
  const [one, two] = await Promise.all([replica(), replica()]);
  await expectSameAsFreshLoad([one, two]);

  await server.put(bucket, 'wf/a.toml', flow('a', '0 2 * * *', 'retry = 4\n'));
  await server.remove(bucket, 'wf/b.toml');
  await server.put(bucket, 'wf/c/d.toml', flow('d', '@daily'));
  expect((await one.send({ op: 'refresh' })).changed).toEqual(['a.toml', 'c/d.toml', '-b.toml']);
  expect((await two.send({ op: 'refresh' })).changed).toEqual(['a.toml', 'c/d.toml', '-b.toml']);
  await expectSameAsFreshLoad([one, two]);

  const quiet = await one.send({ op: 'refresh' });
  expect(quiet).toEqual({ changed: [], requests: 1 });
});

it('a replica starts warm from the image another saved, then reads only what changed since', async () => {
  for (let i = 0; i < 20; i++) await server.put(bucket, `wf/warm/${i}.toml`, flow(`w${i}`, '0 * * * *'));
  const saver = await replica('images/shared.sqlite');
  await saver.send({ op: 'close' });
  await server.put(bucket, 'wf/warm/3.toml', flow('w3', '0 5 * * *'));

  server.seen = [];
  const late = await replica('images/shared.sqlite');
  // The image and one listing (asked at once, so in either order), the one object edited since
  // the image was saved, and the save of that change, conditional on the image it started from.
  const seen = server.seen.map((r) => `${r.method} ${r.url.replace(/\?.*/, '?list')}`);
  expect(seen.slice(0, 2).sort()).toEqual([`GET /${bucket}/?list`, `GET /${bucket}/images/shared.sqlite`]);
  expect(seen.slice(2)).toEqual([`GET /${bucket}/wf/warm/3.toml`, `PUT /${bucket}/images/shared.sqlite`]);
  expect(server.seen[3].headers['if-match']).toMatch(/^"[0-9a-f]{32}"$/);
  expect(late.ready.requests).toBe(2);
  await expectSameAsFreshLoad([late]);
});
