import { WorkflowCacheError } from '../errors.js';
import type { SourceEntry, WorkflowSource } from './source.js';

/** The source of a cache opened from its saved database alone: there are no files to read. */
export class NoWorkflowFiles implements WorkflowSource {
  readonly isDir = false;
  readonly location: string;

  /** @param database where the saved database came from, for the message */
  constructor(database: string) {
    this.location = database;
  }

  async list(): Promise<SourceEntry[]> {
    throw new WorkflowCacheError(
      `this cache reads the saved database in ${this.location} and has no workflow files to refresh from; ` +
        'open it with WorkflowCache.open({ workflows, storage }) to refresh',
    );
  }

  async read(key: string): Promise<Uint8Array> {
    throw new WorkflowCacheError(`no workflow files to read ${key} from: ${this.location} was opened with openSaved()`);
  }
}
