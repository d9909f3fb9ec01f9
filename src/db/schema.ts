/**
 * The database schema: the plan's tables as written, with what the cache needs beside them, and
 * the migrations that bring an older database up to date. A saved database is used only when
 * its schema is exactly what these migrations (and {@link indexes}) create for its version, to
 * the letter of each `CREATE`: a released migration is never edited, not even a comment, and
 * nothing is created outside them.
 */

/** Marks a database as ours (`PRAGMA application_id`), so a foreign SQLite file is told apart. */
export const APPLICATION_ID = 0x57464321; // "WFC!"

/** A migration takes a database from `version - 1` to `version`. */
export interface Migration {
  version: number;
  sql: string;
}

/**
 * Version 1: the plan's tables, `workflow_files` keyed by its path alone (`WITHOUT ROWID`: no
 * second copy of the path in an index), with each file's size and mtime when last read so an
 * untouched file need not be read again, and `workflow_load_errors`. Version 2: the history,
 * each version of a file that was replaced or removed (`id` in the order they were replaced,
 * `loaded_at` when that version was loaded, `phases` as JSON
 * `[{task, rule, dependsOn, retry, template, status}]`). Version 3: each file's version as its
 * source gives it (an object's ETag), so an unchanged object is known without reading it. Version
 * 4: each phase's line in its file (kept for files with problems) and its problems as JSON `[{code, severity, message, line}]`
 * (`status` is their messages joined), and `workflow_meta`, which holds `checks_version`: the
 * version of the checks that gave the stored problems. Comments inside the SQL are kept short:
 * they ship in the bundle and in every database's schema.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE workflow_files (
        file_path TEXT PRIMARY KEY,
        file_hash TEXT NOT NULL,
        loaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        last_modified TIMESTAMP,
        size INTEGER,
        mtime_ms REAL,
        checked_at_ms REAL
      ) WITHOUT ROWID;
      CREATE TABLE workflow_phases (
        file_path TEXT NOT NULL,
        task TEXT NOT NULL,           -- topic:job
        depends_on TEXT,
        rule TEXT,
        template TEXT,
        retry INTEGER DEFAULT 0,
        status TEXT,                  -- problems, '' when none
        written_task TEXT NOT NULL,   -- as written
        position INTEGER NOT NULL,    -- file order
        topic TEXT NOT NULL,
        job TEXT NOT NULL,
        depends_topic TEXT NOT NULL,
        depends_job TEXT NOT NULL,
        PRIMARY KEY (file_path, task)
      );
      CREATE TABLE workflow_load_errors (
        file_path TEXT PRIMARY KEY,
        message TEXT NOT NULL,
        line INTEGER,
        "column" INTEGER,
        failed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE workflow_history (
        id INTEGER PRIMARY KEY,
        file_path TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        loaded_at TIMESTAMP,
        replaced_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
        phases TEXT NOT NULL          -- JSON, in file order
      );
      CREATE INDEX idx_workflow_history_file ON workflow_history (file_path, id);
    `,
  },
  {
    version: 3,
    sql: `ALTER TABLE workflow_files ADD COLUMN version TEXT; -- the source's version: an ETag`,
  },
  {
    version: 4,
    sql: `
      ALTER TABLE workflow_phases ADD COLUMN line INTEGER; -- of [[phase]], if problems
      ALTER TABLE workflow_phases ADD COLUMN problems TEXT; -- JSON, NULL when none
      CREATE TABLE workflow_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = migrations[migrations.length - 1].version;

/**
 * Indexes, created apart from the tables so a first bulk load can fill the tables before
 * building them (several times faster than inserting into indexed tables). Lookups within one
 * file need none of their own: the primary key finds a file's few phases. The topic index
 * serves lookups across files (a job is checked on the rows it finds); each further index
 * made the image ~8% larger for lookups no faster.
 */
export const indexes = `
  CREATE INDEX IF NOT EXISTS idx_workflow_phases_task ON workflow_phases (task);
  CREATE INDEX IF NOT EXISTS idx_workflow_phases_depends_on ON workflow_phases (depends_on);
  CREATE INDEX IF NOT EXISTS idx_workflow_phases_status ON workflow_phases (status);
  CREATE INDEX IF NOT EXISTS idx_workflow_phases_topic ON workflow_phases (topic, file_path, position);
`;
