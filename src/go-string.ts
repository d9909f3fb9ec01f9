/**
 * Go strings are bytes; ours are UTF-16. A Go workflow file or meta may hold bytes that are not
 * UTF-8 (Go's TOML decoder keeps them in literal strings, `url.QueryUnescape` makes them from
 * `%C3`), and Go compares them byte for byte. So that every Go string has exactly one JS string
 * and back, a byte that is not part of valid UTF-8 becomes the code point U+10FF00 + byte (the
 * last 128 of plane 16's private use area), and a character of that range written in the text
 * itself is escaped the same way, byte by byte. The result is valid Unicode: it goes through
 * SQLite, a saved image and IndexedDB unchanged, which lone surrogates (Python's surrogateescape)
 * do not: sql.js reads them back as U+FFFD.
 */

/** The first code point of the escape range; U+10FF00 + byte for bytes 0x80–0xFF. */
const ESCAPE_BASE = 0x10ff00;
const escapeRange = /[\u{10FF80}-\u{10FFFF}]/u;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes one rune at `i` as Go's `utf8.DecodeRune` does: `[rune, size]`, and `[0xFFFD, 1]` for
 * a byte that does not start a valid sequence (overlong forms and surrogates included).
 */
export function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i];
  if (b0 < 0x80) return [b0, 1];
  const n = bytes.length;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (i + 1 < n && (bytes[i + 1] & 0xc0) === 0x80) return [((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f), 2];
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (i + 2 < n && bytes[i + 1] >= lo && bytes[i + 1] <= hi && (bytes[i + 2] & 0xc0) === 0x80) {
      return [((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f), 3];
    }
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (i + 3 < n && bytes[i + 1] >= lo && bytes[i + 1] <= hi && (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
      return [((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f), 4];
    }
  }
  return [0xfffd, 1];
}

/** The JS string for the Go string `bytes[start, end)`, one-to-one (see the module comment). */
export function goString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const slice = bytes.subarray(start, end);
  let text: string | undefined;
  try {
    text = strictUtf8.decode(slice);
  } catch {
    text = undefined;
  }
  if (text !== undefined && !escapeRange.test(text)) return text;
  let out = '';
  for (let i = 0; i < slice.length; ) {
    const [rune, size] = decodeRune(slice, i);
    if ((rune === 0xfffd && size === 1) || rune >= ESCAPE_BASE + 0x80) {
      for (let j = i; j < i + size; j++) out += String.fromCodePoint(ESCAPE_BASE + slice[j]);
    } else {
      out += String.fromCodePoint(rune);
    }
    i += size;
  }
  return out;
}

const encoder = new TextEncoder();

/** The Go string (bytes) a JS string stands for: the inverse of {@link goString}. */
export function goBytes(text: string): Uint8Array {
  if (!escapeRange.test(text)) return encoder.encode(text);
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= ESCAPE_BASE + 0x80) out.push(code - ESCAPE_BASE);
    else out.push(...encoder.encode(char));
  }
  return Uint8Array.from(out);
}
