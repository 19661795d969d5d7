// Random atoms for differential checks, drawn from a seeded PRNG (common.ts): the same small
// alphabet as the tests' fast-check generators (test/space/arbitraries.ts), so that random atoms
// collide, repeat and match often. The real-GPU check (gpu-differential.ts) runs without vitest or
// fast-check, on a machine that has neither, and uses these.

import { type Atom, AtomKind, bool, expr, float, int, str, sym, variable } from '../core/index.js';
import { randInt } from './common.js';

export const SYMBOLS: readonly Atom[] = ['a', 'b', 'c', 'f', 'g'].map((n) => sym(n));
export const GROUNDED: readonly Atom[] = [int(0), int(1), int(2), str('a'), float(1.5), bool(true)];
export const VAR_NAMES: readonly string[] = ['x', 'y', 'z', 'w'];

export interface RandomAtomShape {
  /** Maximum expression nesting (0: leaves only). */
  readonly maxDepth: number;
  /** Relative weight of variables among leaves (symbols weigh 4, grounded values 2). */
  readonly varWeight: number;
  readonly maxArity?: number;
  /** Relative weight of an expression (vs a leaf, weight 2) at the root; below the root it is 3. */
  readonly rootExprWeight?: number;
}

function randomLeaf(rand: () => number, varWeight: number): Atom {
  const k = rand() * (6 + varWeight);
  if (k < 4) return SYMBOLS[randInt(rand, SYMBOLS.length)]!;
  if (k < 6) return GROUNDED[randInt(rand, GROUNDED.length)]!;
  return variable(VAR_NAMES[randInt(rand, VAR_NAMES.length)]!);
}

/** An atom nested up to `shape.maxDepth`, arities 0..maxArity (default 4). */
export function randomAtom(rand: () => number, shape: RandomAtomShape): Atom {
  const maxArity = shape.maxArity ?? 4;
  const at = (depth: number, exprWeight: number): Atom => {
    if (depth === 0 || rand() * (2 + exprWeight) < 2) return randomLeaf(rand, shape.varWeight);
    const arity = randInt(rand, maxArity + 1);
    return expr(Array.from({ length: arity }, () => at(depth - 1, 3)));
  };
  return at(shape.maxDepth, shape.rootExprWeight ?? 3);
}

/** Atoms as a space typically holds them: mostly ground, some with (possibly repeated) variables. */
export const STORED_SHAPE: RandomAtomShape = { maxDepth: 4, varWeight: 1, rootExprWeight: 18 };
/** Patterns drawn at random (not derived from a stored atom): many variables. */
export const PATTERN_SHAPE: RandomAtomShape = { maxDepth: 3, varWeight: 4, rootExprWeight: 12 };

/**
 * Rewrites `atom` top-down, consuming `choices` cyclically at each node below the root: 0-3
 * replace the node by variable $x/$y/$z/$w (so repeated variables are common), 4 by a symbol that
 * may not match, 5 by a grounded value, anything else keeps the node (descending into expressions).
 */
export function derivePattern(atom: Atom, choices: readonly number[]): Atom {
  let k = 0;
  const next = (): number => choices[k++ % choices.length]!;
  const go = (a: Atom, root = false): Atom => {
    const c = root ? 19 : next();
    if (c < 4) return variable(VAR_NAMES[c]!);
    if (c === 4) return SYMBOLS[next() % SYMBOLS.length]!;
    if (c === 5) return GROUNDED[next() % GROUNDED.length]!;
    if (a.kind === AtomKind.Expression) return expr(a.children.map((child) => go(child)));
    return a;
  };
  return go(atom, true);
}

/**
 * A pattern for a space holding `atoms`, in the tests' proportions (patternSpecArb): 6 in 10
 * generalise a stored atom (so matches are frequent), 3 are random, 1 is a bare variable.
 */
export function randomPattern(rand: () => number, atoms: readonly Atom[]): Atom {
  const k = randInt(rand, 10);
  if (k < 3) return randomAtom(rand, PATTERN_SHAPE);
  if (k < 4 || atoms.length === 0) return variable(VAR_NAMES[randInt(rand, VAR_NAMES.length)]!);
  const choices = Array.from({ length: 1 + randInt(rand, 12) }, () => randInt(rand, 20));
  return derivePattern(atoms[randInt(rand, atoms.length)]!, choices);
}
