import { stringify } from 'smol-toml';
import { WorkflowCache, type SqlJsConfig, type StorageAdapter } from '../../src/index.browser.js';
import { unsafeKeyReason, UnsafeFileKeyError } from '../../src/safe-key.js';
import { download } from './dom.js';
import { tarArchive } from './tar.js';
import type { Workspace } from './workspace.js';
import { messageOf } from '../../src/message-of.js';

/** Thrown when a file offered for import is not a workflow-cache database; nothing was changed. */
export class ImportRejected extends Error {
  override name = 'ImportRejected';
}

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
 * Replaces the workspace with a `.sqlite` file exported earlier. The file is read with
 * `WorkflowCache.openSaved`, which writes nothing and refuses a database whose schema is not
 * exactly workflow-cache's (a planted trigger or view never runs); when it is not a usable
 * workflow-cache database the workspace is left exactly as it was.
 * @returns the file keys imported
 * @throws {ImportRejected} when the file is not a workflow-cache database, or holds a file key
 * that is not a safe relative path (`../../x.toml`, `/abs.toml`): it would be written outside
 * the folder a `.tar` download is unpacked in
 */
export async function importDatabase(workspace: Workspace, file: File, sqlJs: SqlJsConfig): Promise<string[]> {
  const image = new Uint8Array(await file.arrayBuffer());
  // The file itself as the storage, named as the user knows it; openSaved never saves to it.
  const storage: StorageAdapter = { location: file.name, load: async () => image, save: async () => {} };
  let saved: WorkflowCache;
  try {
    saved = await WorkflowCache.openSaved({ storage, sqlJs });
  } catch (error) {
    throw new ImportRejected(`${messageOf(error)}; nothing was imported`);
  }
  try {
    const files = workflowTexts(saved);
    for (const key of Object.keys(files)) {
      const reason = unsafeKeyReason(key);
      if (reason !== undefined) throw new ImportRejected(`${file.name}: ${new UnsafeFileKeyError(key, reason).message}; nothing was imported`);
    }
    await workspace.replace(files, image);
    return Object.keys(files);
  } finally {
    await saved.close();
  }
}

/**
 * The database keeps phases, not the files' text: each file is written back as TOML from its
 * phases in file order (comments and formatting are not in the database).
 */
function workflowTexts(saved: WorkflowCache): Record<string, string> {
  const files: Record<string, string> = {};
  for (const { file } of saved.files()) files[file] = '';
  const byFile = new Map<string, Array<Record<string, string | number | bigint>>>();
  for (const p of saved.phases()) {
    const phase: Record<string, string | number | bigint> = { task: p.task };
    if (p.dependsOn) phase.dependsOn = p.dependsOn;
    if (p.rule) phase.rule = p.rule;
    if (p.retry) phase.retry = p.retry;
    if (p.template) phase.template = p.template;
    const same = byFile.get(p.filePath);
    if (same) same.push(phase);
    else byFile.set(p.filePath, [phase]);
  }
  for (const [key, phases] of byFile) files[key] = stringify({ phase: phases });
  return files;
}
