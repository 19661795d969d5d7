// The four kinds of MeTTa atom. Symbols are interned (one object per name, compared by identity);
// variables compare by name; expressions hold an immutable child array; grounded atoms carry a value
// and decide their own equality.

import { internSymbolName, symbolName } from './symbols.js';

export const AtomKind = { Symbol: 0, Variable: 1, Expression: 2, Grounded: 3 } as const;
export type AtomKind = (typeof AtomKind)[keyof typeof AtomKind];

export class SymbolAtom {
  readonly kind = AtomKind.Symbol;
  /** Use `sym(name)`: symbols are interned so that identity is equality. */
  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

export class VariableAtom {
  readonly kind = AtomKind.Variable;
  /** `name` excludes the leading `$`; fresh copies carry a `#N` suffix. */
  constructor(readonly name: string) {}
}

export class ExpressionAtom {
  readonly kind = AtomKind.Expression;
  /**
   * Whether the expression holds a variable, once `isGroundAtom` has looked (children never change):
   * GROUND_UNKNOWN, GROUND_YES or GROUND_NO. Lets substitution and binding scans skip ground
   * sub-terms in O(1), so a deep term built at run time is not walked again at every step.
   */
  get groundness(): number {
    return this.#marks & 3;
  }
  set groundness(state: number) {
    this.#marks = (this.#marks & ~3) | state;
  }
  /**
   * The evaluator's mark that this expression is a normal form under one version of the rules
   * (eval/compiled/tier.ts numbers them, from 1 to below MAX_NORMAL_MARK; 0: none). Kept on the
   * atom rather than in a WeakSet: an ephemeron table of every term a deep recursion builds
   * costs the garbage collector more than the recursion.
   */
  get normalMark(): number {
    return this.#marks >>> 2;
  }
  set normalMark(mark: number) {
    this.#marks = (mark << 2) | (this.#marks & 3);
  }
  // Private, so that it is not an own enumerable key: structural comparisons of atoms (tests' deep
  // equality, anything walking keys) see the same atom whether or not it was checked. Packed in
  // one small integer: the groundness in the low two bits, the normal-form mark above them.
  #marks: number = GROUND_UNKNOWN;
  /**
   * A type checker's note about this expression (eval/types.ts keeps the types it computed here,
   * tagged with the declarations they were computed under); private for the same reason.
   */
  get typeMemo(): unknown {
    return this.#typeMemo;
  }
  set typeMemo(memo: unknown) {
    this.#typeMemo = memo;
  }
  #typeMemo: unknown = undefined;
  constructor(readonly children: readonly Atom[]) {}
}

/** Normal-form marks are below this (they share a small integer with the groundness). */
export const MAX_NORMAL_MARK = 1 << 28;

const GROUND_UNKNOWN: number = 0;
const GROUND_YES: number = 1;
const GROUND_NO: number = 2;

/** The work list of `isGroundAtom` (shared: the walk calls nothing that could re-enter it). */
const groundStack: ExpressionAtom[] = [];
const groundNext: number[] = [];

/**
 * Whether `a` has no variables. Cached on every expression it looks into, so a repeated check, or a
 * check of a new term built over checked ones, costs O(arity). Iterative: depth is unbounded.
 */
export function isGroundAtom(a: Atom): boolean {
  if (a.kind === AtomKind.Variable) return false;
  if (a.kind !== AtomKind.Expression) return true;
  if (a.groundness !== GROUND_UNKNOWN) return a.groundness === GROUND_YES;
  const stack = groundStack;
  const next = groundNext;
  const base = stack.length;
  stack.push(a);
  next.push(0);
  // Post-order: an expression is ground when all its children are (a child's answer is known before its parent's).
  while (stack.length > base) {
    const top = stack.length - 1;
    const e = stack[top]!;
    const children = e.children;
    let i = next[top]!;
    let state = GROUND_YES;
    for (; i < children.length; i++) {
      const c = children[i]!;
      if (c.kind === AtomKind.Variable) {
        state = GROUND_NO;
        break;
      }
      if (c.kind !== AtomKind.Expression) continue;
      if (c.groundness === GROUND_UNKNOWN) break;
      if (c.groundness === GROUND_NO) {
        state = GROUND_NO;
        break;
      }
    }
    if (i < children.length && state === GROUND_YES) {
      // An unchecked child expression: check it first, then come back to this child.
      next[top] = i;
      stack.push(children[i] as ExpressionAtom);
      next.push(0);
      continue;
    }
    e.groundness = state;
    stack.pop();
    next.pop();
  }
  return a.groundness === GROUND_YES;
}

/**
 * Base of every grounded value (numbers, strings, booleans, spaces, states, operations).
 * `internKey` is non-null for plain values: two atoms with the same key are the same value, which
 * is what lets the space encode them as one token. Stateful objects return null and are identified
 * by object identity.
 */
export abstract class GroundedAtom {
  readonly kind = AtomKind.Grounded;
  /** Cached id in the space encoding's grounded table (set by the encoder). */
  tokenId = -1;
  /** The MeTTa type of the value (`Number`, `String`, ...), as an atom. */
  abstract typeAtom(): Atom;
  abstract print(): string;
  abstract internKey(): string | null;
  equals(other: GroundedAtom): boolean {
    if (this === other) return true;
    const key = this.internKey();
    return key !== null && key === other.internKey();
  }
}

export type Atom = SymbolAtom | VariableAtom | ExpressionAtom | GroundedAtom;

const symbolObjects: SymbolAtom[] = [];

/** The interned symbol atom for `name`. */
export function sym(name: string): SymbolAtom {
  const id = internSymbolName(name);
  let atom = symbolObjects[id];
  if (atom === undefined) {
    atom = new SymbolAtom(id, name);
    symbolObjects[id] = atom;
  }
  return atom;
}

/** The symbol atom of an already interned id. */
export function symById(id: number): SymbolAtom {
  const atom = symbolObjects[id];
  if (atom !== undefined) return atom;
  return sym(symbolName(id));
}

export function variable(name: string): VariableAtom {
  return new VariableAtom(name);
}

export function expr(children: readonly Atom[]): ExpressionAtom {
  return new ExpressionAtom(children);
}

export const UNIT: ExpressionAtom = new ExpressionAtom([]);

export function isSymbol(a: Atom): a is SymbolAtom {
  return a.kind === AtomKind.Symbol;
}
export function isVariable(a: Atom): a is VariableAtom {
  return a.kind === AtomKind.Variable;
}
export function isExpression(a: Atom): a is ExpressionAtom {
  return a.kind === AtomKind.Expression;
}
export function isGrounded(a: Atom): a is GroundedAtom {
  return a.kind === AtomKind.Grounded;
}
