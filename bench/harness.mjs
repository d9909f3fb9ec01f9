// Runs one figure: a baseline and our code as two tinybench tasks in the same bench, compared by
// their median latency, so machine drift hits both sides alike.
import { Bench } from 'tinybench';

/** How long tinybench measures each side: fast lookups get time, slow loads a few runs. */
export const budgets = {
  fast: { time: 1500, iterations: 20, warmupTime: 300, warmupIterations: 5 },
  medium: { time: 0, iterations: 15, warmupTime: 0, warmupIterations: 2 },
  slow: { time: 0, iterations: 5, warmupTime: 0, warmupIterations: 1 },
};

/** The same budgets, cut down for the quick run. */
export const quickBudgets = {
  fast: { time: 500, iterations: 10, warmupTime: 100, warmupIterations: 3 },
  medium: { time: 0, iterations: 7, warmupTime: 0, warmupIterations: 1 },
  slow: { time: 0, iterations: 3, warmupTime: 0, warmupIterations: 1 },
};

/**
 * Runs tasks in one bench and returns each one's median latency in ms.
 * @param {object} budget one of {@link budgets} or {@link quickBudgets}
 * @param {Record<string, { fn: Function, beforeEach?: Function, afterEach?: Function }>} tasks
 * @returns {Promise<Record<string, number>>}
 */
export async function medians(budget, tasks) {
  const bench = new Bench({ ...budget, throws: true });
  for (const [name, { fn, ...hooks }] of Object.entries(tasks)) bench.add(name, fn, hooks);
  await bench.run();
  return Object.fromEntries(bench.tasks.map((t) => [t.name, t.result.latency.p50]));
}

/**
 * Measures `baseline` and `ours` in one bench and returns the figure.
 * @param {object} spec
 * @param {string} spec.figure what is measured
 * @param {string} spec.baselineName what the baseline is
 * @param {{ fn: Function, beforeEach?: Function, afterEach?: Function }} spec.baseline
 * @param {{ fn: Function, beforeEach?: Function, afterEach?: Function }} spec.ours
 * @param {number} spec.target the highest ratio that passes
 * @param {number} [spec.per] operations per iteration, to report time per operation
 * @param {object} spec.budget one of {@link budgets} or {@link quickBudgets}
 */
export async function compare({ figure, baselineName, baseline, ours, target, per = 1, budget }) {
  const m = await medians(budget, { baseline, ours });
  return timed({ figure, baselineName, base: m.baseline / per, ours: m.ours / per, per, target });
}

/** A figure from two median times. */
export function timed({ figure, baselineName, base, ours, per = 1, target }) {
  return { figure, baselineName, base, ours, unit: per === 1 ? 'ms' : 'ms/op', ratio: ours / base, target };
}

/** A figure measured outside tinybench (memory, bundle size, counts); without a target it is shown for information. */
export function figureOf({ figure, baselineName, base, ours, unit, target }) {
  return { figure, baselineName, base, ours, unit, ratio: base === undefined ? ours : ours / base, target };
}

/** The results as a Markdown table: figure, baseline, ratio, target, pass/fail. */
export function table(rows) {
  const lines = [
    '| figure | baseline | ours | baseline time | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const pass = r.ratio <= r.target;
    if (r.target === undefined) {
      lines.push(`| ${r.figure} | ${r.baselineName} | ${format(r.ours, r.unit)} | ${r.base === undefined ? '—' : format(r.base, r.unit)} | ${r.base === undefined ? '—' : `${r.ratio.toFixed(2)}x`} | — | for information |`);
      continue;
    }
    const shown = r.base === undefined ? `${format(r.ours, r.unit)}` : `${r.ratio.toFixed(2)}x`;
    const target = r.base === undefined ? `≤ ${format(r.target, r.unit)}` : `≤ ${r.target}x`;
    lines.push(
      `| ${r.figure} | ${r.baselineName} | ${format(r.ours, r.unit)} | ${r.base === undefined ? '—' : format(r.base, r.unit)} | ${shown} | ${target} | ${pass ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n');
}

function format(value, unit) {
  if (unit === 'ms/op') return `${(value * 1000).toFixed(2)} µs/op`;
  if (unit === 'ms') return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
  if (unit === 'MB') return `${value.toFixed(1)} MB`;
  if (unit === 'KB') return `${value.toFixed(2)} KB`;
  return `${value} ${unit}`;
}
