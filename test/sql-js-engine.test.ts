import { expect, test } from 'vitest';
import { loadSqlJs } from '../src/db/sql-js.js';

const engine = await loadSqlJs();

test('a statement prepared before export() still runs after it, as the statement cache relies on', () => {
  const db = engine.open();
  try {
    db.exec('CREATE TABLE t (v TEXT); INSERT INTO t VALUES (\'a\')');
    const read = db.prepare('SELECT v FROM t');
    expect(read.all()).toEqual([['a']]);
    db.export();
    db.exec("INSERT INTO t VALUES ('b')");
    expect(read.all()).toEqual([['a'], ['b']]);
    read.free();
  } finally {
    db.close();
  }
});

test('a statement answers again with other parameters: each use leaves it reset', () => {
  const db = engine.open();
  try {
    const square = db.prepare('SELECT ?1 * ?1');
    expect(square.first([3])).toEqual([9]);
    expect(square.first([4])).toEqual([16]);
    expect(square.columns()).toEqual(['?1 * ?1']);
    square.free();
  } finally {
    db.close();
  }
});

test('prepareFirst() prepares the first statement only and gives the SQL SQLite left after it', () => {
  const db = engine.open();
  try {
    const first = db.prepareFirst("SELECT 1 AS one; DELETE FROM nowhere -- never prepared");
    expect(first!.rest).toBe(' DELETE FROM nowhere -- never prepared');
    expect(first!.statement.all()).toEqual([[1]]);
    first!.statement.free();
    expect(db.prepareFirst('-- only a comment')).toBeUndefined();
  } finally {
    db.close();
  }
});

test('a database opened from an image holds what was exported', () => {
  const db = engine.open();
  db.exec("CREATE TABLE t (v BLOB); INSERT INTO t VALUES (x'0102')");
  const image = db.export();
  db.close();
  const copy = engine.open(image);
  try {
    const read = copy.prepare('SELECT v FROM t');
    expect(read.first()).toEqual([new Uint8Array([1, 2])]);
    read.free();
  } finally {
    copy.close();
  }
});
