// @ts-check
// Plain JavaScript: it runs inside a query worker, which starts from this file as it is, with no
// bundler or TypeScript loader in between (in Node, from src/db/ as much as from dist/).

import { messageOf } from '../message-of.js';

/** @typedef {import('./query-thread.js').QueryRequest} QueryRequest */
/** @typedef {import('./query-thread.js').QueryReply} QueryReply */

/**
 * Runs one statement on a database opened from the request's image, within its row, byte and
 * memory bounds: SQLite's heap is capped (`hard_heap_limit`, which in a worker caps that
 * worker's own SQLite only), temporary tables are kept in that capped heap, and `zeroblob()`,
 * whose result SQLite would otherwise hand over lazily and sql.js then copy whole, is made to
 * refuse a size past the byte bound. The caller checked the statement is a read, and the
 * connection is `query_only` besides.
 * @param {import('sql.js').SqlJsStatic} SQL
 * @param {QueryRequest} request
 * @returns {QueryReply}
 */
export function runBounded(SQL, request) {
  /** @type {import('sql.js').Database | undefined} */
  let db;
  let tooLarge = false;
  try {
    db = new SQL.Database(request.image);
    db.exec(`PRAGMA hard_heap_limit = ${request.maxMemoryBytes}; PRAGMA temp_store = MEMORY; PRAGMA query_only = ON;`);
    db.create_function('zeroblob', (/** @type {unknown} */ n) => {
      const size = Math.max(0, Math.trunc(Number(n)) || 0);
      if (size > request.maxBytes) {
        tooLarge = true;
        throw new Error(`zeroblob(${size}) is larger than the result may be`);
      }
      return new Uint8Array(size);
    });
    const statement = db.prepare(request.sql);
    try {
      statement.bind(request.params);
      const columns = statement.getColumnNames();
      /** @type {unknown[][]} */
      const rows = [];
      let bytes = 0;
      while (statement.step()) {
        if (rows.length === request.maxRows) return { ok: false, kind: 'rows', message: '' };
        const row = statement.get();
        for (const value of row) bytes += sizeOf(value);
        if (bytes > request.maxBytes) return { ok: false, kind: 'bytes', message: '' };
        rows.push(row);
      }
      return { ok: true, columns, rows };
    } finally {
      statement.free();
    }
  } catch (error) {
    const message = messageOf(error);
    if (tooLarge) return { ok: false, kind: 'bytes', message };
    if (/out of memory|string or blob too big/i.test(message)) return { ok: false, kind: 'memory', message };
    return { ok: false, kind: 'sql', message };
  } finally {
    db?.close();
  }
}

/**
 * Bytes a value takes in the result: text as UTF-8, blobs as they are, 8 for a number.
 * @param {unknown} value
 */
function sizeOf(value) {
  if (typeof value === 'string') {
    let bytes = value.length;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      // UTF-16 to UTF-8: 2 bytes below U+0800, 3 above; a surrogate pair (2 units) is 4.
      if (c >= 0x80) bytes += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1;
    }
    return bytes;
  }
  if (value instanceof Uint8Array) return value.length;
  return 8;
}
