/**
 * The parser of the TOML decoder the Go cache uses (github.com/hydronica/toml, TOML 0.4), so
 * that a workflow file loads here exactly when it loads there. Its dialect, kept on purpose:
 * no dotted keys, no `0x`/`0o`/`0b`, no local times, no `inf`/`nan`; leading zeros, a lone `\r`
 * as a newline, a trailing comma in an inline table, control characters and bytes that are not
 * UTF-8 in comments and strings are all accepted; a NUL byte after a value ends the file.
 */
import { asciiString, asciiText, decodeRune, fromCodePoints, goString, isBadByte, plainUtf8, runeOf, runeString, sizeOf } from './go-string.js';
import { Lexer, type Item } from './go-toml-lexer.js';

/** A TOML table; keys in the order they first appear. */
export type Table = Map<string, Value>;
/** The tables of `[[name]]` headers (Go's `[]map[string]interface{}`), unlike an array value. */
export class TableArray {
  readonly tables: Table[] = [];
}
/** A date-time, checked as Go checks it; its value is never needed here. */
export class Datetime {
  constructor(readonly text: string) {}
}
export type Value = string | bigint | number | boolean | Datetime | Value[] | Table | TableArray;

/** A document Go's decoder refuses: its message, and the byte offset it points at. */
export class GoTomlError extends Error {
  override readonly name = 'GoTomlError' as const;
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses `bytes` as Go's `toml.Decode` does, up to the generic tables it then decodes from. */
export function decodeToml(bytes: Uint8Array): Table {
  return new Parser(bytes).parse();
}

class Parser {
  private readonly lx: Lexer;
  private readonly mapping: Table = new Map();
  private context: string[] = [];
  private readonly implicits = new ImplicitTables();

  constructor(private readonly input: Uint8Array) {
    this.lx = new Lexer(input);
  }

  parse(): Table {
    for (let item = this.next(); item.type !== 'eof'; item = this.next()) this.topLevel(item);
    return this.mapping;
  }

  private next(): Item {
    const item = this.lx.nextItem();
    if (item.type === 'error') throw new GoTomlError(item.message!, item.start);
    return item;
  }

  /** Go panics (not an error: the process stops) on these; here they fail the file. */
  private bug(item: Item, what: string): never {
    throw new GoTomlError(`${what} (the Go decoder crashes on this)`, item.start);
  }

  private text(item: Item): string {
    return goString(this.input, item.start, item.end);
  }

  private topLevel(item: Item): void {
    switch (item.type) {
      case 'commentStart':
        this.next();
        return;
      case 'tableStart':
      case 'arrayTableStart': {
        const array = item.type === 'arrayTableStart';
        const end = array ? 'arrayTableEnd' : 'tableEnd';
        const key: string[] = [];
        let part = this.next();
        for (; part.type !== end && part.type !== 'eof'; part = this.next()) key.push(this.keyString(part));
        this.establishContext(key, array, item);
        return;
      }
      case 'keyStart': {
        const name = this.next();
        const key = this.keyString(name);
        this.setValue(key, this.value(this.next()), name);
        return;
      }
      default:
        this.bug(item, `unexpected ${item.type} at top level`);
    }
  }

  private keyString(item: Item): string {
    // A bare key is ASCII (`A-Za-z0-9_-`).
    if (item.type === 'text') return asciiText(this.input, item.start, item.end);
    if (item.type === 'string' || item.type === 'multilineString' || item.type === 'rawString' || item.type === 'rawMultilineString') {
      return this.value(item) as string;
    }
    return this.bug(item, `unexpected key type: ${item.type}`);
  }

  private value(item: Item): Value {
    if (item.plain) return asciiText(this.input, item.start, item.end);
    const raw = this.input.subarray(item.start, item.end);
    switch (item.type) {
      case 'string':
        return this.replaceEscapes(raw, item);
      case 'multilineString':
        return this.replaceEscapes(stripFirstNewline(stripEscapedWhitespace(raw)), item);
      case 'rawString':
        return goString(raw);
      case 'rawMultilineString':
        return goString(stripFirstNewline(raw));
      case 'bool':
        return this.text(item) === 'true';
      case 'integer':
        return this.integer(item);
      case 'float':
        return this.float(item);
      case 'datetime':
        return this.datetime(item);
      case 'array':
        return this.array();
      case 'inlineTableStart':
        return this.inlineTable();
    }
    return this.bug(item, `unexpected value type: ${item.type}`);
  }

  private integer(item: Item): bigint {
    // Most integers are a few digits: read without the checks that only other forms need.
    if (item.end - item.start <= 15) {
      let n = 0;
      let at = item.start;
      for (; at < item.end; at++) {
        const digit = this.input[at] - 0x30;
        if (digit < 0 || digit > 9) break;
        n = n * 10 + digit;
      }
      if (at === item.end) return BigInt(n);
    }
    const text = this.text(item);
    if (!underscoresOK(text)) throw new GoTomlError(`Invalid integer "${text}": underscores must be surrounded by digits`, item.start);
    // Leading zeros and a `+` are fine for Go's strconv.ParseInt, and so for the decoder.
    const digits = text.replaceAll('_', '');
    const n = BigInt(digits.startsWith('+') ? digits.slice(1) : digits);
    if (n < INT64_MIN || n > INT64_MAX) throw new GoTomlError(`Integer '${text}' is out of the range of 64-bit signed integers.`, item.start);
    return n;
  }

  private float(item: Item): number {
    const text = this.text(item);
    for (const part of text.split(/[.eE]/).filter((p) => p !== '')) {
      if (!underscoresOK(part)) throw new GoTomlError(`Invalid float "${text}": underscores must be surrounded by digits`, item.start);
    }
    if (!periodsOK(text)) throw new GoTomlError(`Invalid float "${text}": '.' must be followed by one or more digits`, item.start);
    const digits = text.replaceAll('_', '');
    // What Go's strconv.ParseFloat takes of what the lexer lets through.
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(digits)) throw new GoTomlError(`Invalid float value: "${text}"`, item.start);
    const n = Number(digits);
    if (!Number.isFinite(n)) throw new GoTomlError(`Float '${text}' is out of the range of 64-bit IEEE-754 floating-point numbers.`, item.start);
    return n;
  }

  private datetime(item: Item): Datetime {
    const text = this.text(item);
    if (!isGoDatetime(text)) throw new GoTomlError(`Invalid TOML Datetime: "${text}".`, item.start);
    return new Datetime(text);
  }

  private array(): Value[] {
    const values: Value[] = [];
    let first: string | undefined;
    for (let item = this.next(); item.type !== 'arrayEnd'; item = this.next()) {
      if (item.type === 'commentStart') {
        this.next();
        continue;
      }
      const value = this.value(item);
      const type = typeName(value);
      first ??= type;
      if (type !== first) throw new GoTomlError(`Array contains values of type '${first}' and '${type}', but arrays must be homogeneous.`, item.start);
      values.push(value);
    }
    return values;
  }

  /** Keys of an inline table are not checked for duplicates by Go's parser: the last one wins. */
  private inlineTable(): Table {
    const table: Table = new Map();
    for (let item = this.next(); item.type !== 'inlineTableEnd'; item = this.next()) {
      if (item.type !== 'keyStart') this.bug(item, `expected key start but found ${item.type}`);
      const key = this.keyString(this.next());
      table.set(key, this.value(this.next()));
    }
    return table;
  }

  private establishContext(key: string[], array: boolean, at: Item): void {
    let hash = this.mapping;
    const keyContext: string[] = [];
    let path = this.implicits.root;
    for (const k of key.slice(0, -1)) {
      keyContext.push(k);
      path = this.implicits.step(path, k);
      if (!hash.has(k)) {
        path.implicit = true;
        hash.set(k, new Map());
      }
      const t = hash.get(k);
      if (t instanceof TableArray) hash = t.tables[t.tables.length - 1];
      else if (t instanceof Map) hash = t;
      else throw new GoTomlError(`Key '${keyContext.join('.')}' was already created as a hash.`, at.start);
    }
    this.context = keyContext;
    const last = key[key.length - 1];
    if (array) {
      if (!hash.has(last)) hash.set(last, new TableArray());
      const tables = hash.get(last);
      if (!(tables instanceof TableArray)) throw new GoTomlError(`Key '${keyContext.join('.')}' was already created and cannot be used as an array.`, at.start);
      tables.tables.push(new Map());
    } else {
      this.setValue(last, new Map(), at);
    }
    this.context = [...keyContext, last];
  }

  private setValue(key: string, value: Value, at: Item): void {
    let hash = this.mapping;
    for (const k of this.context) {
      const t = hash.get(k);
      if (t instanceof TableArray) hash = t.tables[t.tables.length - 1];
      else if (t instanceof Map) hash = t;
      else this.bug(at, `context for key '${k}' is not a table`);
    }
    if (hash.has(key)) {
      // A table made implicitly by `[a.b]` may be defined once by `[a]`; it is kept as it is.
      if (this.implicits.take([...this.context, key])) return;
      throw new GoTomlError(`Key '${[...this.context, key].join('.')}' has already been defined.`, at.start);
    }
    hash.set(key, value);
  }

  /**
   * Go's replaceEscapes: runes are decoded first, so a byte that is not UTF-8 becomes U+FFFD,
   * unlike in a literal string.
   */
  private replaceEscapes(raw: Uint8Array, item: Item): string {
    if (!raw.includes(0x5c)) {
      const plain = asciiString(raw, 0, raw.length) ?? plainUtf8(raw);
      if (plain !== undefined) return plain;
    }
    const out: number[] = [];
    let text = '';
    const flush = () => {
      text += fromCodePoints(out);
      out.length = 0;
    };
    const rune = (r: number) => {
      if (r < 0x10ff80) out.push(r);
      else {
        flush();
        text += runeString(r);
      }
    };
    for (let r = 0; r < raw.length; ) {
      if (raw[r] !== 0x5c) {
        const packed = decodeRune(raw, r);
        rune(isBadByte(packed) ? 0xfffd : runeOf(packed));
        r += sizeOf(packed);
        continue;
      }
      r++;
      const escape = String.fromCharCode(raw[r]);
      const simple = simpleEscapes[escape];
      if (simple !== undefined) {
        out.push(simple);
        r++;
      } else if (escape === 'u' || escape === 'U') {
        const digits = escape === 'u' ? 4 : 8;
        const hex = String.fromCharCode(...raw.subarray(r + 1, r + 1 + digits));
        const code = parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new GoTomlError(`Escaped character '\\u${hex}' is not valid UTF-8.`, item.start);
        rune(code);
        r += 1 + digits;
      } else {
        // A backslash the lexer let through: before a `\r` of a line-ending backslash.
        this.bug(item, `expected a valid escape code after \\, but got ${JSON.stringify(escape)}`);
      }
    }
    flush();
    return text;
  }
}

const simpleEscapes: Record<string, number> = { b: 0x08, t: 0x09, n: 0x0a, f: 0x0c, r: 0x0d, '"': 0x22, '\\': 0x5c };

/**
 * The tables `[a.b.c]` made implicitly, by path. Go keys them by the path joined with `.`, so a
 * quoted key with a dot (`["a.b"]`) is the same path as `[a.b]`, and one path covers the same
 * table in every element of an array of tables: a trie over the path split at every `.` keeps
 * both, without building a string per prefix (a header of 20,000 parts would cost seconds).
 */
class ImplicitTables {
  readonly root: TrieNode = { implicit: false, children: new Map() };

  /** The node of `part` below `node`, made when missing: a header walks its prefixes once. */
  step(node: TrieNode, part: string): TrieNode {
    for (const piece of part.split('.')) {
      let child = node.children.get(piece);
      if (child === undefined) {
        child = { implicit: false, children: new Map() };
        node.children.set(piece, child);
      }
      node = child;
    }
    return node;
  }

  /** Unmarks the path; whether it was marked. */
  take(path: string[]): boolean {
    let node: TrieNode | undefined = this.root;
    for (const part of path) {
      for (const piece of part.split('.')) {
        node = node.children.get(piece);
        if (node === undefined) return false;
      }
    }
    if (!node.implicit) return false;
    node.implicit = false;
    return true;
  }
}

interface TrieNode {
  implicit: boolean;
  children: Map<string, TrieNode>;
}

function underscoresOK(s: string): boolean {
  let accept = false;
  for (const ch of s) {
    if (ch === '_') {
      if (!accept) return false;
      accept = false;
      continue;
    }
    accept = true;
  }
  return accept;
}

function periodsOK(s: string): boolean {
  let period = false;
  for (const ch of s) {
    if (period && !(ch >= '0' && ch <= '9')) return false;
    period = ch === '.';
  }
  return !period;
}

function stripFirstNewline(s: Uint8Array): Uint8Array {
  return s.length > 0 && s[0] === 0x0a ? s.subarray(1) : s;
}

/** Go's stripEscapedWhitespace: after each backslash-LF, what `unicode.IsSpace` calls space goes. */
function stripEscapedWhitespace(s: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === 0x5c && s[i + 1] === 0x0a) {
      i += 2;
      for (;;) {
        if (i >= s.length) break;
        const packed = decodeRune(s, i);
        if (!isBadByte(packed) && isGoSpace(runeOf(packed))) i += sizeOf(packed);
        else break;
      }
      continue;
    }
    out.push(s[i++]);
  }
  return Uint8Array.from(out);
}

function isGoSpace(r: number): boolean {
  return (r >= 0x09 && r <= 0x0d) || r === 0x20 || r === 0x85 || r === 0xa0 || r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000;
}

/** The name Go's decoder gives the type of a value, for its homogeneous-array rule. */
function typeName(value: Value): string {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'bigint') return 'Integer';
  if (typeof value === 'number') return 'Float';
  if (typeof value === 'boolean') return 'Bool';
  if (value instanceof Datetime) return 'Datetime';
  if (Array.isArray(value)) return 'Array';
  return 'Hash';
}

const daysIn = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * The three layouts Go's decoder tries with `time.ParseInLocation`: `2006-01-02T15:04:05Z07:00`,
 * `2006-01-02T15:04:05` and `2006-01-02`. Go's parser takes a one-digit hour, any fraction
 * after the seconds, and checks each field's range (the day against its month).
 */
function isGoDatetime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-](\d{2}):(\d{2}))?)?$/.exec(text);
  if (m === null) return false;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  if (m[8] !== undefined && (Number(m[8]) > 24 || Number(m[9]) > 60)) return false;
  return true;
}
