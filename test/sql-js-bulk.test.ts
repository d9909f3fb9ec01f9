// Binding in bulk (runMany, runEncoded) stores every value byte for byte as binding it row by row does.
import { expect, test } from 'vitest';
import { decodeRows, encodeRows } from '../src/db/encoded-rows.js';
import { loadSqlJs } from '../src/db/sql-js.js';
import type { SqlValue } from '../src/db/engine.js';

const engine = await loadSqlJs();

const values: SqlValue[] = [
  '', 'plain', 'a\u0000b', 'é ünï', '😀 pair', '\ud800 lone high', 'lone low \udc00', '\u2028', null, 0, -0, 7, -2147483648, 2147483648,
  9007199254740991, 1704067200000.125, 0.1, '9223372036854775807', '99999999999999999999999',
];
const rows = values.map((v, i): SqlValue[] => [i, v, typeof v === 'string' ? `${v}|${i}` : null]);

function stored(bind: (insert: ReturnType<ReturnType<typeof engine.open>['prepare']>) => void): SqlValue[][] {
  const db = engine.open();
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v, w TEXT, n INTEGER)');
    const insert = db.prepare('INSERT INTO t (id, v, w, n) VALUES (?1, ?2, ?3, ?2)');
    bind(insert);
    insert.free();
    return db.prepare('SELECT id, typeof(v), hex(v), quote(v), hex(w), typeof(n), quote(n) FROM t ORDER BY id').all();
  } finally {
    db.close();
  }
}

const oneByOne = stored((insert) => {
  for (const row of rows) insert.run(row);
});

test('runMany stores what run stores, row by row', () => {
  expect(stored((insert) => insert.runMany(rows))).toEqual(oneByOne);
});

test('rows encoded ahead store what run stores, row by row', () => {
  expect(stored((insert) => insert.runEncoded(encodeRows(rows, 3)))).toEqual(oneByOne);
});

test('encoded rows decode to the values given', () => {
  expect(decodeRows(encodeRows(rows, 3))).toEqual(rows.map((row) => row.map((v) => (Object.is(v, -0) ? -0 : v))));
});

test('a row that fails stops runMany with SQLite\'s error, the rows before it stored', () => {
  const db = engine.open();
  try {
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t VALUES (?1, ?2)');
    expect(() => insert.runMany([[1, 'a'], [2, null], [3, 'c']])).toThrow(/NOT NULL constraint failed: t\.v/);
    expect(db.prepare('SELECT id, v FROM t').all()).toEqual([[1, 'a']]);
    insert.run([4, 'd']);
    expect(db.prepare('SELECT id FROM t ORDER BY id').all()).toEqual([[1], [4]]);
  } finally {
    db.close();
  }
});
