// Property tests over random atoms (fast-check, fixed seed): print -> parse -> print is stable and
// gives back an equal atom; unification and renaming laws.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Atom,
  alphaEquivalent,
  atomEquals,
  Bindings,
  bool,
  expr,
  float,
  formatAtom,
  int,
  parseAtom,
  parseNumberWord,
  parseProgram,
  renameApart,
  str,
  sym,
  unify,
  variable,
} from '../../src/core/index.js';

const SEED = 20_240_611;
const RUNS = 400;
const params = { seed: SEED, numRuns: RUNS };

/**
 * Characters a symbol word may contain (a few are only allowed after the first position); not `;`,
 * which ends a word and starts a comment (the reference's parser; a variable's name may hold one).
 */
const WORD_CHARS = ['a', 'b', 'z', 'Q', '0', '1', '9', '.', 'e', 'E', '+', '-', '*', '/', '=', '<', '>', '!', '?', '&', '%', '@', ':', '_', '#', '$', '"', "'", ',', 'λ', 'é', '日', '😀', '→'];

function isPlainSymbolWord(w: string): boolean {
  if (w.length === 0) return false;
  if (w[0] === '$' || w[0] === '"') return false;
  if (w[0] === '!' && (w.length === 1 || w[1] === '"')) return false; // an exec flag at top level
  if (w === 'True' || w === 'False') return false;
  return parseNumberWord(w) === null;
}

const symbolArb: fc.Arbitrary<Atom> = fc
  .array(fc.constantFrom(...WORD_CHARS), { minLength: 1, maxLength: 6 })
  .map((cs) => cs.join(''))
  .filter(isPlainSymbolWord)
  .map((w) => sym(w));

const variableArb: fc.Arbitrary<Atom> = fc
  .array(fc.constantFrom('a', 'x', 'y', '1', '_', '-', 'λ', '$', '!', '"', ';', '.'), { minLength: 1, maxLength: 5 })
  .map((cs) => variable(cs.join('')));

const groundedArb: fc.Arbitrary<Atom> = fc.oneof(
  fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }).map((n) => int(n)),
  fc.integer().map((n) => int(n)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => float(x)),
  fc.constantFrom(0.1, 3, 7.375, 1e20, 1e-5, 1e16, 1.5e-7, -0).map((x) => float(x)),
  fc.string({ unit: 'binary', maxLength: 8 }).map((s) => str(s)),
  fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\r', '\t', "'", '\u0000', '\u007f', 'a', ' ', '(', ';'), maxLength: 8 }).map((s) => str(s)),
  fc.boolean().map((b) => bool(b)),
);

const leafArb = fc.oneof({ arbitrary: symbolArb, weight: 3 }, { arbitrary: variableArb, weight: 2 }, { arbitrary: groundedArb, weight: 3 });

const { atom: atomArb } = fc.letrec<{ atom: Atom }>((tie) => ({
  atom: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafArb, fc.array(tie('atom'), { maxLength: 5 }).map((cs) => expr(cs))),
}));

describe(`print -> parse -> print (fast-check seed ${SEED}, ${RUNS} runs)`, () => {
  it('printing is stable and parsing the print gives an equal atom', () => {
    fc.assert(
      fc.property(atomArb, (a) => {
        const printed = formatAtom(a);
        const back = parseAtom(printed);
        expect(formatAtom(back)).toBe(printed);
        expect(atomEquals(back, a)).toBe(true);
      }),
      params,
    );
  });

  it('the same holds for a program of several atoms separated by comments and newlines', () => {
    fc.assert(
      fc.property(fc.array(atomArb, { minLength: 1, maxLength: 6 }), (atoms) => {
        const text = atoms.map((a) => formatAtom(a) + ' ; comment ( " \n').join('');
        const texts = parseProgram(text, 'prop.metta').map((i) => {
          expect(i.exec).toBe(false);
          return formatAtom(i.atom);
        });
        expect(texts).toEqual(atoms.map(formatAtom));
      }),
      params,
    );
  });
});

describe(`unification and renaming laws (fast-check seed ${SEED}, ${RUNS} runs)`, () => {
  const smallLeaf = fc.oneof(
    fc.constantFrom('a', 'b', 'f').map((n) => sym(n)),
    fc.constantFrom('x', 'y', 'z').map((n) => variable(n)),
    fc.constantFrom(int(1), float(1), str('1')),
  );
  const { small } = fc.letrec<{ small: Atom }>((tie) => ({
    small: fc.oneof({ depthSize: 'small' }, smallLeaf, fc.array(tie('small'), { maxLength: 3 }).map((cs) => expr(cs))),
  }));

  it('a successful unification makes both sides resolve to the same atom', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        const bs = new Bindings();
        if (unify(a, b, bs)) expect(formatAtom(bs.resolve(a))).toBe(formatAtom(bs.resolve(b)));
      }),
      params,
    );
  });

  it('unification succeeds or fails regardless of argument order', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(unify(a, b, new Bindings())).toBe(unify(b, a, new Bindings()));
      }),
      params,
    );
  });

  it('every atom unifies with a renamed-apart copy of itself', () => {
    fc.assert(
      fc.property(small, (a) => {
        const r = renameApart(a);
        expect(alphaEquivalent(a, r)).toBe(true);
        expect(alphaEquivalent(r, a)).toBe(true);
        expect(unify(a, r, new Bindings())).toBe(true);
      }),
      params,
    );
  });

  it('alpha-equivalence is symmetric and implied by equality', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(alphaEquivalent(a, b)).toBe(alphaEquivalent(b, a));
        if (atomEquals(a, b)) expect(alphaEquivalent(a, b)).toBe(true);
      }),
      params,
    );
  });

  it('merge agrees with unifying the two sets of bindings in either order', () => {
    const pairArb = fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z', 'w'), small), { maxLength: 3 });
    const build = (pairs: [string, Atom][]): Bindings | null => {
      const bs = new Bindings();
      for (const [k, v] of pairs) if (!unify(variable(k), v, bs)) return null;
      return bs;
    };
    fc.assert(
      fc.property(pairArb, pairArb, (p1, p2) => {
        const b1 = build(p1);
        const b2 = build(p2);
        if (b1 === null || b2 === null) return;
        const m12 = b1.merge(b2);
        const m21 = b2.merge(b1);
        expect(m12 === null).toBe(m21 === null);
        const direct = build([...p1, ...p2]);
        expect(m12 === null).toBe(direct === null);
        if (m12 !== null && m21 !== null) {
          // Both merges satisfy every equation of both inputs (as atoms: `1` and `1.0` are equal).
          for (const [k, v] of [...p1, ...p2]) {
            expect(atomEquals(m12.resolve(variable(k)), m12.resolve(v)), `${k} = ${formatAtom(v)}`).toBe(true);
            expect(atomEquals(m21.resolve(variable(k)), m21.resolve(v)), `${k} = ${formatAtom(v)}`).toBe(true);
          }
        }
      }),
      params,
    );
  });
});
