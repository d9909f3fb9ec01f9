import { heldBytes, MAX_REMEMBERED_KEY } from '../read-cache.js';

/**
 * Bytes of answers kept at most (bodies and keys): room for every answer a dashboard or a
 * scheduler polls, and `GET /files` of a large folder; beyond, start over.
 */
export const MAX_KEPT_BYTES = 16 * 1024 * 1024;

/** A GET answer as sent: its type, its bytes and their ETag. */
export interface KeptAnswer {
  readonly type: string;
  readonly body: Uint8Array;
  readonly etag: string;
}

/**
 * GET answers by their path and query, each kept only while the data version it was computed
 * at is current: the first look with a newer version drops them all.
 */
export class ResponseMemo {
  readonly #kept = new Map<string, KeptAnswer>();
  #version = -1;
  #bytes = 0;

  /** The answer kept for `target` at data version `version`, if any. */
  get(target: string, version: number): KeptAnswer | undefined {
    if (version !== this.#version) {
      this.#restart(version);
      return undefined;
    }
    return this.#kept.get(target);
  }

  /** Keeps an answer computed at data version `version` (not one for a huge target or body). */
  keep(target: string, version: number, answer: KeptAnswer): void {
    if (version !== this.#version) this.#restart(version);
    if (target.length > MAX_REMEMBERED_KEY) return;
    const bytes = heldBytes(target, answer.etag) + answer.body.byteLength;
    if (bytes > MAX_KEPT_BYTES / 4) return;
    if (this.#bytes + bytes > MAX_KEPT_BYTES) this.#restart(version);
    this.#kept.set(target, answer);
    this.#bytes += bytes;
  }

  #restart(version: number): void {
    this.#kept.clear();
    this.#bytes = 0;
    this.#version = version;
  }
}
