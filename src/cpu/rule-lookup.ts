// Rule lookup: the answers to `(= CALL $result)` against a space, the query the interpreter makes
// for every call of a non-built-in function.
//
// It gives the same answers, in the same order (by insertion id), as matching that pattern with
// the trie matcher, but works on atoms instead of token strings: candidate atoms come from an
// index of the trie's `(= (head ...) ...)` subtrees (cached per trie), each is decoded once, and a
// call that is an instance of the rule's head (the common case: arguments are evaluated before the
// call) is matched one-sidedly, so the body is instantiated by one substitution and nothing has to
// be merged afterwards. Calls whose variables would have to be bound, and unusual stored atoms
// (`$x`, `($f ...)`, `(= $lhs ...)`), take the general two-sided path: rename apart, unify.

import { type Atom, AtomKind, type ExpressionAtom, expr, type GroundedAtom, sym, variable, type VariableAtom } from '../core/atoms.js';
import { Bindings, instantiate, unify } from '../core/bindings.js';
import { atomEquals } from '../core/equality.js';
import { freshVariable, renameApart } from '../core/fresh.js';
import type { SpaceView } from '../space/atom-space.js';
import type { AtomStore } from '../space/atom-store.js';
import { encodeAtom, groundedTable, isVarToken, payloadOf, Tag, tagOf, token } from '../space/encoding.js';
import { findChild, type FlatTrie } from '../space/flat-trie.js';

const EQUALS = sym('=');
/** The rule-result variable: `#` keeps it apart from every variable a user can write. */
export const RULE_RESULT = variable('result#');

/** One firing rule: its instantiated body and the bindings it adds to the call's variables. */
export interface RuleAnswer {
  readonly atom: Atom;
  readonly bindings: Bindings;
}

/** The pattern whose matches are the rules for `call` (what the trie matcher would be asked). */
export function ruleQueryPattern(call: Atom): ExpressionAtom {
  return expr([EQUALS, call, RULE_RESULT]);
}

/** Every rule of the view that applies to `call`, in definition (insertion) order. */
export function lookupRules(view: SpaceView, call: ExpressionAtom): RuleAnswer[] {
  const ids = candidateIds(view, call);
  if (ids.length === 0) return [];
  const answers: RuleAnswer[] = [];
  for (const id of ids) {
    const stored = decodedAtom(view.store, id);
    let answer = isRuleShape(stored) ? fireByMatching(stored, call) : undefined;
    if (answer === undefined) answer = fireGeneral(stored, call);
    if (answer !== null) answers.push(answer);
  }
  return answers;
}

// ---------------------------------------------------------------------------------------------
// Candidates

let equalsToken = -1;

/** Ids (ascending, present) of stored atoms whose first tokens do not rule out a match. */
function candidateIds(view: SpaceView, call: ExpressionAtom): number[] {
  if (equalsToken < 0) equalsToken = encodeAtom(EQUALS).tokens[0]!;
  const head = call.children[0];
  const headToken =
    head === undefined ? -1 : head.kind === AtomKind.Symbol ? token(Tag.Sym, head.id) : head.kind === AtomKind.Grounded ? token(Tag.Gnd, groundedTable.idOf(head)) : -1;
  const arity = call.children.length;
  const fromTrie = trieCandidates(view.trie, headToken, arity);
  const fromRecent = view.recent.length === 0 ? NONE : recentCandidates(view, headToken, arity);
  const out: number[] = [];
  for (const id of fromTrie) if (view.store.isAlive(id)) out.push(id);
  // Recent ids are all larger than the trie's, so appending keeps the order.
  for (const id of fromRecent) if (view.store.isAlive(id)) out.push(id);
  return out;
}

const NONE: readonly number[] = [];
const recentCandidateCache = new WeakMap<SpaceView, Map<number, Map<number, readonly number[]>>>();

/** Views are immutable (the space hands out a new one after a write), so this is cached per view. */
function recentCandidates(view: SpaceView, headToken: number, arity: number): readonly number[] {
  return cachedByArityAndHead(recentCandidateCache, view, arity, headToken, () =>
    view.recent.filter((id) => tokensMayMatch(view.store.tokensOf(id), headToken, arity)),
  );
}

/** `make()` cached under (owner, arity, head token). */
function cachedByArityAndHead<K extends object, V>(cache: WeakMap<K, Map<number, Map<number, V>>>, owner: K, arity: number, headToken: number, make: () => V): V {
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

// ---------------------------------------------------------------------------------------------
// Firing one rule

const decodedAtoms = new WeakMap<AtomStore, Map<number, Atom>>();

/** Stored atoms never change under an id, so each is decoded once per store. */
function decodedAtom(store: AtomStore, id: number): Atom {
  let byId = decodedAtoms.get(store);
  if (byId === undefined) {
    byId = new Map();
    decodedAtoms.set(store, byId);
  }
  let atom = byId.get(id);
  if (atom === undefined) {
    atom = store.atom(id);
    byId.set(id, atom);
  }
  return atom;
}

function isRuleShape(atom: Atom): atom is ExpressionAtom {
  return atom.kind === AtomKind.Expression && atom.children.length === 3 && atom.children[0] === EQUALS;
}

/**
 * `(= lhs body)` fired by one-sided matching: when the call is an instance of `lhs`, binding the
 * rule's variables to parts of the call is the most general unifier, so the body is instantiated
 * at once and the call's own variables stay free. Returns `undefined` when a call variable would
 * have to be bound (then the two-sided path decides), null when the rule cannot apply.
 */
function fireByMatching(rule: ExpressionAtom, call: ExpressionAtom): RuleAnswer | null | undefined {
  const slots = new Map<string, Atom>();
  const left: Atom[] = [rule.children[1]!];
  const right: Atom[] = [call];
  while (left.length > 0) {
    const p = left.pop()!;
    const c = right.pop()!;
    if (p === c) continue;
    if (p.kind === AtomKind.Variable) {
      const bound = slots.get(p.name);
      if (bound === undefined) slots.set(p.name, c);
      else if (!atomEquals(bound, c)) return hasVariable(bound) || hasVariable(c) ? undefined : null;
      continue;
    }
    if (c.kind === AtomKind.Variable) return undefined;
    switch (p.kind) {
      case AtomKind.Symbol:
        return null; // interned: distinct objects are distinct symbols
      case AtomKind.Grounded:
        if (c.kind !== AtomKind.Grounded || !p.equals(c as GroundedAtom)) return null;
        break;
      case AtomKind.Expression: {
        if (c.kind !== AtomKind.Expression || c.children.length !== p.children.length) return null;
        for (let i = 0; i < p.children.length; i++) {
          left.push(p.children[i]!);
          right.push(c.children[i]!);
        }
        break;
      }
    }
  }
  const body = instantiate(rule.children[2]!, (v: VariableAtom) => {
    let value = slots.get(v.name);
    if (value === undefined) {
      value = freshVariable(v.name);
      slots.set(v.name, value);
    }
    return value;
  });
  return { atom: body, bindings: Bindings.EMPTY };
}

/** Two-sided: the stored atom renamed apart, unified with `(= call $result)`. */
function fireGeneral(stored: Atom, call: ExpressionAtom): RuleAnswer | null {
  const bindings = new Bindings();
  if (!unify(ruleQueryPattern(call), renameApart(stored), bindings)) return null;
  const value = bindings.lookup(RULE_RESULT.name);
  if (value === undefined) return null;
  return { atom: value, bindings: bindings.without(RULE_RESULT.name) };
}

function hasVariable(atom: Atom): boolean {
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind === AtomKind.Variable) return true;
    if (a.kind === AtomKind.Expression) for (const c of a.children) stack.push(c);
  }
  return false;
}
