/**
 * Characters that a terminal or a log viewer acts on instead of showing: C0 controls (newline,
 * carriage return, ESC, which starts ANSI and OSC sequences), DEL, C1 controls (U+009B is a CSI
 * by itself on some terminals), the line and paragraph separators, and the bidirectional marks,
 * embeddings, overrides and isolates that reorder what is shown (Trojan Source).
 */
const unsafe = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` as it can be printed among our own lines: every character a terminal would act on is
 * shown as a visible escape (`\n`, `\x1b`, `\u202e`), so a file name, task or template can
 * neither add a line nor move, recolour or clear what is on screen. Backslashes stay as they
 * are: this is for reading, not parsing (`--json` gives the exact values).
 */
export function printable(text: string): string {
  return text.replace(unsafe, (c) => named[c] ?? escapeCode(c.charCodeAt(0)));
}

function escapeCode(code: number): string {
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
