// fast-check generators of atoms for the space and matcher tests. The alphabets are small on
// purpose: few symbols, few grounded values and four variable names, so that random atoms collide,
// repeat and match often.

import fc from 'fast-check';
import { type Atom, AtomKind, expr, type ExpressionAtom, sym, variable } from '../../src/core/index.js';

// The alphabet and the pattern rewriting are shared with the seeded generators of src/bench.
import { derivePattern, GROUNDED, SYMBOLS, VAR_NAMES } from '../../src/bench/random-atoms.js';

export { derivePattern, GROUNDED, SYMBOLS, VAR_NAMES };

export interface AtomShape {
  /** Maximum expression nesting (0: leaves only). */
  readonly maxDepth: number;
  /** Relative weight of variables among leaves (symbols weigh 4, grounded values 2). */
  readonly varWeight: number;
  readonly maxArity?: number;
  /** Relative weight of an expression (vs a leaf) at the root; below the root it is 3 to 2. */
  readonly rootExprWeight?: number;
}

function leafArb(varWeight: number): fc.Arbitrary<Atom> {
  const choices: fc.WeightedArbitrary<Atom>[] = [
    { arbitrary: fc.constantFrom(...SYMBOLS), weight: 4 },
    { arbitrary: fc.constantFrom(...GROUNDED), weight: 2 },
  ];
  if (varWeight > 0) {
    choices.push({ arbitrary: fc.constantFrom(...VAR_NAMES).map((n) => variable(n)), weight: varWeight });
  }
  return fc.oneof(...choices);
}

/** Atoms nested up to `maxDepth`, arities 0..maxArity (default 4). */
export function atomArb(shape: AtomShape): fc.Arbitrary<Atom> {
  const leaf = leafArb(shape.varWeight);
  const maxArity = shape.maxArity ?? 4;
  const at = (depth: number, exprWeight: number): fc.Arbitrary<Atom> => {
    if (depth === 0) return leaf;
    const child = at(depth - 1, 3);
    return fc.oneof(
      { arbitrary: leaf, weight: 2 },
      { arbitrary: fc.array(child, { minLength: 0, maxLength: maxArity }).map((cs) => expr(cs)), weight: exprWeight },
    );
  };
  return at(shape.maxDepth, shape.rootExprWeight ?? 3);
}

/** Atoms as a space typically holds them: mostly ground, some with (possibly repeated) variables. */
export const storedAtomArb = atomArb({ maxDepth: 4, varWeight: 1, rootExprWeight: 18 });

/**
 * A recipe for a pattern. `derived` patterns generalise one of the space's atoms (chosen by
 * `index`) so that matches are frequent; `choices` drive the rewriting (see `derivePattern`).
 */
export type PatternSpec =
  | { readonly kind: 'random'; readonly atom: Atom }
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'derived'; readonly index: number; readonly choices: readonly number[] };

export const patternSpecArb: fc.Arbitrary<PatternSpec> = fc.oneof(
  { arbitrary: atomArb({ maxDepth: 3, varWeight: 4, rootExprWeight: 12 }).map((atom) => ({ kind: 'random' as const, atom })), weight: 3 },
  { arbitrary: fc.constantFrom(...VAR_NAMES).map((name) => ({ kind: 'var' as const, name })), weight: 1 },
  {
    arbitrary: fc
      .record({ index: fc.nat(), choices: fc.array(fc.nat(19), { minLength: 1, maxLength: 12 }) })
      .map((r) => ({ kind: 'derived' as const, ...r })),
    weight: 6,
  },
);

export function resolvePatternSpec(spec: PatternSpec, atoms: readonly Atom[]): Atom {
  switch (spec.kind) {
    case 'random':
      return spec.atom;
    case 'var':
      return variable(spec.name);
    case 'derived':
      if (atoms.length === 0) return variable(VAR_NAMES[spec.choices[0]! % VAR_NAMES.length]!);
      return derivePattern(atoms[spec.index % atoms.length]!, spec.choices);
  }
}

/** `atom` with every variable renamed consistently (alpha-equivalent, never structurally equal). */
export function renameVariables(atom: Atom, suffix = '_r'): Atom {
  if (atom.kind === AtomKind.Variable) return variable(atom.name + suffix);
  if (atom.kind === AtomKind.Expression) return expr(atom.children.map((c) => renameVariables(c, suffix)));
  return atom;
}

// Rule lookup: calls of `f` / `g` and spaces of rules `(= (f ...) body)` for them.
const RULE_HEADS = [sym('f'), sym('g')];
const ruleArgArb = atomArb({ maxDepth: 2, varWeight: 1, maxArity: 3 });

/** Calls `(f ...)` / `(g ...)`, ground or not, arity 1..3 (a call of arity 0 is `(f)`). */
export const ruleCallArb: fc.Arbitrary<ExpressionAtom> = fc
  .tuple(fc.constantFrom(...RULE_HEADS), fc.array(ruleArgArb, { minLength: 0, maxLength: 2 }))
  .map(([h, args]) => expr([h, ...args]));

/** Stored atoms: mostly rules for f/g with heads that sometimes are variables, plus odd shapes. */
export const ruleSpaceAtomArb: fc.Arbitrary<Atom> = fc.oneof(
  { arbitrary: fc.tuple(ruleCallArb, ruleArgArb).map(([lhs, body]) => expr([sym('='), lhs, body])), weight: 8 },
  { arbitrary: fc.tuple(fc.array(ruleArgArb, { maxLength: 2 }), ruleArgArb).map(([args, body]) => expr([sym('='), expr([variable('h'), ...args]), body])), weight: 2 },
  { arbitrary: ruleArgArb.map((body) => expr([sym('='), variable('l'), body])), weight: 1 },
  { arbitrary: fc.tuple(ruleArgArb, ruleArgArb).map(([a, b]) => expr([variable('q'), a, b])), weight: 1 },
  { arbitrary: fc.constant(variable('any')), weight: 1 },
  { arbitrary: ruleArgArb, weight: 2 },
);
