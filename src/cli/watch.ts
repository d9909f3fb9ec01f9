import { Command } from 'commander';
import type { WorkflowCache } from '../cache.js';
import { describeFailure, WorkflowPathError } from '../errors.js';
import type { Reload, WorkflowWatcher } from '../watch.js';
import type { Finish } from './finish.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import { openWorkflows } from './open.js';
import { clearProgress } from './progress.js';
import { printable } from './printable.js';
import { formatProblems, problemsOf, summarize } from './report.js';
import { untilStopped } from './until-stopped.js';
import { exitCodes, wholeNumber } from './usage.js';
import { messageOf } from '../message-of.js';

export function watchCommand(finish: Finish): Command {
  return new Command('watch')
    .description('load workflows, then reload them whenever they change and print each reload; Ctrl-C stops')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--db <file>', 'database file to keep them in (default: memory only)')
    .option('--poll', 'poll instead of using file events (for network drives)')
    .option('--interval <ms>', 'time between polls (a bucket is always polled)', wholeNumber('--interval'), 1000)
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string, options: { db?: string; poll?: boolean; interval: number } & FilterFlags) => {
      // Held from before the open: a signal or a fatal error at any point still closes the
      // cache, so the database's lock is never left behind.
      const stopping = untilStopped();
      try {
        await watchUntilStopped(path, options, stopping.reason);
      } finally {
        stopping.dispose();
      }
      finish(exitCodes.ok);
    });
}

async function watchUntilStopped(path: string, options: { db?: string; poll?: boolean; interval: number } & FilterFlags, stopped: Promise<Error | undefined>): Promise<void> {
  const cache = await openWorkflows(path, options.db, fileFilterOf(options));
  let watcher: WorkflowWatcher | undefined;
  let fatal: unknown;
  try {
    // The cache's own watcher: its refreshes look only at the paths the events named.
    watcher = cache.watch({ poll: options.poll ?? false, pollIntervalMs: options.interval });
    report(cache, watcher, path);
    fatal = await stopped;
  } catch (error) {
    fatal = error;
  }
  await watcher?.stop();
  try {
    await cache.close();
  } catch (error) {
    if (fatal === undefined) throw error;
    fatal = new Error(`${messageOf(fatal)}; the last changes could not be saved: ${messageOf(error)}`, { cause: fatal });
  }
  if (fatal instanceof WorkflowPathError) throw fatal; // gone before the watch began: a missing path, status 2
  if (fatal !== undefined) throw new Error(`watch stopped: ${messageOf(fatal)}`, { cause: fatal });
  out('stopped');
}

/** Prints the start, then each reload and each error, as they come. */
function report(cache: WorkflowCache, watcher: WorkflowWatcher, path: string): void {
  const start = summarize(cache);
  out(
    `watching ${printable(path)} (${start.files} files, ${start.phases} phases, ${start.problems.length} with problems, ` +
      `${start.failures.length} failed files; ${watcher.mode}); Ctrl-C stops`,
  );
  for (const line of formatProblems(start)) out(line);
  watcher.onReload((reload: Reload) => {
    // A refresh's progress line is cleared first, so the reload line starts on a clean line.
    clearProgress();
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
  watcher.onError((error) => {
    clearProgress();
    // A vanished folder or file is not the end: its phases are kept and the watcher waits for it.
    const waiting = error instanceof WorkflowPathError ? '; its phases are kept, waiting for it to come back' : '';
    out(`${time()} error: ${printable(messageOf(error))}${waiting}`);
  });
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function time(): string {
  return new Date().toTimeString().slice(0, 8);
}
