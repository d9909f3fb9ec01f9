import { Command, Option } from 'commander';
import type { Finish } from './finish.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import { findingsOf, type Finding } from './findings.js';
import { githubAnnotations } from './github-annotations.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { clean, formatSummary, summarize } from './report.js';
import { sarifLog } from './sarif.js';
import { exitCodes } from './usage.js';

const formats = ['text', 'json', 'github', 'sarif'] as const;
type Format = (typeof formats)[number];

export function validateCommand(finish: Finish): Command {
  return new Command('validate')
    .description('check workflows in memory (no database file) and report every problem; exits 0 when clean, 1 on problems or no workflow files, 2 on bad usage')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .addOption(
      new Option('--format <format>', 'text; json; github: workflow annotations on each line; sarif: a SARIF 2.1.0 log for code scanning')
        .choices(formats)
        .default('text'),
    )
    .option('--json', 'the same as --format json')
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string, options: { format: Format; json?: boolean } & FilterFlags) => {
      const format = options.json ? 'json' : options.format;
      const cache = await openWorkflows(path, undefined, fileFilterOf(options));
      try {
        const summary = summarize(cache);
        // A CI step pointed at the wrong folder must not pass: no workflow file is a failure.
        const empty = summary.files === 0 && summary.failures.length === 0;
        const ok = clean(summary) && !empty;
        const nothing = `no workflow files in ${path}; check the path`;
        if (format === 'json') {
          process.stdout.write(`${JSON.stringify({ ok, ...summary, ...(empty ? { error: nothing } : {}) }, null, 2)}\n`);
        } else if (format === 'github' || format === 'sarif') {
          const findings: Finding[] = empty ? [{ kind: 'no-workflow-files', severity: 'error', message: nothing }] : await findingsOf(cache, path);
          process.stdout.write(format === 'github' ? githubAnnotations(findings) : sarifLog(findings));
        } else if (empty) {
          process.stdout.write(`${printable(nothing)}\n`);
        } else {
          process.stdout.write(`${printable(path)}: ${ok ? 'ok' : 'problems found'}\n${formatSummary(summary)}\n`);
        }
        finish(ok ? exitCodes.ok : exitCodes.problems);
      } finally {
        await cache.close();
      }
    });
}
