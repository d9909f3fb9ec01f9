import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentials, startS3Server, type S3TestServer } from '../s3/s3-server.js';
import { root, run, start, until } from './run.js';

// Every command that takes a workflows path or --db takes s3:// too, configured by AWS_* variables.

let server: S3TestServer;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket('cli');
  await server.put('cli', 'wf/orders.toml', '[[phase]]\ntask = "ingest:orders"\nrule = "cron=0 2 * * *"\n\n[[phase]]\ntask = "report"\ndependsOn = "ingest:orders"\n');
  await server.put('cli', 'broken/bad.toml', '[[phase]\n');
  env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_ENDPOINT_URL_S3: server.endpoint };
});
afterAll(() => server.close());

it('load reads a bucket prefix into a database kept in the bucket, and query reads it back', async () => {
  const loaded = await run(['load', 's3://cli/wf', '--db', 's3://cli/db/workflows.sqlite'], root, env);
  expect(loaded).toMatchObject({ code: 0, stderr: '' });
  expect(loaded.stdout).toBe('loaded s3://cli/wf into s3://cli/db/workflows.sqlite\nfiles: 1 loaded, 0 failed\nphases: 2\nphases with problems: 0\n');
  const queried = await run(['query', '--db', 's3://cli/db/workflows.sqlite', '--json', 'SELECT task FROM workflow_phases ORDER BY task'], root, env);
  expect(queried.code).toBe(0);
  expect(JSON.parse(queried.stdout)).toEqual([{ task: 'ingest:orders' }, { task: 'report' }]);
});

it('validate names a failing object of the bucket and exits 1', async () => {
  const result = await run(['validate', 's3://cli/broken'], root, env);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain('bad.toml:1:');
});

it('says in one line what to check when the credentials are refused', async () => {
  const result = await run(['validate', 's3://cli/wf'], root, { ...env, AWS_ACCESS_KEY_ID: 'NOPE' });
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^workflow-cache: s3:\/\/cli\/wf\/: GET failed: 403 InvalidAccessKeyId .*; check the credentials \(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\)\n$/);
});

it('watch polls a bucket, which sends no file events, every --interval', async () => {
  const watching = start(['watch', 's3://cli/wf', '--interval', '100'], root, env);
  try {
    await until(() => watching.output().includes('Ctrl-C stops'));
    expect(watching.output()).toContain('; polling)');
    await server.put('cli', 'wf/late.toml', '[[phase]]\ntask = "late"\nrule = "cron=0 * * * *"\n');
    await until(() => watching.output().includes('reloaded late.toml'));
  } finally {
    watching.child.kill('SIGTERM');
    await watching.exited;
  }
  expect(watching.output()).toMatch(/stopped\n$/);
});
