// The u32 token encoding: layout, alpha-equivalence, round trips.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Atom, alphaEquivalent, atomEquals, expr, formatAtom, int, parseAtom, str, sym, variable } from '../../src/core/index.js';
import {
  decodeAtom,
  encodeAtom,
  FIRST_NON_VAR_TOKEN,
  groundedTable,
  isVarToken,
  namedVariables,
  payloadOf,
  subtermEnd,
  Tag,
  tagOf,
  token,
} from '../../src/space/index.js';
import { renameVariables, storedAtomArb } from './arbitraries.js';

describe('token encoding', () => {
  it('writes atoms in prefix order with new-variable and back-reference tokens', () => {
    const f = sym('f');
    const { tokens, varNames } = encodeAtom(parseAtom('(f $x (g $y $x) 3 "s")'));
    expect([...tokens]).toEqual([
      token(Tag.Expr, 5),
      token(Tag.Sym, f.id),
      token(Tag.NewVar, 0),
      token(Tag.Expr, 3),
      token(Tag.Sym, sym('g').id),
      token(Tag.NewVar, 1),
      token(Tag.VarRef, 0),
      token(Tag.Gnd, groundedTable.idOf(int(3))),
      token(Tag.Gnd, groundedTable.idOf(str('s'))),
    ]);
    expect(varNames).toEqual(['x', 'y']);
    expect(tagOf(tokens[0]!)).toBe(Tag.Expr);
    expect(payloadOf(tokens[0]!)).toBe(5);
    expect([...encodeAtom(expr([])).tokens]).toEqual([token(Tag.Expr, 0)]);
  });

  it('gives variable tokens the smallest values', () => {
    expect(isVarToken(token(Tag.NewVar, 7))).toBe(true);
    expect(isVarToken(token(Tag.VarRef, 7))).toBe(true);
    expect(isVarToken(token(Tag.Expr, 0))).toBe(false);
    expect(token(Tag.VarRef, (1 << 29) - 1)).toBeLessThan(FIRST_NON_VAR_TOKEN);
    expect(token(Tag.Gnd, 1)).toBeGreaterThan(token(Tag.Sym, (1 << 29) - 1));
  });

  it('interns grounded values by value', () => {
    expect(groundedTable.idOf(int(123456))).toBe(groundedTable.idOf(int(123456)));
    expect(groundedTable.idOf(str('q'))).toBe(groundedTable.idOf(str('q')));
    expect(groundedTable.idOf(str('1'))).not.toBe(groundedTable.idOf(int(1)));
  });

  it('gives every integer one id, whichever table holds it (dense small values, negatives, large and BigInt values)', () => {
    // Around the edges of the dense array (zigzag slots 2v and -2v-1 below 2^20) and beyond it.
    const values = [0, 1, -1, 2, -2, 1000, -1000, 524_287, -524_288, 524_288, -524_289, 2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER];
    const ids = values.map((v) => groundedTable.idOf(int(v)));
    expect(new Set(ids).size).toBe(values.length);
    expect(values.map((v) => groundedTable.idOf(int(v)))).toEqual(ids);
    expect(ids.map((id) => formatAtom(groundedTable.atom(id)))).toEqual(values.map(String));
    // An integer beyond 2^53 is a BigInt, interned by its key; the same value made twice is one id.
    const big = int(2n ** 70n);
    expect(groundedTable.idOf(int(2n ** 70n))).toBe(groundedTable.idOf(big));
    expect(ids).not.toContain(groundedTable.idOf(big));
    // Many new values in a row grow the dense array; each keeps its id.
    const many = Array.from({ length: 5_000 }, (_, i) => 3 * i - 7_000);
    const manyIds = many.map((v) => groundedTable.idOf(int(v)));
    expect(many.map((v) => groundedTable.idOf(int(v)))).toEqual(manyIds);
    expect(new Set(manyIds).size).toBe(many.length);
    expect(manyIds.map((id) => formatAtom(groundedTable.atom(id)))).toEqual(many.map(String));
  });

  it('encodes alpha-equivalent atoms identically and others differently', () => {
    fc.assert(
      fc.property(storedAtomArb, storedAtomArb, (a, b) => {
        const ta = [...encodeAtom(a).tokens];
        expect([...encodeAtom(renameVariables(a)).tokens]).toEqual(ta);
        const same = ta.join(',') === [...encodeAtom(b).tokens].join(',');
        expect(same).toBe(alphaEquivalent(a, b));
      }),
      { seed: 424242, numRuns: 1000 },
    );
  });

  it('round-trips through decodeAtom with the recorded names; subtermEnd finds the end', () => {
    fc.assert(
      fc.property(storedAtomArb, (a) => {
        const { tokens, varNames } = encodeAtom(a);
        const back = decodeAtom(tokens, 0, namedVariables(varNames));
        if (!atomEquals(back, a)) throw new Error(`${formatAtom(back)} != ${formatAtom(a)}`);
        expect(subtermEnd(tokens, 0)).toBe(tokens.length);
      }),
      { seed: 424243, numRuns: 1000 },
    );
  });

  it('finds sub-term ends inside an atom', () => {
    const { tokens } = encodeAtom(parseAtom('(a (b c) d)'));
    expect(subtermEnd(tokens, 1)).toBe(2); // a
    expect(subtermEnd(tokens, 2)).toBe(5); // (b c)
    expect(subtermEnd(tokens, 5)).toBe(6); // d
  });

  it('encodes and decodes 10,000-deep atoms without recursion', () => {
    let atom: Atom = variable('v');
    for (let i = 0; i < 10_000; i++) atom = expr([sym('s'), atom]);
    const { tokens, varNames } = encodeAtom(atom);
    expect(tokens.length).toBe(20_001);
    expect(subtermEnd(tokens, 0)).toBe(tokens.length);
    expect(atomEquals(decodeAtom(tokens, 0, namedVariables(varNames)), atom)).toBe(true);
  });
});
