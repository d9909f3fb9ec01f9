import initSqlJs from 'sql.js';
import { stringify } from 'smol-toml';
import {
  MemorySource,
  MemoryStorage,
  UnusableDatabaseWarning,
  WorkflowCache,
  type SqlJsConfig,
  type WorkflowCacheError,
} from '../../src/index.browser.js';
import { download } from './dom.js';
import { tarArchive } from './tar.js';
import type { Workspace } from './workspace.js';

/** Thrown when a file offered for import is not a workflow-cache database; nothing was changed. */
export class ImportRejected extends Error {
  override name = 'ImportRejected';
}

const magic = 'SQLite format 3\0';

/** Offers the database as a `.sqlite` download. */
export function exportDatabase(workspace: Workspace): void {
  // A copy on a plain ArrayBuffer, which is what Blob accepts.
  download('workflows.sqlite', new Uint8Array(workspace.cache.export()), 'application/vnd.sqlite3');
}

/** Offers every workflow file, as its text, in one `workflows.tar` that keeps their folders. */
export function exportAllWorkflows(workspace: Workspace): void {
  download('workflows.tar', new Uint8Array(tarArchive(workspace.files)), 'application/x-tar');
}

/** Offers one workflow file, as its text, as a download. */
export function exportWorkflow(workspace: Workspace, key: string): void {
  download(key.split('/').pop() || 'workflow.toml', workspace.files.get(key) ?? '', 'application/toml');
}

/**
 * Replaces the workspace with a `.sqlite` file exported earlier. The file is checked first,
 * the way the cache itself checks a saved database; when it is not usable the workspace is
 * left exactly as it was.
 * @returns the file keys imported
 * @throws {ImportRejected} when the file is not a workflow-cache database
 */
export async function importDatabase(workspace: Workspace, file: File, sqlJs: SqlJsConfig): Promise<string[]> {
  const image = new Uint8Array(await file.arrayBuffer());
  if (image.length < magic.length || new TextDecoder().decode(image.subarray(0, magic.length)) !== magic) {
    throw new ImportRejected(`${file.name} is not a SQLite database (it does not start with "SQLite format 3"); nothing was imported`);
  }
  await checkImage(file.name, image, sqlJs);
  const files = await workflowTexts(image, sqlJs);
  await workspace.replace(files, image);
  return Object.keys(files);
}

/** Opens the image with the library on a throwaway copy: an unusable one is reported, not repaired. */
async function checkImage(name: string, image: Uint8Array, sqlJs: SqlJsConfig): Promise<void> {
  let unusable: UnusableDatabaseWarning | undefined;
  let trial: WorkflowCache;
  try {
    trial = await WorkflowCache.open({
      workflows: new MemorySource(),
      storage: new MemoryStorage(image),
      sqlJs,
      onWarning: (warning: WorkflowCacheError) => {
        if (warning instanceof UnusableDatabaseWarning) unusable = warning;
      },
    });
  } catch (error) {
    throw new ImportRejected(`${name} cannot be imported: ${(error as Error).message}`);
  }
  await trial.close();
  if (unusable) throw new ImportRejected(`${name} cannot be imported: it is ${unusable.reason}; nothing was imported`);
}

/**
 * The database keeps phases, not the files' text: each file is written back as TOML from its
 * phases in file order (comments and formatting are not in the database).
 */
async function workflowTexts(image: Uint8Array, sqlJs: SqlJsConfig): Promise<Record<string, string>> {
  const SQL = await initSqlJs(sqlJs);
  const db = new SQL.Database(image);
  try {
    const files: Record<string, string> = {};
    const known = db.exec('SELECT file_path FROM workflow_files ORDER BY file_path')[0]?.values ?? [];
    const rows = db.exec('SELECT file_path, written_task, depends_on, rule, retry, template FROM workflow_phases ORDER BY file_path, position')[0]?.values ?? [];
    const phases = new Map<string, Array<Record<string, string | number>>>(known.map(([key]) => [String(key), []]));
    for (const [key, task, dependsOn, rule, retry, template] of rows) {
      const phase: Record<string, string | number> = { task: String(task) };
      if (dependsOn) phase.dependsOn = String(dependsOn);
      if (rule) phase.rule = String(rule);
      if (Number(retry)) phase.retry = Number(retry);
      if (template) phase.template = String(template);
      phases.get(String(key))?.push(phase);
    }
    for (const [key, list] of phases) files[key] = list.length === 0 ? '' : stringify({ phase: list });
    return files;
  } finally {
    db.close();
  }
}
