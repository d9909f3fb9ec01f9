import type { SourceEntry, WorkflowSource } from './source.js';

const utf8 = new TextEncoder();

/** A folder of workflow files held in memory, keyed like files below a workflows folder. */
export class MemorySource implements WorkflowSource {
  readonly isDir = true;
  readonly location: string;
  readonly #files = new Map<string, Uint8Array>();

  /**
   * @param files initial files, key to TOML text
   * @param location a name for messages. Default is `memory`.
   */
  constructor(files: Record<string, string> = {}, location = 'memory') {
    this.location = location;
    for (const [key, text] of Object.entries(files)) this.set(key, text);
  }

  /** Adds or replaces a file. */
  set(key: string, text: string | Uint8Array): void {
    if (key === '') throw new TypeError('MemorySource: a file key must not be empty');
    this.#files.set(key, typeof text === 'string' ? utf8.encode(text) : text.slice());
  }

  /** Removes a file; removing a missing one does nothing. */
  delete(key: string): void {
    this.#files.delete(key);
  }

  /** The keys held, in key order. */
  keys(): string[] {
    return [...this.#files.keys()].sort();
  }

  async list(): Promise<SourceEntry[]> {
    return this.keys().map((key) => ({ key }));
  }

  async read(key: string): Promise<Uint8Array> {
    const bytes = this.#files.get(key);
    if (!bytes) throw new Error(`no such file in ${this.location}: ${key}`);
    return bytes;
  }
}
