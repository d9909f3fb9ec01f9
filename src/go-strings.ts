/**
 * Go's `strings` functions that the Go scheduler applies to rule text, where JavaScript's look-alikes
 * differ: Go's spaces are Unicode's White_Space (U+0085 is one, U+FEFF is not, unlike `\s` and
 * `trim()`), and Go lower-cases one code point at a time (`İ` is `i`, not `i̇` as in `toLowerCase()`).
 */

const spaces = /\p{White_Space}+/u;
const edgeSpaces = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** `strings.Fields`: the pieces between runs of spaces, none empty. */
export function goFields(text: string): string[] {
  return text.split(spaces).filter((piece) => piece !== '');
}

/** `strings.TrimSpace`. */
export function goTrimSpace(text: string): string {
  return text.replace(edgeSpaces, '');
}

/**
 * `strings.ToLower`: Unicode's simple lower-case mapping, one code point at a time. For a lone code
 * point that is `toLowerCase()` everywhere but U+0130 (the whole-string `toLowerCase()` also turns
 * a final `Σ` into `ς`, which Go does not).
 */
export function goToLower(text: string): string {
  return Array.from(text, (c) => (c === '\u0130' ? 'i' : c.toLowerCase())).join('');
}
