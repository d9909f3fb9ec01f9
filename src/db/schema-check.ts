import type { Database } from './engine.js';

/** One object of a database's schema (table, index, view, trigger), as `sqlite_schema` holds it. */
export interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  /** The `CREATE` statement as written; `null` for the indexes SQLite makes for a primary key. */
  sql: string | null;
}

/** The schema a version of ours has: the objects it must hold, and those it may hold besides. */
export interface ExpectedSchema {
  required: readonly SchemaObject[];
  /** Indexes that a load builds when missing: without them answers are the same, only slower. */
  optional: readonly SchemaObject[];
}

/** Differences named in a reason at most: a planted image may hold thousands of objects. */
const MAX_NAMED = 5;

/**
 * Every object of the schema. Reads `sqlite_schema` only: it runs no trigger and reads no view,
 * so it is safe on an image not yet trusted.
 */
export function readSchema(db: Database): SchemaObject[] {
  const statement = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema');
  let rows;
  try {
    rows = statement.all();
  } finally {
    statement.free();
  }
  return rows.map(([type, name, tbl_name, sql]) => ({
    type: String(type),
    name: String(name),
    tbl_name: String(tbl_name),
    sql: sql === null ? null : String(sql),
  }));
}

/**
 * What sets `found` apart from `expected`, one phrase each (`unexpected trigger evil`, `missing
 * table workflow_files`); `[]` when the schema is exactly one we create. Objects are compared
 * by type and name, then by table and `CREATE` text exactly; only their order may differ (a
 * migrated database lists a later version's tables after the indexes of the first).
 */
export function schemaDifferences(found: readonly SchemaObject[], expected: ExpectedSchema): string[] {
  const required = byKey(expected.required);
  const optional = byKey(expected.optional);
  const differences: string[] = [];
  const seen = new Set<string>();
  const unexpected: SchemaObject[] = [];
  for (const object of found) {
    const key = keyOf(object);
    const ours = required.get(key) ?? optional.get(key);
    if (seen.has(key)) differences.push(`${describe(object)} defined twice`);
    else if (!ours) unexpected.push(object);
    else if (ours.tbl_name !== object.tbl_name || ours.sql !== object.sql) differences.push(`${describe(object)} defined differently`);
    seen.add(key);
  }
  for (const object of unexpected) {
    const replaced = expected.required.find((ours) => ours.name === object.name && !seen.has(keyOf(ours)));
    if (replaced) seen.add(keyOf(replaced));
    differences.push(replaced ? `${describe(object)} in place of the ${replaced.type}` : `unexpected ${describe(object)}`);
  }
  for (const ours of expected.required) if (!seen.has(keyOf(ours))) differences.push(`missing ${describe(ours)}`);
  if (differences.length <= MAX_NAMED) return differences;
  return [...differences.slice(0, MAX_NAMED), `and ${differences.length - MAX_NAMED} more`];
}

function keyOf(object: SchemaObject): string {
  return `${object.type} ${object.name}`;
}

function byKey(objects: readonly SchemaObject[]): Map<string, SchemaObject> {
  return new Map(objects.map((o) => [keyOf(o), o]));
}

/** `trigger evil`; a name that is not a plain identifier is quoted, so it cannot forge a line of output. */
function describe(object: SchemaObject): string {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(object.name) ? object.name : JSON.stringify(object.name);
  return `${/^[a-z]+$/.test(object.type) ? object.type : JSON.stringify(object.type)} ${name}`;
}
