import { parse, TomlError } from 'smol-toml';
import { WorkflowLoadError } from './errors.js';
import type { Phase } from './phase.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The string fields of a phase, by their lower-case TOML key. */
const stringFields = { task: 'task', rule: 'rule', dependson: 'dependsOn', template: 'template' } as const;

/**
 * Reads the phases of one workflow file. Keys match case-insensitively, as Go's TOML decoder
 * matches them to struct fields; unknown keys are ignored.
 * @param file the file's key, named in errors
 * @param bytes the file's content, UTF-8
 * @throws {WorkflowLoadError} for bytes that are not UTF-8, TOML syntax errors (with line and
 * column) and values of the wrong type
 */
export function parseWorkflow(file: string, bytes: Uint8Array): Phase[] {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new WorkflowLoadError({ file, reason: 'not valid UTF-8 text' }, { cause });
  }
  let document: Record<string, unknown>;
  try {
    document = parse(text, { integersAsBigInt: true });
  } catch (cause) {
    if (!(cause instanceof TomlError)) throw cause;
    const reason = cause.message.split('\n')[0].replace(/^Invalid TOML document: /, '');
    throw new WorkflowLoadError({ file, reason, line: cause.line, column: cause.column }, { cause });
  }
  const phases: Phase[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key.toLowerCase() !== 'phase') continue;
    if (!Array.isArray(value)) {
      throw new WorkflowLoadError({ file, reason: `"${key}" must be an array of tables ([[${key}]]), got ${typeName(value)}` });
    }
    value.forEach((table, i) => phases.push(toPhase(file, `${key}[${i}]`, table)));
  }
  return phases;
}

function toPhase(file: string, where: string, table: unknown): Phase {
  if (!isTable(table)) {
    throw new WorkflowLoadError({ file, reason: `${where} must be a table, got ${typeName(table)}` });
  }
  const phase: Phase = { task: '', rule: '', dependsOn: '', retry: 0, template: '' };
  for (const [key, value] of Object.entries(table)) {
    const lower = key.toLowerCase();
    if (lower === 'retry') {
      phase.retry = toRetry(file, `${where}.${key}`, value);
    } else if (Object.hasOwn(stringFields, lower)) {
      if (typeof value !== 'string') {
        throw new WorkflowLoadError({ file, reason: `${where}.${key} must be a string, got ${typeName(value)}` });
      }
      phase[stringFields[lower as keyof typeof stringFields]] = value;
    }
  }
  return phase;
}

/** Go's `int` is 64 bits; beyond a JS safe integer the count means nothing anyway. */
function toRetry(file: string, where: string, value: unknown): number {
  if (typeof value !== 'bigint') {
    throw new WorkflowLoadError({ file, reason: `${where} must be an integer, got ${typeName(value)}` });
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new WorkflowLoadError({ file, reason: `${where} is out of range: ${value}` });
  }
  return Number(value);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function typeName(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `integer ${value}`;
  if (typeof value === 'number') return `float ${value}`;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date-time';
  if (typeof value === 'object' && value !== null) return 'table';
  return typeof value;
}
