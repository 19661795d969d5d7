// Variable bindings and two-sided unification with an occurs check.
//
// Bindings are a triangular substitution: a variable may be bound to a term that mentions other
// bound variables; `resolve` applies the substitution to a fixpoint. The occurs check keeps the
// substitution acyclic, which is what makes that fixpoint exist.

import { type Atom, AtomKind, ExpressionAtom, type GroundedAtom, isGroundAtom, VariableAtom } from './atoms.js';
import { freshCount } from './fresh-counter.js';

/** The map of every empty Bindings: shared, never written (`bind` allocates a map first). */
const NO_MAP: Map<string, Atom> = new Map();

/** The work list of `mentionsBound` (shared: the walk calls nothing that could re-enter it). */
const scanStack: Atom[] = [];

/** Bindings are mutable while a unification builds them, then used as values. */
export class Bindings {
  /** Shared empty bindings: never mutate it (clone first). */
  static readonly EMPTY = new Bindings();

  /** NO_MAP until the first binding: most bindings made for checks stay empty. */
  private map: Map<string, Atom>;

  /**
   * The fresh-variable count when the newest binding was made: no bound variable is a fresh one
   * numbered above it. Lets the evaluator skip looking for bindings private to a finished call
   * (machine.ts, `withoutPrivateBindings`) when none can be.
   */
  newestBind: number;

  constructor(map?: Map<string, Atom>) {
    this.map = map ?? NO_MAP;
    // A map from elsewhere may bind any variable made so far.
    this.newestBind = map === undefined ? 0 : freshCount();
  }

  get size(): number {
    return this.map.size;
  }

  /** The direct value bound to the variable `name` (not resolved further). */
  lookup(name: string): Atom | undefined {
    return this.map.get(name);
  }

  /** Follows variable-to-term links until an unbound variable or a non-variable. */
  walk(atom: Atom): Atom {
    let a = atom;
    while (a.kind === AtomKind.Variable) {
      const next = this.map.get(a.name);
      if (next === undefined) return a;
      a = next;
    }
    return a;
  }

  /**
   * Binds the unbound variable `name` to `value` unless that would create a cycle
   * (`$x` ↦ `(f $x)`). Returns false when the occurs check fails.
   */
  bind(name: string, value: Atom): boolean {
    if (this.occurs(name, value)) return false;
    if (this.map === NO_MAP) this.map = new Map();
    this.map.set(name, value);
    this.newestBind = freshCount();
    return true;
  }

  /** Whether the variable `name` occurs in `atom` once the bindings are applied. */
  occurs(name: string, atom: Atom): boolean {
    const stack: Atom[] = [atom];
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (a.kind === AtomKind.Variable) {
        if (a.name === name) return true;
        const next = this.map.get(a.name);
        if (next !== undefined) stack.push(next);
      } else if (a.kind === AtomKind.Expression) {
        for (const c of a.children) stack.push(c);
      }
    }
    return false;
  }

  /** These bindings without the variable `name`. */
  without(name: string): Bindings {
    if (!this.map.has(name)) return this;
    const copy = new Map(this.map);
    copy.delete(name);
    const without = new Bindings(copy);
    without.newestBind = this.newestBind;
    return without;
  }

  /**
   * Removes every binding made after the first `size` (they are kept in binding order): undoes a
   * failed unification attempt made in place.
   */
  undoTo(size: number): void {
    if (this.map.size <= size) return;
    let i = 0;
    for (const name of this.map.keys()) if (i++ >= size) this.map.delete(name);
  }

  clone(): Bindings {
    if (this.map.size === 0) return new Bindings();
    const copy = new Bindings(new Map(this.map));
    copy.newestBind = this.newestBind;
    return copy;
  }

  /**
   * Both sets of bindings at once, or null when they disagree on some variable. Treats both as
   * values: may return either argument itself when the other is empty.
   */
  merge(other: Bindings): Bindings | null {
    if (other.map.size === 0) return this;
    if (this.map.size === 0) return other;
    const merged = this.clone();
    for (const [name, value] of other.map) {
      if (!unify(new VariableAtom(name), value, merged)) return null;
    }
    return merged;
  }

  /** `atom` with every bound variable replaced, to a fixpoint. */
  resolve(atom: Atom): Atom {
    if (this.map.size === 0) return atom;
    // Usually nothing in `atom` is bound: a walk that allocates nothing says so.
    if (!this.mentionsBound(atom)) return atom;
    return substitute(atom, (v) => this.map.get(v.name));
  }

  /** Whether some variable of `atom` is bound here. */
  private mentionsBound(atom: Atom): boolean {
    if (atom.kind === AtomKind.Variable) return this.map.has(atom.name);
    if (atom.kind !== AtomKind.Expression) return false;
    const map = this.map;
    const stack = scanStack;
    const base = stack.length;
    stack.push(atom);
    let found = false;
    while (stack.length > base) {
      const a = stack.pop()!;
      if (a.kind === AtomKind.Variable) {
        if (map.has(a.name)) {
          found = true;
          break;
        }
      } else if (a.kind === AtomKind.Expression && !isGroundAtom(a)) {
        const children = a.children;
        for (let i = 0; i < children.length; i++) {
          const c = children[i]!;
          if (c.kind === AtomKind.Expression || c.kind === AtomKind.Variable) stack.push(c);
        }
      }
    }
    stack.length = base;
    return found;
  }

  entries(): IterableIterator<[string, Atom]> {
    return this.map.entries();
  }

  /** The bound variable names and their fully resolved values, in binding order. */
  resolvedEntries(): [string, Atom][] {
    const out: [string, Atom][] = [];
    for (const name of this.map.keys()) out.push([name, this.resolve(new VariableAtom(name))]);
    return out;
  }
}

/**
 * Rebuilds `root` with variables replaced by `lookup` (whose results are substituted again),
 * sharing every unchanged sub-expression. Iterative, so nesting depth is unbounded.
 */
export function substitute(root: Atom, lookup: (v: VariableAtom) => Atom | undefined, final = false): Atom {
  interface Frame {
    readonly source: ExpressionAtom;
    index: number;
    rebuilt: Atom[] | null;
  }
  const frames: Frame[] = [];
  let pending: Atom = root;
  for (;;) {
    let a = pending;
    let replaced = false;
    while (a.kind === AtomKind.Variable) {
      const next = lookup(a);
      if (next === undefined) break;
      a = next;
      if (final) {
        replaced = true;
        break;
      }
    }
    let result: Atom;
    // A ground sub-term (a bound value, often) has nothing to replace: shared as it is, not walked.
    if (!replaced && a.kind === AtomKind.Expression && !isGroundAtom(a) && a.children.length > 0) {
      frames.push({ source: a, index: 0, rebuilt: null });
      pending = a.children[0]!;
      continue;
    }
    result = a;
    // Hand the finished child to its parent frames until one still has children to visit.
    for (;;) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) return result;
      const children = frame.source.children;
      if (frame.rebuilt === null && result !== children[frame.index]) {
        frame.rebuilt = children.slice(0, frame.index);
      }
      if (frame.rebuilt !== null) frame.rebuilt.push(result);
      frame.index++;
      if (frame.index < children.length) {
        pending = children[frame.index]!;
        break;
      }
      frames.pop();
      result = frame.rebuilt === null ? frame.source : new ExpressionAtom(frame.rebuilt);
    }
  }
}

/**
 * Rebuilds `root` with each variable for which `lookup` returns an atom replaced by that atom,
 * taken as final (not substituted again, unlike `substitute`): the way to instantiate a term whose
 * variables belong to one scope with values that may mention variables of another.
 */
export function instantiate(root: Atom, lookup: (v: VariableAtom) => Atom | undefined): Atom {
  return substitute(root, lookup, true);
}

function groundedEquals(x: GroundedAtom, y: GroundedAtom): boolean {
  return x.equals(y);
}

/**
 * Whether two grounded atoms are one value to a space: the space files a plain value under its
 * intern key (so `4` and `4.0` are two values there, though `equals` makes them equal) and a
 * stateful one by identity.
 */
export function sameSpaceValue(x: GroundedAtom, y: GroundedAtom): boolean {
  if (x === y) return true;
  const key = x.internKey();
  return key !== null && key === y.internKey();
}

/**
 * Two-sided unification of `a` and `b`, extending `bindings` in place. On failure the bindings
 * may hold partial work: unify a clone when the caller needs the original afterwards.
 *
 * When both sides are unbound variables the left one is bound to the right one; the trie matcher
 * follows the same convention so that both produce identical bindings.
 *
 * `sameGrounded` decides grounded leaves (default: the values' `equals`, under which `4` is `4.0`;
 * `sameSpaceValue` is the space's own notion, which the naive matcher uses as the space's oracle).
 */
export function unify(a: Atom, b: Atom, bindings: Bindings, sameGrounded: (x: GroundedAtom, y: GroundedAtom) => boolean = groundedEquals): boolean {
  const stack: Atom[] = [a, b];
  while (stack.length > 0) {
    const y = bindings.walk(stack.pop()!);
    const x = bindings.walk(stack.pop()!);
    if (x === y) continue;
    if (x.kind === AtomKind.Variable) {
      if (y.kind === AtomKind.Variable && y.name === x.name) continue;
      if (!bindings.bind(x.name, y)) return false;
      continue;
    }
    if (y.kind === AtomKind.Variable) {
      if (!bindings.bind(y.name, x)) return false;
      continue;
    }
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case AtomKind.Symbol:
        return false;
      case AtomKind.Grounded:
        if (!sameGrounded(x, y as GroundedAtom)) return false;
        break;
      case AtomKind.Expression: {
        const xs = x.children;
        const ys = (y as ExpressionAtom).children;
        if (xs.length !== ys.length) return false;
        for (let i = xs.length - 1; i >= 0; i--) stack.push(xs[i]!, ys[i]!);
        break;
      }
    }
  }
  return true;
}

/** `atom` with the bindings applied. */
export function applyBindings(atom: Atom, bindings: Bindings): Atom {
  return bindings.resolve(atom);
}
