import { checkPhases, type CheckedPhase } from './check-phases.js';
import { WorkflowLoadError, type LoadFailure } from './errors.js';
import { messageOf } from './message-of.js';
import { inlinePhasesLine, phaseLines } from './phase-lines.js';
import type { Phase } from './phase.js';
import type { SqlValue } from './db/engine.js';
import { RowsEncoder, type EncodedRows } from './db/encoded-rows.js';
import { PHASE_WIDTH, putPhaseRow } from './db/new-file-rows.js';
import { parseWorkflow } from './workflow-file.js';

/**
 * What reading one new file taught, in a form a worker can send back (plain data): its phases
 * as rows ready to insert, or why it failed.
 */
export type ParsedFile =
  | {
      kind: 'parsed';
      key: string;
      /** The md5 of the file, or the `checksum` it declares (Go keeps that as its hash). */
      hash: string;
      /** Whether the file declares a `checksum`: then no stamp is kept, so that it is read every time. */
      declaresChecksum: boolean;
      /** Its rows of `workflow_phases` (see `phaseRow`), encoded: a worker hands them over without a copy. */
      rows: EncodedRows;
    }
  | { kind: 'failed'; key: string; failure: LoadFailure; cause?: unknown };

/** A file's bytes, as read, with its key. */
export interface FileBytes {
  key: string;
  bytes: Uint8Array;
}

/** Encodes the rows of every file parsed on this thread, one after the other. */
const encoder = new RowsEncoder(PHASE_WIDTH);
const put = (value: SqlValue) => encoder.put(value);

/** Hashes, decodes and checks one file as a load does, without the store: the same on any thread. */
export function parseFile({ key, bytes }: FileBytes, md5: (bytes: Uint8Array) => string): ParsedFile {
  const hash = md5(bytes);
  try {
    const workflow = parseWorkflow(key, bytes);
    for (const c of checked(workflow.phases, bytes)) putPhaseRow(key, c, put);
    const rows = encoder.take();
    // Go keeps a `checksum` the file declares as its hash: it never equals the md5.
    if (workflow.checksum !== undefined) return { kind: 'parsed', key, hash: workflow.checksum, declaresChecksum: true, rows };
    return { kind: 'parsed', key, hash, declaresChecksum: false, rows };
  } catch (cause) {
    // Nothing of this file goes to the next one.
    encoder.take();
    // Until its stack is read, V8 keeps the frames' receivers alive with the error (the array of
    // files parsed with this one, and their bytes): read, it lets them go.
    if (cause instanceof Error) void cause.stack;
    if (cause instanceof WorkflowLoadError) {
      const { file, reason, line, column } = cause;
      return { kind: 'failed', key, failure: { file, reason, ...(line !== undefined && { line }), ...(column !== undefined && { column }) }, cause };
    }
    return { kind: 'failed', key, failure: { file: key, reason: messageOf(cause) }, cause };
  }
}

/** The phases of a file checked; a file with problems has its lines found in its text, once. */
export function checked(phases: readonly Phase[], bytes: Uint8Array): CheckedPhase[] {
  let lineOf: ((position: number) => number | undefined) | undefined;
  return checkPhases(phases, (position) => {
    if (!lineOf) {
      const text = new TextDecoder().decode(bytes);
      const lines = phaseLines(text);
      // Phases written as an inline array (`phase = [ … ]`) are all on the key's line.
      const inline = lines.length === 0 ? inlinePhasesLine(text)?.start : undefined;
      lineOf = (at) => lines[at]?.start ?? inline;
    }
    return lineOf(position);
  });
}

/**
 * Moves the rows of the files parsed into one buffer, each file's `text` and `cells` then views
 * of it, and returns that buffer: a worker hands over one buffer for a request, not two a file.
 */
export function packRows(parsed: readonly ParsedFile[]): ArrayBuffer {
  let cells = 0;
  let text = 0;
  for (const p of parsed) {
    if (p.kind !== 'parsed') continue;
    cells += p.rows.cells.length;
    text += p.rows.text.length;
  }
  // The cells first: a Float64Array view starts at a multiple of 8.
  const buffer = new ArrayBuffer(cells * 8 + text);
  let cellsAt = 0;
  let textAt = cells * 8;
  for (const p of parsed) {
    if (p.kind !== 'parsed') continue;
    const packed = { ...p.rows, cells: new Float64Array(buffer, cellsAt, p.rows.cells.length), text: new Uint8Array(buffer, textAt, p.rows.text.length) };
    packed.cells.set(p.rows.cells);
    packed.text.set(p.rows.text);
    cellsAt += p.rows.cells.byteLength;
    textAt += p.rows.text.length;
    p.rows = packed;
  }
  return buffer;
}
