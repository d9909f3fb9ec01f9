import { Command } from 'commander';
import { DatabaseLockedError, SchemaVersionError, StorageError, type WorkflowCacheError } from '../errors.js';
import type { Finish } from './finish.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import { filesBefore, formatChanges } from './load-changes.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { clean, formatSummary, summarize } from './report.js';
import { exitCodes } from './usage.js';
import { messageOf } from '../message-of.js';

export function loadCommand(finish: Finish): Command {
  return new Command('load')
    .description('load a folder (or file) of workflows into a database and print a summary; exits 1 when any phase has a problem, any file failed, or the database could not be saved')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--db <file>', 'database file to keep them in; unchanged files are not loaded again (default: memory only)')
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string, options: { db?: string } & FilterFlags) => {
      const db = options.db;
      const before = await filesBefore(db);
      let storageWarning: StorageError | undefined;
      const noteStorage = (warning: WorkflowCacheError) => {
        if (warning instanceof StorageError) storageWarning ??= warning;
      };
      const cache = await openWorkflows(path, db, fileFilterOf(options), noteStorage).catch((error: unknown) => {
        throw db !== undefined && refusedStorage(error) ? new Error(`nothing was saved to ${db}: ${error.message}`, { cause: error }) : error;
      });
      let summary;
      let changes: string[] = [];
      let unsaved: unknown;
      try {
        summary = summarize(cache);
        changes = before === undefined ? [] : formatChanges(before, cache);
        // A storage warning with no failed save: the database could not be read, and the cache
        // kept to memory. A save that failed at open is tried again by close(), which tells.
        if (storageWarning && cache.stats().operations.save.errors === 0) unsaved = storageWarning;
      } finally {
        // The save happens at close: only then can the summary say where the phases are.
        await cache.close().catch((error: unknown) => (unsaved = error));
      }
      if (db !== undefined && unsaved !== undefined) {
        process.stdout.write(`loaded ${printable(path)}, but nothing was saved to ${printable(db)}\n${formatSummary(summary)}\n`);
        process.stderr.write(`workflow-cache: nothing was saved to ${printable(db)}: ${printable(messageOf(unsaved))}\n`);
        finish(exitCodes.problems);
        return;
      }
      const where = db === undefined ? 'memory only (pass --db <file> to keep it)' : db;
      process.stdout.write([`loaded ${printable(path)} into ${printable(where)}`, ...changes, formatSummary(summary)].join('\n') + '\n');
      finish(clean(summary) ? exitCodes.ok : exitCodes.problems);
    });
}

/** Errors that stop the cache from opening its database at all (locked, not writable, too new). */
function refusedStorage(error: unknown): error is Error {
  return error instanceof StorageError || error instanceof DatabaseLockedError || error instanceof SchemaVersionError;
}
