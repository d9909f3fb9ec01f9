import { WorkflowLoadError } from './errors.js';
import { decodeRune, sizeOf } from './go-string.js';
import { decodeToml, GoTomlError, TableArray, type Table, type Value } from './go-toml.js';
import type { Phase } from './phase.js';

/** What Go's decoder fills of its `workflow.Workflow` from one file. */
export interface WorkflowFile {
  phases: Phase[];
  /**
   * A top-level `checksum` key: Go decodes it into `Workflow.Checksum`, the hash it compares
   * the file's md5 with at the next refresh, so such a file is loaded anew at every refresh.
   */
  checksum?: string;
}

/** The string fields of a phase, by their name folded as {@link foldKey} folds. */
const stringFields = { task: 'task', rule: 'rule', dependson: 'dependsOn', template: 'template' } as const;

/**
 * Reads one workflow file as Go's `toml.Decode` into `workflow.Workflow` reads it: the TOML of
 * the decoder Go pins (see go-toml.ts), keys matched to fields with `strings.EqualFold`,
 * unknown keys ignored.
 * @param file the file's key, named in errors
 * @param bytes the file's content
 * @throws {WorkflowLoadError} for what Go refuses: TOML errors (with line and column) and values
 * of the wrong type
 */
export function parseWorkflow(file: string, bytes: Uint8Array): WorkflowFile {
  let document: Table;
  try {
    document = decodeToml(bytes);
  } catch (cause) {
    // Go's stack grows to a gigabyte; ours ends some thousands of nested arrays deep.
    if (cause instanceof RangeError) throw new WorkflowLoadError({ file, reason: 'arrays or inline tables nested too deeply to read' }, { cause });
    if (!(cause instanceof GoTomlError)) throw cause;
    // Until its stack is read, V8 keeps the frames' receivers (the parser, and with it the file's
    // bytes) alive for as long as the error lives: every failed file's content would stay held.
    void cause.stack;
    throw new WorkflowLoadError({ file, reason: cause.message, ...position(bytes, cause.offset) }, { cause });
  }
  const workflow: WorkflowFile = { phases: [] };
  // Go ranges over a map, in an order that changes from run to run; file order is one of them,
  // and the only one that gives the same answer every time.
  let backing: Phase[] | undefined;
  for (const [key, value] of document) {
    const field = foldKey(key);
    if (field === 'checksum') {
      if (typeof value !== 'string') throw new WorkflowLoadError({ file, reason: `${key} must be a string, got ${typeName(value)}` });
      workflow.checksum = value;
    } else if (field === 'phase') {
      const tables = value instanceof TableArray ? value.tables : value;
      if (!Array.isArray(tables)) {
        throw new WorkflowLoadError({ file, reason: `"${key}" must be an array of tables ([[${key}]]), got ${typeName(value)}` });
      }
      // Go's reflect-based decoding of a slice: a slice too short is replaced by a new one; one
      // long enough is cut to length and its elements decoded over, so `[[phase]]` and
      // `[[Phase]]` in one file share their elements rather than add up.
      if (backing === undefined || backing.length < tables.length) backing = tables.map(() => emptyFields());
      tables.forEach((table, i) => overlay(file, `${key}[${i}]`, table, backing![i]));
      workflow.phases = backing.slice(0, tables.length);
    }
  }
  // Each phase its own object: a later key may have cut the slice shorter than the backing.
  workflow.phases = workflow.phases.map((p) => ({ ...p }));
  return workflow;
}

function emptyFields(): Phase {
  return { task: '', rule: '', dependsOn: '', retry: 0, template: '' };
}

/** Decodes a table into a phase, setting only the fields it has (Go's `unifyStruct`). */
function overlay(file: string, where: string, table: Value, phase: Phase): void {
  if (!(table instanceof Map)) {
    throw new WorkflowLoadError({ file, reason: `${where} must be a table, got ${typeName(table)}` });
  }
  for (const [key, value] of table) {
    const field = foldKey(key);
    if (field === 'retry') {
      if (typeof value !== 'bigint') throw new WorkflowLoadError({ file, reason: `${where}.${key} must be an integer, got ${typeName(value)}` });
      // Go's `int` is 64 bits: beyond a JS safe integer the count stays exact as a bigint.
      phase.retry = Number.isSafeInteger(Number(value)) ? Number(value) : value;
    } else if (Object.hasOwn(stringFields, field)) {
      if (typeof value !== 'string') throw new WorkflowLoadError({ file, reason: `${where}.${key} must be a string, got ${typeName(value)}` });
      phase[stringFields[field as keyof typeof stringFields]] = value;
    }
  }
}

/**
 * A key as Go's `strings.EqualFold` compares it with a field name: ASCII letters in any case,
 * and the two other runes whose simple case folding reaches one, K (U+212A, Kelvin) for `k`
 * and ſ (U+017F, long s) for `s`.
 */
function foldKey(key: string): string {
  let folded = folds.get(key);
  if (folded === undefined) {
    folded = key.replace(/[A-Z\u212a\u017f]/g, (ch) => (ch === '\u212a' ? 'k' : ch === '\u017f' ? 's' : ch.toLowerCase()));
    if (folds.size > 1000) folds.clear();
    folds.set(key, folded);
  }
  return folded;
}

/** Keys folded before: the same few keys come back in every phase of every file. */
const folds = new Map<string, string>();

/** Line and column (1-based, in characters) of a byte offset. */
function position(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  let column = 1;
  for (let i = lineStart; i < offset && i < bytes.length; column++) i += sizeOf(decodeRune(bytes, i));
  return { line, column };
}

function typeName(value: Value): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `integer ${value}`;
  if (typeof value === 'number') return `float ${value}`;
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value) || value instanceof TableArray) return 'array';
  if (value instanceof Map) return 'table';
  return 'date-time';
}
