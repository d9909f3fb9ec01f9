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
const encoder = new TextEncoder();

/**
 * Decodes one rune at `i` as Go's `utf8.DecodeRune` does, packed as `rune << 3 | size` (no array
 * per rune: a file's strings are decoded rune by rune); 0xFFFD with size 1 for a byte that does
 * not start a valid sequence (overlong forms and surrogates included). Read it with
 * {@link runeOf} and {@link sizeOf}.
 */
export function decodeRune(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i];
  if (b0 < 0x80) return (b0 << 3) | 1;
  const n = bytes.length;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    if (i + 1 < n && (bytes[i + 1] & 0xc0) === 0x80) return ((((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f)) << 3) | 2;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (i + 2 < n && bytes[i + 1] >= lo && bytes[i + 1] <= hi && (bytes[i + 2] & 0xc0) === 0x80) {
      return ((((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f)) << 3) | 3;
    }
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (i + 3 < n && bytes[i + 1] >= lo && bytes[i + 1] <= hi && (bytes[i + 2] & 0xc0) === 0x80 && (bytes[i + 3] & 0xc0) === 0x80) {
      return ((((b0 & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f)) << 3) | 4;
    }
  }
  return (0xfffd << 3) | 1;
}

export const runeOf = (packed: number) => packed >>> 3;
export const sizeOf = (packed: number) => packed & 7;
/** Whether a decoded rune is Go's `RuneError` for a byte that is not UTF-8 (not a U+FFFD written as such). */
export const isBadByte = (packed: number) => packed === ((0xfffd << 3) | 1);

/** The string of `bytes[start, end)` when they are all ASCII, the common case, without a TextDecoder call. */
export function asciiString(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > 64) return undefined;
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) return undefined;
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

const plainDecoder = new TextDecoder();

/** Short strings are looked up here before one is made: the same keys and values come back in every file. */
const INTERNED_SLOTS = 1024;
const INTERNED_LENGTH = 24;
const internedBytes = new Uint8Array(INTERNED_SLOTS * INTERNED_LENGTH);
const internedLengths = new Int8Array(INTERNED_SLOTS).fill(-1);
const internedTexts: string[] = new Array<string>(INTERNED_SLOTS).fill('');

/**
 * The string of `bytes[start, end)` that are known to be ASCII: a short one is the same string
 * as the last time these bytes were read when it is still held (comparing bytes costs less than
 * making a string), a long one is decoded at once.
 */
export function asciiText(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > INTERNED_LENGTH) return plainDecoder.decode(bytes.subarray(start, end));
  let hash = length;
  for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[i]) | 0;
  const slot = hash & (INTERNED_SLOTS - 1);
  const at = slot * INTERNED_LENGTH;
  if (internedLengths[slot] === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (internedBytes[at + i] !== bytes[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return internedTexts[slot];
  }
  const text = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  for (let i = 0; i < length; i++) internedBytes[at + i] = bytes[start + i];
  internedLengths[slot] = length;
  internedTexts[slot] = text;
  return text;
}

/** The JS string for a rune of a Go string (one rune of the escape range becomes four escapes). */
export function runeString(rune: number): string {
  return rune >= ESCAPE_BASE + 0x80 ? goString(encoder.encode(String.fromCodePoint(rune))) : String.fromCodePoint(rune);
}

/** The text of bytes that are valid UTF-8 and hold no character of the escape range: the JS string of most Go strings. */
export function plainUtf8(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
  return escapeRange.test(text) ? undefined : text;
}

/** The JS string for the Go string `bytes[start, end)`, one-to-one (see the module comment). */
export function goString(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const ascii = asciiString(bytes, start, end);
  if (ascii !== undefined) return ascii;
  const slice = bytes.subarray(start, end);
  const text = plainUtf8(slice);
  if (text !== undefined) return text;
  const out: number[] = [];
  for (let i = 0; i < slice.length; ) {
    const packed = decodeRune(slice, i);
    const size = sizeOf(packed);
    if (isBadByte(packed) || runeOf(packed) >= ESCAPE_BASE + 0x80) {
      for (let j = i; j < i + size; j++) out.push(ESCAPE_BASE + slice[j]);
    } else {
      out.push(runeOf(packed));
    }
    i += size;
  }
  return fromCodePoints(out);
}

/** String.fromCodePoint over many code points, in chunks the argument list can hold. */
export function fromCodePoints(points: number[]): string {
  let out = '';
  for (let i = 0; i < points.length; i += 8192) out += String.fromCodePoint(...points.slice(i, i + 8192));
  return out;
}

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
