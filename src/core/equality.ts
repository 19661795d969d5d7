// Structural equality and alpha-equivalence. Both walk with explicit stacks: MeTTa lists are
// nested expressions thousands deep, beyond what JavaScript recursion survives.

import { type Atom, AtomKind, type ExpressionAtom, type GroundedAtom, type VariableAtom } from './atoms.js';

/** Structural equality: same shape, same symbols, same variable names, equal grounded values. */
export function atomEquals(a: Atom, b: Atom): boolean {
  return compareWith(a, b, (x, y) => x.name === y.name);
}

/** Equality up to a consistent one-to-one renaming of variables. */
export function alphaEquivalent(a: Atom, b: Atom): boolean {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  return compareWith(a, b, (x, y) => {
    const fx = forward.get(x.name);
    const by = backward.get(y.name);
    if (fx === undefined && by === undefined) {
      forward.set(x.name, y.name);
      backward.set(y.name, x.name);
      return true;
    }
    return fx === y.name && by === x.name;
  });
}

function compareWith(a: Atom, b: Atom, sameVariable: (x: VariableAtom, y: VariableAtom) => boolean): boolean {
  const left: Atom[] = [a];
  const right: Atom[] = [b];
  while (left.length > 0) {
    const x = left.pop()!;
    const y = right.pop()!;
    if (x === y) continue;
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case AtomKind.Symbol:
        return false; // interned: distinct objects are distinct symbols
      case AtomKind.Variable:
        if (!sameVariable(x, y as VariableAtom)) return false;
        break;
      case AtomKind.Grounded:
        if (!x.equals(y as GroundedAtom)) return false;
        break;
      case AtomKind.Expression: {
        const xs = x.children;
        const ys = (y as ExpressionAtom).children;
        if (xs.length !== ys.length) return false;
        for (let i = xs.length - 1; i >= 0; i--) {
          left.push(xs[i]!);
          right.push(ys[i]!);
        }
        break;
      }
    }
  }
  return true;
}

/** Variables of an atom in order of first occurrence, each once. */
export function variablesOf(atom: Atom): VariableAtom[] {
  const seen = new Set<string>();
  const out: VariableAtom[] = [];
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind === AtomKind.Variable) {
      if (!seen.has(a.name)) {
        seen.add(a.name);
        out.push(a);
      }
    } else if (a.kind === AtomKind.Expression) {
      for (let i = a.children.length - 1; i >= 0; i--) stack.push(a.children[i]!);
    }
  }
  return out;
}
