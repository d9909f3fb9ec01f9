import type { SqlValue } from './engine.js';

/**
 * Rows of text, numbers and NULLs as bytes ready for SQLite: every string's UTF-8 in `text`, and
 * two numbers a value in `cells`, `width` values a row. Plain typed arrays, so a worker hands
 * them over without a copy.
 */
export interface EncodedRows {
  width: number;
  text: Uint8Array;
  /**
   * Per value: `offset, length` of its UTF-8 in `text`; `NULL_CELL, 0`; `NUMBER_CELL, value`; or
   * `APART_CELL, index` of a string in `apart`, kept as it is since it holds a surrogate, which
   * only the engine's own encoding stores as a direct bind would.
   */
  cells: Float64Array;
  apart: string[];
}

export const NULL_CELL = -1;
export const NUMBER_CELL = -2;
export const APART_CELL = -3;

const encoder = new TextEncoder();
const surrogate = /[\ud800-\udfff]/;

/** Rows of text, numbers and NULLs, `width` values each, encoded for `Statement.runEncoded`. */
export function encodeRows(rows: readonly (readonly SqlValue[])[], width: number): EncodedRows {
  let room = 0;
  for (const row of rows) for (const v of row) if (typeof v === 'string') room += v.length * 3;
  const bytes = new Uint8Array(room);
  const cells = new Float64Array(rows.length * width * 2);
  const apart: string[] = [];
  let used = 0;
  let at = 0;
  for (const row of rows) {
    for (let i = 0; i < width; i++, at += 2) {
      const v = row[i];
      if (typeof v === 'string') {
        if (surrogate.test(v)) {
          cells[at] = APART_CELL;
          cells[at + 1] = apart.push(v) - 1;
        } else {
          const { written } = encoder.encodeInto(v, bytes.subarray(used));
          cells[at] = used;
          cells[at + 1] = written;
          used += written;
        }
      } else if (typeof v === 'number') {
        cells[at] = NUMBER_CELL;
        cells[at + 1] = v;
      } else if (v === null || v === undefined) {
        cells[at] = NULL_CELL;
      } else {
        throw new TypeError('encodeRows takes text, numbers and NULLs');
      }
    }
  }
  return { width, text: bytes.slice(0, used), cells, apart };
}

const decoder = new TextDecoder();

/** The rows back as values, all or only the one at `only`: for an engine that binds them one by one. */
export function decodeRows({ width, text, cells, apart }: EncodedRows, only?: number): SqlValue[][] {
  const rows: SqlValue[][] = [];
  const count = cells.length / (2 * width);
  for (let r = only ?? 0; r < (only === undefined ? count : only + 1); r++) {
    const row: SqlValue[] = [];
    for (let i = 0, at = r * width * 2; i < width; i++, at += 2) {
      const kind = cells[at];
      if (kind >= 0) row.push(decoder.decode(text.subarray(kind, kind + cells[at + 1])));
      else if (kind === NULL_CELL) row.push(null);
      else if (kind === APART_CELL) row.push(apart[cells[at + 1]]);
      else row.push(cells[at + 1]);
    }
    rows.push(row);
  }
  return rows;
}
