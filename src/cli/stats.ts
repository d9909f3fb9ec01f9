import { Command } from 'commander';
import type { WorkflowCache } from '../cache.js';
import { job, topic } from '../phase.js';
import { operations, type CacheStats, type DatabaseCounts } from '../stats.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import type { Finish } from './finish.js';
import { openDatabaseFile, openWorkflows } from './open.js';
import { columns } from './report.js';
import { exitCodes, UsageError } from './usage.js';

export function statsCommand(finish: Finish): Command {
  return new Command('stats')
    .description(
      'print counts and database size; given a workflows path, also load it and time get, children and search for every phase',
    )
    .argument('[path]', 'workflow file or folder to load and exercise')
    .option('--db <file>', 'database file (alone: counts only, read from the file)')
    .option('--json', 'print the figures as JSON')
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string | undefined, options: { db?: string; json?: boolean } & FilterFlags) => {
      if (path === undefined && options.db === undefined) throw new UsageError('stats needs a workflows path, --db <file>, or both');
      let stats: DatabaseCounts | CacheStats;
      if (path === undefined) {
        const cache = await openDatabaseFile(options.db!);
        try {
          const { operations: _unused, ...counts } = cache.stats();
          stats = counts;
        } finally {
          await cache.close();
        }
      } else {
        const cache = await openWorkflows(path, options.db, fileFilterOf(options));
        try {
          exercise(cache);
          stats = cache.stats();
        } finally {
          await cache.close();
        }
      }
      process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatStats(stats));
      finish(exitCodes.ok);
    });
}

/** Asks the cache what a scheduler would: each phase by its task, the phases after it, and each topic anywhere. */
function exercise(cache: WorkflowCache): void {
  const topics = new Set<string>();
  for (const p of cache.phases()) {
    const task = { type: topic(p), job: job(p), meta: `workflow=${encodeURIComponent(p.filePath)}` };
    cache.get(task);
    cache.children(task);
    topics.add(topic(p));
  }
  for (const t of topics) cache.search(t);
}

function formatStats(stats: DatabaseCounts | CacheStats): string {
  const lines = [
    `files: ${stats.files}  phases: ${stats.phases}  phases with problems: ${stats.problems}  failed files: ${stats.failedFiles}`,
    `history versions: ${stats.historyVersions}`,
    `database size: ${stats.databaseBytes} bytes (${(stats.databaseBytes / 1024).toFixed(1)} KiB)`,
  ];
  if ('operations' in stats) {
    const ms = (n: number) => n.toFixed(3);
    const rows = operations.map((op) => {
      const o = stats.operations[op];
      return [op, String(o.count), String(o.errors), ms(o.p50), ms(o.p95), ms(o.p99), ms(o.max)];
    });
    lines.push('', ...columns([['operation', 'calls', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], ...rows], [false, true, true, true, true, true, true]));
  }
  return `${lines.join('\n')}\n`;
}
