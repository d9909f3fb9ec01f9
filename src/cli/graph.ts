import { Command, Option } from 'commander';
import { graphFormats, renderGraph, workflowGraph, type GraphFormat } from '../graph.js';
import type { PhaseRecord } from '../phase.js';
import type { Finish } from './finish.js';
import { openWorkflows } from './open.js';
import { printable } from './printable.js';
import { exitCodes, UsageError } from './usage.js';

export function graphCommand(finish: Finish): Command {
  return new Command('graph')
    .description('print the dependency graph of the workflows (phases, missing parents, cycles)')
    .argument('<path>', 'workflow file or folder (read recursively)')
    .option('--file <key>', 'only this workflow file (its key, as load lists it: sub/name.toml)')
    .addOption(new Option('--format <format>', 'output format').choices(graphFormats).default('mermaid'))
    .action(async (path: string, options: { file?: string; format: GraphFormat }) => {
      const cache = await openWorkflows(path);
      try {
        const phases = cache.phases(options.file);
        if (options.file !== undefined && phases.length === 0) {
          const keys = [...new Set(cache.phases().map((p) => p.filePath))];
          throw new UsageError(`no phases in file "${options.file}"; files: ${keys.join(', ') || 'none'}`);
        }
        // Mermaid and dot quote names but keep newlines and escapes as they are: shown as escapes instead.
        const shown = options.format === 'json' ? phases : phases.map(printablePhase);
        process.stdout.write(`${renderGraph(workflowGraph(shown), options.format)}\n`);
        finish(exitCodes.ok);
      } finally {
        await cache.close();
      }
    });
}

function printablePhase(p: PhaseRecord): PhaseRecord {
  return { ...p, filePath: printable(p.filePath), task: printable(p.task), dependsOn: printable(p.dependsOn), rule: printable(p.rule), template: printable(p.template), status: printable(p.status) };
}
