import { Command } from 'commander';
import { QueryMemoryError, QueryResultSizeError, QueryRowLimitError, QueryTimeoutError } from '../errors.js';
import { defaultLimits, type QueryLimits } from '../db/query-thread.js';
import type { Finish } from './finish.js';
import { openDatabaseFile } from './open.js';
import { printable } from './printable.js';
import { columns } from './report.js';
import { exitCodes, UsageError } from './usage.js';

/** Each limit's option, named in the message of the error that stops a query at it. */
const limitOptions: Record<keyof QueryLimits, string> = {
  timeoutMs: '--timeout',
  maxRows: '--max-rows',
  maxBytes: '--max-bytes',
  maxMemoryBytes: '--max-memory',
};

export function queryCommand(finish: Finish): Command {
  return new Command('query')
    .description('run one read-only SQL statement on a database written by load or watch')
    .argument('<sql>', 'the statement, e.g. "SELECT file_path, task, status FROM workflow_phases WHERE status != \'\'"')
    .requiredOption('--db <file>', 'database file')
    .option('--json', 'print rows as a JSON array')
    .option('--timeout <ms>', 'stop the statement after this long', positive('--timeout'), defaultLimits.timeoutMs)
    .option('--max-rows <n>', 'fail when more rows come back', positive('--max-rows'), defaultLimits.maxRows)
    .option('--max-bytes <n>', 'fail when the values returned come to more bytes', positive('--max-bytes'), defaultLimits.maxBytes)
    .option('--max-memory <n>', 'fail when SQLite needs more bytes of memory for the statement', positive('--max-memory'), defaultLimits.maxMemoryBytes)
    .action(async (sql: string, options: { db: string; json?: boolean; timeout: number; maxRows: number; maxBytes: number; maxMemory: number }) => {
      const cache = await openDatabaseFile(options.db);
      try {
        // On a copy, in a worker: a statement that never ends is stopped, not waited for.
        const limits = { timeoutMs: options.timeout, maxRows: options.maxRows, maxBytes: options.maxBytes, maxMemoryBytes: options.maxMemory };
        const rows = await cache.queryIsolated(sql, [], limits).catch((error: unknown) => {
          throw withOptionNames(error);
        });
        process.stdout.write(`${options.json ? JSON.stringify(rows, jsonValue, 2) : formatTable(rows)}\n`);
        finish(exitCodes.ok);
      } finally {
        await cache.close();
      }
    });
}

/** Parses a limit, for commander: a whole number above 0. */
function positive(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${name} must be a whole number above 0, got "${value}"`);
    return n;
  };
}

/** A limit's error says which option raises it, not the library's option name. */
function withOptionNames(error: unknown): unknown {
  const limited = error instanceof QueryTimeoutError || error instanceof QueryRowLimitError
    || error instanceof QueryResultSizeError || error instanceof QueryMemoryError;
  if (!limited) return error;
  for (const [name, option] of Object.entries(limitOptions)) {
    if (error.message.endsWith(`raise ${name}`)) error.message = `${error.message.slice(0, -name.length)}${option}`;
  }
  return error;
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
