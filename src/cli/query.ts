import { Command } from 'commander';
import type { Finish } from './finish.js';
import { openDatabaseFile } from './open.js';
import { printable } from './printable.js';
import { columns } from './report.js';
import { exitCodes } from './usage.js';

export function queryCommand(finish: Finish): Command {
  return new Command('query')
    .description('run one read-only SQL statement on a database written by load or watch')
    .argument('<sql>', 'the statement, e.g. "SELECT file_path, task, status FROM workflow_phases WHERE status != \'\'"')
    .requiredOption('--db <file>', 'database file')
    .option('--json', 'print rows as a JSON array')
    .action(async (sql: string, options: { db: string; json?: boolean }) => {
      const cache = await openDatabaseFile(options.db);
      try {
        const rows = cache.query(sql);
        process.stdout.write(`${options.json ? JSON.stringify(rows, jsonValue, 2) : formatTable(rows)}\n`);
        finish(exitCodes.ok);
      } finally {
        await cache.close();
      }
    });
}

/** Rows as an aligned table with a header, then the row count. */
function formatTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(0 rows)';
  const keys = Object.keys(rows[0]);
  const numeric = keys.map((key) => rows.every((row) => typeof row[key] === 'number' || row[key] === null));
  // Made printable before the rule is measured, so it is as wide as what is shown.
  const names = keys.map(printable);
  const body = rows.map((row) => keys.map((key) => cell(row[key])));
  const rule = names.map((name, i) => '-'.repeat(Math.max(name.length, ...body.map((r) => r[i].length))));
  const lines = columns([names, rule, ...body], numeric);
  return [...lines, `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Uint8Array) return `<blob ${value.length} bytes>`;
  return printable(String(value));
}

function jsonValue(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? `<blob ${value.length} bytes>` : value;
}
