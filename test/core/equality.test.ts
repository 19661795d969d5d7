// Structural equality, alpha-equivalence, fresh renaming and grounded value equality.

import { describe, expect, it } from 'vitest';
import {
  type Atom,
  alphaEquivalent,
  atomEquals,
  bool,
  BoolAtom,
  expr,
  float,
  freshVariable,
  GroundedAtom,
  int,
  IntAtom,
  isExpression,
  isVariable,
  renameApart,
  str,
  sym,
  symById,
  variable,
  variablesOf,
} from '../../src/core/index.js';
import { deepNest, p, show } from './helpers.js';

describe('atomEquals', () => {
  it('is structural', () => {
    expect(atomEquals(p('(f a (g $x 1 "s"))'), p('(f a (g $x 1 "s"))'))).toBe(true);
    expect(atomEquals(p('(f a (g $x 1 "s"))'), p('(f a (g $y 1 "s"))'))).toBe(false);
    expect(atomEquals(p('(f a)'), p('(f a a)'))).toBe(false);
    expect(atomEquals(p('(f a)'), p('(f b)'))).toBe(false);
    expect(atomEquals(p('()'), p('(())'))).toBe(false);
    expect(atomEquals(p('a'), p('(a)'))).toBe(false);
    expect(atomEquals(p('$x'), p('x'))).toBe(false);
    expect(atomEquals(p('"x"'), p('x'))).toBe(false);
    expect(atomEquals(p('True'), p('"True"'))).toBe(false);
    expect(atomEquals(bool(true), BoolAtom.TRUE)).toBe(true);
    expect(atomEquals(bool(true), bool(false))).toBe(false);
  });

  it('4 and 4.0 are equal grounded atoms (the reference promotes the integer), 4 and 4.5 are not', () => {
    expect(atomEquals(int(4), float(4))).toBe(true);
    expect(atomEquals(float(4), int(4))).toBe(true);
    expect(int(4).equals(float(4))).toBe(true);
    expect(float(4).equals(int(4))).toBe(true);
    expect(atomEquals(p('(a 4)'), p('(a 4.0)'))).toBe(true);
    expect(alphaEquivalent(p('(a 4)'), p('(a 4.0)'))).toBe(true);
    expect(atomEquals(int(4), float(4.5))).toBe(false);
    expect(atomEquals(int(-0), float(-0))).toBe(true);
    expect(int(4).internKey()).not.toBe(float(4).internKey());
    expect(show(int(4).typeAtom())).toBe('Number');
    expect(show(float(4).typeAtom())).toBe('Number');
  });

  it('floats compare by value (0.0 and -0.0 differ, NaN equals itself)', () => {
    expect(atomEquals(float(1.5), float(1.5))).toBe(true);
    expect(atomEquals(float(1.5), float(1.25))).toBe(false);
    expect(atomEquals(float(0), float(-0))).toBe(false);
    expect(atomEquals(float(NaN), float(NaN))).toBe(true);
  });

  it('strings compare by value', () => {
    expect(atomEquals(str('a'), str('a'))).toBe(true);
    expect(atomEquals(str('a'), str('b'))).toBe(false);
    expect(atomEquals(str('1'), int(1))).toBe(false);
    expect(show(str('a').typeAtom())).toBe('String');
    expect(show(bool(true).typeAtom())).toBe('Bool');
  });

  it('grounded objects without an intern key compare by identity', () => {
    class Obj extends GroundedAtom {
      typeAtom(): Atom {
        return sym('Obj');
      }
      print(): string {
        return 'Obj';
      }
      internKey(): string | null {
        return null;
      }
    }
    const a = new Obj();
    expect(atomEquals(a, a)).toBe(true);
    expect(atomEquals(a, new Obj())).toBe(false);
    expect(atomEquals(expr([a]), expr([a]))).toBe(true);
    expect(show(expr([a, int(1)]))).toBe('(Obj 1)');
  });

  it('handles 100,000-deep expressions without overflowing the stack', () => {
    const depth = 100_000;
    expect(atomEquals(deepNest(depth, sym('x')), deepNest(depth, sym('x')))).toBe(true);
    expect(atomEquals(deepNest(depth, sym('x')), deepNest(depth, sym('y')))).toBe(false);
    expect(atomEquals(deepNest(depth, sym('x')), deepNest(depth - 1, sym('x')))).toBe(false);
  });
});

describe('integer canonicalisation', () => {
  it('int(5n) equals int(5) and is the same representation', () => {
    expect(atomEquals(int(5n), int(5))).toBe(true);
    expect(int(5n).value).toBe(5);
    expect(typeof int(5n).value).toBe('number');
    expect(int(5n)).toBe(int(5)); // small integers are shared
    expect(atomEquals(int(-1000000n), int(-1000000))).toBe(true);
    expect(atomEquals(int(BigInt(Number.MAX_SAFE_INTEGER)), int(Number.MAX_SAFE_INTEGER))).toBe(true);
    expect(typeof int(BigInt(Number.MAX_SAFE_INTEGER)).value).toBe('number');
    expect(atomEquals(int(-0), int(0))).toBe(true);
  });

  it('uses BigInt exactly beyond 2^53', () => {
    const big = int(2n ** 53n);
    expect(typeof big.value).toBe('bigint');
    expect(atomEquals(big, int(2 ** 53))).toBe(true); // an unsafe but integral number becomes BigInt
    expect(typeof int(2 ** 53).value).toBe('bigint');
    expect(atomEquals(int(2n ** 53n + 1n), big)).toBe(false);
    expect(atomEquals(int(10n ** 30n), int(10n ** 30n))).toBe(true);
    expect(atomEquals(int(-(10n ** 30n)), int(10n ** 30n))).toBe(false);
    expect(show(int(-(2n ** 64n)))).toBe('-18446744073709551616');
  });

  it('equal integers have equal intern keys whatever their origin', () => {
    expect(int(7n).internKey()).toBe(int(7).internKey());
    expect((p('+7') as IntAtom).internKey()).toBe(int(7).internKey());
    expect(int(2n ** 60n).internKey()).toBe((p('1152921504606846976') as IntAtom).internKey());
  });

  it('rejects non-integral numbers', () => {
    expect(() => int(1.5)).toThrow(RangeError);
    expect(() => int(NaN)).toThrow(RangeError);
    expect(() => int(Infinity)).toThrow(RangeError);
  });
});

describe('alphaEquivalent', () => {
  it('accepts a consistent one-to-one renaming', () => {
    expect(alphaEquivalent(p('$x'), p('$y'))).toBe(true);
    expect(alphaEquivalent(p('(f $x $y)'), p('(f $a $b)'))).toBe(true);
    expect(alphaEquivalent(p('(f $x $x)'), p('(f $y $y)'))).toBe(true);
    expect(alphaEquivalent(p('(f $x (g $y $x))'), p('(f $y (g $x $y))'))).toBe(true);
    expect(alphaEquivalent(p('(f a 1 "s")'), p('(f a 1 "s")'))).toBe(true);
    expect(alphaEquivalent(p('()'), p('()'))).toBe(true);
  });

  it('rejects inconsistent or non-injective renamings and structural differences', () => {
    expect(alphaEquivalent(p('(f $x $x)'), p('(f $a $b)'))).toBe(false);
    expect(alphaEquivalent(p('(f $x $y)'), p('(f $a $a)'))).toBe(false);
    expect(alphaEquivalent(p('(f $x a)'), p('(f $y b)'))).toBe(false);
    expect(alphaEquivalent(p('$x'), p('a'))).toBe(false);
    expect(alphaEquivalent(p('a'), p('$x'))).toBe(false);
    expect(alphaEquivalent(p('(f $x)'), p('(f $x $y)'))).toBe(false);
    expect(alphaEquivalent(p('(f $x $y $x)'), p('(f $a $b $b)'))).toBe(false);
    expect(alphaEquivalent(p('(f (g $x) $x)'), p('(f (g $a) (g $a))'))).toBe(false);
  });

  it('is symmetric on examples', () => {
    const pairs: [string, string][] = [
      ['(f $x $y)', '(f $a $a)'],
      ['(f $x $x)', '(f $a $b)'],
      ['(f $x $y)', '(f $y $x)'],
    ];
    for (const [a, b] of pairs) expect(alphaEquivalent(p(a), p(b))).toBe(alphaEquivalent(p(b), p(a)));
  });

  it('handles 100,000-deep expressions without overflowing the stack', () => {
    const depth = 100_000;
    const left = deepNest(depth, expr([variable('x'), variable('y')]), variable('x'));
    const right = deepNest(depth, expr([variable('a'), variable('b')]), variable('a'));
    const wrong = deepNest(depth, expr([variable('a'), variable('a')]), variable('a'));
    expect(alphaEquivalent(left, right)).toBe(true);
    expect(alphaEquivalent(left, wrong)).toBe(false);
    expect(alphaEquivalent(left, left)).toBe(true);
  });
});

describe('fresh variables and renameApart', () => {
  it('freshVariable gives $stem#N with a new N each time', () => {
    const a = freshVariable('x');
    const b = freshVariable('x');
    expect(a.name).toMatch(/^x#\d+$/);
    expect(b.name).toMatch(/^x#\d+$/);
    expect(a.name).not.toBe(b.name);
    // A fresh copy of a fresh variable keeps the original stem (no x#1#2).
    const c = freshVariable(a.name);
    expect(c.name).toMatch(/^x#\d+$/);
    expect(c.name).not.toBe(a.name);
  });

  it('renames every variable, consistently for repeats', () => {
    const original = p('(f $x $y (g $x) $y $z)');
    const renamed = renameApart(original);
    expect(isExpression(renamed)).toBe(true);
    if (!isExpression(renamed)) return;
    const [, x1, y1, g, y2, z] = renamed.children;
    expect(isVariable(x1!) && x1.name).toMatch(/^x#\d+$/);
    expect(isVariable(y1!) && y1.name).toMatch(/^y#\d+$/);
    expect(isVariable(z!) && z.name).toMatch(/^z#\d+$/);
    expect(show(g!)).toBe(`(g ${show(x1!)})`);
    expect(show(y2!)).toBe(show(y1!));
    expect(show(renamed)).toMatch(/^\(f \$x#\d+ \$y#\d+ \(g \$x#\d+\) \$y#\d+ \$z#\d+\)$/);
    expect(alphaEquivalent(original, renamed)).toBe(true);
    expect(atomEquals(original, renamed)).toBe(false);
    // No variable of the original survives.
    const names = new Set(variablesOf(original).map((v) => v.name));
    for (const v of variablesOf(renamed)) expect(names.has(v.name)).toBe(false);
  });

  it('two renamings are apart from each other', () => {
    const a = renameApart(p('(f $x)'));
    const b = renameApart(p('(f $x)'));
    expect(atomEquals(a, b)).toBe(false);
    expect(alphaEquivalent(a, b)).toBe(true);
  });

  it('renaming an already renamed atom keeps the stem and stays consistent', () => {
    const once = renameApart(p('($x $x $y)'));
    const twice = renameApart(once);
    expect(show(twice)).toMatch(/^\(\$x#\d+ \$x#\d+ \$y#\d+\)$/);
    expect(alphaEquivalent(once, twice)).toBe(true);
    expect(variablesOf(twice).map((v) => v.name)).not.toEqual(variablesOf(once).map((v) => v.name));
  });

  it('returns a ground atom unchanged', () => {
    const ground = p('(f (g a) 1)');
    expect(renameApart(ground)).toBe(ground);
  });

  it('handles 100,000-deep expressions', () => {
    const depth = 100_000;
    const original = deepNest(depth, expr([variable('x'), variable('x')]), variable('x'));
    const renamed = renameApart(original);
    expect(alphaEquivalent(original, renamed)).toBe(true);
    expect(variablesOf(renamed)).toHaveLength(1);
    expect(variablesOf(renamed)[0]!.name).toMatch(/^x#\d+$/);
  });
});

describe('variablesOf', () => {
  it('lists variables in order of first occurrence, each once', () => {
    expect(variablesOf(p('(f $b (g $a $b) $c $a)')).map((v) => v.name)).toEqual(['b', 'a', 'c']);
    expect(variablesOf(p('(f a 1)'))).toEqual([]);
    expect(variablesOf(p('$x')).map((v) => v.name)).toEqual(['x']);
  });
});

describe('symbol interning', () => {
  it('symById returns the interned symbol', () => {
    const s = sym('some-unique-symbol-for-test');
    expect(symById(s.id)).toBe(s);
    expect(s.name).toBe('some-unique-symbol-for-test');
    expect(sym('other').id).not.toBe(s.id);
  });
});
