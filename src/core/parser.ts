// The MeTTa reader (SPEC §1). It is incremental: `next()` reads one top-level atom, so a `bind!`
// executed between two calls changes how the rest of the text is tokenized.

import { type Atom, ExpressionAtom, sym, symById, variable } from './atoms.js';
import { MettaSyntaxError, type SourcePosition } from './errors.js';
import { bool, float, int, str } from './values.js';
import { cachedWordId, fileWordId, WORD_HASH_SEED, wordHashStep } from './word-cache.js';

/** Words registered with `bind!`: an exact word that parses to a given atom. */
export class TokenRegistry {
  private readonly words = new Map<string, Atom>();
  /**
   * The first UTF-16 unit of every registered word: the reader asks about every word it reads,
   * and most (symbols of a KB) start with a character no registered word starts with, so they
   * skip the string-keyed lookup.
   */
  private readonly firstUnits = new Set<number>();
  define(word: string, atom: Atom): void {
    this.words.set(word, atom);
    this.firstUnits.add(word.charCodeAt(0));
  }
  /** Whether some registered word starts with this UTF-16 unit (else no word starting with it is bound). */
  mayBind(firstUnit: number): boolean {
    return this.firstUnits.has(firstUnit);
  }
  lookup(word: string): Atom | undefined {
    if (!this.firstUnits.has(word.charCodeAt(0))) return undefined;
    return this.words.get(word);
  }
  entries(): IterableIterator<[string, Atom]> {
    return this.words.entries();
  }
}

/** A position in the text being read (see `Parser.mark`). */
export interface ParserMark {
  readonly index: number;
  readonly line: number;
  readonly column: number;
}

export interface TopLevelItem {
  readonly atom: Atom;
  /** True for `!atom`: evaluate and print instead of adding to the space. */
  readonly exec: boolean;
  /** Where the item starts (the `!` for executed items). */
  readonly position: SourcePosition;
}

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?\d+\.\d+$/;
const FLOAT_EXP = /^[-+]?\d+(\.\d+)?[eE][-+]?\d+$/;

/** The grounded atom a number-like word denotes, or null for any other word. */
export function parseNumberWord(word: string): Atom | null {
  if (INTEGER.test(word)) {
    const big = BigInt(word);
    return int(big);
  }
  if (FLOAT.test(word) || FLOAT_EXP.test(word)) return float(Number(word));
  return null;
}

const OPEN = 0x28; // (
const CLOSE = 0x29; // )
const QUOTE = 0x22; // "
const SEMICOLON = 0x3b; // ;
const NEWLINE = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c || c === 0xa0 || c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0x85 ||
    c === 0x1680 || c === 0x202f || c === 0x205f;
}

export class Parser {
  private index = 0;
  private line = 1;
  private column = 1;

  constructor(
    private readonly text: string,
    private readonly file: string = '<input>',
    private readonly tokens: TokenRegistry = new TokenRegistry(),
  ) {}

  /** Reads the next top-level atom, or returns null at the end of the text. */
  next(): TopLevelItem | null {
    this.skipBlanks();
    if (this.atEnd()) return null;
    const position = this.position();
    if (this.peekBang()) {
      this.advance(); // the `!`
      this.skipBlanks();
      if (this.atEnd()) throw new MettaSyntaxError("'!' must be followed by an atom to evaluate", position);
      if (this.peekBang()) throw new MettaSyntaxError("'!' must be followed by an atom to evaluate, not another '!'", this.position());
      return { atom: this.readAtom(), exec: true, position };
    }
    return { atom: this.readAtom(), exec: false, position };
  }

  /**
   * The next item when it is a plain fact of symbols on one line — `(w1 ... wn)`, n >= 1, each
   * word ASCII and read as a symbol (no variable, number, string, True/False, registered token or
   * nested expression, no comment inside) — read without making its atom: its symbols' ids go to
   * `out[0, n)` and n is returned (at most `out.length`: a longer fact is left to next()).
   * Anything else returns -1 having read only the blanks before it (next() reads it then). A
   * knowledge base of such facts loads without an object per fact.
   */
  nextSymbolFact(out: Uint32Array): number {
    this.skipBlanks();
    const text = this.text;
    let i = this.index;
    if (text.charCodeAt(i) !== OPEN) return -1;
    i++;
    let n = 0;
    for (;;) {
      let c = text.charCodeAt(i);
      while (c === 0x20 || c === 0x09) c = text.charCodeAt(++i);
      if (i >= text.length) return -1;
      if (c === CLOSE) {
        i++;
        break;
      }
      // Only a word whose first character makes it a symbol (see readWord), and never a string,
      // comment, nested expression, line break or the end of the text.
      if (c < 0x21 || c >= 0x7f || c === OPEN || c === QUOTE || c === SEMICOLON || c === 0x24 || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || this.tokens.mayBind(c)) return -1;
      const from = i;
      let h = WORD_HASH_SEED;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === OPEN || d === CLOSE || d === SEMICOLON || d <= 0x20) break;
        if (d >= 0x7f) return -1;
        h = wordHashStep(h, d);
      }
      let id = cachedWordId(text, from, i, h);
      if (id < 0) {
        const word = text.slice(from, i);
        if (word === 'True' || word === 'False') return -1;
        id = sym(word).id;
        fileWordId(text, from, i, h, id);
      }
      if (n === out.length) return -1;
      out[n++] = id;
    }
    if (n === 0) return -1;
    // One line, ASCII only: one column per character.
    this.column += i - this.index;
    this.index = i;
    return n;
  }

  /** Where the parser is; `reset` returns there (to read text again after a `bind!`). */
  mark(): ParserMark {
    return { index: this.index, line: this.line, column: this.column };
  }

  reset(mark: ParserMark): void {
    this.index = mark.index;
    this.line = mark.line;
    this.column = mark.column;
  }

  /** The source text between two marks. */
  textBetween(from: ParserMark, to: ParserMark): string {
    return this.text.slice(from.index, to.index);
  }

  /** Every remaining top-level item (for callers that do not need incremental tokenizing). */
  all(): TopLevelItem[] {
    const out: TopLevelItem[] = [];
    for (let item = this.next(); item !== null; item = this.next()) out.push(item);
    return out;
  }

  private atEnd(): boolean {
    return this.index >= this.text.length;
  }

  private position(): SourcePosition {
    return { file: this.file, line: this.line, column: this.column };
  }

  private advance(): number {
    const c = this.text.charCodeAt(this.index++);
    if (c === NEWLINE) {
      this.line++;
      this.column = 1;
    } else if (c < 0xdc00 || c > 0xdfff) {
      // A low surrogate belongs to the code point already counted.
      this.column++;
    }
    return c;
  }

  /** A lone `!` word (not `!foo`, which is a symbol). */
  private peekBang(): boolean {
    if (this.text.charCodeAt(this.index) !== 0x21) return false;
    const after = this.text.charCodeAt(this.index + 1);
    return Number.isNaN(after) || isSpace(after) || after === OPEN || after === CLOSE || after === SEMICOLON || after === QUOTE;
  }

  private skipBlanks(): void {
    while (!this.atEnd()) {
      const c = this.text.charCodeAt(this.index);
      if (isSpace(c)) this.advance();
      else if (c === SEMICOLON) {
        while (!this.atEnd() && this.text.charCodeAt(this.index) !== NEWLINE) this.advance();
      } else return;
    }
  }

  /** One atom; expressions are read with an explicit stack so nesting depth is unbounded. */
  private readAtom(): Atom {
    const open: { children: Atom[]; position: SourcePosition }[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.atEnd()) {
        const innermost = open[open.length - 1]!;
        throw new MettaSyntaxError("unbalanced parentheses: '(' is never closed", innermost.position);
      }
      const c = this.text.charCodeAt(this.index);
      let done: Atom | null = null;
      if (c === OPEN) {
        open.push({ children: [], position: this.position() });
        this.advance();
        continue;
      } else if (c === CLOSE) {
        if (open.length === 0) throw new MettaSyntaxError("unbalanced parentheses: unexpected ')'", this.position());
        this.advance();
        done = new ExpressionAtom(open.pop()!.children);
      } else if (c === QUOTE) {
        done = this.readString();
      } else {
        done = this.readWord();
      }
      if (open.length === 0) return done;
      open[open.length - 1]!.children.push(done);
    }
  }

  private readString(): Atom {
    const start = this.position();
    this.advance(); // opening quote
    let out = '';
    for (;;) {
      if (this.atEnd()) throw new MettaSyntaxError('unterminated string literal', start);
      const escapeAt = this.position();
      const c = this.advance();
      if (c === QUOTE) return str(out);
      if (c !== 0x5c) {
        out += String.fromCharCode(c);
        continue;
      }
      if (this.atEnd()) throw new MettaSyntaxError('unterminated string literal', start);
      const e = String.fromCharCode(this.advance());
      switch (e) {
        case '"':
        case '\\':
        case "'":
          out += e;
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'x': {
          const hex = this.text.slice(this.index, this.index + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new MettaSyntaxError('invalid escape \\x: expected two hex digits', escapeAt);
          this.advance();
          this.advance();
          out += String.fromCharCode(parseInt(hex, 16));
          break;
        }
        case 'u': {
          const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(this.index, this.index + 9));
          const code = m ? parseInt(m[1]!, 16) : NaN;
          if (!m || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
            throw new MettaSyntaxError('invalid escape \\u: expected \\u{HEX} with a valid code point', escapeAt);
          }
          for (let i = 0; i < m[0].length; i++) this.advance();
          out += String.fromCodePoint(code);
          break;
        }
        default:
          throw new MettaSyntaxError(`unknown escape sequence \\${e}`, escapeAt);
      }
    }
  }

  private readWord(): Atom {
    const line = this.line;
    const column = this.column;
    const from = this.index;
    // One tight scan instead of advance() per character: a word holds no newline (a space), so
    // only the column moves — by code points, a low surrogate counting with its high one.
    // As the reference's parser: `;` ends a word and starts a comment (`(a; 4)` is `(a)`), but it
    // is an ordinary character of a variable's name.
    const text = this.text;
    const isVariable = text.charCodeAt(from) === 0x24;
    let i = from;
    let columns = 0;
    let h = WORD_HASH_SEED;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === OPEN || c === CLOSE || ((c <= 0x20 || c >= 0x80) && isSpace(c)) || (c === SEMICOLON && !isVariable)) break;
      if (c < 0xdc00 || c > 0xdfff) columns++;
      h = wordHashStep(h, c);
    }
    this.index = i;
    this.column += columns;
    const c0 = text.charCodeAt(from);
    // A word that can only be a symbol (no variable, number or registered token starts so) and was
    // read before is found without making it a string (word-cache.ts).
    const plain = !isVariable && !this.tokens.mayBind(c0) && !((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2b || c0 === 0x2d);
    if (plain) {
      const cached = cachedWordId(text, from, i, h);
      if (cached >= 0) return symById(cached);
    }
    const word = text.slice(from, i);
    if (c0 === 0x24) {
      const start = { file: this.file, line, column };
      const name = word.slice(1);
      if (name.length === 0) throw new MettaSyntaxError("a variable needs a name after '$'", start);
      if (name.includes('#')) throw new MettaSyntaxError(`'#' is reserved for fresh variables and cannot appear in a variable name: ${word}`, start);
      return variable(name);
    }
    const bound = this.tokens.lookup(word);
    if (bound !== undefined) return bound;
    // Only a word starting with a digit or a sign can be a number (most words are symbols).
    if ((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2b || c0 === 0x2d) {
      const number = parseNumberWord(word);
      if (number !== null) return number;
    }
    if (word === 'True') return bool(true);
    if (word === 'False') return bool(false);
    const symbol = sym(word);
    if (plain) fileWordId(text, from, i, h, symbol.id);
    return symbol;
  }
}

/** Parses a whole text into its top-level items. */
export function parseProgram(text: string, file = '<input>', tokens?: TokenRegistry): TopLevelItem[] {
  return new Parser(text, file, tokens).all();
}

/** Parses exactly one atom (for tests and the library API). */
export function parseAtom(text: string, tokens?: TokenRegistry): Atom {
  const items = new Parser(text, '<atom>', tokens).all();
  if (items.length !== 1 || items[0]!.exec) {
    throw new MettaSyntaxError(`expected exactly one atom, found ${items.length}`, { file: '<atom>', line: 1, column: 1 });
  }
  return items[0]!.atom;
}
