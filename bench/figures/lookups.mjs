// get() and children() against the same indexed query in native SQLite (better-sqlite3), and
// get() on hot keys against a plain Map.
import Database from 'better-sqlite3';
import { random } from '../generate.mjs';
import { compare } from '../harness.mjs';

/** Lookups per timed iteration: one call is below the timer's resolution. */
const BATCH = 1000;
const HOT_KEYS = 16;

// The statements the store runs for these calls (src/db/workflow-tables.ts), asked of native SQLite; the
// columns named so that each row is the object a caller gets: a phase's five fields. The store
// sorts children in JS, cheaper in sql.js; native SQLite is as fast with ORDER BY (8.0 µs both).
// Ours also runs a read cache (src/read-cache.ts); native gets none.
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
  // The pragmas src/db/open-image.ts sets on the cache's database.
  for (const pragma of ['journal_mode = MEMORY', 'synchronous = OFF', 'temp_store = MEMORY', 'locking_mode = EXCLUSIVE', 'cache_size = -16384']) {
    native.pragma(pragma);
  }
  const getStatement = native.prepare(nativeSql.get);
  const getJobStatement = native.prepare(nativeSql.getJob);
  const childrenStatement = native.prepare(nativeSql.children);
  const nativeGet = (g) => (g.job === '' ? getStatement.get(g.topic, g.file) : getJobStatement.get(g.topic, g.job, g.file));

  // `order`: files in key order, phases in file order, as phases() lists them.
  const records = shuffle(cache.phases().map((r, order) => ({ ...r, order })));
  const gets = records.slice(0, lookups).map((r) => {
    const job = lib.job(r);
    // Half the lookups name the job, as a scheduler does for topic:job tasks.
    const withJob = job !== '' && r.task.length % 2 === 0;
    return { task: { type: lib.topic(r), meta: `workflow=${r.filePath}`, ...(withJob ? { job } : {}) }, file: r.filePath, topic: lib.topic(r), job: withJob ? job : '', order: r.order };
  });
  const parents = new Map();
  for (const r of records) {
    if (r.dependsOn === '') continue;
    const [topic, job = ''] = r.dependsOn.split(':');
    const key = `${r.filePath}\n${topic}\n${job}`;
    if (!parents.has(key)) parents.set(key, { task: { type: topic, job, meta: `workflow=${r.filePath}` }, file: r.filePath, topic, job });
  }
  const childLookups = [...parents.values()].slice(0, lookups);
  // A workflow's run: get() then children() of each phase of one file, in file order; files in
  // shuffled order. Here lookups stay in one file a while, as a scheduler's do.
  const byFile = new Map();
  for (const g of gets) {
    const list = byFile.get(g.file);
    if (list) list.push(g);
    else byFile.set(g.file, [g]);
  }
  const runs = [...byFile.values()].flatMap((list) => list.sort((x, y) => x.order - y.order));

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
          for (let i = 0; i < BATCH; i++, a = (a + 1) % gets.length) nativeGet(gets[a]);
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

  a = b = 0;
  rows.push(
    await compare({
      figure: `get() + children() of each phase, file by file (${runs.length.toLocaleString('en')} phases)`,
      baselineName: 'same indexed queries, better-sqlite3',
      budget: budgets.fast,
      per: 2 * BATCH,
      target: 1.0,
      baseline: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, a = (a + 1) % runs.length) {
            nativeGet(runs[a]);
            childrenStatement.all(runs[a].file, runs[a].topic, runs[a].job);
          }
        },
      },
      ours: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, b = (b + 1) % runs.length) {
            cache.get(runs[b].task);
            cache.children(runs[b].task);
          }
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
