// Writes a seeded, reproducible folder of workflow files for the benchmarks and the large-scale
// test: cron roots, chains of dependsOn, some topic:job tasks, nested folders, ~300 bytes a phase.
//   node bench/generate.mjs [--quick] [folder]
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The two workloads: quick (1,000 files) and full (10,000 files, 100,000 phases). */
export const workloads = {
  full: { files: 10_000, phasesPerFile: 10, seed: 5 },
  quick: { files: 1_000, phasesPerFile: 10, seed: 5 },
};

/** Every file gets this mtime (plus its index in seconds): reruns produce identical folders. */
const EPOCH_MS = Date.UTC(2024, 0, 1);

/** Topics are drawn from a pool smaller than the phase count, so a topic recurs across files. */
const TOPIC_POOL_RATIO = 0.3;

const jobs = ['hourly', 'daily', 'backfill', 'eu', 'us', 'apac', 'retry', 'audit'];
const crons = ['0 * * * *', '15 */2 * * *', '0 0 * * *', '0 30 6 * * *', '@hourly', '@daily', '*/10 * * * *', '0 0 1 * *'];
const buckets = ['raw-events', 'warehouse', 'exports', 'clickstream', 'billing'];

/** mulberry32: small, fast and the same on every machine. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The files of a workload as key and TOML text, in key order, without touching the disk.
 * @param {{ files: number, phasesPerFile: number, seed: number }} workload
 * @returns {{ key: string, text: string }[]}
 */
export function workflowFiles({ files, phasesPerFile, seed }) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const topics = Math.max(8, Math.floor(files * phasesPerFile * TOPIC_POOL_RATIO));
  const out = [];
  let spread = 0;
  for (let i = 0; i < files; i++) {
    // Pairs of files balance each other, so the total is exactly files * phasesPerFile.
    if (i % 2 === 0) spread = i + 1 < files ? Math.floor(next() * (phasesPerFile / 2 + 1)) : 0;
    const count = phasesPerFile + (i % 2 === 0 ? spread : -spread);
    out.push({ key: fileKeyOf(i, next), text: fileText(i, count, next, pick, topics) });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function fileKeyOf(i, next) {
  const name = `wf-${String(i).padStart(5, '0')}.toml`;
  const group = `team-${String(i % 40).padStart(2, '0')}`;
  // A third of the files sit one level deeper.
  return next() < 1 / 3 ? `${group}/pipelines-${i % 7}/${name}` : `${group}/${name}`;
}

function fileText(i, count, next, pick, topics) {
  const used = new Set();
  const phases = [];
  for (let p = 0; p < count; p++) {
    let topic;
    let job = '';
    let key;
    do {
      topic = `topic-${Math.floor(next() * topics)}`;
      job = next() < 0.3 ? pick(jobs) : '';
      key = job ? `${topic}:${job}` : topic;
    } while (used.has(key));
    used.add(key);
    // Roots: the first phase, and now and then another one; the rest chain onto earlier phases.
    const root = p === 0 || next() < 0.1;
    const parent = root ? undefined : phases[p - 1 - Math.floor(next() * Math.min(p, 3))];
    const inRule = job !== '' && next() < 0.3;
    const task = job && !inRule ? `${topic}:${job}` : topic;
    const dependsOn = parent ? (parent.job && next() < 0.5 ? `${parent.topic}:${parent.job}` : parent.topic) : '';
    const ruleParts = [];
    if (root) ruleParts.push(`cron=${pick(crons)}`, `offset=-${1 + Math.floor(next() * 6)}h`);
    else ruleParts.push(`require=${pick(['present', 'complete', 'any'])}`);
    if (inRule) ruleParts.push(`job=${job}`);
    const bucket = pick(buckets);
    const template =
      `s3://${bucket}/workflows/${String(i).padStart(5, '0')}/${topic}/{yyyy}/{mm}/{dd}/{hh}/part-*.json.gz` +
      `?dest=s3://${bucket}-out/${topic}/{yyyy}-{mm}-{dd}T{hh}&fields=id,ts,user,session,amount,currency,region` +
      `&batch=${500 + Math.floor(next() * 9500)}&format=ndjson`;
    phases.push({ topic, job, task, dependsOn, rule: ruleParts.join('&'), retry: Math.floor(next() * 4), template });
  }
  return phases
    .map(
      (ph) =>
        `[[phase]]\ntask = "${ph.task}"\n` +
        (ph.dependsOn ? `dependsOn = "${ph.dependsOn}"\n` : '') +
        `rule = "${ph.rule}"\nretry = ${ph.retry}\ntemplate = "${ph.template}"\n`,
    )
    .join('\n');
}

/**
 * Writes a workload below `folder` (emptied first); every file gets a fixed mtime in the past.
 * @returns {Promise<{ files: number, phases: number, bytes: number }>}
 */
export async function generate(folder, workload) {
  await rm(folder, { recursive: true, force: true });
  const files = workflowFiles(workload);
  const folders = new Set(files.map((f) => join(folder, f.key, '..')));
  for (const f of folders) await mkdir(f, { recursive: true });
  let bytes = 0;
  const PARALLEL = 64;
  for (let i = 0; i < files.length; i += PARALLEL) {
    await Promise.all(
      files.slice(i, i + PARALLEL).map(async (f, j) => {
        const path = join(folder, f.key);
        await writeFile(path, f.text);
        const when = new Date(EPOCH_MS + (i + j) * 1000);
        await utimes(path, when, when);
      }),
    );
  }
  for (const f of files) bytes += Buffer.byteLength(f.text);
  return { files: files.length, phases: workload.files * workload.phasesPerFile, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const folder = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? fileURLToPath(new URL(`data/${quick ? 'quick' : 'full'}`, import.meta.url));
  const made = await generate(folder, quick ? workloads.quick : workloads.full);
  console.log(`${folder}: ${made.files} files, ${made.phases} phases, ${(made.bytes / 1e6).toFixed(1)} MB`);
}
