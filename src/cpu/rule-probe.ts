// A cheap test that lets the interpreter skip a rule query that cannot match: does the space
// hold any `(= (head ...) ...)` rule for this head and arity (or any rule whose head position is a
// variable)? It descends at most four trie levels, before the call is encoded at all. Evaluating
// data such as long `(Cons ...)` lists issues one such query per element; without the probe each
// would encode the whole remaining list.

import { encodeAtom, isVarToken, Tag, token } from '../space/encoding.js';
import type { SpaceView } from '../space/atom-space.js';
import { findChild } from '../space/flat-trie.js';
import { type Atom, sym } from '../core/atoms.js';

const EQUALS_TOKEN = (): number => encodeAtom(sym('=')).tokens[0]!;
let equalsToken = -1;

/** False only when no rule `(= CALL BODY)` can unify with a call of this head and arity. */
export function mayHaveRules(view: SpaceView, head: Atom, arity: number): boolean {
  if (view.recent.length > 0) return true;
  if (head.kind === 2 || head.kind === 1) return true; // expression or variable heads: just query
  const trie = view.trie;
  if (equalsToken < 0) equalsToken = EQUALS_TOKEN();
  let node = findChild(trie, 0, token(Tag.Expr, 3));
  if (node < 0) return false;
  node = findChild(trie, node, equalsToken);
  if (node < 0) return false;
  if (hasVarChild(view, node)) return true;
  node = findChild(trie, node, token(Tag.Expr, arity));
  if (node < 0) return false;
  if (hasVarChild(view, node)) return true;
  return findChild(trie, node, encodeAtom(head).tokens[0]!) >= 0;
}

function hasVarChild(view: SpaceView, node: number): boolean {
  const first = view.trie.childStart[node]!;
  return first < view.trie.childStart[node + 1]! && isVarToken(view.trie.tok[first]!);
}
