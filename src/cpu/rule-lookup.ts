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

import { type Atom, AtomKind, ExpressionAtom, expr, type GroundedAtom, sym, variable, type VariableAtom } from '../core/atoms.js';
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
  const candidates = compiledCandidates(view, call);
  // Made on the first answer as an exactly sized literal (a pushed-to empty array grows a larger store).
  let answers: RuleAnswer[] | null = null;
  const store = view.store;
  for (let i = 0; i < candidates.length; i++) {
    const rule = candidates[i]!;
    if (!store.isAlive(rule.id)) continue;
    let answer = rule.matcher !== null ? rule.matcher.fire(call) : undefined;
    if (answer === undefined) answer = fireGeneral(rule.stored, call);
    if (answer === null) continue;
    if (answers === null) answers = [answer];
    else answers.push(answer);
  }
  return answers ?? [];
}

/** A candidate stored atom, decoded, with its one-sided matcher when it has the rule shape. */
interface Candidate {
  readonly id: number;
  readonly stored: Atom;
  readonly matcher: RuleMatcher | null;
}

const compiledCache = new WeakMap<SpaceView, Map<number, Map<number, readonly Candidate[]>>>();
let lastView: SpaceView | null = null;
let lastViewCache: Map<number, Map<number, readonly Candidate[]>> | null = null;

/**
 * The candidates of `candidateIds` (liveness not yet checked), decoded and compiled, cached per
 * view (views are immutable; liveness is checked per lookup, so a view used after a removal
 * still answers as the uncached path would).
 */
function compiledCandidates(view: SpaceView, call: ExpressionAtom): readonly Candidate[] {
  if (equalsToken < 0) equalsToken = encodeAtom(EQUALS).tokens[0]!;
  const head = call.children[0];
  const headToken =
    head === undefined ? -1 : head.kind === AtomKind.Symbol ? token(Tag.Sym, head.id) : head.kind === AtomKind.Grounded ? token(Tag.Gnd, groundedTable.idOf(head)) : -1;
  const arity = call.children.length;
  let byArity: Map<number, Map<number, readonly Candidate[]>> | undefined;
  if (view === lastView) byArity = lastViewCache!;
  else {
    byArity = compiledCache.get(view);
    if (byArity === undefined) {
      byArity = new Map();
      compiledCache.set(view, byArity);
    }
    lastView = view;
    lastViewCache = byArity;
  }
  let byHead = byArity.get(arity);
  if (byHead === undefined) {
    byHead = new Map();
    byArity.set(arity, byHead);
  }
  let list = byHead.get(headToken);
  if (list === undefined) {
    const ids: number[] = [];
    for (const id of trieCandidates(view.trie, headToken, arity)) ids.push(id);
    // Recent ids are all larger than the trie's, so appending keeps the order.
    if (view.recent.length > 0) for (const id of recentCandidates(view, headToken, arity)) ids.push(id);
    list = ids.map((id) => compiledCandidate(view.store, id));
    byHead.set(headToken, list);
  }
  return list;
}

const compiledAtoms = new WeakMap<AtomStore, Map<number, Candidate>>();

/** Stored atoms never change under an id, so each is decoded and compiled once per store. */
function compiledCandidate(store: AtomStore, id: number): Candidate {
  let byId = compiledAtoms.get(store);
  if (byId === undefined) {
    byId = new Map();
    compiledAtoms.set(store, byId);
  }
  let c = byId.get(id);
  if (c === undefined) {
    const stored = store.atom(id);
    c = { id, stored, matcher: isRuleShape(stored) ? new RuleMatcher(stored) : null };
    byId.set(id, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Candidates

let equalsToken = -1;

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

function isRuleShape(atom: Atom): atom is ExpressionAtom {
  return atom.kind === AtomKind.Expression && atom.children.length === 3 && atom.children[0] === EQUALS;
}

const KIND_VAR = 0;
const KIND_SYM = 1;
const KIND_GND = 2;
const KIND_EXPR = 3;

/** The call's sub-terms still to visit, shared by every matcher (matching never re-enters). */
const callStack: Atom[] = [];

/** Body templates deeper than this are instantiated by the iterative `instantiate`. */
const MAX_TEMPLATE_DEPTH = 200;

/** A node of a rule body: `slot` >= 0 for a variable, `children` for an expression with variables. */
interface Template {
  readonly atom: Atom;
  readonly slot: number;
  readonly children: readonly Template[] | null;
}

/**
 * `(= lhs body)` fired by one-sided matching: when the call is an instance of `lhs`, binding the
 * rule's variables to parts of the call is the most general unifier, so the body is instantiated
 * at once and the call's own variables stay free.
 *
 * Compiled once per stored rule: the left side becomes a flat program in the order a stack walk
 * visits it (children right to left), each variable a numbered slot; the body a template whose
 * ground parts are shared as they are. Matching and instantiation then do what a walk with a map
 * of variable names would do, in the same order (so fresh variables are numbered the same).
 */
class RuleMatcher {
  private readonly pat: Atom[] = [];
  private readonly kind: number[] = [];
  /** Slot of a variable; arity of an expression. */
  private readonly arg: number[] = [];
  /** Instructions in the sub-term rooted here (skipped when the call holds that very atom). */
  private readonly size: number[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly body: Template | null;
  private readonly rule: ExpressionAtom;

  constructor(rule: ExpressionAtom) {
    this.rule = rule;
    const stack: Atom[] = [rule.children[1]!];
    const open: number[] = []; // instruction indices whose sub-term is not finished yet
    const remaining: number[] = []; // sub-terms each open instruction still waits for
    while (stack.length > 0) {
      const p = stack.pop()!;
      const k = this.pat.length;
      this.pat.push(p);
      this.size.push(1);
      switch (p.kind) {
        case AtomKind.Variable:
          this.kind.push(KIND_VAR);
          this.arg.push(this.slotFor(p.name));
          break;
        case AtomKind.Symbol:
          this.kind.push(KIND_SYM);
          this.arg.push(0);
          break;
        case AtomKind.Grounded:
          this.kind.push(KIND_GND);
          this.arg.push(0);
          break;
        case AtomKind.Expression:
          this.kind.push(KIND_EXPR);
          this.arg.push(p.children.length);
          for (let i = 0; i < p.children.length; i++) stack.push(p.children[i]!);
          break;
      }
      // Close finished sub-terms, adding their sizes to their parents.
      let finished = p.kind === AtomKind.Expression && p.children.length > 0 ? -1 : k;
      if (finished < 0) {
        open.push(k);
        remaining.push((p as ExpressionAtom).children.length);
      }
      while (finished >= 0 && open.length > 0) {
        const parent = open[open.length - 1]!;
        this.size[parent]! += this.size[finished]!;
        if (--remaining[remaining.length - 1]! > 0) break;
        open.pop();
        remaining.pop();
        finished = parent;
      }
    }
    const depth = { max: 0 };
    this.body = this.template(rule.children[2]!, 0, depth);
    if (depth.max > MAX_TEMPLATE_DEPTH) this.body = null;
  }

  private slotFor(name: string): number {
    let s = this.slotOf.get(name);
    if (s === undefined) {
      s = this.slotOf.size;
      this.slotOf.set(name, s);
    }
    return s;
  }

  /** Recursion is bounded: a template deeper than MAX_TEMPLATE_DEPTH is abandoned. */
  private template(atom: Atom, depth: number, out: { max: number }): Template {
    if (depth > out.max) out.max = depth;
    if (atom.kind === AtomKind.Variable) return { atom, slot: this.slotFor(atom.name), children: null };
    if (atom.kind !== AtomKind.Expression || depth > MAX_TEMPLATE_DEPTH || !hasVariable(atom)) return { atom, slot: -1, children: null };
    return { atom, slot: -1, children: atom.children.map((c) => this.template(c, depth + 1, out)) };
  }

  /** The answer, null when the rule cannot apply, undefined when a call variable would have to be bound. */
  fire(call: ExpressionAtom): RuleAnswer | null | undefined {
    const slots: (Atom | undefined)[] = new Array(this.slotOf.size);
    const { pat, kind, arg, size } = this;
    const stack = callStack;
    let sp = 0;
    stack[sp++] = call;
    const n = pat.length;
    for (let k = 0; k < n; ) {
      const p = pat[k]!;
      const c = stack[--sp]!;
      if (p === c) {
        k += size[k]!;
        continue;
      }
      const kd = kind[k]!;
      if (kd === KIND_VAR) {
        const bound = slots[arg[k]!];
        if (bound === undefined) slots[arg[k]!] = c;
        else if (!atomEquals(bound, c)) return hasVariable(bound) || hasVariable(c) ? undefined : null;
        k++;
        continue;
      }
      if (c.kind === AtomKind.Variable) return undefined;
      if (kd === KIND_SYM) return null; // interned: distinct objects are distinct symbols
      if (kd === KIND_GND) {
        if (c.kind !== AtomKind.Grounded || !(p as GroundedAtom).equals(c)) return null;
        k++;
        continue;
      }
      const arity = arg[k]!;
      if (c.kind !== AtomKind.Expression || c.children.length !== arity) return null;
      const cc = c.children;
      for (let i = 0; i < arity; i++) stack[sp++] = cc[i]!;
      k++;
    }
    return { atom: this.instantiateBody(slots), bindings: Bindings.EMPTY };
  }

  private instantiateBody(slots: (Atom | undefined)[]): Atom {
    if (this.body !== null) return build(this.body, slots);
    return instantiate(this.rule.children[2]!, (v: VariableAtom) => {
      const s = this.slotFor(v.name);
      let value = slots[s];
      if (value === undefined) {
        value = freshVariable(v.name);
        slots[s] = value;
      }
      return value;
    });
  }
}

/** The body with its slots filled (a fresh variable for an empty one), sharing unchanged parts. */
function build(t: Template, slots: (Atom | undefined)[]): Atom {
  if (t.slot >= 0) {
    let value = slots[t.slot];
    if (value === undefined) {
      value = freshVariable((t.atom as VariableAtom).name);
      slots[t.slot] = value;
    }
    return value;
  }
  const kids = t.children;
  if (kids === null) return t.atom;
  const source = (t.atom as ExpressionAtom).children;
  // Short children arrays are made as literals: exactly sized, no growth.
  switch (kids.length) {
    case 2: {
      const a = build(kids[0]!, slots);
      const b = build(kids[1]!, slots);
      return a === source[0] && b === source[1] ? t.atom : new ExpressionAtom([a, b]);
    }
    case 3: {
      const a = build(kids[0]!, slots);
      const b = build(kids[1]!, slots);
      const c = build(kids[2]!, slots);
      return a === source[0] && b === source[1] && c === source[2] ? t.atom : new ExpressionAtom([a, b, c]);
    }
    case 4: {
      const a = build(kids[0]!, slots);
      const b = build(kids[1]!, slots);
      const c = build(kids[2]!, slots);
      const d = build(kids[3]!, slots);
      return a === source[0] && b === source[1] && c === source[2] && d === source[3] ? t.atom : new ExpressionAtom([a, b, c, d]);
    }
  }
  const rebuilt: Atom[] = [];
  let changed = false;
  for (let i = 0; i < kids.length; i++) {
    const a = build(kids[i]!, slots);
    if (a !== source[i]) changed = true;
    rebuilt.push(a);
  }
  return changed ? new ExpressionAtom(rebuilt) : t.atom;
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
