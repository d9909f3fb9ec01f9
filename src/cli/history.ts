import { Command } from 'commander';
import type { WorkflowCache } from '../cache.js';
import type { WorkflowVersion } from '../history.js';
import { diffVersions, type VersionDiff } from '../version-diff.js';
import type { Finish } from './finish.js';
import { openDatabaseFile } from './open.js';
import { printable } from './printable.js';
import { columns } from './report.js';
import { exitCodes, UsageError, wholeNumber } from './usage.js';

export function historyCommand(finish: Finish): Command {
  return new Command('history')
    .description('list the versions of a workflow file kept in a database, and what changed between them')
    .argument('<file>', 'the file key (sub/name.toml), or a path ending in it')
    .option('--db <file>', 'database file', 'workflows.sqlite')
    .option('--from <version>', 'compare from this version (default: each version with the one before)', wholeNumber('--from'))
    .option('--to <version>', 'compare to this version (default: the current one)', wholeNumber('--to'))
    .option('--json', 'print versions and changes as JSON')
    .action(async (file: string, options: { db: string; from?: number; to?: number; json?: boolean }) => {
      const cache = await openDatabaseFile(options.db);
      try {
        const key = fileKeyIn(cache, file);
        const versions = cache.history(key);
        const pairs = comparisons(versions, options.from, options.to);
        const changes = pairs.map(([a, b]) => ({ from: a.version, to: b.version, ...diffVersions(a.phases, b.phases) }));
        process.stdout.write(options.json ? `${JSON.stringify({ file: key, versions, changes }, null, 2)}\n` : formatHistory(key, versions, changes));
        finish(exitCodes.ok);
      } finally {
        await cache.close();
      }
    });
}

type Change = VersionDiff & { from: number; to: number };

function formatHistory(key: string, versions: readonly WorkflowVersion[], changes: readonly Change[]): string {
  const rows = versions.map((v) => [
    `v${v.version}`,
    v.hash.slice(0, 8),
    `loaded ${v.loadedAt ?? '?'}`,
    v.replacedAt === null ? 'current' : `replaced ${v.replacedAt}`,
    `${v.phases.length} phase${v.phases.length === 1 ? '' : 's'}`,
  ]);
  const lines = [`${printable(key)}: ${versions.length} version${versions.length === 1 ? '' : 's'}`, ...columns(rows).map((l) => `  ${l}`)];
  const last = versions[versions.length - 1];
  if (last && last.replacedAt !== null) lines.push(`  (removed ${printable(last.replacedAt)})`);
  for (const c of changes) {
    lines.push('', `v${c.from} → v${c.to}:`);
    for (const p of c.added) lines.push(`  + ${describe(p)}`);
    for (const p of c.removed) lines.push(`  - ${describe(p)}`);
    for (const ch of c.changed) {
      lines.push(`  ~ ${printable(ch.key)}`);
      // JSON.stringify shows C0 controls as escapes, but not C1 controls or bidi overrides.
      for (const field of ch.fields) lines.push(`      ${field}: ${printable(JSON.stringify(ch.before[field]))} → ${printable(JSON.stringify(ch.after[field]))}`);
    }
    if (c.added.length + c.removed.length + c.changed.length === 0) lines.push('  no phase changed');
  }
  return `${lines.join('\n')}\n`;
}

function describe(p: { task: string; dependsOn: string; rule: string }): string {
  return printable([p.task, p.dependsOn && `dependsOn=${p.dependsOn}`, p.rule && `rule=${p.rule}`].filter(Boolean).join('  '));
}

/** The pairs to compare: the one asked for, or each version with the one before. */
function comparisons(versions: readonly WorkflowVersion[], from?: number, to?: number): [WorkflowVersion, WorkflowVersion][] {
  if (from === undefined && to === undefined) return versions.slice(1).map((v, i) => [versions[i], v]);
  const pick = (n: number) => {
    const v = versions[n - 1];
    if (!v) throw new UsageError(`no version ${n}; versions are 1 to ${versions.length}`);
    return v;
  };
  const b = pick(to ?? versions.length);
  return [[pick(from ?? Math.max(1, b.version - 1)), b]];
}

/** The file key the argument names: a key as stored, or a path ending in one. */
function fileKeyIn(cache: WorkflowCache, file: string): string {
  const keys = cache.filesWithHistory();
  if (keys.includes(file)) return file;
  const normalized = file.replace(/\\/g, '/');
  const match = keys.filter((k) => normalized.endsWith(`/${k}`)).sort((a, b) => b.length - a.length)[0];
  if (match) return match;
  throw new UsageError(`no workflow file "${file}" in the database; files: ${keys.join(', ') || 'none'}`);
}
