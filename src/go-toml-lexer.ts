/**
 * The lexer of the TOML decoder the Go cache uses (github.com/hydronica/toml, a fork of
 * BurntSushi/toml 0.3, TOML 0.4), state for state, so that a file lexes here exactly as it does
 * there: over bytes, with Go's rune decoding, its newline (`\n` or a lone `\r`), its bare keys
 * (`A-Za-z0-9_-`, no dots), and its rune 0 for the end of input, which a NUL byte also reads as.
 */
import { decodeRune, runeOf, sizeOf } from './go-string.js';

export type ItemType =
  | 'error' | 'eof' | 'text' | 'string' | 'rawString' | 'multilineString' | 'rawMultilineString'
  | 'bool' | 'integer' | 'float' | 'datetime' | 'array' | 'arrayEnd' | 'tableStart' | 'tableEnd'
  | 'arrayTableStart' | 'arrayTableEnd' | 'keyStart' | 'commentStart' | 'inlineTableStart' | 'inlineTableEnd';

/** One token: its bytes are `input[start, end)`; an error item carries Go's message instead. */
export interface Item {
  type: ItemType;
  start: number;
  end: number;
  /** A string whose bytes are all printable ASCII, with no escape: its text is its bytes. */
  plain: boolean;
  message?: string;
}

type State = ((lx: Lexer) => State) | null;

/** Go's `eof` rune is 0, so a NUL byte is the end of input wherever the lexer checks for it. */
const EOF = 0;

export class Lexer {
  readonly input: Uint8Array;
  start = 0;
  pos = 0;
  /** Where the rune last read by next() starts: errors point at it. */
  lastRead = 0;
  private atEOF = false;
  /** The widths of the last three runes read, the latest first: backup() steps back over them. */
  private width0 = 0;
  private width1 = 0;
  private width2 = 0;
  /** Whether the string being lexed has only had bytes {@link skipPlain} passed over. */
  private plain = false;
  private state: State = lexTop;
  private readonly queue: Item[] = [];
  private readonly stack: State[] = [];

  constructor(input: Uint8Array) {
    this.input = input;
  }

  nextItem(): Item {
    while (this.queue.length === 0) {
      if (this.state === null) return { type: 'eof', start: this.pos, end: this.pos, plain: false };
      this.state = this.state(this);
    }
    return this.queue.shift()!;
  }

  push(state: State): void {
    this.stack.push(state);
  }

  pop(): State {
    const last = this.stack.pop();
    return last === undefined ? this.errorf('BUG in lexer: no states to pop') : last;
  }

  emit(type: ItemType): void {
    this.queue.push({ type, start: this.start, end: this.pos, plain: false });
    this.start = this.pos;
  }

  /** Emits a string item, telling whether it was plain (see {@link skipPlain}). */
  emitString(type: ItemType): void {
    this.queue.push({ type, start: this.start, end: this.pos, plain: this.plain });
    this.start = this.pos;
  }

  /** Starts a string: it is plain until {@link notPlain}. */
  startString(): void {
    this.plain = true;
  }

  /** The string being lexed holds a rune {@link skipPlain} does not pass over. */
  notPlain(): void {
    this.plain = false;
  }

  /**
   * Passes over the bytes a string's loop would read one by one and go on: printable ASCII but
   * for `"`, `'` and `\` (and tab), all at once. The runes read are as next() would leave them.
   */
  skipPlain(): void {
    const input = this.input;
    const from = this.pos;
    let at = from;
    while (at < input.length) {
      const b = input[at];
      if (b < 0x20 || b >= 0x7f || b === 0x22 || b === 0x27 || b === 0x5c) break;
      at++;
    }
    const read = at - from;
    if (read === 0) return;
    this.pos = at;
    this.lastRead = at - 1;
    this.width2 = read >= 3 ? 1 : read === 2 ? this.width0 : this.width1;
    this.width1 = read >= 2 ? 1 : this.width0;
    this.width0 = 1;
  }

  next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      this.lastRead = this.pos;
      return EOF;
    }
    this.width2 = this.width1;
    this.width1 = this.width0;
    const b = this.input[this.pos];
    this.lastRead = this.pos;
    if (b < 0x80) {
      this.width0 = 1;
      this.pos++;
      return b;
    }
    const packed = decodeRune(this.input, this.pos);
    this.width0 = sizeOf(packed);
    this.pos += sizeOf(packed);
    return runeOf(packed);
  }

  ignore(): void {
    this.start = this.pos;
  }

  backup(): void {
    if (this.atEOF) {
      this.atEOF = false;
      return;
    }
    this.pos -= this.width0;
    this.width0 = this.width1;
    this.width1 = this.width2;
  }

  accept(valid: number): boolean {
    if (this.next() === valid) return true;
    this.backup();
    return false;
  }

  peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  skip(pred: (r: number) => boolean): void {
    for (;;) {
      const r = this.next();
      if (pred(r)) continue;
      this.backup();
      this.ignore();
      return;
    }
  }

  errorf(message: string): null {
    this.queue.push({ type: 'error', start: this.lastRead, end: this.lastRead, plain: false, message });
    return null;
  }
}

const c = (s: string) => s.charCodeAt(0);
const [COMMA, LBRACKET, RBRACKET, DOT, EQUALS, HASH, QUOTE, APOS, LBRACE, RBRACE, BACKSLASH] = [...',[].=#"\'{}\\'].map(c);

export const isWhitespace = (r: number) => r === 0x09 || r === 0x20;
export const isNL = (r: number) => r === 0x0a || r === 0x0d;
const isDigit = (r: number) => r >= 0x30 && r <= 0x39;
const isHex = (r: number) => isDigit(r) || (r >= 0x61 && r <= 0x66) || (r >= 0x41 && r <= 0x46);
const isBareKeyChar = (r: number) => (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || isDigit(r) || r === 0x5f || r === 0x2d;
const isLetter = (r: number) => (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || (r >= 0x80 && /\p{L}/u.test(String.fromCodePoint(r)));

/** A rune as Go's `%q` prints it: `'x'`, `'\n'`, `'\ufeff'`. */
export function quoteRune(r: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x27: "\\'", 0x5c: '\\\\' };
  if (named[r] !== undefined) return `'${named[r]}'`;
  const char = String.fromCodePoint(r);
  if (r === 0x20 || /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(char)) return `'${char}'`;
  if (r < 0x80) return `'\\x${r.toString(16).padStart(2, '0')}'`;
  return r < 0x10000 ? `'\\u${r.toString(16).padStart(4, '0')}'` : `'\\U${r.toString(16).padStart(8, '0')}'`;
}

function lexTop(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) {
    lx.ignore();
    return lexTop;
  }
  switch (r) {
    case HASH:
      lx.push(lexTop);
      return lexCommentStart;
    case LBRACKET:
      return lexTableStart;
    case EOF:
      if (lx.pos > lx.start) return lx.errorf('unexpected EOF');
      lx.emit('eof');
      return null;
  }
  lx.backup();
  lx.push(lexTopEnd);
  return lexKeyStart;
}

function lexTopEnd(lx: Lexer): State {
  const r = lx.next();
  if (r === HASH) {
    lx.push(lexTop);
    return lexCommentStart;
  }
  if (isWhitespace(r)) return lexTopEnd;
  if (isNL(r)) {
    lx.ignore();
    return lexTop;
  }
  if (r === EOF) {
    lx.emit('eof');
    return null;
  }
  return lx.errorf(`expected a top-level item to end with a newline, comment, or EOF, but got ${quoteRune(r)} instead`);
}

function lexTableStart(lx: Lexer): State {
  if (lx.peek() === LBRACKET) {
    lx.next();
    lx.emit('arrayTableStart');
    lx.push(lexArrayTableEnd);
  } else {
    lx.emit('tableStart');
    lx.push(lexTableEnd);
  }
  return lexTableNameStart;
}

function lexTableEnd(lx: Lexer): State {
  lx.emit('tableEnd');
  return lexTopEnd;
}

function lexArrayTableEnd(lx: Lexer): State {
  const r = lx.next();
  if (r !== RBRACKET) return lx.errorf(`expected end of table array name delimiter ']', but got ${quoteRune(r)} instead`);
  lx.emit('arrayTableEnd');
  return lexTopEnd;
}

function lexTableNameStart(lx: Lexer): State {
  lx.skip(isWhitespace);
  const r = lx.peek();
  if (r === RBRACKET || r === EOF) return lx.errorf('unexpected end of table name (table names cannot be empty)');
  if (r === DOT) return lx.errorf('unexpected table separator (table names cannot be empty)');
  if (r === QUOTE || r === APOS) {
    lx.ignore();
    lx.push(lexTableNameEnd);
    return lexValue;
  }
  return lexBareTableName;
}

function lexBareTableName(lx: Lexer): State {
  while (isBareKeyChar(lx.next()));
  lx.backup();
  lx.emit('text');
  return lexTableNameEnd;
}

function lexTableNameEnd(lx: Lexer): State {
  lx.skip(isWhitespace);
  const r = lx.next();
  if (r === DOT) {
    lx.ignore();
    return lexTableNameStart;
  }
  if (r === RBRACKET) return lx.pop();
  return lx.errorf(`expected '.' or ']' to end table name, but got ${quoteRune(r)} instead`);
}

function lexKeyStart(lx: Lexer): State {
  const r = lx.peek();
  if (r === EQUALS) return lx.errorf("unexpected key separator '='");
  if (isWhitespace(r) || isNL(r)) {
    lx.next();
    lx.ignore();
    return lexKeyStart;
  }
  lx.ignore();
  lx.emit('keyStart');
  if (r === QUOTE || r === APOS) {
    lx.push(lexKeyEnd);
    return lexValue;
  }
  return lexBareKey;
}

function lexBareKey(lx: Lexer): State {
  let r = lx.next();
  while (isBareKeyChar(r)) r = lx.next();
  if (isWhitespace(r) || r === EQUALS) {
    lx.backup();
    lx.emit('text');
    return lexKeyEnd;
  }
  return lx.errorf(`bare keys cannot contain ${quoteRune(r)}`);
}

function lexKeyEnd(lx: Lexer): State {
  const r = lx.next();
  if (r === EQUALS) {
    lx.ignore();
    return lexValue;
  }
  if (isWhitespace(r)) {
    lx.ignore();
    return lexKeyEnd;
  }
  return lx.errorf(`expected key separator '=', but got ${quoteRune(r)} instead`);
}

function lexValue(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r)) {
    lx.ignore();
    return lexValue;
  }
  if (isDigit(r)) return lexNumberOrDate;
  switch (r) {
    case LBRACKET:
      lx.ignore();
      lx.emit('array');
      return lexArrayValue;
    case LBRACE:
      lx.ignore();
      lx.emit('inlineTableStart');
      return lexInlineTableValue;
    case QUOTE:
      if (lx.accept(QUOTE)) {
        if (lx.accept(QUOTE)) {
          lx.ignore();
          return lexMultilineString;
        }
        lx.backup();
      }
      lx.ignore();
      lx.startString();
      return lexString;
    case APOS:
      if (lx.accept(APOS)) {
        if (lx.accept(APOS)) {
          lx.ignore();
          return lexMultilineRawString;
        }
        lx.backup();
      }
      lx.ignore();
      lx.startString();
      return lexRawString;
    case c('+'):
    case c('-'):
      return lexNumberStart;
    case DOT:
      return lx.errorf("floats must start with a digit, not '.'");
  }
  if (isLetter(r)) {
    lx.backup();
    return lexBool;
  }
  return lx.errorf(`expected value but found ${quoteRune(r)} instead`);
}

function lexArrayValue(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) {
    lx.ignore();
    return lexArrayValue;
  }
  if (r === HASH) {
    lx.push(lexArrayValue);
    return lexCommentStart;
  }
  if (r === COMMA) return lx.errorf('unexpected comma');
  if (r === RBRACKET) return lexArrayEnd;
  lx.backup();
  lx.push(lexArrayValueEnd);
  return lexValue;
}

function lexArrayValueEnd(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r) || isNL(r)) {
    lx.ignore();
    return lexArrayValueEnd;
  }
  if (r === HASH) {
    lx.push(lexArrayValueEnd);
    return lexCommentStart;
  }
  if (r === COMMA) {
    lx.ignore();
    return lexArrayValue;
  }
  if (r === RBRACKET) return lexArrayEnd;
  return lx.errorf(`expected a comma or array terminator ']', but got ${quoteRune(r)} instead`);
}

function lexArrayEnd(lx: Lexer): State {
  lx.ignore();
  lx.emit('arrayEnd');
  return lx.pop();
}

function lexInlineTableValue(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r)) {
    lx.ignore();
    return lexInlineTableValue;
  }
  if (isNL(r)) return lx.errorf('newlines not allowed within inline tables');
  if (r === HASH) {
    lx.push(lexInlineTableValue);
    return lexCommentStart;
  }
  if (r === COMMA) return lx.errorf('unexpected comma');
  // After a comma too: Go's decoder takes a trailing comma in an inline table.
  if (r === RBRACE) return lexInlineTableEnd;
  lx.backup();
  lx.push(lexInlineTableValueEnd);
  return lexKeyStart;
}

function lexInlineTableValueEnd(lx: Lexer): State {
  const r = lx.next();
  if (isWhitespace(r)) {
    lx.ignore();
    return lexInlineTableValueEnd;
  }
  if (isNL(r)) return lx.errorf('newlines not allowed within inline tables');
  if (r === HASH) {
    lx.push(lexInlineTableValueEnd);
    return lexCommentStart;
  }
  if (r === COMMA) {
    lx.ignore();
    return lexInlineTableValue;
  }
  if (r === RBRACE) return lexInlineTableEnd;
  return lx.errorf(`expected a comma or an inline table terminator '}', but got ${quoteRune(r)} instead`);
}

function lexInlineTableEnd(lx: Lexer): State {
  lx.ignore();
  lx.emit('inlineTableEnd');
  return lx.pop();
}

function lexString(lx: Lexer): State {
  for (;;) {
    lx.skipPlain();
    const r = lx.next();
    if (r !== QUOTE) lx.notPlain();
    if (r === EOF) return lx.errorf('unexpected EOF');
    if (isNL(r)) return lx.errorf('strings cannot contain newlines');
    if (r === BACKSLASH) {
      lx.push(lexString);
      return lexStringEscape;
    }
    if (r === QUOTE) {
      lx.backup();
      lx.emitString('string');
      lx.next();
      lx.ignore();
      return lx.pop();
    }
  }
}

/** The end of a `"""` or `'''` string: three quotes, emitted without them. */
function closesMultiline(lx: Lexer, quote: number, type: ItemType): boolean {
  if (!lx.accept(quote)) return false;
  if (!lx.accept(quote)) {
    lx.backup();
    return false;
  }
  lx.pos -= 3;
  lx.emit(type);
  lx.pos += 3;
  lx.ignore();
  return true;
}

function lexMultilineString(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (r === EOF) return lx.errorf('unexpected EOF');
    if (r === BACKSLASH) return lexMultilineStringEscape;
    if (r === QUOTE && closesMultiline(lx, QUOTE, 'multilineString')) return lx.pop();
  }
}

function lexRawString(lx: Lexer): State {
  for (;;) {
    lx.skipPlain();
    const r = lx.next();
    if (r !== APOS) lx.notPlain();
    if (r === EOF) return lx.errorf('unexpected EOF');
    if (isNL(r)) return lx.errorf('strings cannot contain newlines');
    if (r === APOS) {
      lx.backup();
      lx.emitString('rawString');
      lx.next();
      lx.ignore();
      return lx.pop();
    }
  }
}

function lexMultilineRawString(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (r === EOF) return lx.errorf('unexpected EOF');
    if (r === APOS && closesMultiline(lx, APOS, 'rawMultilineString')) return lx.pop();
  }
}

function lexMultilineStringEscape(lx: Lexer): State {
  if (isNL(lx.next())) return lexMultilineString;
  lx.backup();
  lx.push(lexMultilineString);
  return lexStringEscape(lx);
}

/** Only TOML 0.4's escapes: `\x41` and `\e` are refused, as Go's decoder refuses them. */
function lexStringEscape(lx: Lexer): State {
  const r = lx.next();
  switch (String.fromCodePoint(r)) {
    case 'b': case 't': case 'n': case 'f': case 'r': case '"': case '\\':
      return lx.pop();
    case 'u':
      return lexUnicodeEscape(lx, 4, 'u', 'four');
    case 'U':
      return lexUnicodeEscape(lx, 8, 'U', 'eight');
  }
  return lx.errorf(`invalid escape character ${quoteRune(r)}; only the following escape characters are allowed: \\b, \\t, \\n, \\f, \\r, \\", \\\\, \\uXXXX, and \\UXXXXXXXX`);
}

function lexUnicodeEscape(lx: Lexer, digits: number, letter: string, count: string): State {
  for (let i = 0; i < digits; i++) {
    if (!isHex(lx.next())) {
      const current = new TextDecoder().decode(lx.input.subarray(lx.start, lx.pos));
      return lx.errorf(`expected ${count} hexadecimal digits after '\\${letter}', but got ${JSON.stringify(current)} instead`);
    }
  }
  return lx.pop();
}

function lexNumberOrDate(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (isDigit(r)) continue;
    if (r === c('-')) return lexDatetime;
    if (r === c('_')) return lexNumber;
    if (r === DOT || r === c('e') || r === c('E')) return lexFloat;
    lx.backup();
    lx.emit('integer');
    return lx.pop();
  }
}

function lexDatetime(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (isDigit(r) || r === c('-') || r === c('T') || r === c(':') || r === DOT || r === c('Z') || r === c('+')) continue;
    lx.backup();
    lx.emit('datetime');
    return lx.pop();
  }
}

function lexNumberStart(lx: Lexer): State {
  const r = lx.next();
  if (!isDigit(r)) {
    if (r === DOT) return lx.errorf("floats must start with a digit, not '.'");
    return lx.errorf(`expected a digit but got ${quoteRune(r)}`);
  }
  return lexNumber;
}

function lexNumber(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (isDigit(r) || r === c('_')) continue;
    if (r === DOT || r === c('e') || r === c('E')) return lexFloat;
    lx.backup();
    lx.emit('integer');
    return lx.pop();
  }
}

function lexFloat(lx: Lexer): State {
  for (;;) {
    const r = lx.next();
    if (isDigit(r) || r === c('_') || r === DOT || r === c('-') || r === c('+') || r === c('e') || r === c('E')) continue;
    lx.backup();
    lx.emit('float');
    return lx.pop();
  }
}

function lexBool(lx: Lexer): State {
  const runes: number[] = [];
  for (;;) {
    const r = lx.next();
    if (!isLetter(r)) {
      lx.backup();
      break;
    }
    runes.push(r);
  }
  const word = String.fromCodePoint(...runes);
  if (word === 'true' || word === 'false') {
    lx.emit('bool');
    return lx.pop();
  }
  return lx.errorf(`expected value but found ${JSON.stringify(word)} instead`);
}

function lexCommentStart(lx: Lexer): State {
  lx.ignore();
  lx.emit('commentStart');
  return lexComment;
}

/** Anything up to a newline or the end: control characters and bytes that are not UTF-8 too. */
function lexComment(lx: Lexer): State {
  for (;;) {
    const r = lx.peek();
    if (isNL(r) || r === EOF) {
      lx.emit('text');
      return lx.pop();
    }
    lx.next();
  }
}
