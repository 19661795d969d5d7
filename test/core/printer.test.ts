// Printing (SPEC §2): atoms, result lines, floats in Rust `{:?}` style.

import { describe, expect, it } from 'vitest';
import {
  bool,
  expr,
  float,
  FloatAtom,
  formatAtom,
  formatFloat,
  formatResults,
  freshVariable,
  int,
  quoteString,
  str,
  sym,
  UNIT,
  variable,
} from '../../src/core/index.js';
import { deepNest, p } from './helpers.js';

describe('formatFloat (Rust {:?} style)', () => {
  it.each([
    [3, '3.0'],
    [7.375, '7.375'],
    [1e20, '1e20'],
    [1e-5, '1e-5'],
    [0.0001, '0.0001'],
    [1e16, '1e16'],
    [123, '123.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-3, '-3.0'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [0.1, '0.1'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'],
    [1e15, '1000000000000000.0'],
    [9999999999999998, '9999999999999998.0'],
    [1.5e16, '1.5e16'],
    [-1e16, '-1e16'],
    [1.5e-7, '1.5e-7'],
    [-1.5e-7, '-1.5e-7'],
    [0.00012, '0.00012'],
    [0.000099, '9.9e-5'],
    [1e-7, '1e-7'],
    [1e21, '1e21'],
    [1e100, '1e100'],
    [123456789.125, '123456789.125'],
    [Number.MAX_VALUE, '1.7976931348623157e308'],
    [Number.MIN_VALUE, '5e-324'],
    [2 ** 53, '9007199254740992.0'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'NaN'],
  ])('formatFloat(%d) is %s', (x, text) => {
    expect(formatFloat(x)).toBe(text);
    expect(float(x).print()).toBe(text);
    expect(formatAtom(float(x))).toBe(text);
  });

  it('every finite float prints with a fractional part or an exponent, and reads back exactly', () => {
    const samples = [3, -7, 42, 1e3, 65536, 1e15, 2.5e-4, 1e-4, 9.99e15, 1.0000000000000002, 4.35, 6.02214076e23, 1.602e-19];
    for (const x of samples) {
      const text = formatFloat(x);
      expect(text, String(x)).toMatch(/^-?\d+(\.\d+)?(e-?\d+)?$/);
      expect(/[.e]/.test(text), text).toBe(true);
      const back = p(text);
      expect(back).toBeInstanceOf(FloatAtom);
      expect(Object.is((back as FloatAtom).value, x), text).toBe(true);
    }
  });
});

describe('formatAtom', () => {
  it('prints each kind of atom', () => {
    expect(formatAtom(sym('foo'))).toBe('foo');
    expect(formatAtom(sym('has space'))).toBe('has space'); // error messages are symbols with spaces
    expect(formatAtom(variable('x'))).toBe('$x');
    expect(formatAtom(int(-42))).toBe('-42');
    expect(formatAtom(int(123456789012345678901234567890n))).toBe('123456789012345678901234567890');
    expect(formatAtom(str('hi'))).toBe('"hi"');
    expect(formatAtom(bool(true))).toBe('True');
    expect(formatAtom(bool(false))).toBe('False');
    expect(formatAtom(UNIT)).toBe('()');
    expect(formatAtom(expr([]))).toBe('()');
  });

  it('prints fresh variables as $name#N', () => {
    const v = freshVariable('x');
    expect(formatAtom(v)).toMatch(/^\$x#\d+$/);
  });

  it('separates children by one space and nests parentheses', () => {
    const a = expr([sym('a'), expr([sym('b'), variable('c')]), expr([]), expr([expr([int(1)])]), str('s t'), float(2)]);
    expect(formatAtom(a)).toBe('(a (b $c) () ((1)) "s t" 2.0)');
    expect(formatAtom(expr([expr([]), expr([])]))).toBe('(() ())');
    expect(formatAtom(expr([sym('Error'), expr([sym('index-atom'), expr([sym('A'), sym('B')]), int(5)]), sym('Index is out of bounds')]))).toBe(
      '(Error (index-atom (A B) 5) Index is out of bounds)',
    );
  });

  it('prints a 100,000-deep expression without overflowing the stack', () => {
    const depth = 100_000;
    const text = formatAtom(deepNest(depth, sym('x')));
    expect(text.length).toBe(depth * 4 + 1);
    expect(text.startsWith('(f (f (f ')).toBe(true);
    expect(text.endsWith('(f x' + ')'.repeat(depth))).toBe(true);
  });

  it('prints a 100,000-element list', () => {
    const a = expr(Array.from({ length: 100_000 }, (_, i) => int(i)));
    const text = formatAtom(a);
    expect(text.startsWith('(0 1 2 ')).toBe(true);
    expect(text.endsWith(' 99998 99999)')).toBe(true);
  });
});

describe('quoteString', () => {
  it('escapes quotes, backslashes and control characters', () => {
    expect(quoteString('')).toBe('""');
    expect(quoteString('a"b')).toBe('"a\\"b"');
    expect(quoteString('a\\b')).toBe('"a\\\\b"');
    expect(quoteString('\n\r\t')).toBe('"\\n\\r\\t"');
    expect(quoteString('\u0000\u001b')).toBe('"\\u{0}\\u{1b}"');
    expect(quoteString('λ 😀')).toBe('"λ 😀"');
  });
});

describe('formatResults', () => {
  it('prints a result line', () => {
    expect(formatResults([])).toBe('[]');
    expect(formatResults([UNIT])).toBe('[()]');
    expect(formatResults([int(1), float(2), str('x'), p('(a $b)')])).toBe('[1, 2.0, "x", (a $b)]');
  });
});

describe('fresh variables', () => {
  it('print numbered by first appearance, one name per variable across a result line', () => {
    const a = expr([sym('f'), variable('x#907'), variable('y'), variable('x#907'), variable('z#12')]);
    const b = expr([variable('z#12'), variable('x#3')]);
    expect(formatAtom(a)).toBe('(f $x#1 $y $x#1 $z#2)');
    expect(formatResults([a, b])).toBe('[(f $x#1 $y $x#1 $z#2), ($z#2 $x#3)]');
  });
});
