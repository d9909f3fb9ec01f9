import { Command } from 'commander';
import type { Finish } from './finish.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import { filesBefore, formatChanges } from './load-changes.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { clean, formatSummary, summarize } from './report.js';
import { exitCodes } from './usage.js';

export function loadCommand(finish: Finish): Command {
  return new Command('load')
    .description('load a folder (or file) of workflows into a database and print a summary; exits 1 when any phase has a problem or any file failed')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--db <file>', 'database file to keep them in; unchanged files are not loaded again (default: memory only)')
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string, options: { db?: string } & FilterFlags) => {
      const before = await filesBefore(options.db);
      const cache = await openWorkflows(path, options.db, fileFilterOf(options));
      try {
        const summary = summarize(cache);
        const where = options.db === undefined ? 'memory only (pass --db <file> to keep it)' : options.db;
        const changes = before === undefined ? [] : formatChanges(before, cache);
        process.stdout.write([`loaded ${printable(path)} into ${printable(where)}`, ...changes, formatSummary(summary)].join('\n') + '\n');
        finish(clean(summary) ? exitCodes.ok : exitCodes.problems);
      } finally {
        await cache.close();
      }
    });
}
