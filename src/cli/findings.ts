import { isAbsolute, relative } from 'node:path';
import type { WorkflowCache } from '../cache.js';
import { SourceChangedError } from '../errors.js';
import { inlinePhasesLine, phaseLines } from '../phase-lines.js';
import type { Problem } from '../problem.js';

/** What a problem is about, for reports that sort by kind (SARIF rules). */
export type FindingKind = 'phase-problem' | 'load-failure' | 'no-workflow-files';

/** One thing wrong, placed where an editor or a CI run can show it. */
export interface Finding {
  kind: FindingKind;
  /** `warning` for a phase whose problems are all warnings, which runs as written. */
  severity: Problem['severity'];
  /** The file as a path from where the command ran (`examples/broken/problems.toml`); absent for the whole folder. */
  path?: string;
  /** 1-based; absent when the place is not known (a file that cannot be read). */
  line?: number;
  column?: number;
  message: string;
}

interface ProblemRow {
  file_path: string;
  position: number;
  task: string;
  status: string;
  /** JSON, as stored: `[{code, severity, message, line}]`. */
  problems: string | null;
}

/**
 * Every problem of the loaded workflows and every failed file, each on its line: a phase's
 * problem on its `[[phase]]` header, a file's failure at the line and column of the TOML error.
 * @param path the workflows path as the user gave it, which file paths are joined to
 */
export async function findingsOf(cache: WorkflowCache, path: string): Promise<Finding[]> {
  const rows = cache.query(
    "SELECT file_path, position, task, status, problems FROM workflow_phases WHERE status != '' ORDER BY file_path, position",
  ) as unknown as ProblemRow[];
  const linesOf = new Map<string, (position: number) => { line: number; column: number } | undefined>();
  const findings: Finding[] = [];
  for (const row of rows) {
    if (!linesOf.has(row.file_path)) linesOf.set(row.file_path, await phaseLinesOf(cache, row.file_path));
    const at = linesOf.get(row.file_path)!(row.position);
    const problems = JSON.parse(row.problems ?? '[]') as Problem[];
    const severity = problems.length > 0 && problems.every((p) => p.severity === 'warning') ? 'warning' : 'error';
    findings.push({ kind: 'phase-problem', severity, path: shownPath(cache, path, row.file_path), ...at, message: `${row.task}: ${row.status}` });
  }
  for (const f of cache.failures()) {
    findings.push({
      kind: 'load-failure',
      severity: 'error',
      path: shownPath(cache, path, f.file),
      ...(f.line === undefined ? {} : { line: f.line }),
      ...(f.column === undefined ? {} : { column: f.column }),
      message: f.reason,
    });
  }
  return findings;
}

/** The lines of a file's phases from the text it was loaded from; none when it changed since, or cannot be read. */
async function phaseLinesOf(cache: WorkflowCache, key: string): Promise<(position: number) => { line: number; column: number } | undefined> {
  const bytes = await cache.loadedSource(key).catch((error: unknown) => {
    if (error instanceof SourceChangedError) return undefined;
    throw error;
  });
  if (bytes === undefined) return () => undefined;
  const text = new TextDecoder().decode(bytes);
  const ranges = phaseLines(text);
  const inline = ranges.length === 0 ? inlinePhasesLine(text) : undefined;
  return (position) => {
    const at = ranges[position] ?? inline;
    return at && { line: at.start, column: at.column };
  };
}

/**
 * A file key as a path from where the command ran, as CI annotations want it: the workflows
 * folder joined with the key (the file itself for a file), relative to the working directory when
 * inside it, with `/` separators.
 */
function shownPath(cache: WorkflowCache, path: string, key: string): string {
  let shown = cache.isDir() ? `${path.replace(/[\\/]+$/, '')}/${key}` : path;
  if (isAbsolute(shown)) {
    const inside = relative(process.cwd(), shown);
    if (inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)) shown = inside;
  }
  return shown.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}
