// get() and children() against the same indexed query in native SQLite (better-sqlite3), and
// get() on hot keys against a plain Map. Each of the two lookups is measured twice: in steady
// state (every file asked about before, as a scheduler running for days) and at first touch
// (every timed lookup asks about a file not asked about since the cache opened).
import Database from 'better-sqlite3';
import initSqlJs from 'sql.js';
import { random } from '../generate.mjs';
import { compare } from '../harness.mjs';

/** Lookups per timed iteration: one call is below the timer's resolution. */
const BATCH = 1000;
const HOT_KEYS = 16;
/** Timed iterations of a first-touch figure (after {@link FIRST_TOUCH_WARMUP}): each uses files of its own. */
const FIRST_TOUCH_ITERATIONS = 30;
const FIRST_TOUCH_WARMUP = 2;

// The statements the store runs for these calls (src/db/workflow-tables.ts) when it must ask
// SQLite about one phase, asked of native SQLite, prepared once: the floor for learning the
// same facts from SQLite. The columns named so that each row is the object a caller gets: a
// phase's five fields. Ours holds the phases of each file asked about (src/read-cache.ts), read
// whole at its first lookup; native gets no cache.
const phaseColumns = 'written_task AS task, rule, depends_on AS dependsOn, retry, template';
const nativeSql = {
  get: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND file_path = ? ORDER BY position LIMIT 1`,
  getJob: `SELECT ${phaseColumns} FROM workflow_phases WHERE topic = ? AND job = ? AND file_path = ? ORDER BY position LIMIT 1`,
  children: `SELECT ${phaseColumns} FROM workflow_phases
     WHERE file_path = ? AND depends_topic = ? AND (depends_job = '' OR depends_job = ?) ORDER BY position`,
};

// What bounds first touch, asked of sql.js (bound and stepped as the store's statements are) and
// of better-sqlite3, each opened afresh on the image: the cheapest statement that touches one
// file's rows (the index alone), and the statement the store reads a file's phases with
// (src/db/workflow-tables.ts, wholeFile), every row and column read.
const boundSql = {
  count: 'SELECT count(*) FROM workflow_phases WHERE file_path = ?',
  wholeFile: `SELECT written_task, rule, depends_on, iif(retry BETWEEN -9007199254740991 AND 9007199254740991, retry, CAST(retry AS TEXT)), template,
     position, nullif(topic, written_task), nullif(job, ''), nullif(depends_topic, depends_on), nullif(depends_job, '') FROM workflow_phases WHERE file_path = ?`,
};
// The pragmas src/db/open-image.ts sets on the cache's database. Native keeps a page cache of
// 16 MiB where ours is 2 MiB (to hold less memory): the floor gets the larger one.
const pragmas = ['journal_mode = MEMORY', 'synchronous = OFF', 'temp_store = MEMORY', 'locking_mode = EXCLUSIVE', 'cache_size = -2048'];
const nativePragmas = [...pragmas.slice(0, -1), 'cache_size = -16384'];

/**
 * @param {import('../../dist/node.js').WorkflowCache} cache a cache holding the workload
 * @param {typeof import('../../dist/node.js')} lib the built library
 * @param {object} options
 * @param {number} options.lookups distinct lookups to cycle through
 * @param {typeof import('../harness.mjs').budgets} options.budgets
 */
export async function lookupFigures(cache, lib, { lookups, budgets }) {
  const native = new Database(Buffer.from(cache.export()));
  for (const pragma of nativePragmas) native.pragma(pragma);
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

  // First touch: a cache opened afresh from the same image, asked about one task of each file,
  // files in shuffled order, so that every timed lookup is the file's first; the files run out
  // before tinybench would repeat one, hence a fixed count of iterations.
  const image = cache.export();
  const openCache = () => lib.WorkflowCache.openSaved({ storage: new lib.MemoryStorage(image) });
  const firstTouch = async ({ figure, lookupsOf, native, ours, baselineName = 'same indexed query, better-sqlite3', target, open = openCache }) => {
    const once = perFileOnce(lookupsOf);
    // One iteration more: tinybench calls each function once beforehand unless told it is not async.
    const per = Math.floor(once.length / (FIRST_TOUCH_ITERATIONS + FIRST_TOUCH_WARMUP + 1));
    const fresh = await open();
    let x = 0;
    let y = 0;
    try {
      const row = await compare({
        figure: `${figure} (${(per * (FIRST_TOUCH_ITERATIONS + FIRST_TOUCH_WARMUP)).toLocaleString('en')} files)`,
        baselineName,
        budget: { time: 0, iterations: FIRST_TOUCH_ITERATIONS, warmupTime: 0, warmupIterations: FIRST_TOUCH_WARMUP },
        per,
        target,
        baseline: {
          async: false,
          fn: () => {
            for (let i = 0; i < per; i++) native(once[x++]);
          },
        },
        ours: {
          async: false,
          fn: () => {
            for (let i = 0; i < per; i++) ours(fresh, once[y++]);
          },
        },
      });
      if (y > once.length) throw new Error('a first-touch figure asked about a file twice: fewer lookups per iteration');
      return row;
    } finally {
      await fresh.close();
    }
  };
  /** A first-touch bound: `sql` with one file's key, in sql.js and in better-sqlite3, each on a fresh copy of the image. */
  const firstTouchBound = async (figure, sql) => {
    const SQL = await initSqlJs();
    const theirs = new Database(Buffer.from(image));
    for (const pragma of nativePragmas) theirs.pragma(pragma);
    const nativeStatement = theirs.prepare(sql).raw();
    try {
      return await firstTouch({
        figure: `what bounds first touch: ${figure}, sql.js, each file once`,
        baselineName: 'the same statement, better-sqlite3',
        lookupsOf: gets,
        target: undefined,
        open: () => {
          const db = new SQL.Database(image);
          db.exec(pragmas.map((p) => `PRAGMA ${p};`).join(''));
          return Object.assign(db.prepare(sql), { close: () => db.close() });
        },
        native: (g) => nativeStatement.all(g.file),
        // As the store's Statement.all() runs it.
        ours: (statement, g) => {
          statement.bind([g.file]);
          while (statement.step()) statement.get();
          statement.reset();
        },
      });
    } finally {
      theirs.close();
    }
  };
  const nativeChildren = (c) => childrenStatement.all(c.file, c.topic, c.job);
  const rows = [];

  // Steady state: every file asked about once, untimed (which also warms the code that reads a
  // file, as a long-running scheduler's is), then the distinct lookups timed.
  for (const g of perFileOnce(gets)) cache.get(g.task);
  let a = 0;
  let b = 0;
  rows.push(
    await compare({
      figure: `get(), ${gets.length.toLocaleString('en')} distinct tasks, steady state (every file asked about before)`,
      baselineName: 'same indexed query, better-sqlite3',
      budget: budgets.fast,
      per: BATCH,
      target: 0.5,
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
  rows.push(await firstTouch({ figure: 'get(), distinct tasks, first touch of each file', target: 2.0, lookupsOf: gets, native: nativeGet, ours: (c, g) => c.get(g.task) }));
  rows.push(await firstTouchBound("SELECT count(*) of one file's rows", boundSql.count));
  rows.push(await firstTouchBound("one file's phases read by the store's statement, every row and column", boundSql.wholeFile));
  a = b = 0;
  rows.push(
    await compare({
      figure: `children(), ${childLookups.length.toLocaleString('en')} distinct tasks, steady state (every file asked about before)`,
      baselineName: 'same indexed query, better-sqlite3',
      budget: budgets.fast,
      per: BATCH,
      target: 0.5,
      baseline: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, a = (a + 1) % childLookups.length) nativeChildren(childLookups[a]);
        },
      },
      ours: {
        fn: () => {
          for (let i = 0; i < BATCH; i++, b = (b + 1) % childLookups.length) cache.children(childLookups[b].task);
        },
      },
    }),
  );

  rows.push(await firstTouch({ figure: 'children(), distinct tasks, first touch of each file', target: 2.0, lookupsOf: childLookups, native: nativeChildren, ours: (c, l) => c.children(l.task) }));

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

/** The first lookup of each file, in the order the lookups come. */
function perFileOnce(lookups) {
  const seen = new Map();
  for (const l of lookups) if (!seen.has(l.file)) seen.set(l.file, l);
  return [...seen.values()];
}

function shuffle(items) {
  const next = random(42);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
