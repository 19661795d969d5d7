// Conjunctions `(, p1 ... pn)` over the live index at the token level, for the usual case where
// every atom the join meets is ground. The nested loop of conjunction.ts resolves each conjunct
// with a partial binding (atoms), compiles it and builds a Bindings per hit and another per merge;
// here a partial binding is a row of stored offsets (each variable's value is a sub-term of a
// stored atom), a conjunct is instantiated by copying those sub-terms' tokens into its token
// string, and Bindings are made only for the complete rows.
//
// Same results, same order: the instantiated token string is the encoding of the resolved
// conjunct (its free variables renumbered by first occurrence, as encoding does), candidates come
// in insertion order, and the loop is the written nested-loop order of SPEC §4 (the first conjunct
// varies slowest). A complete row's Bindings list the variables in order of first occurrence
// across p1 ... pn, which is the order the merges of conjunction.ts add them in; values are
// decoded from the stored tokens as the single-pattern matcher decodes them. When a candidate has
// variables, fresh variables and two-sided unification come into play: the caller falls back to
// conjunction.ts (nothing has been made that it would have to undo).

import type { Atom } from '../core/index.js';
import { Bindings, symById } from '../core/index.js';
import type { IndexedView } from '../space/index.js';
import { groundedTable, PAYLOAD_MASK, skipTerm, Tag, TAG_SHIFT, token } from '../space/index.js';
import { liveCandidates } from './candidates.js';
import { isGroundAt, matchGround } from './ground-match.js';
import { encodePattern } from './pattern-encode.js';
import { resolveReference } from './token-unify.js';

interface Conjunct {
  readonly tokens: Uint32Array;
  /** Index of each variable level of the conjunct in the conjunction's variables. */
  readonly global: Int32Array;
}

const NO_VARIABLES = (): never => {
  throw new RangeError('variable in a ground sub-term');
};
const EMPTY = new Int32Array(0);

/** The value of a variable bound to the stored sub-term at `offset` (ground). */
function valueAt(stored: Uint32Array, offset: number): Atom {
  const t = stored[offset]!;
  const tag = t >>> TAG_SHIFT;
  if (tag === Tag.Sym) return symById(t & PAYLOAD_MASK);
  if (tag === Tag.Gnd) return groundedTable.atom(t & PAYLOAD_MASK);
  return resolveReference(stored, stored, EMPTY, 0, EMPTY, 0, offset, [], NO_VARIABLES);
}


function grown(a: Uint32Array, atLeast: number): Uint32Array {
  const b = new Uint32Array(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Every solution of a conjunction over ground atoms: per solution, the stored offset of each
 * variable's value (`rows[r * names.length + g]`), variables in order of first occurrence.
 */
export interface GroundSolutions {
  readonly names: readonly string[];
  readonly rows: readonly number[];
  readonly count: number;
  /** The store's token array the offsets point into. */
  readonly stored: Uint32Array;
}

/** The value of variable `g` in solution `r`. */
export function solutionValue(s: GroundSolutions, r: number, g: number): Atom {
  return valueAt(s.stored, s.rows[r * s.names.length + g]!);
}

/**
 * The Bindings of every solution of the conjunction `patterns`, in SPEC §4 order, or null when
 * a candidate atom has variables (the caller then joins with conjunction.ts).
 */
export function groundConjunction(view: IndexedView, patterns: readonly Atom[]): Bindings[] | null {
  const s = groundSolutions(view, patterns);
  if (s === null) return null;
  const G = s.names.length;
  const out: Bindings[] = new Array(s.count);
  for (let r = 0; r < out.length; r++) {
    const map = new Map<string, Atom>();
    for (let g = 0; g < G; g++) map.set(s.names[g]!, solutionValue(s, r, g));
    out[r] = new Bindings(G === 0 ? undefined : map);
  }
  return out;
}

/** The solutions of the conjunction `patterns`, in SPEC §4 order, or null when a candidate atom has variables. */
export function groundSolutions(view: IndexedView, patterns: readonly Atom[]): GroundSolutions | null {
  const store = view.store;
  const stored = store.tokenArray();
  const names: string[] = [];
  const byName = new Map<string, number>();
  const conjuncts: Conjunct[] = patterns.map((p) => {
    const e = encodePattern(p);
    const global = new Int32Array(e.varNames.length);
    e.varNames.forEach((name, level) => {
      let g = byName.get(name);
      if (g === undefined) {
        g = names.length;
        byName.set(name, g);
        names.push(name);
      }
      global[level] = g;
    });
    return { tokens: e.tokens, global };
  });
  const G = names.length;
  // row[g]: stored offset of variable g's value, -1 while unbound.
  const row = new Int32Array(G).fill(-1);
  const rows: number[] = [];
  let solutions = 0;
  let binds = new Int32Array(16);
  // Per depth: the instantiated token string (a Uint32Array, as the plain matcher's patterns are,
  // so that the shared match code stays monomorphic) and its free variables' global indices.
  const instances: Uint32Array[] = conjuncts.map((c) => new Uint32Array(c.tokens.length * 2));
  const frees: number[][] = conjuncts.map(() => []);
  // Per depth, the array its candidates are written into (reused by every partial binding).
  const candidateArrays: number[][] = conjuncts.map(() => []);
  const localOf = new Int32Array(G);

  const join = (k: number): boolean => {
    if (k === conjuncts.length) {
      solutions++;
      for (let g = 0; g < G; g++) rows.push(row[g]!);
      return true;
    }
    const { tokens, global } = conjuncts[k]!;
    let buf = instances[k]!;
    let n = 0;
    const free = frees[k]!;
    free.length = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t >>> TAG_SHIFT > Tag.VarRef) {
        if (n === buf.length) buf = instances[k] = grown(buf, n + 1);
        buf[n++] = t;
        continue;
      }
      const g = global[t & PAYLOAD_MASK]!;
      const value = row[g]!;
      if (value >= 0) {
        const end = skipTerm(stored, value);
        if (n + end - value > buf.length) buf = instances[k] = grown(buf, n + end - value);
        for (let s = value; s < end; s++) buf[n++] = stored[s]!;
      } else {
        if (n === buf.length) buf = instances[k] = grown(buf, n + 1);
        if (t >>> TAG_SHIFT === Tag.NewVar) {
          localOf[g] = free.length;
          buf[n++] = token(Tag.NewVar, free.length);
          free.push(g);
        } else {
          buf[n++] = token(Tag.VarRef, localOf[g]!);
        }
      }
    }
    // The instance is buf[0, n): one term, so the candidate lookup reads no further.
    if (binds.length < free.length) binds = new Int32Array(free.length * 2);
    const candidates = liveCandidates(view, buf, candidateArrays[k]);
    for (let c = 0; c < candidates.length; c++) {
      const id = candidates[c]!;
      const start = store.tokenStart(id);
      if (!isGroundAt(stored, start, store.tokenStart(id + 1))) return false;
      if (!matchGround(buf, stored, start, binds, 0, n)) continue;
      for (let l = 0; l < free.length; l++) row[free[l]!] = binds[l]! >>> 1;
      if (!join(k + 1)) return false;
    }
    for (const g of free) row[g] = -1;
    return true;
  };
  if (!join(0)) return null;
  return { names, rows, count: solutions, stored };
}
