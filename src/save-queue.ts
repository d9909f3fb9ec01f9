import { StorageError } from './errors.js';
import type { OperationTimer } from './stats.js';
import type { StorageAdapter } from './storage/storage.js';
import { messageOf } from './message-of.js';

/**
 * Saves of one cache's image. Saves never overlap; callers that arrive while one runs share the
 * next, so a burst of refreshes costs at most two saves. A failed save leaves its changes
 * marked unsaved, for the next save to write.
 */
export class SaveQueue {
  readonly #storage: StorageAdapter | undefined;
  readonly #image: () => Uint8Array;
  readonly #timer: OperationTimer;
  #unsaved = false;
  #saving: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  /**
   * @param storage where to save; none: every save is a no-op
   * @param image the image to save, taken when its save starts
   */
  constructor(storage: StorageAdapter | undefined, image: () => Uint8Array, timer: OperationTimer) {
    this.#storage = storage;
    this.#image = image;
    this.#timer = timer;
  }

  /** Notes that the database changed since it was last saved. */
  changed(): void {
    this.#unsaved = true;
  }

  /**
   * Saves the image when anything changed, after the save under way, if any.
   * @throws {StorageError} when the storage fails; the changes stay unsaved
   */
  save(): Promise<void> {
    const storage = this.#storage;
    if (!storage || !this.#unsaved) return this.#saving ?? Promise.resolve();
    if (this.#next) return this.#next;
    const next = (this.#saving ?? Promise.resolve())
      .catch(() => {})
      .then(async () => {
        // The image is taken in a turn of its own: its export holds the thread for tens of
        // milliseconds on a large database, and the refresh that asked for the save held it last.
        // Callers that come meanwhile share this save, and their changes are in its image.
        await new Promise((resolve) => setTimeout(resolve, 0));
        this.#next = undefined;
        this.#saving = next;
        this.#unsaved = false;
        try {
          await this.#timer.timeAsync('save', () => storage.save(this.#image()));
        } catch (cause) {
          this.#unsaved = true;
          throw new StorageError(
            `saving the database to ${storage.location ?? 'storage'} failed (${messageOf(cause)}); ` +
              'the cache keeps working in memory and saves again at the next change or close()',
            { cause },
          );
        } finally {
          if (this.#saving === next) this.#saving = undefined;
        }
      });
    this.#next = next;
    return next;
  }

  /** Waits until no save is under way or queued, whether they succeed or fail. */
  async settle(): Promise<void> {
    for (let pending = this.#next ?? this.#saving; pending; pending = this.#next ?? this.#saving) {
      await pending.catch(() => {});
    }
  }
}
