import { Command } from 'commander';
import { describeFailure } from '../errors.js';
import { watchWorkflows, type Reload } from '../watch.js';
import type { Finish } from './finish.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { formatProblems, problemsOf, summarize } from './report.js';
import { exitCodes, wholeNumber } from './usage.js';

export function watchCommand(finish: Finish): Command {
  return new Command('watch')
    .description('load workflows, then reload them whenever they change and print each reload; Ctrl-C stops')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--db <file>', 'database file to keep them in (default: memory only)')
    .option('--poll', 'poll instead of using file events (for network drives)')
    .option('--interval <ms>', 'time between polls', wholeNumber('--interval'), 1000)
    .action(async (path: string, options: { db?: string; poll?: boolean; interval: number }) => {
      const cache = await openWorkflows(path, options.db);
      const start = summarize(cache);
      const watcher = await watchWorkflows(cache, path, { poll: options.poll ?? false, pollIntervalMs: options.interval });
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `watching ${printable(path)} (${start.files} files, ${start.phases} phases, ${start.problems.length} with problems, ` +
          `${start.failures.length} failed files; ${watcher.mode}); Ctrl-C stops`,
      );
      for (const line of formatProblems(start)) out(line);
      watcher.onReload((reload: Reload) => {
        // Counts from the database, problems of the reloaded files only: no pass over every phase.
        const now = cache.stats();
        const reloaded = reload.changed.filter((k) => !k.startsWith('-')).flatMap((k) => cache.phases(k));
        out(
          `${time()} ${reload.changed.length > 0 ? `reloaded ${reload.changed.map(printable).join(', ')}` : 'no file reloaded'}: ${now.phases} phases, ` +
            `${now.problems} with problems, ${now.failedFiles} failed files`,
        );
        for (const line of formatProblems({ problems: problemsOf(reloaded), failures: [] })) out(`  ${line}`);
        for (const f of reload.failures) out(`  failed: ${printable(describeFailure(f))}`);
      });
      watcher.onError((error) => out(`${time()} error: ${printable(error instanceof Error ? error.message : String(error))}`));
      await stopSignal();
      await watcher.stop();
      await cache.close();
      out('stopped');
      finish(exitCodes.ok);
    });
}

/** Resolves at the first SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function time(): string {
  return new Date().toTimeString().slice(0, 8);
}
