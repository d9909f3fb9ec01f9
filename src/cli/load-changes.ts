import { stat } from 'node:fs/promises';
import type { WorkflowCache } from '../cache.js';
import { isObjectUrl } from '../s3/s3-url.js';
import { openDatabaseFile } from './open.js';
import { printable } from './printable.js';

/** Names listed on a line before the rest is counted: a load of 10,000 changed files stays readable. */
const NAMES_SHOWN = 10;

/**
 * The md5 of each file a database held before this load, read without a lock as `query` reads
 * it; `undefined` when there is no database yet (a first load) or it cannot be read (the load
 * itself says why).
 */
export async function filesBefore(db: string | undefined): Promise<ReadonlyMap<string, string> | undefined> {
  if (db === undefined) return undefined;
  if (!isObjectUrl(db) && !(await stat(db).then((s) => s.isFile(), () => false))) return undefined;
  const saved = await openDatabaseFile(db).catch(() => undefined);
  if (!saved) return undefined;
  try {
    return new Map(saved.files().map((f) => [f.file, f.hash]));
  } finally {
    await saved.close();
  }
}

/**
 * What this load changed in a database that held `before`: the files loaded anew (new or edited)
 * and the files gone, or that nothing changed.
 */
export function formatChanges(before: ReadonlyMap<string, string>, cache: WorkflowCache): string[] {
  const now = cache.files();
  const reloaded = now.filter((f) => before.get(f.file) !== f.hash).map((f) => f.file);
  const kept = new Set(now.map((f) => f.file));
  const removed = [...before.keys()].filter((key) => !kept.has(key));
  if (reloaded.length === 0 && removed.length === 0) return ['nothing changed since the last load'];
  const lines: string[] = [];
  if (reloaded.length > 0) lines.push(`reloaded: ${names(reloaded)}`);
  if (removed.length > 0) lines.push(`removed: ${names(removed)}`);
  return lines;
}

function names(keys: readonly string[]): string {
  const shown = keys.slice(0, NAMES_SHOWN).map(printable).join(', ');
  return keys.length > NAMES_SHOWN ? `${shown} and ${keys.length - NAMES_SHOWN} more` : shown;
}
