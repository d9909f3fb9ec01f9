/**
 * SQL split into tokens the way SQLite's own tokenizer (`tokenize.c`) splits it, so that what a
 * statement is can be known without handing it to `prepare`: SQLite applies some PRAGMAs while
 * it prepares them. Whitespace and comments are dropped, as SQLite drops them.
 */
export interface SqlToken {
  /**
   * `word`: a bare identifier or keyword; `quoted`: an identifier in `"…"`, `` `…` `` or `[…]`;
   * `string`: `'…'`; `blob`: `x'…'`; `illegal`: what SQLite would refuse as an unrecognized token.
   */
  kind: 'word' | 'quoted' | 'string' | 'blob' | 'number' | 'variable' | 'operator' | 'semicolon' | 'illegal';
  /** The token as written. */
  text: string;
  /** Words and quoted identifiers: the name, unquoted; strings: the value. Otherwise the text. */
  value: string;
}

/** Identifier characters as SQLite's `IdChar()`: ASCII letters, digits, `_`, `$`, and every non-ASCII character. */
function isIdChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c >= 0x80;
}

function isIdStart(c: number): boolean {
  return isIdChar(c) && c !== 0x24 && !(c >= 0x30 && c <= 0x39);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** SQLite's spaces: tab, newline, form feed, carriage return, space (not vertical tab). */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

/** `name` lower-cased in ASCII only, as SQLite compares keywords and names (`ſ` is not `s`). */
export function asciiLower(name: string): string {
  return name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/**
 * The tokens of `sql`. Reading stops at a NUL character, where SQLite stops reading the text.
 * Unterminated strings, quoted identifiers and blobs, and characters SQLite does not know, come
 * back as one `illegal` token that runs to the end.
 */
export function sqlTokens(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const end = sql.includes('\0') ? sql.indexOf('\0') : sql.length;
  const at = (i: number): number => (i < end ? sql.charCodeAt(i) : 0);
  let i = 0;
  const push = (kind: SqlToken['kind'], start: number, value?: string): void => {
    const text = sql.slice(start, i);
    tokens.push({ kind, text, value: value ?? text });
  };
  while (i < end) {
    const start = i;
    const c = at(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 0x2d && at(i + 1) === 0x2d) {
      // -- to the end of the line
      while (i < end && at(i) !== 0x0a) i++;
    } else if (c === 0x2f && at(i + 1) === 0x2a) {
      // /* to */, or to the end of the text: SQLite accepts an unterminated comment
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 || close >= end ? end : close + 2;
    } else if (c === 0x27 || c === 0x22 || c === 0x60) {
      // '…' string, "…" or `…` identifier: the quote doubled stands for itself
      const quote = sql[i];
      let value = '';
      i++;
      for (;;) {
        if (i >= end) {
          push('illegal', start);
          return tokens;
        }
        if (sql[i] === quote) {
          if (sql[i + 1] === quote && i + 1 < end) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i++];
      }
      push(c === 0x27 ? 'string' : 'quoted', start, value);
    } else if (c === 0x5b) {
      // […] identifier: no escape, ends at the first ]
      const close = sql.indexOf(']', i + 1);
      if (close === -1 || close >= end) {
        i = end;
        push('illegal', start);
        return tokens;
      }
      i = close + 1;
      push('quoted', start, sql.slice(start + 1, close));
    } else if ((c === 0x78 || c === 0x58) && at(i + 1) === 0x27) {
      // x'…' blob: an even number of hex digits
      i += 2;
      while (isHexDigit(at(i))) i++;
      if (at(i) !== 0x27 || (i - start - 2) % 2 !== 0) {
        i = end;
        push('illegal', start);
        return tokens;
      }
      i++;
      push('blob', start);
    } else if (isIdStart(c)) {
      while (isIdChar(at(i))) i++;
      push('word', start);
    } else if (isDigit(c) || (c === 0x2e && isDigit(at(i + 1)))) {
      // Numbers, loosely (hex, separators, exponents): what follows a number is never a keyword.
      while (isIdChar(at(i)) || at(i) === 0x2e || ((at(i) === 0x2b || at(i) === 0x2d) && (at(i - 1) | 0x20) === 0x65)) i++;
      push('number', start);
    } else if (c === 0x3f) {
      i++;
      while (isDigit(at(i))) i++;
      push('variable', start);
    } else if (c === 0x3a || c === 0x40 || c === 0x23 || c === 0x24) {
      // :name @name #name $name, with Tcl's $a::b and $a(…) forms
      i++;
      let n = 0;
      for (;;) {
        const d = at(i);
        if (isIdChar(d)) {
          i++;
          n++;
        } else if (d === 0x28 && n > 0) {
          while (i < end && at(i) !== 0x29 && !isSpace(at(i))) i++;
          if (at(i) === 0x29) i++;
          break;
        } else if (d === 0x3a && at(i + 1) === 0x3a) {
          i += 2;
        } else {
          break;
        }
      }
      push(n === 0 ? 'illegal' : 'variable', start);
    } else if (c === 0x3b) {
      i++;
      push('semicolon', start);
    } else if ('(),.+-*/%&|~<>=!^'.includes(sql[i])) {
      i++;
      // Two-character operators, so that `->` or `||` is not read as two tokens.
      if (['||', '<=', '>=', '<>', '!=', '==', '<<', '>>', '->'].includes(sql.slice(start, i + 1))) i++;
      if (sql.slice(start, i + 1) === '->>') i++;
      push('operator', start);
    } else {
      i++;
      push('illegal', start);
    }
  }
  return tokens;
}

/** The statements of `sql`: its tokens split at each `;`, empty statements left out. */
export function sqlStatements(sql: string): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (const token of sqlTokens(sql)) {
    if (token.kind === 'semicolon') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}
