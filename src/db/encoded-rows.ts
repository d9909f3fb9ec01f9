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
/** Whether a string has no lone surrogate, so that its UTF-8 is what the engine would store. */
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as string & { isWellFormed(): boolean }).isWellFormed()
    : (text) => !surrogate.test(text);

/**
 * Encodes rows one value at a time into buffers it keeps and grows, so that encoding many rows
 * makes no array per row; {@link take} copies out what was put since the last take.
 */
export class RowsEncoder {
  readonly width: number;
  #text: Uint8Array;
  #used = 0;
  #cells: Float64Array;
  #at = 0;
  #apart: string[] = [];

  /**
   * @param rows the rows expected, to size the buffers at first
   * @param textBytes the UTF-8 bytes expected, likewise
   */
  constructor(width: number, rows = 64, textBytes = 1 << 14) {
    this.width = width;
    this.#text = new Uint8Array(Math.max(textBytes, 16));
    this.#cells = new Float64Array(Math.max(rows * width * 2, 2));
  }

  /** Adds the next value of the current row: text, a number or NULL. */
  put(v: SqlValue | undefined): void {
    if (this.#at + 2 > this.#cells.length) {
      const cells = new Float64Array(this.#cells.length * 2);
      cells.set(this.#cells);
      this.#cells = cells;
    }
    const at = this.#at;
    this.#at += 2;
    const cells = this.#cells;
    if (typeof v === 'string') {
      if (!wellFormed(v)) {
        cells[at] = APART_CELL;
        cells[at + 1] = this.#apart.push(v) - 1;
        return;
      }
      if (this.#used + v.length * 3 > this.#text.length) {
        const text = new Uint8Array(Math.max(this.#text.length * 2, this.#used + v.length * 3));
        text.set(this.#text.subarray(0, this.#used));
        this.#text = text;
      }
      const { written } = encoder.encodeInto(v, this.#text.subarray(this.#used));
      cells[at] = this.#used;
      cells[at + 1] = written;
      this.#used += written;
    } else if (typeof v === 'number') {
      cells[at] = NUMBER_CELL;
      cells[at + 1] = v;
    } else if (v === null || v === undefined) {
      cells[at] = NULL_CELL;
      cells[at + 1] = 0;
    } else {
      throw new TypeError('encodeRows takes text, numbers and NULLs');
    }
  }

  /** The rows put since the last take, in buffers of their own. */
  take(): EncodedRows {
    const rows = { width: this.width, text: this.#text.slice(0, this.#used), cells: this.#cells.slice(0, this.#at), apart: this.#apart };
    this.#used = 0;
    this.#at = 0;
    this.#apart = [];
    return rows;
  }
}

/** Rows of text, numbers and NULLs, `width` values each, encoded for `Statement.runEncoded`. */
export function encodeRows(rows: readonly (readonly SqlValue[])[], width: number): EncodedRows {
  let room = 0;
  for (const row of rows) for (const v of row) if (typeof v === 'string') room += v.length * 3;
  const encoder = new RowsEncoder(width, rows.length, room);
  for (const row of rows) for (let i = 0; i < width; i++) encoder.put(row[i]);
  return encoder.take();
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
