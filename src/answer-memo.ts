import type { Phase } from './phase.js';
import { heldBytes, MAX_REMEMBERED_KEY, phaseBytes } from './read-cache.js';

/**
 * Bytes of answers remembered at most (keys and phases, as {@link heldBytes} counts them): a
 * scheduler asks about few tasks over and over; beyond, start over. In bytes, not answers,
 * since a caller's meta or a phase's template may be megabytes each.
 */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** Answers to lookups by a caller's key; the owner must {@link clear} it whenever phases are written or removed. */
export class AnswerMemo {
  readonly #answers = new Map<string, Phase>();
  #bytes = 0;

  /** The answer remembered under `key` since the last clear, if any. */
  get(key: string): Phase | undefined {
    return this.#answers.get(key);
  }

  /** Remembers an answer (not under a huge key); the caller must not change `phase` after. */
  remember(key: string, phase: Phase): void {
    if (key.length > MAX_REMEMBERED_KEY) return;
    const bytes = heldBytes(key) + phaseBytes(phase);
    if (bytes > MAX_ANSWER_BYTES) return;
    if (this.#bytes + bytes > MAX_ANSWER_BYTES) this.clear();
    this.#answers.set(key, phase);
    this.#bytes += bytes;
  }

  clear(): void {
    this.#answers.clear();
    this.#bytes = 0;
  }
}
