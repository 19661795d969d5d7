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

/**
 * Bindings frozen by a `clone`, shared by the original and every copy: never written. A variable
 * is bound in at most one layer of a chain (only unbound variables are bound).
 */
interface Layer {
  readonly map: Map<string, Atom>;
  readonly parent: Layer | null;
  /** Bindings in this layer and the layers below it. */
  readonly size: number;
  /** Layers in the chain from this one down. */
  readonly depth: number;
}

/**
 * Lookups walk a chain, so a chain longer than this is flattened into one layer at the clone that
 * would lengthen it (a copy of every binding, once per this many clones).
 */
const MAX_LAYERS = 6;

/** Bindings are mutable while a unification builds them, then used as values. */
export class Bindings {
  /** Shared empty bindings: never mutate it (clone first). */
  static readonly EMPTY = new Bindings();

  /** This object's own newest bindings; NO_MAP until the first (most bindings made for checks stay empty). */
  private map: Map<string, Atom>;

  /**
   * Older bindings, shared with the Bindings cloned from or into this one: `clone` is then O(1)
   * (a `let` or a `match` answer used to copy every binding of the branch).
   */
  private base: Layer | null = null;

  /**
   * The fresh-variable count when the newest binding was made: no bound variable is a fresh one
   * numbered above it. Lets the evaluator skip looking for bindings private to a finished call
   * (machine.ts, `withoutPrivateBindings`) when none can be.
   */
  newestBind: number;

  /**
   * How many bindings were kept when the evaluator last dropped the unreachable ones from these
   * (or the bindings they were cloned from): it searches again only once the size has doubled, so
   * the searches cost O(1) per binding (machine.ts, `dropUnreachable`).
   */
  keptAtPrune = 0;

  constructor(map?: Map<string, Atom>) {
    this.map = map ?? NO_MAP;
    // A map from elsewhere may bind any variable made so far.
    this.newestBind = map === undefined ? 0 : freshCount();
  }

  get size(): number {
    const base = this.base;
    return base === null ? this.map.size : this.map.size + base.size;
  }

  /** The direct value bound to the variable `name` (not resolved further). */
  lookup(name: string): Atom | undefined {
    const own = this.map.get(name);
    if (own !== undefined) return own;
    for (let layer = this.base; layer !== null; layer = layer.parent) {
      const value = layer.map.get(name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** Follows variable-to-term links until an unbound variable or a non-variable. */
  walk(atom: Atom): Atom {
    let a = atom;
    while (a.kind === AtomKind.Variable) {
      const next = this.lookup(a.name);
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
    if (atom.kind === AtomKind.Symbol || atom.kind === AtomKind.Grounded) return false;
    const stack: Atom[] = [atom];
    while (stack.length > 0) {
      const a = stack.pop()!;
      if (a.kind === AtomKind.Variable) {
        if (a.name === name) return true;
        const next = this.lookup(a.name);
        if (next !== undefined) stack.push(next);
      } else if (a.kind === AtomKind.Expression) {
        for (const c of a.children) stack.push(c);
      }
    }
    return false;
  }

  /** These bindings without the variable `name`. */
  without(name: string): Bindings {
    if (this.lookup(name) === undefined) return this;
    const copy = this.flatMap();
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
    if (this.size <= size) return;
    const below = this.base === null ? 0 : this.base.size;
    if (size < below) {
      // Undoing into shared layers: this object takes a flat copy of what it keeps.
      this.map = this.flatMap();
      this.base = null;
    } else size -= below;
    let i = 0;
    for (const name of this.map.keys()) if (i++ >= size) this.map.delete(name);
  }

  clone(): Bindings {
    const copy = new Bindings();
    if (this.size === 0) return copy;
    if (this.map.size > 0) {
      // This object's own bindings become a shared layer under both it and the copy.
      const depth = this.base === null ? 1 : this.base.depth + 1;
      const map = depth > MAX_LAYERS ? this.flatMap() : this.map;
      this.base = { map, parent: depth > MAX_LAYERS ? null : this.base, size: this.size, depth: depth > MAX_LAYERS ? 1 : depth };
      this.map = NO_MAP;
    }
    copy.base = this.base;
    copy.newestBind = this.newestBind;
    copy.keptAtPrune = this.keptAtPrune;
    return copy;
  }

  /** Every binding in binding order, as a new map. */
  private flatMap(): Map<string, Atom> {
    if (this.base === null) return new Map(this.map);
    const layers: Layer[] = [];
    for (let layer: Layer | null = this.base; layer !== null; layer = layer.parent) layers.push(layer);
    const flat = new Map<string, Atom>();
    for (let i = layers.length - 1; i >= 0; i--) for (const [name, value] of layers[i]!.map) flat.set(name, value);
    for (const [name, value] of this.map) flat.set(name, value);
    return flat;
  }

  /**
   * Both sets of bindings at once, or null when they disagree on some variable. Treats both as
   * values: may return either argument itself when the other is empty.
   */
  merge(other: Bindings): Bindings | null {
    if (other.size === 0) return this;
    if (this.size === 0) return other;
    const merged = this.clone();
    for (const [name, value] of other.entries()) {
      if (!unify(new VariableAtom(name), value, merged)) return null;
    }
    return merged;
  }

  /** `atom` with every bound variable replaced, to a fixpoint. */
  resolve(atom: Atom): Atom {
    if (this.size === 0) return atom;
    // Usually nothing in `atom` is bound: a walk that allocates nothing says so.
    if (!this.mentionsBound(atom)) return atom;
    return substitute(atom, (v) => this.lookup(v.name));
  }

  /** Whether some variable of `atom` is bound here. */
  private mentionsBound(atom: Atom): boolean {
    if (atom.kind === AtomKind.Variable) return this.lookup(atom.name) !== undefined;
    if (atom.kind !== AtomKind.Expression) return false;
    const stack = scanStack;
    const base = stack.length;
    stack.push(atom);
    let found = false;
    while (stack.length > base) {
      const a = stack.pop()!;
      if (a.kind === AtomKind.Variable) {
        if (this.lookup(a.name) !== undefined) {
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

  /** Every binding, in binding order. */
  entries(): IterableIterator<[string, Atom]> {
    if (this.base !== null) {
      // Flattened in place once: the same bindings, now this object's own.
      this.map = this.flatMap();
      this.base = null;
    }
    return this.map.entries();
  }

  /** The bound variable names and their fully resolved values, in binding order. */
  resolvedEntries(): [string, Atom][] {
    const out: [string, Atom][] = [];
    for (const [name] of this.entries()) out.push([name, this.resolve(new VariableAtom(name))]);
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
