// @ts-check
// Plain JavaScript so that the query workers, which start from their files as they are, share it.

/**
 * What a thrown value says: an error's message (also one from another realm, or an object
 * shaped like one), else the value as a string.
 * @param {unknown} thrown
 * @returns {string}
 */
export function messageOf(thrown) {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'object' && thrown !== null && 'message' in thrown && typeof thrown.message === 'string') return thrown.message;
  return String(thrown);
}
