// Byte samples and a byte comparison shared by the contract suites; runs in Node and in Chromium.

const utf8 = new TextEncoder();

/** Contents a workflow file or an image may hold that a careless adapter would change. */
export const samples: ReadonlyArray<readonly [name: string, bytes: Uint8Array]> = [
  ['every byte value', Uint8Array.from({ length: 512 }, (_, i) => i % 256)],
  ['a byte-order mark before TOML', Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8.encode('[[phase]]\r\ntask = "a"\r\n'))],
  ['invalid UTF-8', Uint8Array.of(0x74, 0x61, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x0a)],
  ['an empty file', new Uint8Array(0)],
];

/** `length` bytes that differ from their neighbours, so a shifted or truncated copy does not match. */
export function pattern(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0; // a linear congruential generator: cheap, never all-same
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/**
 * Where two byte strings differ, in words, or `undefined` when they are the same. Compared this
 * way, a 50 MB mismatch fails in a line rather than a diff of millions of elements.
 */
export function bytesDiffer(actual: Uint8Array | undefined, expected: Uint8Array): string | undefined {
  if (!(actual instanceof Uint8Array)) return `expected ${expected.length} bytes, got ${String(actual)}`;
  if (actual.length !== expected.length) return `expected ${expected.length} bytes, got ${actual.length}`;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) return `byte ${i} is ${actual[i]}, expected ${expected[i]}`;
  }
  return undefined;
}

export const text = (value: string): Uint8Array => utf8.encode(value);

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
