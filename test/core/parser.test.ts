// The reader (SPEC §1): every token kind, its printed form, and print -> parse -> print stability.

import { describe, expect, it } from 'vitest';
import {
  AtomKind,
  BoolAtom,
  expr,
  FloatAtom,
  IntAtom,
  isExpression,
  isGrounded,
  isSymbol,
  isVariable,
  Parser,
  parseAtom,
  parseNumberWord,
  parseProgram,
  StringAtom,
  str,
  sym,
  TokenRegistry,
  UNIT,
  variable,
  atomEquals,
  int,
} from '../../src/core/index.js';
import { canon, items, p, show } from './helpers.js';

/** parse -> print gives `printed`, and parsing that again prints the same. */
function roundTrip(text: string, printed: string = text): void {
  const once = show(p(text));
  expect(once).toBe(printed);
  expect(show(p(once))).toBe(printed);
  expect(atomEquals(p(once), p(text))).toBe(true);
}

describe('symbols', () => {
  it.each(['foo', '+', '-', '*', '==', '<=', 'bind!', '&self', '!foo', 'a.b', '->', ':', ':<', '%Undefined%', '@doc', 'x#1', 'a$b'])(
    'parses %s as a symbol',
    (word) => {
      const a = p(word);
      expect(isSymbol(a)).toBe(true);
      expect(a).toBe(sym(word)); // interned
      roundTrip(word);
    },
  );

  it('accepts unicode symbols and counts them as one word', () => {
    for (const word of ['λ', 'αβγ', '日本語', '→', '😀', 'a😀b', 'ünïcödé']) {
      const a = p(word);
      expect(isSymbol(a) && a.name).toBe(word);
      roundTrip(word);
    }
    expect(items('(λ 😀 →)')).toEqual(['(λ 😀 →)']);
  });

  it('treats words that look almost like numbers as symbols', () => {
    for (const word of ['1.', '.5', '-', '+', '1.2.3', '1e', 'e5', '1e+', '0x10', '1_000', '--1', '+-1', '1.5f', '1,5', 'Infinity', 'NaN', 'inf', '1..2', '-.5']) {
      const a = p(word);
      expect(isSymbol(a), word).toBe(true);
      roundTrip(word);
    }
  });

  it('interns symbols: the same name gives the same object', () => {
    expect(p('(a a)')).toSatisfy((e) => isExpression(e) && e.children[0] === e.children[1]);
    expect(sym('a')).toBe(sym('a'));
  });

  it('a `!` inside an expression or glued to a word is a symbol', () => {
    const a = p('(! foo !bar)');
    expect(isExpression(a)).toBe(true);
    if (!isExpression(a)) return;
    expect(a.children.map((c) => c.kind)).toEqual([AtomKind.Symbol, AtomKind.Symbol, AtomKind.Symbol]);
    expect(show(a)).toBe('(! foo !bar)');
  });
});

describe('variables', () => {
  it('parses $name as a variable whose name excludes the $', () => {
    const a = p('$x');
    expect(isVariable(a)).toBe(true);
    expect(isVariable(a) && a.name).toBe('x');
    roundTrip('$x');
  });

  it.each(['$x', '$foo-bar', '$_', '$1', '$λ', '$x.y', '$$a', '$a$b'])('round-trips %s', (text) => roundTrip(text));

  it('variables compare by name, not identity', () => {
    expect(atomEquals(p('$x'), variable('x'))).toBe(true);
    expect(atomEquals(p('$x'), variable('y'))).toBe(false);
    expect(atomEquals(p('$x'), sym('x'))).toBe(false);
  });
});

describe('expressions', () => {
  it('parses nested expressions', () => {
    const a = p('(a (b $c) ((d)) 1 "s")');
    expect(isExpression(a)).toBe(true);
    if (!isExpression(a)) return;
    expect(a.children).toHaveLength(5);
    expect(show(a.children[1]!)).toBe('(b $c)');
    expect(show(a.children[2]!)).toBe('((d))');
    roundTrip('(a (b $c) ((d)) 1 "s")');
  });

  it('parses () as the empty expression (unit)', () => {
    const a = p('()');
    expect(isExpression(a) && a.children.length).toBe(0);
    expect(atomEquals(a, UNIT)).toBe(true);
    expect(show(UNIT)).toBe('()');
    roundTrip('()');
    roundTrip('(() (()) ())');
  });

  it('normalises whitespace and needs none around parentheses', () => {
    roundTrip('(a(b c)d)', '(a (b c) d)');
    roundTrip('(  a\n\t b\r\n  (c)   )', '(a b (c))');
    roundTrip('(a\u00a0b)', '(a b)');
    roundTrip('(a\u3000b)', '(a b)');
    roundTrip('(a\u2028b)', '(a b)');
  });

  it('splits words on every Unicode White_Space character (as Rust char::is_whitespace does)', () => {
    for (const ws of ['\u0085', '\u1680', '\u2000', '\u200a', '\u202f', '\u205f', '\u000b', '\u000c']) {
      expect(items(`(a${ws}b)`), JSON.stringify(ws)).toEqual(['(a b)']);
    }
  });

  it('a string or parenthesis ends a word but a quote inside a word does not', () => {
    expect(items('(a"b")')).toEqual(['(a"b")']);
    expect(items('(a "b")')).toEqual(['(a "b")']);
    const a = p('(f)');
    expect(isExpression(a) && a.children[0]).toBe(sym('f'));
  });
});

describe('numbers', () => {
  it('parses integers as exact IntAtoms', () => {
    for (const [text, printed] of [
      ['0', '0'],
      ['42', '42'],
      ['+5', '5'],
      ['-3', '-3'],
      ['-0', '0'],
      ['007', '7'],
      ['9007199254740991', '9007199254740991'],
      ['9007199254740993', '9007199254740993'],
      ['-9223372036854775808', '-9223372036854775808'],
      ['123456789012345678901234567890', '123456789012345678901234567890'],
      ['-123456789012345678901234567890', '-123456789012345678901234567890'],
    ] as const) {
      const a = p(text);
      expect(a, text).toBeInstanceOf(IntAtom);
      roundTrip(text, printed);
    }
  });

  it('keeps integers beyond 2^53 exact (BigInt, never a float)', () => {
    const a = p('123456789012345678901234567890') as IntAtom;
    expect(typeof a.value).toBe('bigint');
    expect(a.value).toBe(123456789012345678901234567890n);
    const b = p('9007199254740993') as IntAtom;
    expect(b.value).toBe(9007199254740993n);
    expect(atomEquals(b, p('9007199254740992'))).toBe(false);
    // Safe integers are JS numbers, whatever their spelling.
    expect((p('+5') as IntAtom).value).toBe(5);
    expect(atomEquals(p('+5'), int(5))).toBe(true);
    expect(atomEquals(p('00012'), int(12))).toBe(true);
  });

  it('parses floats', () => {
    for (const [text, value, printed] of [
      ['1.5', 1.5, '1.5'],
      ['-2.25', -2.25, '-2.25'],
      ['+2.5', 2.5, '2.5'],
      ['3.0', 3, '3.0'],
      ['0.0', 0, '0.0'],
      ['-0.0', -0, '-0.0'],
      ['1e20', 1e20, '1e20'],
      ['1E20', 1e20, '1e20'],
      ['1e+20', 1e20, '1e20'],
      ['1.5e-7', 1.5e-7, '1.5e-7'],
      ['2e3', 2000, '2000.0'],
      ['-1.25e2', -125, '-125.0'],
      ['7.375', 7.375, '7.375'],
      ['0.1', 0.1, '0.1'],
      ['123.0', 123, '123.0'],
    ] as const) {
      const a = p(text);
      expect(a, text).toBeInstanceOf(FloatAtom);
      expect(Object.is((a as FloatAtom).value, value), text).toBe(true);
      roundTrip(text, printed);
    }
  });

  it('an integer and the same value as a float are read as different kinds, equal by value', () => {
    expect(p('4')).toBeInstanceOf(IntAtom);
    expect(p('4.0')).toBeInstanceOf(FloatAtom);
    expect(atomEquals(p('4'), p('4.0'))).toBe(true);
    expect(show(p('(4 4.0)'))).toBe('(4 4.0)');
  });

  it('parseNumberWord recognises exactly the number tokens of SPEC §1', () => {
    expect(parseNumberWord('12')).toBeInstanceOf(IntAtom);
    expect(parseNumberWord('-1.5')).toBeInstanceOf(FloatAtom);
    expect(parseNumberWord('1e5')).toBeInstanceOf(FloatAtom);
    expect(parseNumberWord('1.0e-5')).toBeInstanceOf(FloatAtom);
    for (const w of ['1.', '.5', '1e', 'e1', '1.e5', 'abc', '', '+', '1 2', ' 1', '1.5.', '١٢']) expect(parseNumberWord(w), w).toBeNull();
  });
});

describe('booleans', () => {
  it('True and False are Bool grounded atoms', () => {
    expect(p('True')).toBe(BoolAtom.TRUE);
    expect(p('False')).toBe(BoolAtom.FALSE);
    roundTrip('True');
    roundTrip('False');
    roundTrip('(True False)');
  });

  it('other spellings are symbols', () => {
    for (const w of ['true', 'false', 'TRUE', 'Truex', '$True']) expect(isGrounded(p(w)), w).toBe(false);
  });
});

describe('strings', () => {
  const value = (text: string): string => {
    const a = p(text);
    expect(a).toBeInstanceOf(StringAtom);
    return (a as StringAtom).value;
  };

  it('reads every escape of SPEC §1', () => {
    expect(value('"plain"')).toBe('plain');
    expect(value('""')).toBe('');
    expect(value('"a\\"b"')).toBe('a"b');
    expect(value('"a\\\\b"')).toBe('a\\b');
    expect(value('"a\\nb"')).toBe('a\nb');
    expect(value('"a\\rb"')).toBe('a\rb');
    expect(value('"a\\tb"')).toBe('a\tb');
    expect(value('"a\\\'b"')).toBe("a'b");
    expect(value('"\\x41\\x7a\\x7E"')).toBe('Az~');
    expect(value('"\\x00"')).toBe('\u0000');
    expect(value('"\\u{41}"')).toBe('A');
    expect(value('"\\u{3bb}"')).toBe('λ');
    expect(value('"\\u{1F600}"')).toBe('😀');
    expect(value('"\\u{10FFFF}"')).toBe('\u{10FFFF}');
    expect(value('"\\u{000041}"')).toBe('A');
  });

  it('keeps raw newlines, unicode, parentheses, semicolons and $ inside strings', () => {
    expect(value('"line1\nline2"')).toBe('line1\nline2');
    expect(value('"(a) ; not a comment $x"')).toBe('(a) ; not a comment $x');
    expect(value('"日本😀"')).toBe('日本😀');
  });

  it('prints strings quoted with escapes that read back to the same value', () => {
    expect(show(str('a"b\\c\nd\re\tf'))).toBe('"a\\"b\\\\c\\nd\\re\\tf"');
    expect(show(str("it's"))).toBe('"it\'s"');
    expect(show(str('λ😀'))).toBe('"λ😀"');
    expect(show(str('\u0001\u007f'))).toBe('"\\u{1}\\u{7f}"');
    for (const s of ['', 'a"b', '\\', '\\\\"', '\n\r\t', '\u0000\u001f\u007f', '😀', 'x\\u{41}', ' ( ) ; ']) {
      const printed = show(str(s));
      expect(value(printed), JSON.stringify(s)).toBe(s);
      expect(show(p(printed))).toBe(printed);
    }
  });

  it('round-trips strings written with escapes', () => {
    roundTrip('"a\\"b"');
    roundTrip('"\\x41"', '"A"');
    roundTrip('"\\u{1F600}"', '"😀"');
    roundTrip("\"\\'\"", '"\'"');
    roundTrip('"tab\\there"');
  });

  it('a string and a symbol with the same text are different', () => {
    expect(atomEquals(p('"a"'), p('a'))).toBe(false);
    expect(atomEquals(p('"a"'), str('a'))).toBe(true);
    expect(atomEquals(p('"1"'), int(1))).toBe(false);
  });
});

describe('comments', () => {
  it('skips ; to the end of the line', () => {
    expect(items('; header\n(a b) ; trailing\n; another\n(c)')).toEqual(['(a b)', '(c)']);
    expect(items('(a ; inside\n b)')).toEqual(['(a b)']);
    expect(items('; only a comment')).toEqual([]);
    expect(items('')).toEqual([]);
    expect(items('  \n\t ')).toEqual([]);
    expect(items('(a) ;no newline at end')).toEqual(['(a)']);
    expect(items('(a);x\n(b)')).toEqual(['(a)', '(b)']);
    expect(items('(a ;)\n)')).toEqual(['(a)']);
    expect(items('"x" ; "y"')).toEqual(['"x"']);
  });

  it('a ; right after a word starts a comment, as in the reference, but belongs to a variable name', () => {
    expect(items('(a; 4)\n)')).toEqual(['(a)']);
    expect(items('(foo bar;baz\n qux)')).toEqual(['(foo bar qux)']);
    expect(items('(f 12;3\n)')).toEqual(['(f 12)']);
    expect(items('($a;b c)')).toEqual(['($a;b c)']);
  });
});

describe('top-level items and the exec flag', () => {
  it('marks `!atom` items as executed', () => {
    const parsed = parseProgram('(= (f) 1)\n!(f)\n! (g $x)\n!foo\n! bar\n!"s"\n!;c\n(h)');
    expect(parsed.map((i) => [i.exec, show(i.atom)])).toEqual([
      [false, '(= (f) 1)'],
      [true, '(f)'],
      [true, '(g $x)'],
      [false, '!foo'],
      [true, 'bar'],
      [true, '"s"'],
      [true, '(h)'],
    ]);
  });

  it('records where each item starts (the ! for executed items), 1-based', () => {
    const parsed = parseProgram('(a)\n  !(b)\n\n   c ; x\n\t"d"', 'prog.metta');
    expect(parsed.map((i) => i.position)).toEqual([
      { file: 'prog.metta', line: 1, column: 1 },
      { file: 'prog.metta', line: 2, column: 3 },
      { file: 'prog.metta', line: 4, column: 4 },
      { file: 'prog.metta', line: 5, column: 2 },
    ]);
  });

  it('counts columns in code points, not UTF-16 units', () => {
    const parsed = parseProgram('(😀 😀) x\n"😀😀" y', 'u');
    expect(parsed.map((i) => `${i.position.line}:${i.position.column}`)).toEqual(['1:1', '1:7', '2:1', '2:6']);
  });

  it('parseAtom rejects zero, several or executed atoms', () => {
    expect(() => parseAtom('')).toThrow(/exactly one atom/);
    expect(() => parseAtom('a b')).toThrow(/exactly one atom/);
    expect(() => parseAtom('! a')).toThrow(/exactly one atom/);
    expect(isSymbol(parseAtom('!a'))).toBe(true);
    expect(show(parseAtom('  a ; c'))).toBe('a');
  });
});

describe('incremental parsing with a TokenRegistry', () => {
  it('a word defined between two next() calls parses to the bound atom', () => {
    const registry = new TokenRegistry();
    const parser = new Parser('!(bind! &x 42)\n(use &x)\n! &x &y', 'inc.metta', registry);
    const first = parser.next()!;
    expect(first.exec).toBe(true);
    expect(show(first.atom)).toBe('(bind! &x 42)');
    // Before the definition `&x` is a symbol (look ahead with a second parser).
    expect(isSymbol(p('&x'))).toBe(true);
    // "Execute" the bind!: later text containing that exact word now parses to the atom.
    const bound = int(42);
    registry.define('&x', bound);
    const second = parser.next()!;
    expect(show(second.atom)).toBe('(use 42)');
    expect(isExpression(second.atom) && second.atom.children[1]).toBe(bound);
    const third = parser.next()!;
    expect(third.exec).toBe(true);
    expect(third.atom).toBe(bound);
    expect(parser.next()!.atom).toBe(sym('&y'));
    expect(parser.next()).toBeNull();
    expect(parser.next()).toBeNull();
  });

  it('matches exact words only, and may override numbers and booleans but not variables', () => {
    const registry = new TokenRegistry();
    const space = expr([sym('Space'), int(1)]);
    registry.define('&s', space);
    registry.define('7', sym('seven'));
    registry.define('True', sym('yes'));
    registry.define('$v', sym('nope'));
    expect(items('(&s &s2 x&s 7 17 True $v)', registry)).toEqual(['((Space 1) &s2 x&s seven 17 yes $v)']);
    expect([...registry.entries()].map(([w]) => w)).toEqual(['&s', '7', 'True', '$v']);
    expect(registry.lookup('&s')).toBe(space);
    expect(registry.lookup('&nothing')).toBeUndefined();
  });

  it('a later definition of the same word replaces the earlier one', () => {
    const registry = new TokenRegistry();
    registry.define('&t', sym('one'));
    const parser = new Parser('&t &t', 'f', registry);
    expect(show(parser.next()!.atom)).toBe('one');
    registry.define('&t', sym('two'));
    expect(show(parser.next()!.atom)).toBe('two');
  });
});

describe('deep nesting', () => {
  it('parses a 100,000-deep expression without overflowing the stack', () => {
    const depth = 100_000;
    const text = '('.repeat(depth) + 'x' + ')'.repeat(depth);
    const a = p(text);
    let d = 0;
    let cur = a;
    let allSingletons = true;
    while (isExpression(cur)) {
      if (cur.children.length !== 1) allSingletons = false;
      cur = cur.children[0]!;
      d++;
    }
    expect(allSingletons).toBe(true);
    expect(d).toBe(depth);
    expect(cur).toBe(sym('x'));
    expect(show(a)).toBe(text);
  });

  it('parses a 100,000-element flat list', () => {
    const text = '(' + Array.from({ length: 100_000 }, (_, i) => String(i)).join(' ') + ')';
    const a = p(text);
    expect(isExpression(a) && a.children.length).toBe(100_000);
    expect(canon(text)).toBe(text);
  });
});
