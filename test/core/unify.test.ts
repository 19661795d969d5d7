// Bindings and two-sided unification with an occurs check.

import { describe, expect, it } from 'vitest';
import {
  type Atom,
  applyBindings,
  atomEquals,
  Bindings,
  expr,
  float,
  int,
  str,
  substitute,
  sym,
  unify,
  variable,
} from '../../src/core/index.js';
import { deepNest, p, show } from './helpers.js';

/** Unifies the two texts; returns the resolved value of each bound variable, or null on failure. */
function u(a: string, b: string): Record<string, string> | null {
  const bs = new Bindings();
  if (!unify(p(a), p(b), bs)) return null;
  return Object.fromEntries(bs.resolvedEntries().map(([k, v]) => [k, show(v)]));
}

function bindingsOf(pairs: Record<string, string>): Bindings {
  const bs = new Bindings();
  for (const [k, v] of Object.entries(pairs)) expect(bs.bind(k, p(v))).toBe(true);
  return bs;
}

function resolvedOf(bs: Bindings): Record<string, string> {
  return Object.fromEntries(bs.resolvedEntries().map(([k, v]) => [k, show(v)]));
}

describe('unify', () => {
  it('matches identical ground atoms without binding anything', () => {
    expect(u('a', 'a')).toEqual({});
    expect(u('(f a (g "s" 1 2.5 True))', '(f a (g "s" 1 2.5 True))')).toEqual({});
    expect(u('()', '()')).toEqual({});
  });

  it('fails on different ground atoms and on shape mismatches', () => {
    expect(u('a', 'b')).toBeNull();
    expect(u('(f a)', '(f a a)')).toBeNull();
    expect(u('(f a)', '(g a)')).toBeNull();
    expect(u('()', '(a)')).toBeNull();
    expect(u('a', '(a)')).toBeNull();
    expect(u('"a"', 'a')).toBeNull();
    expect(u('1', '"1"')).toBeNull();
    expect(u('True', 'False')).toBeNull();
  });

  it('is two-sided: variables on both sides get bound', () => {
    expect(u('(f $x b)', '(f a $y)')).toEqual({ x: 'a', y: 'b' });
    expect(u('(= (add $a Z) $a)', '(= (add (S Z) $b) $r)')).toEqual({ a: '(S Z)', b: 'Z', r: '(S Z)' });
    expect(u('$x', '(f $y)')).toEqual({ x: '(f $y)' });
    expect(u('(f $y)', '$x')).toEqual({ x: '(f $y)' });
  });

  it('a repeated variable must match consistently', () => {
    expect(u('(f $x $x)', '(f a a)')).toEqual({ x: 'a' });
    expect(u('(f $x $x)', '(f a b)')).toBeNull();
    expect(u('(f $x $x)', '(f (g $y) (g c))')).toEqual({ x: '(g c)', y: 'c' });
    expect(u('(f $x $x)', '(f $y a)')).toEqual({ x: 'a', y: 'a' });
  });

  it('binds the left variable to the right one when both are unbound (var-var chain)', () => {
    const bs = new Bindings();
    expect(unify(variable('x'), variable('y'), bs)).toBe(true);
    expect(show(bs.lookup('x')!)).toBe('$y');
    expect(bs.lookup('y')).toBeUndefined();
    // Chain $x -> $y -> $z -> c.
    expect(unify(variable('y'), variable('z'), bs)).toBe(true);
    expect(unify(variable('z'), sym('c'), bs)).toBe(true);
    expect(bs.walk(variable('x'))).toBe(sym('c'));
    expect(show(bs.resolve(p('($x $y $z)')))).toBe('(c c c)');
    // The chain now constrains every member.
    expect(unify(variable('x'), sym('d'), bs.clone())).toBe(false);
    expect(unify(variable('x'), sym('c'), bs.clone())).toBe(true);
  });

  it('var-var through chains in both directions', () => {
    expect(u('($a $b $c $a)', '($b $c $d e)')).toEqual({ a: 'e', b: 'e', c: 'e', d: 'e' });
    expect(u('($a $b $a)', '($b $a c)')).toEqual({ a: 'c', b: 'c' });
    expect(u('($a $b)', '($b $a)')).toEqual({ a: '$b' });
  });

  it('a variable unifies with itself without binding', () => {
    expect(u('$x', '$x')).toEqual({});
    expect(u('(f $x)', '(f $x)')).toEqual({});
  });

  it('performs the occurs check', () => {
    // Only the boolean: resolving cyclic bindings would not terminate if the check were missing.
    const ok = (a: string, b: string): boolean => unify(p(a), p(b), new Bindings());
    expect(ok('$x', '(f $x)')).toBe(false);
    expect(ok('(f $x)', '$x')).toBe(false);
    expect(ok('$x', '(f (g (h $x)))')).toBe(false);
    // Indirect: $x = $y and $y = (f $x).
    expect(ok('(g $x $y)', '(g $y (f $x))')).toBe(false);
    expect(ok('(g $x (f $x))', '(g $y $y)')).toBe(false);
    expect(ok('(g $x $y)', '(g (f $y) (f $x))')).toBe(false);
    // No cycle: fine.
    expect(u('(g $x $y)', '(g (f $y) a)')).toEqual({ x: '(f a)', y: 'a' });
  });

  it('compares grounded atoms by value (an integer equals the float of its value)', () => {
    expect(u('4', '4')).toEqual({});
    expect(u('4', '4.0')).toEqual({});
    expect(u('4', '4.5')).toBeNull();
    expect(u('4.0', '4.0')).toEqual({});
    expect(u('123456789012345678901234567890', '123456789012345678901234567890')).toEqual({});
    expect(u('123456789012345678901234567890', '123456789012345678901234567891')).toBeNull();
    expect(unify(int(5n), int(5), new Bindings())).toBe(true);
    expect(unify(int(2n ** 70n), int(2n ** 70n), new Bindings())).toBe(true);
    expect(unify(str('x'), str('x'), new Bindings())).toBe(true);
    expect(unify(float(0.5), float(0.5), new Bindings())).toBe(true);
    expect(unify(float(0), float(-0), new Bindings())).toBe(false);
    expect(u('(f $x)', '(f 42)')).toEqual({ x: '42' });
  });

  it('extends existing bindings and respects them', () => {
    const bs = bindingsOf({ x: 'a' });
    expect(unify(p('(f $x $y)'), p('(f a b)'), bs)).toBe(true);
    expect(resolvedOf(bs)).toEqual({ x: 'a', y: 'b' });
    const bs2 = bindingsOf({ x: 'a' });
    expect(unify(p('(f $x)'), p('(f b)'), bs2)).toBe(false);
  });

  it('result: both sides resolve to the same atom', () => {
    const cases: [string, string][] = [
      ['(f $x (g $y) $z)', '(f (h $w) $v (k $x))'],
      ['(cons $h $t)', '(cons 1 (cons 2 $rest))'],
      ['($a ($b ($c $d)))', '(1 (2 (3 $a)))'],
    ];
    for (const [a, b] of cases) {
      const bs = new Bindings();
      expect(unify(p(a), p(b), bs), `${a} ~ ${b}`).toBe(true);
      expect(show(bs.resolve(p(a)))).toBe(show(bs.resolve(p(b))));
    }
  });

  it('unifies 100,000-deep expressions without overflowing the stack', () => {
    const depth = 100_000;
    const bs = new Bindings();
    expect(unify(deepNest(depth, variable('x')), deepNest(depth, expr([sym('leaf'), variable('y')])), bs)).toBe(true);
    expect(show(bs.resolve(variable('x')))).toBe('(leaf $y)');
    expect(unify(deepNest(depth, sym('a')), deepNest(depth, sym('b')), new Bindings())).toBe(false);
    // The occurs check on a deep term.
    expect(unify(variable('x'), deepNest(depth, variable('x')), new Bindings())).toBe(false);
    expect(unify(variable('x'), deepNest(depth, variable('z')), new Bindings())).toBe(true);
  });
});

describe('Bindings', () => {
  it('bind, lookup, walk, size', () => {
    const bs = new Bindings();
    expect(bs.size).toBe(0);
    expect(bs.bind('x', variable('y'))).toBe(true);
    expect(bs.bind('y', p('(f $z)'))).toBe(true);
    expect(bs.size).toBe(2);
    expect(show(bs.lookup('x')!)).toBe('$y'); // direct value only
    expect(show(bs.walk(variable('x')))).toBe('(f $z)'); // follows variables, not into expressions
    expect(show(bs.walk(variable('q')))).toBe('$q');
    expect(bs.walk(sym('a'))).toBe(sym('a'));
  });

  it('bind refuses a cycle (occurs check through existing bindings)', () => {
    const bs = bindingsOf({ x: '(f $y)' });
    expect(bs.bind('y', p('(g $x)'))).toBe(false);
    expect(bs.bind('y', variable('x'))).toBe(false);
    expect(bs.bind('x2', variable('x2'))).toBe(false);
    expect(bs.lookup('y')).toBeUndefined();
    expect(bs.occurs('y', p('(h $x)'))).toBe(true);
    expect(bs.occurs('z', p('(h $x)'))).toBe(false);
  });

  it('without and clone do not share state', () => {
    const bs = bindingsOf({ x: 'a', y: 'b' });
    const w = bs.without('x');
    expect(w.lookup('x')).toBeUndefined();
    expect(bs.lookup('x')).toBe(sym('a'));
    expect(bs.without('nope')).toBe(bs);
    const c = bs.clone();
    c.bind('z', sym('c'));
    expect(bs.lookup('z')).toBeUndefined();
    expect(c.size).toBe(3);
  });

  it('resolvedEntries lists names in binding order with resolved values', () => {
    const bs = bindingsOf({ b: '(f $a)', a: '$c', c: '1' });
    expect(bs.resolvedEntries().map(([k, v]) => `${k}=${show(v)}`)).toEqual(['b=(f 1)', 'a=1', 'c=1']);
    expect([...bs.entries()].map(([k, v]) => `${k}=${show(v)}`)).toEqual(['b=(f $a)', 'a=$c', 'c=1']);
  });

  it('resolve applies the substitution to a fixpoint and leaves unbound variables', () => {
    const bs = bindingsOf({ x: '(g $y $w)', y: '(h $z)', z: 'end' });
    expect(show(bs.resolve(p('(f $x $y $z $free)')))).toBe('(f (g (h end) $w) (h end) end $free)');
    expect(show(applyBindings(p('$x'), bs))).toBe('(g (h end) $w)');
  });

  it('resolve shares unchanged sub-expressions', () => {
    const bs = bindingsOf({ x: 'a' });
    const ground = p('(f (g h) 1)');
    expect(bs.resolve(ground)).toBe(ground);
    const mixed = p('((g h) $x)') as Atom & { children: readonly Atom[] };
    const out = bs.resolve(mixed) as Atom & { children: readonly Atom[] };
    expect(show(out)).toBe('((g h) a)');
    expect(out.children[0]).toBe(mixed.children[0]);
    expect(Bindings.EMPTY.resolve(mixed)).toBe(mixed);
  });

  it('resolves a 100,000-deep nested expression and a 100,000-long variable chain', () => {
    const depth = 100_000;
    const bs = bindingsOf({ x: '(leaf $y)', y: '42' });
    const out = bs.resolve(deepNest(depth, variable('x')));
    expect(atomEquals(out, deepNest(depth, p('(leaf 42)')))).toBe(true);

    // $v0 -> $v1 -> ... -> $v{depth} -> (deep term containing $w), $w -> done
    const chain = new Bindings();
    for (let i = 0; i < depth; i++) chain.bind(`v${i}`, variable(`v${i + 1}`));
    chain.bind(`v${depth}`, deepNest(1000, variable('w')));
    chain.bind('w', sym('done'));
    expect(chain.walk(variable('v0'))).toSatisfy((a: Atom) => show(a).startsWith('(f (f'));
    expect(atomEquals(chain.resolve(variable('v0')), deepNest(1000, sym('done')))).toBe(true);
  });

  it('substitute replaces variables by the lookup, re-substituting its results', () => {
    const out = substitute(p('(f $a $b $c)'), (v) => (v.name === 'a' ? p('($b)') : v.name === 'b' ? sym('B') : undefined));
    expect(show(out)).toBe('(f (B) B $c)');
  });
});

describe('Bindings.merge', () => {
  it('combines disjoint bindings', () => {
    const m = bindingsOf({ x: 'a' }).merge(bindingsOf({ y: 'b' }));
    expect(m).not.toBeNull();
    expect(resolvedOf(m!)).toEqual({ x: 'a', y: 'b' });
  });

  it('accepts agreeing values and unifies through them', () => {
    expect(resolvedOf(bindingsOf({ x: 'a' }).merge(bindingsOf({ x: 'a' }))!)).toEqual({ x: 'a' });
    expect(resolvedOf(bindingsOf({ x: '(f $y)' }).merge(bindingsOf({ x: '(f b)' }))!)).toEqual({ x: '(f b)', y: 'b' });
    expect(resolvedOf(bindingsOf({ x: '$y' }).merge(bindingsOf({ y: 'a' }))!)).toEqual({ x: 'a', y: 'a' });
    expect(resolvedOf(bindingsOf({ x: 'a' }).merge(bindingsOf({ x: '$y' }))!)).toEqual({ x: 'a', y: 'a' });
    expect(resolvedOf(bindingsOf({ x: '$y' }).merge(bindingsOf({ y: '$x' }))!)).toEqual({ x: '$y' });
  });

  it('returns null on a conflict', () => {
    expect(bindingsOf({ x: 'a' }).merge(bindingsOf({ x: 'b' }))).toBeNull();
    expect(bindingsOf({ x: '(f a)' }).merge(bindingsOf({ x: '(f b)' }))).toBeNull();
    expect(bindingsOf({ x: '$y', y: 'a' }).merge(bindingsOf({ x: 'b' }))).toBeNull();
    expect(bindingsOf({ x: 'a', y: 'b' }).merge(bindingsOf({ x: '$z', y: '$z' }))).toBeNull();
    expect(bindingsOf({ x: '4' }).merge(bindingsOf({ x: '4.5' }))).toBeNull();
    // A merge that would close a cycle fails the occurs check.
    expect(bindingsOf({ x: '(f $y)' }).merge(bindingsOf({ y: '(g $x)' }))).toBeNull();
  });

  it('does not mutate its operands', () => {
    const a = bindingsOf({ x: '$y' });
    const b = bindingsOf({ y: 'c', z: 'd' });
    const m = a.merge(b)!;
    expect(m.size).toBe(3);
    expect(a.size).toBe(1);
    expect(b.size).toBe(2);
    expect(a.merge(bindingsOf({ x: 'q', y: 'r' }))).toBeNull();
    expect(a.size).toBe(1);
  });

  it('merging with empty bindings returns the other side', () => {
    const a = bindingsOf({ x: 'a' });
    expect(a.merge(Bindings.EMPTY)).toBe(a);
    expect(Bindings.EMPTY.merge(a)).toBe(a);
    expect(Bindings.EMPTY.size).toBe(0);
  });
});
