import type { LoadFailure } from '../errors.js';
import { describeFailure } from '../errors.js';
import type { WorkflowCache } from '../cache.js';
import { taskKey, type PhaseRecord } from '../phase.js';
import { printable } from './printable.js';

/** A phase with a problem, as the commands list it. */
export interface Problem {
  file: string;
  task: string;
  status: string;
}

/** What a set of workflows holds and what is wrong with it. */
export interface Summary {
  files: number;
  phases: number;
  problems: Problem[];
  failures: LoadFailure[];
}

export function summarize(cache: WorkflowCache): Summary {
  const phases = cache.phases();
  return { files: cache.stats().files, phases: phases.length, problems: problemsOf(phases), failures: cache.failures() };
}

/** The phases with a problem, as the commands list them. */
export function problemsOf(phases: readonly PhaseRecord[]): Problem[] {
  return phases.filter((p) => p.status !== '').map((p) => ({ file: p.filePath, task: taskKey(p), status: p.status }));
}

/** True when nothing is wrong: the exit status is 0. */
export function clean(summary: Summary): boolean {
  return summary.problems.length === 0 && summary.failures.length === 0;
}

/** The counts, then each problem (file, task, status) and each failed file (`file:line:column: reason`). */
export function formatSummary(summary: Summary): string {
  const lines = [
    `files: ${summary.files} loaded, ${summary.failures.length} failed`,
    `phases: ${summary.phases}`,
    `phases with problems: ${summary.problems.length}`,
  ];
  lines.push(...formatProblems(summary));
  return lines.join('\n');
}

export function formatProblems(summary: Pick<Summary, 'problems' | 'failures'>): string[] {
  const lines: string[] = [];
  if (summary.problems.length > 0) {
    lines.push('problems:');
    const rows = summary.problems.map((p) => [p.file, p.task, p.status]);
    lines.push(...columns(rows).map((line) => `  ${line}`));
  }
  if (summary.failures.length > 0) {
    lines.push('failed files:');
    lines.push(...summary.failures.map((f) => `  ${printable(describeFailure(f))}`));
    const others = summary.failures.filter((f) => !/\.toml(\.gz)?$|\/$/i.test(f.file)).length;
    if (others > 0) {
      lines.push(
        `hint: ${others === 1 ? '1 failed file is' : `${others} failed files are`} not named *.toml: as in Go, every file below the folder is read as a workflow; ` +
          "leave such files out with --ignore '<glob>' (repeatable), --include '*.toml', or a .workflowcacheignore file in the folder",
      );
    }
  }
  return lines;
}

/** Rows of cells, each made {@link printable}, padded into aligned columns; the last column is not padded. */
export function columns(cells: readonly (readonly string[])[], alignRight: readonly boolean[] = []): string[] {
  const rows = cells.map((row) => row.map(printable));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (alignRight[i]) return cell.padStart(widths[i]);
        return i === row.length - 1 ? cell : cell.padEnd(widths[i]);
      })
      .join('  ')
      .trimEnd(),
  );
}
