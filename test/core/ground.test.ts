// Groundness is cached on expressions, and substitution and binding scans use it: a ground value
// bound to a variable is shared as it is, never walked again (a deep term built at run time was
// walked at every step, which made walking it quadratic).

import { describe, expect, it } from 'vitest';
import { type Atom, Bindings, expr, ExpressionAtom, formatAtom, instantiate, isGroundAtom, substitute, sym, variable } from '../../src/core/index.js';

/** A ground chain (S (S ... Z)) of `depth`, built iteratively. */
function chain(depth: number): Atom {
  let a: Atom = sym('Z');
  for (let i = 0; i < depth; i++) a = expr([sym('S'), a]);
  return a;
}

/** An expression whose children throw once read: proof that nothing looked inside. */
function untouchable(groundness: 'ground'): ExpressionAtom {
  const e = expr([sym('secret'), sym('value')]);
  expect(isGroundAtom(e)).toBe(groundness === 'ground');
  const sealed = new ExpressionAtom(new Proxy(e.children as Atom[], { get: () => { throw new Error('looked inside a ground value'); } }));
  sealed.groundness = e.groundness;
  return sealed;
}

describe('isGroundAtom', () => {
  it('answers for every kind of atom and nesting', () => {
    expect(isGroundAtom(sym('a'))).toBe(true);
    expect(isGroundAtom(variable('x'))).toBe(false);
    expect(isGroundAtom(expr([]))).toBe(true);
    expect(isGroundAtom(expr([sym('f'), expr([sym('g'), variable('x')]), sym('b')]))).toBe(false);
    expect(isGroundAtom(expr([sym('f'), expr([sym('g'), expr([])]), sym('b')]))).toBe(true);
    expect(isGroundAtom(expr([expr([expr([variable('deep')])]), sym('a')]))).toBe(false);
  });

  it('caches the answer on each sub-expression, iteratively (a 200,000-deep term)', () => {
    const deep = chain(200_000);
    expect(isGroundAtom(deep)).toBe(true);
    // A term built over a checked one is answered from its children's cache.
    const over = expr([sym('S'), deep]);
    expect(isGroundAtom(over)).toBe(true);
    const open = expr([sym('pair'), deep, variable('y')]);
    expect(isGroundAtom(open)).toBe(false);
    expect(isGroundAtom(open)).toBe(false);
  });
});

describe('substitution skips ground values', () => {
  it('resolve shares a bound ground value without reading its children', () => {
    const value = untouchable('ground');
    const b = new Bindings(new Map([['x', value]]));
    const r = b.resolve(expr([sym('f'), variable('x'), variable('x')])) as ExpressionAtom;
    expect(r.children[1]).toBe(value);
    expect(r.children[2]).toBe(value);
    expect((substitute(expr([variable('x')]), (v) => (v.name === 'x' ? value : undefined)) as ExpressionAtom).children[0]).toBe(value);
    expect((instantiate(expr([variable('x')]), (v) => (v.name === 'x' ? value : undefined)) as ExpressionAtom).children[0]).toBe(value);
    // A ground argument of the resolved atom itself is not scanned either.
    expect((b.resolve(expr([sym('g'), value, variable('x')])) as ExpressionAtom).children[1]).toBe(value);
  });

  it('still replaces variables inside non-ground values, to a fixpoint', () => {
    const b = new Bindings(new Map<string, Atom>([['x', expr([sym('h'), variable('y')])], ['y', chain(3)]]));
    expect(formatAtom(b.resolve(expr([sym('f'), variable('x')])))).toBe('(f (h (S (S (S Z)))))');
  });
});
