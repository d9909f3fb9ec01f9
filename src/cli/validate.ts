import { Command } from 'commander';
import type { Finish } from './finish.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { clean, formatSummary, summarize } from './report.js';
import { exitCodes } from './usage.js';

export function validateCommand(finish: Finish): Command {
  return new Command('validate')
    .description('check workflows in memory (no database file) and report every problem; exits 0 when clean, 1 on problems, 2 on bad usage')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, options: { json?: boolean }) => {
      const cache = await openWorkflows(path);
      try {
        const summary = summarize(cache);
        const ok = clean(summary);
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ok, ...summary }, null, 2)}\n`);
        } else {
          process.stdout.write(`${printable(path)}: ${ok ? 'ok' : 'problems found'}\n${formatSummary(summary)}\n`);
        }
        finish(ok ? exitCodes.ok : exitCodes.problems);
      } finally {
        await cache.close();
      }
    });
}
