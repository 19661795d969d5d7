// Posting lists over the frozen trie's leaves, for the kernel's list path (shaders/trie-match.wgsl,
// `runList`): a pattern whose walk would span a variable before its constants — `(edge $x c)`,
// `($r a $y)` — is answered from the leaves that carry its most selective constant instead of by
// a walk over every child of the variable (at 1,000,000 facts, 20,000 walk iterations become the
// ten or so leaves of the list).
//
// A list is keyed by (children of the top-level expression, argument position, the argument's
// token) and holds the leaves whose path has that atomic token there, by first insertion id. The kernel reads
// a leaf's path back through the parent array, so the lists and the parents go to the device in
// one buffer (`trieAux`: parents first, then every list's leaves).
//
// The list path must answer what the walk answers, and the host must be able to order its records:
// - a stored atom with a variable at the constant's position would unify with the constant and is
//   in no list, so such (children, position) pairs are never chosen; a stored bare variable (it
//   matches every pattern) turns the list path off for the whole trie;
// - records are expanded in record order and fresh variables made in that order (expand.ts), so a
//   list is chosen only when none of its leaves holds a variable (their records then carry no
//   stored bindings and the host's merge by insertion id is the only order there is).

import { PAYLOAD_MASK, TAG_SHIFT, Tag } from '../space/index.js';
import { ABSENT, type FlatTrie, findChild, PairTable, sharedU32 } from '../space/index.js';

/** Top-level expressions of at most this many children (head included) are listed. */
export const LIST_MAX_CHILDREN = 64;
/** What a pattern that takes the list path needs from the kernel: a slice of `aux`. */
export interface ListSlice {
  readonly start: number;
  readonly count: number;
}

export interface LeafPostings {
  /** parent[node] for node < nodeCount, then the leaves of every list. */
  readonly aux: Uint32Array;
  /** False when a stored bare variable matches every pattern: no list may be used. */
  readonly usable: boolean;
  /** The slice of (children, position, token): empty when no leaf has that token there, null when a listed leaf holds a variable (the list may not be used). */
  slice(children: number, position: number, token: number): ListSlice | null;
  /** Whether some stored atom of `children` children has a variable at `position` (the list would miss it). */
  varAt(children: number, position: number): boolean;
}

const cache = new WeakMap<FlatTrie, LeafPostings>();

/** The posting lists of `trie`, built on first use and kept while the trie lives. */
export function leafPostingsOf(trie: FlatTrie): LeafPostings {
  let p = cache.get(trie);
  if (p === undefined) cache.set(trie, (p = buildLeafPostings(trie)));
  return p;
}

const isVarToken = (t: number): boolean => t >>> TAG_SHIFT < Tag.Expr;
const arityOf = (t: number): number => (t >>> TAG_SHIFT === Tag.Expr ? t & PAYLOAD_MASK : 0);

export function buildLeafPostings(trie: FlatTrie): LeafPostings {
  const { tok, childStart, nodeCount } = trie;
  const parent = new Uint32Array(nodeCount);
  // Sub-terms still open below each node (0: a leaf, whose children are atom nodes); BFS numbering
  // puts every child after its parent, so one forward pass fills both.
  const open = new Uint32Array(nodeCount);
  const atomNode = new Uint8Array(nodeCount);
  open[0] = 1;
  let leafCount = 0;
  let leaves = new Uint32Array(1024);
  let usable = true;
  for (let n = 0; n < nodeCount; n++) {
    if (atomNode[n] === 1) continue;
    if (n > 0 && open[n] === 0) {
      if (leafCount === leaves.length) leaves = grown(leaves);
      leaves[leafCount++] = n;
      for (let c = childStart[n]!; c < childStart[n + 1]!; c++) atomNode[c] = 1;
      continue;
    }
    for (let c = childStart[n]!; c < childStart[n + 1]!; c++) {
      parent[c] = n;
      open[c] = open[n]! - 1 + arityOf(tok[c]!);
      if (n === 0 && isVarToken(tok[c]!)) usable = false;
    }
  }
  // Leaves in the order of their first (smallest) insertion id: a list then yields its atoms in
  // insertion order whenever its leaves hold one atom each, and the host's merge finds nothing to
  // do (expand.ts). The walk's order does not matter here: listed leaves hold no variables.
  let idLimit = 0;
  for (let k = 0; k < leafCount; k++) idLimit = Math.max(idLimit, tok[childStart[leaves[k]!]!]! + 1);
  const leafOfFirstId = new Int32Array(idLimit).fill(-1);
  for (let k = 0; k < leafCount; k++) leafOfFirstId[tok[childStart[leaves[k]!]!]!] = leaves[k]!;
  for (let id = 0, k = 0; id < idLimit; id++) if (leafOfFirstId[id]! >= 0) leaves[k++] = leafOfFirstId[id]!;
  // Pass 1, per leaf: its path (root excluded) read back through the parents, then the list of
  // each atomic top-level argument (a PairTable: tokens are not small integers, a Map of them is
  // slow). Memberships in that leaf order; pass 2 lays every list out contiguously, in that order.
  const lists = new PairTable(1024);
  let listSize = new Uint32Array(1024);
  let listHasVar = new Uint8Array(1024);
  let listCount = 0;
  let members = new Uint32Array(1024);
  let memberLeaf = new Uint32Array(1024);
  let memberCount = 0;
  const varPositions = new Set<number>();
  let path = new Uint32Array(256);
  for (let k = 0; k < leafCount; k++) {
    const leaf = leaves[k]!;
    let len = 0;
    for (let n = leaf; n !== 0; n = parent[n]!) len++;
    // Listed however deep: the kernel raises FLAG_DEPTH at a leaf deeper than it reads, and the
    // pattern goes to the CPU, as when the walk reaches it.
    if (len > path.length) path = new Uint32Array(2 * len);
    for (let i = len, n = leaf; i > 0; i--, n = parent[n]!) path[i - 1] = tok[n]!;
    const children = arityOf(path[0]!);
    if (children < 2 || children > LIST_MAX_CHILDREN) continue;
    let ground = true;
    for (let i = 0; i < len; i++) if (isVarToken(path[i]!)) ground = false;
    let o = 1;
    for (let position = 0; position < children; position++) {
      const t = path[o]!;
      if (isVarToken(t)) varPositions.add(children * LIST_MAX_CHILDREN + position);
      else if (arityOf(t) === 0 && position > 0) {
        const a = children * LIST_MAX_CHILDREN + position;
        let l = lists.get(a, t);
        if (l === ABSENT) {
          l = listCount++;
          lists.insert(a, t, l);
          if (l === listSize.length) {
            listSize = grown(listSize);
            listHasVar = grownBytes(listHasVar);
          }
        }
        listSize[l]!++;
        if (!ground) listHasVar[l] = 1;
        if (memberCount === members.length) {
          members = grown(members);
          memberLeaf = grown(memberLeaf);
        }
        members[memberCount] = l;
        memberLeaf[memberCount++] = leaf;
      }
      o = skip(path, o);
    }
  }
  const aux = sharedU32(Math.max(1, nodeCount + memberCount));
  aux.set(parent);
  const starts = new Uint32Array(listCount);
  const fill = new Uint32Array(listCount);
  for (let l = 0, at = nodeCount; l < listCount; l++) {
    starts[l] = fill[l] = at;
    at += listSize[l]!;
  }
  for (let m = 0; m < memberCount; m++) aux[fill[members[m]!]!++] = memberLeaf[m]!;
  return {
    aux,
    usable,
    slice(children, position, token) {
      const l = lists.get(children * LIST_MAX_CHILDREN + position, token);
      if (l === ABSENT) return { start: nodeCount, count: 0 };
      if (listHasVar[l] === 1) return null;
      return { start: starts[l]!, count: listSize[l]! };
    },
    varAt: (children, position) => varPositions.has(children * LIST_MAX_CHILDREN + position),
  };
}

function grown(a: Uint32Array): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

function grownBytes(a: Uint8Array): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(a.length * 2);
  b.set(a);
  return b;
}

/** Offset just past the sub-term of `path` that starts at `o`. */
function skip(path: Uint32Array, o: number): number {
  let pending = 1;
  while (pending > 0) pending += arityOf(path[o++]!) - 1;
  return o;
}

/**
 * Positions (≥ 1) of the atomic constants among the top-level arguments of a pattern whose walk
 * would span a variable or a compound term before reaching them; empty when the walk descends
 * straight to its answers (an atomic head and first argument) or there is no such constant.
 */
export function listPositions(tokens: Uint32Array, ends: Uint32Array): number[] {
  const children = arityOf(tokens[0]!);
  if (children < 2 || children > LIST_MAX_CHILDREN) return [];
  const atomicConstant = (t: number): boolean => !isVarToken(t) && arityOf(t) === 0;
  const head = tokens[1]!;
  const second = ends[1]!;
  if (atomicConstant(head) && atomicConstant(tokens[second]!)) return [];
  const out: number[] = [];
  for (let position = 1, o = second; position < children; position++, o = ends[o]!) if (atomicConstant(tokens[o]!)) out.push(position);
  return out;
}

/**
 * Sub-terms the walk spans at its first pattern variable: the children of the node its constant
 * prefix leads to (0 when the prefix is not in the trie: the walk ends at once). A lower bound of
 * the walk's work, against which a list's length is weighed.
 */
export function walkSpan(trie: FlatTrie, tokens: Uint32Array): number {
  let node = 0;
  for (let i = 0; i < tokens.length && !isVarToken(tokens[i]!); i++) {
    node = findChild(trie, node, tokens[i]!);
    if (node < 0) return 0;
  }
  return trie.childStart[node + 1]! - trie.childStart[node]!;
}

/**
 * The smallest usable list among the pattern's `positions` (listPositions), or null: walk. A list
 * is used only when it has fewer leaves than the walk has sub-terms to span at its first variable
 * (`($r a $y)` over a relation or two walks a handful of heads; `(edge $x c)` spans every source).
 */
export function listSliceFor(trie: FlatTrie, tokens: Uint32Array, ends: Uint32Array, positions: readonly number[], postings: LeafPostings, always = false): ListSlice | null {
  if (!postings.usable) return null;
  const span = always ? Infinity : walkSpan(trie, tokens);
  const children = arityOf(tokens[0]!);
  let best: ListSlice | null = null;
  let position = 1;
  for (let o = ends[1]!; position < children; position++, o = ends[o]!) {
    if (!positions.includes(position) || postings.varAt(children, position)) continue;
    const s = postings.slice(children, position, tokens[o]!);
    if (s !== null && s.count < span && (best === null || s.count < best.count)) best = s;
  }
  return best;
}

/** The list path of a batch: the patterns (batch indices) that take it, and the buffer they read. */
export interface BatchLists {
  readonly aux: Uint32Array;
  readonly slices: ReadonlyMap<number, ListSlice>;
}

/**
 * Which of the `eligible` patterns take the list path over `trie`, or null when none does (the
 * lists are built only when some pattern may take one, and are not used when their buffer would
 * not fit one binding of `bindingBytes`). `always`: every pattern that has a usable list takes it,
 * however short its walk would be (GpuMatcherOptions.listPath 'always').
 */
export function chooseLists(trie: FlatTrie, patterns: readonly { readonly tokens: Uint32Array; readonly ends: Uint32Array }[], eligible: readonly number[], bindingBytes: number, always = false): BatchLists | null {
  const candidates: [number, number[]][] = [];
  for (const p of eligible) {
    const positions = listPositions(patterns[p]!.tokens, patterns[p]!.ends);
    if (positions.length > 0) candidates.push([p, positions]);
  }
  if (candidates.length === 0) return null;
  const postings = leafPostingsOf(trie);
  if (!postings.usable || postings.aux.length * 4 > bindingBytes) return null;
  const slices = new Map<number, ListSlice>();
  for (const [p, positions] of candidates) {
    const s = listSliceFor(trie, patterns[p]!.tokens, patterns[p]!.ends, positions, postings, always);
    if (s !== null) slices.set(p, s);
  }
  return slices.size === 0 ? null : { aux: postings.aux, slices };
}
