/**
 * A weak validator from the body's own bytes (FNV-1a, 52 bits): it changes exactly when the
 * answer does, costs a pass over a small string, and needs no crypto (the handler runs anywhere).
 */
export function etagOf(body: string | Uint8Array): string {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  const text = typeof body === 'string';
  for (let i = 0; i < body.length; i++) {
    const c = text ? body.charCodeAt(i) : body[i];
    low = Math.imul(low ^ c, 0x01000193) >>> 0;
    high = Math.imul(high ^ (c >>> 3) ^ low, 0x01000193) >>> 0;
  }
  return `W/"${(high & 0xfffff).toString(36)}${low.toString(36)}-${body.length.toString(36)}"`;
}

/** Whether an `If-None-Match` header names this ETag (weak comparison, as GET requires). */
export function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (ifNoneMatch === null) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === bare);
}
