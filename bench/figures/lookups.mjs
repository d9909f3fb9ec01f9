// get() and children() against the same indexed query in native SQLite (better-sqlite3), and
// get() on hot keys against a plain Map.
import Database from 'better-sqlite3';
import { random } from '../generate.mjs';
import { compare } from '../harness.mjs';

/** Lookups per timed iteration: one call is below the timer's resolution. */
const BATCH = 1000;
const HOT_KEYS = 16;

// The statements the store runs for these calls (src/store.ts), asked of native SQLite; the
// columns named so that each row is the object a caller gets: a phase's five fields.
const phaseColumns = 'written_task AS task, rule, depends_on AS dependsOn, retry, template';
const nativeSql = {
  get: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND file_path = ? ORDER BY position LIMIT 1`,
  getJob: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND job = ? AND file_path = ? ORDER BY position LIMIT 1`,
  children: `SELECT ${phaseColumns} FROM workflow_phases
     WHERE file_path = ? AND depends_topic = ? AND (depends_job = '' OR depends_job = ?) ORDER BY position`,
};

/**
 * @param {import('../../dist/node.js').WorkflowCache} cache a cache holding the workload
 * @param {typeof import('../../dist/node.js')} lib the built library
 * @param {object} options
 * @param {number} options.lookups distinct lookups to cycle through
 * @param {typeof import('../harness.mjs').budgets} options.budgets
 */
export async function lookupFigures(cache, lib, { lookups, budgets }) {
  const native = new Database(Buffer.from(cache.export()));
  // The pragmas src/image.ts sets on the cache's database.
  for (const pragma of ['journal_mode = MEMORY', 'synchronous = OFF', 'temp_store = MEMORY', 'locking_mode = EXCLUSIVE', 'cache_size = -16384']) {
    native.pragma(pragma);
  }
  const getStatement = native.prepare(nativeSql.get);
  const getJobStatement = native.prepare(nativeSql.getJob);
  const childrenStatement = native.prepare(nativeSql.children);

  const records = shuffle(cache.phases());
  const gets = records.slice(0, lookups).map((r) => {
    const job = lib.job(r);
    // Half the lookups name the job, as a scheduler does for topic:job tasks.
    const withJob = job !== '' && r.task.length % 2 === 0;
    return { task: { type: lib.topic(r), meta: `workflow=${r.filePath}`, ...(withJob ? { job } : {}) }, file: r.filePath, topic: lib.topic(r), job: withJob ? job : '' };
  });
  const parents = new Map();
  for (const r of records) {
    if (r.dependsOn === '') continue;
    const [topic, job = ''] = r.dependsOn.split(':');
    const key = `${r.filePath}\n${topic}\n${job}`;
    if (!parents.has(key)) parents.set(key, { task: { type: topic, job, meta: `workflow=${r.filePath}` }, file: r.filePath, topic, job });
  }
  const childLookups = [...parents.values()].slice(0, lookups);

  const rows = [];
  let a = 0;
  let b = 0;
  rows.push(
    await compare({
      figure: `get(), ${gets.length.toLocaleString('en')} distinct lookups`,
      baselineName: 'same indexed query, better-sqlite3',
      budget: budgets.fast,
      per: BATCH,
      target: 1.0,
      baseline: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, a = (a + 1) % gets.length) {
            const g = gets[a];
            if (g.job === '') getStatement.get(g.topic, g.file);
            else getJobStatement.get(g.topic, g.job, g.file);
          }
        },
      },
      ours: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, b = (b + 1) % gets.length) cache.get(gets[b].task);
        },
      },
    }),
  );
  a = b = 0;
  rows.push(
    await compare({
      figure: `children(), ${childLookups.length.toLocaleString('en')} distinct lookups`,
      baselineName: 'same indexed query, better-sqlite3',
      budget: budgets.fast,
      per: BATCH,
      target: 1.0,
      baseline: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, a = (a + 1) % childLookups.length) {
            const c = childLookups[a];
            childrenStatement.all(c.file, c.topic, c.job);
          }
        },
      },
      ours: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, b = (b + 1) % childLookups.length) cache.children(childLookups[b].task);
        },
      },
    }),
  );

  // Hot keys: tasks arrive as new objects (decoded from a message), so a Map must be keyed by
  // their fields, not by the objects.
  const hot = gets.slice(0, HOT_KEYS);
  const map = new Map(hot.map((g) => [`${g.task.meta}\n${g.task.type}\n${g.task.job ?? ''}`, cache.get(g.task)]));
  let sink = 0;
  rows.push(
    await compare({
      figure: `get(), ${HOT_KEYS} hot keys`,
      baselineName: 'Map lookup keyed by the task fields',
      budget: budgets.fast,
      per: BATCH,
      target: 3.0,
      baseline: {
        fn: () => {
          for (let i = 0; i < BATCH; i++) {
            const t = hot[i % HOT_KEYS].task;
            sink += map.get(`${t.meta}\n${t.type}\n${t.job ?? ''}`).retry;
          }
        },
      },
      ours: {
        fn: () => {
          for (let i = 0; i < BATCH; i++) sink += cache.get(hot[i % HOT_KEYS].task).retry;
        },
      },
    }),
  );
  native.close();
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the lookups from being optimised away');
  return rows;
}

function shuffle(items) {
  const next = random(42);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
