// The u32 token encoding shared by the space, the CPU matcher, the workers and the GPU kernels.
//
// An atom is written in prefix order, one u32 per node: the top 3 bits are a tag, the low 29 bits
// a payload.
//
//   tag 0  NEWVAR  first occurrence of a variable; payload = its De Bruijn level (0, 1, 2, ...)
//   tag 1  VARREF  a later occurrence; payload = the level of the variable it repeats
//   tag 2  EXPR    an expression; payload = arity, followed by the children's encodings
//   tag 3  SYM     a symbol; payload = interned symbol id
//   tag 4  GND     a grounded value; payload = id in the grounded table
//
// Variable names are not part of the encoding, so alpha-equivalent atoms have identical token
// strings. The variable tags are the smallest, so in a sorted child list the variable children
// come first and a matcher finds them without a search.

import {
  type Atom,
  AtomKind,
  ExpressionAtom,
  type GroundedAtom,
  IntAtom,
  type SymbolAtom,
  symById,
  VariableAtom,
} from '../core/index.js';
import { PrefixBuilder } from '../core/index.js';
import { type SharedInternHandles, SharedInternTable } from '../core/index.js';
import { inheritedTables } from '../core/index.js';
import { valueFromInternKey } from '../core/index.js';

export const TAG_SHIFT = 29;
export const PAYLOAD_MASK = (1 << TAG_SHIFT) - 1;
export const MAX_PAYLOAD = PAYLOAD_MASK;

export const Tag = { NewVar: 0, VarRef: 1, Expr: 2, Sym: 3, Gnd: 4 } as const;
export type Tag = (typeof Tag)[keyof typeof Tag];

export function token(tag: Tag, payload: number): number {
  return ((tag << TAG_SHIFT) | payload) >>> 0;
}
/** The token of a symbol (its interned id); an EncodingLimitError past the payload's range. */
export function symbolToken(a: SymbolAtom): number {
  if (a.id > MAX_PAYLOAD) throw new EncodingLimitError('too many distinct symbols for the token encoding');
  return token(Tag.Sym, a.id);
}

/** The token of a grounded value (its id in the shared grounded table). */
export function groundedToken(a: GroundedAtom): number {
  return token(Tag.Gnd, groundedTable.idOf(a));
}

export function tagOf(t: number): number {
  return t >>> TAG_SHIFT;
}
export function payloadOf(t: number): number {
  return t & PAYLOAD_MASK;
}
/** NEWVAR and VARREF are both below this value. */
export const FIRST_NON_VAR_TOKEN = token(Tag.Expr, 0);
export function isVarToken(t: number): boolean {
  return t < FIRST_NON_VAR_TOKEN;
}

export class EncodingLimitError extends Error {}

/** Integers whose zigzag index is below this have their ids in a dense array (4 MiB at most). */
const SMALL_INTEGERS = 1 << 20;

/**
 * Table of grounded values that appear in encoded atoms. Plain values (numbers, strings, booleans)
 * are interned by value; stateful objects (spaces, states) by identity. Ids come from an intern
 * table in shared memory (shared with worker threads, like symbol ids), so a value has the same id
 * in every thread; an object's id is known only in the thread that holds the object (and in the
 * workers' copies of it, which `adopt` the id).
 */
class GroundedTable {
  private readonly shared = inheritedTables !== null ? SharedInternTable.attach(inheritedTables.grounded) : SharedInternTable.create();
  private readonly byKey = new Map<string, number>();
  private readonly byObject = new Map<GroundedAtom, number>();
  /**
   * Ids of integers by value, so that the atom arithmetic makes for every result finds its id
   * without building its key string: integers of magnitude below SMALL_INTEGERS / 2 in a dense
   * array (entry id + 1, 0 for none; zigzag order, so small negatives stay small), others in a map.
   * The shared table stays the table of record; integers skip `byKey`.
   */
  private smallIntegers = new Int32Array(1024);
  private readonly byInteger = new Map<number, number>();
  private readonly atoms: GroundedAtom[] = [];

  idOf(atom: GroundedAtom): number {
    if (atom.tokenId >= 0) return atom.tokenId;
    if (atom instanceof IntAtom && typeof atom.value === 'number') return this.integerId(atom, atom.value);
    const key = atom.internKey();
    let id = key === null ? this.byObject.get(atom) : this.byKey.get(key);
    if (id === undefined) {
      id = key === null ? this.shared.allocate() : this.shared.intern(key);
      if (id > MAX_PAYLOAD) throw new EncodingLimitError('too many distinct grounded values for the token encoding');
      this.atoms[id] = atom;
      if (key === null) this.byObject.set(atom, id);
      else this.byKey.set(key, id);
    }
    atom.tokenId = id;
    return id;
  }

  private integerId(atom: IntAtom, value: number): number {
    const slot = value >= 0 ? 2 * value : -2 * value - 1;
    const small = slot < SMALL_INTEGERS;
    let id = small ? (slot < this.smallIntegers.length ? this.smallIntegers[slot]! - 1 : -1) : (this.byInteger.get(value) ?? -1);
    if (id < 0) {
      id = this.shared.intern(atom.internKey());
      if (id > MAX_PAYLOAD) throw new EncodingLimitError('too many distinct grounded values for the token encoding');
      this.atoms[id] ??= atom;
      if (!small) {
        this.byInteger.set(value, id);
      } else {
        if (slot >= this.smallIntegers.length) {
          let length = this.smallIntegers.length;
          while (length <= slot) length *= 2;
          const grown = new Int32Array(length);
          grown.set(this.smallIntegers);
          this.smallIntegers = grown;
        }
        this.smallIntegers[slot] = id + 1;
      }
    }
    atom.tokenId = id;
    return id;
  }

  atom(id: number): GroundedAtom {
    let atom = this.atoms[id];
    if (atom === undefined) {
      // A plain value another thread interned: rebuilt from its key.
      const key = this.shared.keyOf(id);
      if (key === null) throw new UnknownGroundedObject(id);
      const value = valueFromInternKey(key);
      if (value === null) throw new RangeError(`unknown grounded id ${id}`);
      atom = value;
      atom.tokenId = id;
      this.atoms[id] = atom;
      this.byKey.set(key!, id);
    }
    return atom;
  }

  /** Gives `atom` (a worker's copy of an object) the id its original has in the parent thread. */
  adopt(id: number, atom: GroundedAtom): void {
    atom.tokenId = id;
    this.atoms[id] = atom;
    this.byObject.set(atom, id);
  }

  handles(): SharedInternHandles {
    return this.shared.handles;
  }
}

export const groundedTable = new GroundedTable();

/**
 * A token of a value filed by identity (a state, a space) that this thread has no object for: a
 * worker reading the parent's `&self` in shared memory meets one stored there that the worker's
 * copy of the environment did not bring (only what the environment reaches besides `&self` is
 * copied). The caller hands the work back to the thread that has it.
 */
export class UnknownGroundedObject extends Error {
  constructor(readonly id: number) {
    super(`grounded id ${id} names an object of another thread`);
  }
}

/** Token string of an atom plus the names of its variables by level (empty for ground atoms). */
export interface EncodedAtom {
  readonly tokens: Uint32Array;
  readonly varNames: readonly string[];
}

/**
 * Appends the encoding of `atom` to `out` and returns the variable names by level. When `atoms` is
 * given, atoms[i] receives the sub-atom whose encoding starts at out[i].
 */
export function encodeInto(atom: Atom, out: number[], atoms?: Atom[]): string[] {
  const levels = new Map<string, number>();
  const names: string[] = [];
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (atoms !== undefined) atoms[out.length] = a;
    switch (a.kind) {
      case AtomKind.Variable: {
        const level = levels.get(a.name);
        if (level === undefined) {
          levels.set(a.name, names.length);
          out.push(token(Tag.NewVar, names.length));
          names.push(a.name);
        } else {
          out.push(token(Tag.VarRef, level));
        }
        break;
      }
      case AtomKind.Symbol:
        out.push(symbolToken(a));
        break;
      case AtomKind.Grounded:
        out.push(groundedToken(a));
        break;
      case AtomKind.Expression: {
        const n = a.children.length;
        if (n > MAX_PAYLOAD) throw new EncodingLimitError(`expression arity ${n} exceeds the encoding limit ${MAX_PAYLOAD}`);
        out.push(token(Tag.Expr, n));
        for (let i = n - 1; i >= 0; i--) stack.push(a.children[i]!);
        break;
      }
    }
  }
  return names;
}

/**
 * The token count of `atom` when it is a flat ground expression — every child a symbol or a
 * grounded value, the shape of most facts — or -1. Such an atom is written by `encodeFlatInto`
 * straight into a token array, without the scratch list, name table and stack of `encodeInto`.
 */
export function flatGroundLength(atom: Atom): number {
  if (atom.kind !== AtomKind.Expression) return -1;
  const children = atom.children;
  for (let i = 0; i < children.length; i++) {
    const k = children[i]!.kind;
    if (k !== AtomKind.Symbol && k !== AtomKind.Grounded) return -1;
  }
  return children.length + 1;
}

/** Writes the flat ground expression `atom` (see flatGroundLength) at `out[at ..]`; the same tokens as encodeInto. */
export function encodeFlatInto(atom: ExpressionAtom, out: Uint32Array, at: number): void {
  const children = atom.children;
  const n = children.length;
  if (n > MAX_PAYLOAD) throw new EncodingLimitError(`expression arity ${n} exceeds the encoding limit ${MAX_PAYLOAD}`);
  out[at] = token(Tag.Expr, n);
  for (let i = 0; i < n; i++) {
    const c = children[i]!;
    out[at + 1 + i] = c.kind === AtomKind.Symbol ? symbolToken(c) : groundedToken(c as GroundedAtom);
  }
}

/** encodeFlatInto of the expression whose children are the symbols of ids `symbolIds[0, n)` (without making it). */
export function encodeSymbolsInto(symbolIds: Uint32Array, n: number, out: Uint32Array, at: number): void {
  if (n > MAX_PAYLOAD) throw new EncodingLimitError(`expression arity ${n} exceeds the encoding limit ${MAX_PAYLOAD}`);
  out[at] = token(Tag.Expr, n);
  for (let i = 0; i < n; i++) {
    const id = symbolIds[i]!;
    if (id > MAX_PAYLOAD) throw new EncodingLimitError('too many distinct symbols for the token encoding');
    out[at + 1 + i] = token(Tag.Sym, id);
  }
}

/** The encoder's stack of sub-atoms still to write (encoding never re-enters). */
const appendStack: Atom[] = [];

/**
 * Writes the encoding of `atom` into `buf` from `at` and returns the offset just past it; the names
 * of its variables by level are pushed to `names`. `grow(n)` must return a buffer of at least `n`
 * entries holding the first entries of the current one (the atom store's growing token array): the
 * store's add writes straight into its array, without an intermediate array or a map for ground atoms.
 */
export function encodeAppend(atom: Atom, buf: Uint32Array, at: number, grow: (n: number) => Uint32Array, names: string[]): number {
  let levels: Map<string, number> | null = null;
  const stack = appendStack;
  const base = stack.length;
  stack.push(atom);
  let o = at;
  try {
    while (stack.length > base) {
      const a = stack.pop()!;
      if (o === buf.length) buf = grow(o + 1);
      switch (a.kind) {
        case AtomKind.Variable: {
          levels ??= new Map();
          const level = levels.get(a.name);
          if (level === undefined) {
            levels.set(a.name, names.length);
            buf[o++] = token(Tag.NewVar, names.length);
            names.push(a.name);
          } else {
            buf[o++] = token(Tag.VarRef, level);
          }
          break;
        }
        case AtomKind.Symbol:
          buf[o++] = symbolToken(a);
          break;
        case AtomKind.Grounded:
          buf[o++] = groundedToken(a);
          break;
        case AtomKind.Expression: {
          const children = a.children;
          const n = children.length;
          if (n > MAX_PAYLOAD) throw new EncodingLimitError(`expression arity ${n} exceeds the encoding limit ${MAX_PAYLOAD}`);
          buf[o++] = token(Tag.Expr, n);
          for (let i = n - 1; i >= 0; i--) stack.push(children[i]!);
          break;
        }
      }
    }
  } finally {
    if (stack.length !== base) stack.length = base; // after a throw
  }
  return o;
}

export function encodeAtom(atom: Atom, atoms?: Atom[]): EncodedAtom {
  const out: number[] = [];
  const varNames = encodeInto(atom, out, atoms);
  return { tokens: Uint32Array.from(out), varNames };
}

/** Offset just past the sub-term that starts at `start`. */
export function subtermEnd(tokens: ArrayLike<number>, start: number): number {
  let pending = 1;
  let i = start;
  while (pending > 0) {
    const t = tokens[i++]!;
    pending--;
    if (t >>> TAG_SHIFT === Tag.Expr) pending += t & PAYLOAD_MASK;
  }
  return i;
}

/**
 * Rebuilds the atom whose encoding starts at `start`. `variableFor(level)` supplies the variable
 * of each level (the caller decides between original names and fresh ones).
 */
export function decodeAtom(
  tokens: ArrayLike<number>,
  start: number,
  variableFor: (level: number) => VariableAtom,
): Atom {
  const builder = new PrefixBuilder();
  let i = start;
  for (;;) {
    const t = tokens[i++]!;
    const tag = t >>> TAG_SHIFT;
    const payload = t & PAYLOAD_MASK;
    let done: Atom;
    if (tag === Tag.Expr) {
      if (payload > 0) {
        builder.open(payload);
        continue;
      }
      done = new ExpressionAtom([]);
    } else if (tag === Tag.Sym) done = symById(payload);
    else if (tag === Tag.Gnd) done = groundedTable.atom(payload);
    else if (tag === Tag.NewVar || tag === Tag.VarRef) done = variableFor(payload);
    else throw new RangeError(`corrupt token ${t} at offset ${i - 1}`);
    const whole = builder.add(done);
    if (whole !== null) return whole;
  }
}

/** Variables named by level, e.g. from the names recorded when the atom was encoded. */
export function namedVariables(names: readonly string[]): (level: number) => VariableAtom {
  const cache: VariableAtom[] = [];
  return (level) => (cache[level] ??= new VariableAtom(names[level] ?? `_${level}`));
}

/** Offset just past the sub-term at `o`. */
export function skipTerm(tokens: ArrayLike<number>, o: number): number {
  let pending = 1;
  while (pending > 0) {
    const t = tokens[o++]!;
    pending--;
    if (t >>> TAG_SHIFT === Tag.Expr) pending += t & PAYLOAD_MASK;
  }
  return o;
}
