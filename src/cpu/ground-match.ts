// One-sided matching of a pattern against a ground stored atom (no stored variables: the usual
// fact), in one pass over both token strings. Against a ground atom, two-sided unification reduces
// to this: a concrete pattern token must equal the stored token at the same place (prefix order
// keeps the two strings in step), a variable's first occurrence binds the stored sub-term in front
// of it, a repeated variable must find an identical sub-term (ground, so identical tokens), and no
// occurs check can fail. The bindings are the ones the TokenUnifier would make (refs into the
// stored atom), so results resolve to the same atoms.

import { FIRST_NON_VAR_TOKEN, PAYLOAD_MASK, skipTerm, Tag, TAG_SHIFT } from '../space/index.js';

/** Whether the token string stored[start..end) has no variable token. */
export function isGroundAt(stored: ArrayLike<number>, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (stored[i]! < FIRST_NON_VAR_TOKEN) return false;
  return true;
}

/** How many variables the token string stored[start..end) has (its first occurrences). */
export function countNewVars(stored: ArrayLike<number>, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if (stored[i]! >>> TAG_SHIFT === Tag.NewVar) n++;
  return n;
}


/**
 * Whether pattern `P` (its first `n` tokens) matches the ground atom at stored[start..]. On success
 * binds[at + level] is the ref (offset * 2 + 1, side 1 as in the TokenUnifier) of the stored
 * sub-term bound to each pattern variable level; on failure binds[at..] is partly written.
 */
export function matchGround(P: ArrayLike<number>, stored: ArrayLike<number>, start: number, binds: Int32Array, at: number, n = P.length): boolean {
  let s = start;
  for (let p = 0; p < n; p++) {
    const t = P[p]!;
    if (t >= FIRST_NON_VAR_TOKEN) {
      if (stored[s++] !== t) return false;
      continue;
    }
    const end = skipTerm(stored, s);
    const level = t & PAYLOAD_MASK;
    if (t >>> TAG_SHIFT === Tag.NewVar) {
      binds[at + level] = s * 2 + 1;
    } else {
      const b = binds[at + level]! >>> 1;
      const len = end - s;
      // The first occurrence's sub-term ends where its own length says; equal lengths first.
      if (skipTerm(stored, b) - b !== len) return false;
      for (let k = 0; k < len; k++) if (stored[b + k] !== stored[s + k]) return false;
    }
    s = end;
  }
  return true;
}
