// The frozen trie: a space's atoms as two u32 arrays in SharedArrayBuffers, readable without
// copies by the main thread, worker threads and (uploaded as is) the GPU.
//
// Nodes are numbered breadth-first. The children of node i are the nodes
// childStart[i] .. childStart[i+1]-1, sorted by token; tok[j] is the token on the edge into node j.
// Node 0 is the root. A path from the root that spells one complete atom ends at a leaf; the
// children of a leaf are "atom nodes" whose tok is an insertion id, ascending. Atom token strings
// are prefix-free (arities are explicit), so leaves and inner nodes never coincide, and a walker
// knows it has reached a leaf by counting the sub-terms still open.

import { PAYLOAD_MASK, TAG_SHIFT, Tag } from './encoding.js';

export interface FlatTrie {
  /** Edge token of each node; for atom nodes, the atom's insertion id. */
  readonly tok: Uint32Array;
  /** Length nodeCount + 1: children of i are [childStart[i], childStart[i+1]). */
  readonly childStart: Uint32Array;
  readonly nodeCount: number;
  readonly atomCount: number;
  /** Bytes held by the arrays above. */
  readonly byteLength: number;
}

/** Allocates a u32 array in shared memory (falls back to a plain buffer where SAB is missing). */
export function sharedU32(length: number): Uint32Array {
  const bytes = length * 4;
  const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return new Uint32Array(buffer);
}

/** Growable u32 array used while building. */
class U32Builder {
  data: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

const ATOM_NODE = 0xffffffff;

/**
 * Builds the frozen trie of the atoms `ids` (ascending) whose token strings are
 * tokens[offsets[id] .. offsets[id+1]).
 *
 * It is an MSD radix sort done breadth-first: each node owns the slice of `ids` that shares its
 * prefix; expanding a node sorts its slice by the next token (stably, so ids stay ascending within
 * each child) and appends one child per distinct token. Appending children in the order nodes are
 * expanded is exactly breadth-first numbering.
 */
export function buildFlatTrie(tokens: Uint32Array, offsets: Uint32Array, ids: Uint32Array): FlatTrie {
  const perm = ids.slice();
  const estimate = ids.length * 2 + 16;
  const tok = new U32Builder(estimate);
  const childStart = new U32Builder(estimate);
  // Per-node build state: its slice of `perm`, depth, and the number of sub-terms still open.
  const sliceStart = new U32Builder(estimate);
  const sliceEnd = new U32Builder(estimate);
  const depth = new U32Builder(estimate);
  const open = new U32Builder(estimate);

  const addNode = (t: number, s: number, e: number, d: number, o: number): void => {
    tok.push(t);
    sliceStart.push(s);
    sliceEnd.push(e);
    depth.push(d);
    open.push(o);
  };
  addNode(0, 0, perm.length, 0, 1);

  let keys = new Uint32Array(64);
  for (let n = 0; n < tok.length; n++) {
    childStart.push(tok.length);
    const d = depth.data[n]!;
    if (d === ATOM_NODE) continue;
    const s = sliceStart.data[n]!;
    const e = sliceEnd.data[n]!;
    const o = open.data[n]!;
    if (o === 0) {
      // A leaf: one atom node per id, ascending because every sort below is stable.
      for (let k = s; k < e; k++) addNode(perm[k]!, 0, 0, ATOM_NODE, 0);
      continue;
    }
    const len = e - s;
    if (keys.length < len) keys = new Uint32Array(Math.max(len, keys.length * 2));
    let sorted = true;
    for (let k = 0; k < len; k++) {
      const key = tokens[offsets[perm[s + k]!]! + d]!;
      keys[k] = key;
      if (k > 0 && key < keys[k - 1]!) sorted = false;
    }
    if (!sorted) sortSliceByKeys(perm, s, keys, len);
    let k = 0;
    while (k < len) {
      const key = keys[k]!;
      let j = k + 1;
      while (j < len && keys[j] === key) j++;
      const opened = o - 1 + (key >>> TAG_SHIFT === Tag.Expr ? key & PAYLOAD_MASK : 0);
      addNode(key, s + k, s + j, d + 1, opened);
      k = j;
    }
  }
  childStart.push(tok.length);

  const nodeCount = tok.length;
  const tokOut = sharedU32(nodeCount);
  tokOut.set(tok.data.subarray(0, nodeCount));
  const startOut = sharedU32(nodeCount + 1);
  startOut.set(childStart.data.subarray(0, nodeCount + 1));
  return {
    tok: tokOut,
    childStart: startOut,
    nodeCount,
    atomCount: ids.length,
    byteLength: tokOut.byteLength + startOut.byteLength,
  };
}

/** Stable sort of perm[s .. s+len) by keys[0 .. len), updating keys to match. */
function sortSliceByKeys(perm: Uint32Array, s: number, keys: Uint32Array, len: number): void {
  const order = new Array<number>(len);
  for (let i = 0; i < len; i++) order[i] = i;
  order.sort((a, b) => keys[a]! - keys[b]! || a - b);
  const ids = perm.slice(s, s + len);
  const sortedKeys = keys.slice(0, len);
  for (let i = 0; i < len; i++) {
    perm[s + i] = ids[order[i]!]!;
    keys[i] = sortedKeys[order[i]!]!;
  }
}

/** The trie of an empty space. */
export function emptyFlatTrie(): FlatTrie {
  return buildFlatTrie(new Uint32Array(0), new Uint32Array(1), new Uint32Array(0));
}

/** First child of `node` whose token is `t`, or -1 (children are sorted by token). */
export function findChild(trie: FlatTrie, node: number, t: number): number {
  const tok = trie.tok;
  let lo = trie.childStart[node]!;
  let hi = trie.childStart[node + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tok[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo < trie.childStart[node + 1]! && tok[lo] === t ? lo : -1;
}

/** Insertion ids stored under exactly the token string `tokens` (alpha-equivalent atoms). */
export function idsWithTokens(trie: FlatTrie, tokens: ArrayLike<number>): number[] {
  let node = 0;
  for (let i = 0; i < tokens.length; i++) {
    node = findChild(trie, node, tokens[i]!);
    if (node < 0) return [];
  }
  const out: number[] = [];
  for (let c = trie.childStart[node]!; c < trie.childStart[node + 1]!; c++) out.push(trie.tok[c]!);
  return out;
}
