import type { StorageAdapter } from './storage.js';

/** Keeps the image in memory: survives closing and reopening a cache within one process. */
export class MemoryStorage implements StorageAdapter {
  readonly location = 'memory';
  #image: Uint8Array | undefined;
  /** Images found unusable, in the order they were moved aside. */
  readonly asideImages: Uint8Array[] = [];

  /** @param image an image to start from */
  constructor(image?: Uint8Array) {
    this.#image = image?.slice();
  }

  async load(): Promise<Uint8Array | undefined> {
    return this.#image?.slice();
  }

  async save(image: Uint8Array): Promise<void> {
    this.#image = image.slice();
  }

  async moveAside(image: Uint8Array): Promise<string> {
    this.asideImages.push(image.slice());
    return `memory (aside #${this.asideImages.length})`;
  }
}
