// Candidates for a pattern from the incremental index: disjoint posting lists whose union holds
// every stored atom that may unify with the pattern (a superset; the matcher verifies each one),
// merged into ascending id order (insertion order, SPEC §4).
//
// `candidateIds` is the entry point for matchers; `candidateLists` + `mergeLive` are its two
// halves, for callers that keep the lists (rule lookup caches them with their change stamps).

import { type AtomIndex, firstChildSignature, indexedPositions, NONE, SIG_OPEN } from './atom-index.js';
import { isVarToken, PAYLOAD_MASK, skipTerm, TAG_SHIFT, Tag } from './encoding.js';

/**
 * The present ids that may unify with pattern `P` (a whole token string), ascending, into `out`
 * (cleared first, and returned); null when every atom is a candidate (a bare variable pattern).
 */
export function candidateIds(index: AtomIndex, P: ArrayLike<number>, alive: Uint8Array, out: number[] = []): number[] | null {
  const lists = candidateLists(index, P, listScratch);
  return lists === null ? null : mergeLive(index, lists, alive, out);
}

const listScratch: number[] = [];

/**
 * The lists to merge for pattern `P` (a whole token string), into `out` (cleared first, and
 * returned), or null when every atom is a candidate (a bare variable pattern). Lists may be empty;
 * they are pairwise disjoint.
 */
export function candidateLists(index: AtomIndex, P: ArrayLike<number>, out: number[] = []): number[] | null {
  const t0 = P[0]!;
  if (isVarToken(t0)) return null;
  if (out.length !== 0) out.length = 0; // (setting the length is a runtime call even when it is 0)
  out.push(index.bareVars);
  if (t0 >>> TAG_SHIFT !== Tag.Expr) {
    push(out, index.atomicList(t0, false));
    return out;
  }
  const arity = t0 & PAYLOAD_MASK;
  if (arity === 0) {
    out.push(index.empty);
    return out;
  }
  push(out, index.varHeadList(arity, false));
  const head = P[1]!;
  if (isVarToken(head)) {
    push(out, index.compoundHeadList(arity, false));
    // Every atomic head of this arity: each group's own most selective lists.
    const groups = index.groupsOfArity(arity);
    for (let k = 0; k < groups.length; k++) selective(out, index, groups[k]!, P);
  } else if (head >>> TAG_SHIFT === Tag.Expr) {
    push(out, index.compoundHeadList(arity, false));
  } else {
    const g = index.group(head, arity, false);
    if (g !== NONE) selective(out, index, g, P);
  }
  return out;
}

function push(out: number[], l: number): void {
  if (l !== NONE) out.push(l);
}

const choice: number[] = [];

/**
 * Appends the lists of the most selective bound argument position of group `g` for pattern `P`
 * (the shortest union of its signature lists and its variable list), or the group's `all` list
 * when no position is bound or none is shorter.
 */
function selective(out: number[], index: AtomIndex, g: number, P: ArrayLike<number>): void {
  const lists = index.lists;
  const all = index.allList(g);
  let best = 0;
  let bestCost = lists.liveLength(all) + 1;
  const last = indexedPositions(index.groupArityOf(g));
  let o = 2;
  for (let i = 1; i <= last && bestCost > 0; i++) {
    if (choice.length !== 0) choice.length = 0;
    if (argumentLists(index, g, i, P, o, choice)) {
      let cost = 0;
      for (let k = 0; k < choice.length; k++) cost += lists.liveLength(choice[k]!);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    if (i < last) o = skipTerm(P, o);
  }
  if (best === 0) {
    out.push(all);
    return;
  }
  if (bestCost === 0) return; // nothing of this group can match
  o = 2;
  for (let i = 1; i < best; i++) o = skipTerm(P, o);
  argumentLists(index, g, best, P, o, out);
}

/** Appends the existing lists for the pattern argument at `o` of position `i`; false when it is unbound (matches any). */
function argumentLists(index: AtomIndex, g: number, i: number, P: ArrayLike<number>, o: number, out: number[]): boolean {
  const t = P[o]!;
  if (isVarToken(t)) return false;
  if (t >>> TAG_SHIFT === Tag.Expr) {
    const m = t & PAYLOAD_MASK;
    const first = firstChildSignature(P, o, m);
    if (first === SIG_OPEN) return false; // `($f ...)`: any first child; not worth a union here
    push(out, index.exprArgList(g, i, m, first, false));
    if (m > 0) push(out, index.exprArgList(g, i, m, SIG_OPEN, false));
  } else {
    push(out, index.atomicArgList(g, i, t, false));
  }
  push(out, index.varsList(g, i, false));
  return true;
}

// The merge's cursors (the merge calls nothing that merges again).
const arrays: Uint32Array[] = [];
const at: number[] = [];
const ends: number[] = [];

/** Lists beyond this many are merged by sorting their ids (a linear pick of the minimum is k steps per id). */
const LINEAR_MERGE_MAX = 8;

/**
 * The present ids of the disjoint ascending `lists` of `index`, merged in ascending order, into
 * `out` (cleared first, and returned).
 */
export function mergeLive(index: AtomIndex, lists: readonly number[], alive: Uint8Array, out: number[] = []): number[] {
  if (out.length !== 0) out.length = 0;
  const arena = index.lists;
  let k = 0;
  let total = 0;
  for (let i = 0; i < lists.length; i++) {
    const l = lists[i]!;
    const n = arena.length(l);
    if (n === 0) continue;
    arrays[k] = arena.ids(l);
    at[k] = arena.start(l);
    ends[k] = at[k]! + n;
    total += n;
    k++;
  }
  if (k === 1) {
    const ids = arrays[0]!;
    for (let i = at[0]!, e = ends[0]!; i < e; i++) {
      const id = ids[i]!;
      if (alive[id] === 1) out.push(id);
    }
  } else if (k <= LINEAR_MERGE_MAX) {
    for (;;) {
      let min = -1;
      let minId = 0;
      for (let j = 0; j < k; j++) {
        if (at[j]! < ends[j]!) {
          const id = arrays[j]![at[j]!]!;
          if (min < 0 || id < minId) {
            min = j;
            minId = id;
          }
        }
      }
      if (min < 0) break;
      at[min]!++;
      if (alive[minId] === 1) out.push(minId);
    }
  } else {
    // Many lists (a variable-head pattern over many heads): the lists are disjoint, so sorting
    // their concatenation gives the same order.
    const all = new Uint32Array(total);
    let n = 0;
    for (let j = 0; j < k; j++) {
      const ids = arrays[j]!;
      for (let i = at[j]!, e = ends[j]!; i < e; i++) all[n++] = ids[i]!;
    }
    all.sort();
    for (let i = 0; i < n; i++) if (alive[all[i]!] === 1) out.push(all[i]!);
  }
  arrays.fill(EMPTY, 0, k); // keep no chunk alive past its repacking
  return out;
}

const EMPTY = new Uint32Array(0);
