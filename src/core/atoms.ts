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
  constructor(readonly children: readonly Atom[]) {}
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
