// The SQL tokenizer that decides what a statement is before SQLite prepares it: it must split
// statements and find keywords exactly where SQLite does.
import fc from 'fast-check';
import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { sqlStatements, sqlTokens } from '../src/db/sql-tokens.js';

const words = (sql: string) => sqlTokens(sql).filter((t) => t.kind === 'word').map((t) => t.text);

describe('sqlTokens()', () => {
  it('drops comments, including one left open to the end, as SQLite does', () => {
    expect(words('-- BEGIN\nSELECT /* PRAGMA */ 1 /* open DELETE')).toEqual(['SELECT']);
  });

  it('reads strings with doubled quotes, and quoted names in all three quotings', () => {
    const tokens = sqlTokens(`SELECT 'it''s;' , "a""b" , \`c\`\`d\` , [e;f]`).filter((t) => t.kind !== 'operator');
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['word', 'SELECT'], ['string', "it's;"], ['quoted', 'a"b'], ['quoted', 'c`d'], ['quoted', 'e;f'],
    ]);
  });

  it('reads a blob literal as one token, and an odd one as illegal', () => {
    expect(sqlTokens("x'00ff'").map((t) => t.kind)).toEqual(['blob']);
    expect(sqlTokens("X'0ff'").map((t) => t.kind)).toEqual(['illegal']);
  });

  it('stops at a NUL character, where SQLite stops reading', () => {
    expect(words('SELECT 1\0; DROP TABLE x')).toEqual(['SELECT']);
  });

  it('calls an unterminated string or name illegal, to the end', () => {
    expect(sqlTokens("SELECT 'open; DELETE").at(-1)?.kind).toBe('illegal');
    expect(sqlTokens('SELECT [open; DELETE').at(-1)?.kind).toBe('illegal');
  });

  it('does not take a vertical tab for a space, as SQLite does not', () => {
    expect(sqlTokens('SELECT\v1').map((t) => t.kind)).toContain('illegal');
  });
});

/** Pieces of a select list that hide `;` and keywords from a careless reader; each is valid after `SELECT 1`. */
const piece = fc.constantFrom(
  ' ', '\n\t', ' -- ; PRAGMA x=1\n', ' /* ; BEGIN */ ', ", 'a;b'", ", 'it''s; END'", ', 1 AS "c;d"', ', 2 AS [g;h]',
  ', 3 AS `e;f`', ", x'00ff'", ', ?', ', :p', ', @p', ', $p', ', 1 || 2', ', 2.5e3', ', 0x1F', ', (SELECT 4)',
  ", CASE WHEN 1 THEN ';' END",
);

const select = fc.array(piece, { maxLength: 8 }).map((parts) => `SELECT 1${parts.join('')}`);

describe('sqlStatements()', () => {
  it('counts the statements SQLite prepares, one after the other', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    try {
      fc.assert(
        fc.property(fc.array(fc.tuple(select, fc.constantFrom(';', ';;', ' ; -- x\n')), { minLength: 1, maxLength: 4 }), (list) => {
          const sql = list.map(([statement, end]) => statement + end).join('');
          let prepared = 0;
          try {
            for (const statement of db.iterateStatements(sql)) {
              statement.free();
              prepared++;
            }
          } catch (error) {
            throw new Error(`SQLite refused ${JSON.stringify(sql)}: ${String(error)}`);
          }
          expect(sqlStatements(sql)).toHaveLength(prepared);
        }),
        { numRuns: 500 },
      );
    } finally {
      db.close();
    }
  });
});
