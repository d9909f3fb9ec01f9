import { Command, Option } from 'commander';
import { describeFailure } from '../errors.js';
import { graphFormats, renderGraph, workflowGraph, type GraphFormat } from '../graph.js';
import type { PhaseRecord } from '../phase.js';
import { fileFilterOf, ignoreOption, includeOption, type FilterFlags } from './file-filter-options.js';
import type { Finish } from './finish.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { exitCodes, UsageError } from './usage.js';

export function graphCommand(finish: Finish): Command {
  return new Command('graph')
    .description('print the dependency graph of the workflows (phases, missing parents, cycles); exits 1 when a file failed to load, naming it on stderr')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--file <key>', 'only this workflow file (its key, as load lists it: sub/name.toml)')
    .addOption(new Option('--format <format>', 'output format').choices(graphFormats).default('mermaid'))
    .addOption(ignoreOption())
    .addOption(includeOption())
    .action(async (path: string, options: { file?: string; format: GraphFormat } & FilterFlags) => {
      const cache = await openWorkflows(path, undefined, fileFilterOf(options));
      try {
        const phases = cache.phases(options.file);
        // A file that failed has no phases in the graph: said on stderr, and the status is 1.
        const failures = cache.failures().filter((f) => options.file === undefined || f.file === options.file);
        if (options.file !== undefined && phases.length === 0 && failures.length === 0) {
          const keys = [...new Set(cache.phases().map((p) => p.filePath))];
          throw new UsageError(`no phases in file "${options.file}"; files: ${keys.join(', ') || 'none'}`);
        }
        // Mermaid and dot quote names but keep newlines and escapes as they are: shown as escapes instead.
        const shown = options.format === 'json' ? phases : phases.map(printablePhase);
        process.stdout.write(`${renderGraph(workflowGraph(shown), options.format)}\n`);
        for (const f of failures) process.stderr.write(`workflow-cache: ${printable(describeFailure(f))} (not in the graph)\n`);
        finish(failures.length === 0 ? exitCodes.ok : exitCodes.problems);
      } finally {
        await cache.close();
      }
    });
}

function printablePhase(p: PhaseRecord): PhaseRecord {
  return { ...p, filePath: printable(p.filePath), task: printable(p.task), dependsOn: printable(p.dependsOn), rule: printable(p.rule), template: printable(p.template), status: printable(p.status) };
}
