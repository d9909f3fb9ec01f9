// A refresh over a bucket in which nothing changed, against the floor of learning the same facts
// (a signed ListObjectsV2 of every page, nothing else), with the same files in a local folder for
// comparison. The bucket is s3rver on 127.0.0.1 (the tests' server), filled from the workload.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsClient } from 'aws4fetch';
import { figureOf, medians, timed } from '../harness.mjs';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * @param {typeof import('../../dist/node.js')} lib the built library
 * @param {typeof import('../../dist/s3.js')} s3lib the built `workflow-cache/s3`
 * @param {{ folder: string, budgets: typeof import('../harness.mjs').budgets }} options
 */
export async function s3Figures(lib, s3lib, { folder, budgets }) {
  const server = await startS3rver();
  try {
    const bucket = 'bench';
    await fetch(`${server.endpoint}/${bucket}`, { method: 'PUT' });
    const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    for (let i = 0; i < files.length; i += 32) {
      await Promise.all(
        files.slice(i, i + 32).map(async (f) => {
          const key = relative(folder, f).split(sep).map(encodeURIComponent).join('/');
          await fetch(`${server.endpoint}/${bucket}/${key}`, { method: 'PUT', body: await readFile(f) });
        }),
      );
    }
    const source = new s3lib.S3Source({ bucket, endpoint: server.endpoint, credentials });
    const remote = await lib.WorkflowCache.open({ workflows: source });
    const local = await lib.WorkflowCache.open({ workflows: folder });
    const signer = new AwsClient({ ...credentials, service: 's3', region: 'us-east-1' });
    const before = source.requests;
    await remote.refresh();
    const requests = source.requests - before;
    const m = await medians(budgets.medium, {
      listing: { fn: async () => listEveryPage(signer, `${server.endpoint}/${bucket}/`) },
      remote: { fn: async () => remote.refresh() },
      local: { fn: async () => local.refresh() },
    });
    await remote.close();
    await local.close();
    const n = files.length.toLocaleString('en');
    return [
      timed({ figure: `refresh() of a bucket, nothing changed (${n} objects)`, baselineName: 'signed ListObjectsV2 of every page, bare fetch', base: m.listing, ours: m.remote, target: 1.2 }),
      timed({ figure: 'the same refresh, against the same files in a local folder', baselineName: 'refresh() of the folder', base: m.local, ours: m.remote }),
      figureOf({ figure: `requests per no-change refresh of a bucket (${n} objects)`, baselineName: '—', ours: requests, unit: 'requests', target: Math.ceil(files.length / 1000) }),
    ];
  } finally {
    await server.close();
  }
}

async function listEveryPage(signer, base) {
  let token;
  let keys = 0;
  do {
    const url = `${base}?list-type=2&prefix=${token === undefined ? '' : `&continuation-token=${encodeURIComponent(token)}`}`;
    const xml = await (await fetch(await signer.sign(url))).text();
    keys += xml.split('<Key>').length - 1;
    token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? /<NextContinuationToken>([^<]*)</.exec(xml)?.[1] : undefined;
  } while (token !== undefined);
  return keys;
}

/** s3rver in its own process, as the tests run it (test/s3/s3rver-process.mjs). */
async function startS3rver() {
  const directory = await mkdtemp(join(tmpdir(), 'workflow-cache-bench-s3-'));
  const script = fileURLToPath(new URL('../../test/s3/s3rver-process.mjs', import.meta.url));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, directory], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  return {
    endpoint: `http://127.0.0.1:${String(line).trim()}`,
    async close() {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
