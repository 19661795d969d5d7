// Two-sided unification directly on token strings, without building atoms. Side 0 is the pattern,
// side 1 a stored atom; each side's variables are numbered by level, so the two are renamed apart
// for free. It follows the conventions of core `unify` exactly (left-to-right, the left variable is
// bound when both sides are variables, occurs check), which is what makes the trie matcher's
// bindings equal to those of a naive scan.

import { type Atom, ExpressionAtom, VariableAtom } from '../core/index.js';
import { freshVariable } from '../core/index.js';
import { groundedTable, PAYLOAD_MASK, TAG_SHIFT, Tag, isVarToken } from '../space/index.js';
import { symById } from '../core/index.js';

const UNBOUND = -1;

/** A reference to a sub-term: offset * 2 + side. */
type Ref = number;

export class TokenUnifier {
  private side0: ArrayLike<number> = [];
  private side1: ArrayLike<number> = [];
  private bind0 = new Int32Array(16);
  private bind1 = new Int32Array(16);
  private readonly stack: number[] = [];
  private readonly scan: number[] = [];

  /** Starts a unification of `pattern` with `stored`, both whole token strings. */
  unify(pattern: ArrayLike<number>, patternVars: number, stored: ArrayLike<number>, storedVars: number): boolean {
    return this.unifyAt(pattern, patternVars, stored, 0, storedVars);
  }

  /**
   * `unify` with the stored atom at `storedStart` of a larger token array (the store's own, so no
   * view is made per candidate); references into side 1 are then offsets in that array.
   */
  unifyAt(pattern: ArrayLike<number>, patternVars: number, stored: ArrayLike<number>, storedStart: number, storedVars: number): boolean {
    this.side0 = pattern;
    this.side1 = stored;
    if (this.bind0.length < patternVars) this.bind0 = new Int32Array(patternVars * 2);
    if (this.bind1.length < storedVars) this.bind1 = new Int32Array(storedVars * 2);
    this.bind0.fill(UNBOUND, 0, patternVars);
    this.bind1.fill(UNBOUND, 0, storedVars);
    return this.unifyRefs(0, storedStart * 2 + 1);
  }

  private tokenAt(ref: Ref): number {
    return (ref & 1 ? this.side1 : this.side0)[ref >>> 1]!;
  }

  private bindingOf(ref: Ref, t: number): number {
    return (ref & 1 ? this.bind1 : this.bind0)[t & PAYLOAD_MASK]!;
  }

  private deref(ref: Ref): Ref {
    for (;;) {
      const t = this.tokenAt(ref);
      if (!isVarToken(t)) return ref;
      const next = this.bindingOf(ref, t);
      if (next === UNBOUND) return ref;
      ref = next;
    }
  }

  /** Refs of the children of the expression at `ref` (whose token has arity `arity`). */
  private childRefs(ref: Ref, arity: number, out: number[]): void {
    const tokens = ref & 1 ? this.side1 : this.side0;
    const side = ref & 1;
    let offset = (ref >>> 1) + 1;
    for (let i = 0; i < arity; i++) {
      out.push(offset * 2 + side);
      // The last child's end is not needed: skipping it would make nested tails (lists) quadratic.
      if (i === arity - 1) break;
      let pending = 1;
      while (pending > 0) {
        const t = tokens[offset++]!;
        pending--;
        if (t >>> TAG_SHIFT === Tag.Expr) pending += t & PAYLOAD_MASK;
      }
    }
  }

  /** Whether the variable at `varRef` occurs in the term at `term` under the current bindings. */
  private occurs(varRef: Ref, term: Ref): boolean {
    const side = varRef & 1;
    const level = this.tokenAt(varRef) & PAYLOAD_MASK;
    const scan = this.scan;
    scan.length = 0;
    scan.push(term);
    while (scan.length > 0) {
      const ref = scan.pop()!;
      const refSide = ref & 1;
      const tokens = refSide ? this.side1 : this.side0;
      const binds = refSide ? this.bind1 : this.bind0;
      // Scan the sub-term linearly: `pending` counts the sub-terms still to read.
      let offset = ref >>> 1;
      let pending = 1;
      while (pending > 0) {
        const t = tokens[offset++]!;
        pending--;
        if (isVarToken(t)) {
          const l = t & PAYLOAD_MASK;
          if (refSide === side && l === level) return true;
          const next = binds[l]!;
          if (next !== UNBOUND) scan.push(next);
        } else if (t >>> TAG_SHIFT === Tag.Expr) {
          pending += t & PAYLOAD_MASK;
        }
      }
    }
    return false;
  }

  private bind(varRef: Ref, t: number, value: Ref): void {
    (varRef & 1 ? this.bind1 : this.bind0)[t & PAYLOAD_MASK] = value;
  }

  private unifyRefs(a: Ref, b: Ref): boolean {
    const stack = this.stack;
    stack.length = 0;
    stack.push(a, b);
    const pairs: number[] = [];
    while (stack.length > 0) {
      const y = this.deref(stack.pop()!);
      const x = this.deref(stack.pop()!);
      if (x === y) continue;
      const tx = this.tokenAt(x);
      const ty = this.tokenAt(y);
      if (isVarToken(tx)) {
        if (isVarToken(ty) && (x & 1) === (y & 1) && (tx & PAYLOAD_MASK) === (ty & PAYLOAD_MASK)) continue;
        if (this.occurs(x, y)) return false;
        this.bind(x, tx, y);
        continue;
      }
      if (isVarToken(ty)) {
        if (this.occurs(y, x)) return false;
        this.bind(y, ty, x);
        continue;
      }
      if (tx !== ty) return false;
      const arity = tx >>> TAG_SHIFT === Tag.Expr ? tx & PAYLOAD_MASK : 0;
      if (arity === 0) continue;
      pairs.length = 0;
      this.childRefs(x, arity, pairs);
      this.childRefs(y, arity, pairs);
      // Push in reverse so the first pair is unified first, as core `unify` does.
      for (let i = arity - 1; i >= 0; i--) stack.push(pairs[i]!, pairs[arity + i]!);
    }
    return true;
  }

  /**
   * Copies the binding record of the last unification: the pattern's `patternVars` bindings to
   * out[at..], then the stored atom's `storedVars` (a binding is a ref offset * 2 + side, -1 when
   * unbound), so that `resolveReference` can resolve them later (compact results, compact-results.ts).
   */
  copyBindings(out: Int32Array, at: number, patternVars: number, storedVars: number): void {
    for (let i = 0; i < patternVars; i++) out[at + i] = this.bind0[i]!;
    for (let i = 0; i < storedVars; i++) out[at + patternVars + i] = this.bind1[i]!;
  }

  /** Whether pattern variable `level` got bound. */
  isPatternVarBound(level: number): boolean {
    return this.bind0[level] !== UNBOUND;
  }

  /**
   * The atom that pattern variable `level` (first occurring at `offset`) stands for, fully
   * resolved. Unbound pattern variables keep their names; unbound stored variables become the
   * fresh variables that `storedVariable` hands out (one per level, per match).
   */
  resolvePatternVar(
    offset: number,
    patternNames: readonly string[],
    storedVariable: (level: number) => VariableAtom,
    patternGroundAtoms?: readonly (Atom | undefined)[],
  ): Atom {
    // The common case, a variable bound to a stored symbol or grounded value: that atom, directly
    // (what resolveReference would decode).
    const level = this.side0[offset]! & PAYLOAD_MASK;
    const bound = this.bind0[level]!;
    if (bound !== UNBOUND && bound & 1) {
      const t = this.side1[bound >>> 1]!;
      const tag = t >>> TAG_SHIFT;
      if (tag === Tag.Sym) return symById(t & PAYLOAD_MASK);
      if (tag === Tag.Gnd) return groundedTable.atom(t & PAYLOAD_MASK);
    }
    return resolveReference(this.side0, this.side1, this.bind0, 0, this.bind1, 0, offset, patternNames, storedVariable, patternGroundAtoms);
  }
}

/**
 * The atom the sub-term at `offset` of the pattern (side 0) stands for under a triangular binding
 * record, fully resolved: a bound variable is followed to its binding (a reference `offset * 2 +
 * side` into either token string), unbound pattern variables keep their names, unbound stored
 * variables become `storedVariable(level)`, and a binding to a ground sub-term of the pattern
 * returns the caller's own atom (`groundAtoms`). The binding of variable `level` of side s is
 * `bindS[bindSAt + level]`; unbound is all ones (-1 in an Int32Array, 0xffffffff in a Uint32Array).
 * Shared by the CPU's TokenUnifier and the GPU's binding records (src/gpu/resolve.ts).
 */
export function resolveReference(
  side0: ArrayLike<number>,
  side1: ArrayLike<number>,
  bind0: ArrayLike<number>,
  bind0At: number,
  bind1: ArrayLike<number>,
  bind1At: number,
  offset: number,
  patternNames: readonly string[],
  storedVariable: (level: number) => VariableAtom,
  groundAtoms?: readonly (Atom | undefined)[],
): Atom {
  // Decodes token by token; a bound variable jumps to its binding and returns when that sub-term
  // is complete (a jump remembers how many expressions were open when it was taken).
  const frames: { children: Atom[]; arity: number }[] = [];
  const returns: number[] = [];
  let side = 0;
  let at = offset;
  for (;;) {
    const t = (side ? side1 : side0)[at++]!;
    const tag = t >>> TAG_SHIFT;
    const payload = t & PAYLOAD_MASK;
    let done: Atom;
    if (tag === Tag.NewVar || tag === Tag.VarRef) {
      const bound = side ? bind1[bind1At + payload]! : bind0[bind0At + payload]!;
      if (bound >>> 0 !== 0xffffffff) {
        const reuse = bound & 1 ? undefined : groundAtoms?.[bound >>> 1];
        if (reuse !== undefined) {
          done = reuse;
        } else {
          returns.push(side, at, frames.length);
          side = bound & 1;
          at = bound >>> 1;
          continue;
        }
      } else {
        done = side ? storedVariable(payload) : new VariableAtom(patternNames[payload]!);
      }
    } else if (tag === Tag.Expr) {
      if (payload > 0) {
        frames.push({ children: [], arity: payload });
        continue;
      }
      done = new ExpressionAtom([]);
    } else if (tag === Tag.Sym) done = symById(payload);
    else done = groundedTable.atom(payload);
    for (;;) {
      // A jumped-to sub-term is complete when its atom finishes at the depth of the jump.
      while (returns.length > 0 && returns[returns.length - 1] === frames.length) {
        returns.pop();
        at = returns.pop()!;
        side = returns.pop()!;
      }
      const frame = frames[frames.length - 1];
      if (frame === undefined) return done;
      frame.children.push(done);
      if (frame.children.length < frame.arity) break;
      frames.pop();
      done = new ExpressionAtom(frame.children);
    }
  }
}


/** Fresh variables for one match of a stored atom whose variables are named `names` by level. */
export function freshVariablesFor(names: readonly string[]): (level: number) => VariableAtom {
  const made: VariableAtom[] = [];
  return (level) => (made[level] ??= freshVariable(names[level] ?? `_${level}`));
}
