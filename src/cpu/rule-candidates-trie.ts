// Rule candidates from a frozen view (a snapshot, or a worker's replica): the trie's
// `(= (head ...) ...)` subtrees plus the stored atoms that could still match any call (`$x`,
// `($f _ _)`, `(= $lhs _)`, `(= ($h ...) _)`), then the recent ids passing the same first-token
// test. A superset in insertion order; the caller fires each.

import type { FrozenView } from '../space/index.js';
import { findChild, type FlatTrie, isVarToken, payloadOf, Tag, tagOf, token } from '../space/index.js';
import { EQUALS_TOKEN } from './rule-token.js';

/** Ids (liveness not checked) of the stored atoms of `view` that may be rules for a call with `headToken` (-1: any) and `arity`. */
export function frozenRuleCandidates(view: FrozenView, headToken: number, arity: number): number[] {
  const ids: number[] = [];
  for (const id of trieCandidates(view.trie, headToken, arity)) ids.push(id);
  // Recent ids are all larger than the trie's, so appending keeps the order.
  if (view.recent.length > 0) for (const id of recentCandidates(view, headToken, arity)) ids.push(id);
  return ids;
}

const recentCandidateCache = new WeakMap<FrozenView, Map<number, Map<number, readonly number[]>>>();

/** Views are immutable (the space hands out a new one after a write), so this is cached per view. */
function recentCandidates(view: FrozenView, headToken: number, arity: number): readonly number[] {
  return cachedByArityAndHead(recentCandidateCache, view, arity, headToken, () =>
    view.recent.filter((id) => tokensMayMatch(view.store.tokensOf(id), headToken, arity)),
  );
}

/** `make()` cached under (owner, arity, head token): the shape of every rule-candidate cache. */
export function cachedByArityAndHead<K extends object, V>(cache: WeakMap<K, Map<number, Map<number, V>>>, owner: K, arity: number, headToken: number, make: () => V): V {
  let byArity = cache.get(owner);
  if (byArity === undefined) {
    byArity = new Map();
    cache.set(owner, byArity);
  }
  let byHead = byArity.get(arity);
  if (byHead === undefined) {
    byHead = new Map();
    byArity.set(arity, byHead);
  }
  let value = byHead.get(headToken);
  if (value === undefined) {
    value = make();
    byHead.set(headToken, value);
  }
  return value;
}

/** The first-token test of `candidateIds` on one token string (`headToken` -1: any head). */
function tokensMayMatch(t: Uint32Array, headToken: number, arity: number): boolean {
  const equalsToken = EQUALS_TOKEN();
  if (isVarToken(t[0]!)) return true;
  if (t[0] !== token(Tag.Expr, 3)) return false;
  if (isVarToken(t[1]!)) return true;
  if (t[1] !== equalsToken) return false;
  if (isVarToken(t[2]!)) return true;
  if (t[2] !== token(Tag.Expr, arity)) return false;
  return arity === 0 || headToken < 0 || isVarToken(t[3]!) || t[3] === headToken;
}

const trieCandidateCache = new WeakMap<FlatTrie, Map<number, Map<number, Uint32Array>>>();

function trieCandidates(trie: FlatTrie, headToken: number, arity: number): Uint32Array {
  return cachedByArityAndHead(trieCandidateCache, trie, arity, headToken, () => collectTrieCandidates(trie, headToken, arity));
}

function collectTrieCandidates(trie: FlatTrie, headToken: number, arity: number): Uint32Array {
  const equalsToken = EQUALS_TOKEN();
  const out: number[] = [];
  // A bare stored variable `$x` (root → NEWVAR).
  forVarChildren(trie, 0, (c) => collectSubtree(trie, c, 0, out));
  const e = findChild(trie, 0, token(Tag.Expr, 3));
  if (e >= 0) {
    forVarChildren(trie, e, (c) => collectSubtree(trie, c, 2, out)); // ($f _ _)
    const q = findChild(trie, e, equalsToken);
    if (q >= 0) {
      forVarChildren(trie, q, (c) => collectSubtree(trie, c, 1, out)); // (= $lhs _)
      const l = findChild(trie, q, token(Tag.Expr, arity));
      if (l >= 0) {
        if (arity === 0 || headToken < 0) collectSubtree(trie, l, arity + 1, out);
        else {
          forVarChildren(trie, l, (c) => collectSubtree(trie, c, arity, out)); // (= ($h ...) _)
          const h = findChild(trie, l, headToken);
          if (h >= 0) collectSubtree(trie, h, arity, out);
        }
      }
    }
  }
  out.sort((a, b) => a - b);
  return Uint32Array.from(out);
}

function forVarChildren(trie: FlatTrie, node: number, visit: (child: number) => void): void {
  const end = trie.childStart[node + 1]!;
  for (let c = trie.childStart[node]!; c < end && isVarToken(trie.tok[c]!); c++) visit(c);
}

/** Ids of every atom below `node`, where `open` sub-terms remain to be read after its token. */
function collectSubtree(trie: FlatTrie, node: number, open: number, out: number[]): void {
  const nodes: number[] = [node];
  const opens: number[] = [open];
  while (nodes.length > 0) {
    const n = nodes.pop()!;
    const o = opens.pop()!;
    const start = trie.childStart[n]!;
    const end = trie.childStart[n + 1]!;
    if (o === 0) {
      // A leaf: its children are atom nodes carrying insertion ids.
      for (let c = start; c < end; c++) out.push(trie.tok[c]!);
      continue;
    }
    for (let c = start; c < end; c++) {
      const t = trie.tok[c]!;
      nodes.push(c);
      opens.push(o - 1 + (tagOf(t) === Tag.Expr ? payloadOf(t) : 0));
    }
  }
}

