import { WorkflowCacheError } from '../errors.js';
import type { SourceEntry, WorkflowSource } from './source.js';

/** The source of a cache opened from its saved database alone: there are no files to read. */
export class NoWorkflowFiles implements WorkflowSource {
  readonly isDir = false;

  /** @param location where the saved database came from, for the message */
  constructor(readonly location: string) {}

  async list(): Promise<SourceEntry[]> {
    throw new WorkflowCacheError(
      `this cache reads the saved database in ${this.location}: no workflow files to refresh from; open it with open({ workflows, storage })`,
    );
  }

  read(): Promise<Uint8Array> {
    return this.list() as never;
  }
}
