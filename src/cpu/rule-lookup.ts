// Rule lookup: the answers to `(= CALL $result)` against a space, the query the interpreter makes
// for every call of a non-built-in function.
//
// It gives the same answers, in the same order (by insertion id), as matching that pattern, but
// works on atoms instead of token strings: candidate atoms come from the live index's rule lists
// (rule-candidates-index.ts, cached per head until a rule for it is added) or from a frozen trie's
// `(= (head ...) ...)` subtrees (rule-candidates-trie.ts, cached per view), each is decoded once, and a
// call that is an instance of the rule's head (the common case: arguments are evaluated before the
// call) is matched one-sidedly, so the body is instantiated by one substitution and nothing has to
// be merged afterwards. Calls whose variables would have to be bound, and unusual stored atoms
// (`$x`, `($f ...)`, `(= $lhs ...)`), take the general two-sided path: rename apart, unify.

import { type Atom, AtomKind, ExpressionAtom, expr, type GroundedAtom, sym, variable, type VariableAtom } from '../core/index.js';
import { Bindings, instantiate, unify } from '../core/index.js';
import { atomEquals } from '../core/index.js';
import { freshVariable, renameApart } from '../core/index.js';
import type { AtomIndex, AtomStore, FrozenView, IndexedView, SpaceView } from '../space/index.js';
import { groundedTable, isIndexedView, mergeLive, Tag, token } from '../space/index.js';
import { anyHeadRuleCandidate, anyOpenRuleCandidate, indexRuleLists, listsStamp } from './rule-candidates-index.js';
import { cachedByArityAndHead, frozenRuleCandidates } from './rule-candidates-trie.js';

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
    const answer = fire(rule, call);
    if (answer === null) continue;
    if (answers === null) answers = [answer];
    else answers.push(answer);
  }
  return answers ?? [];
}

/**
 * The answers of the stored atoms `ids` (ascending; found by another matcher, the GPU's) for
 * `call`, fired exactly as `lookupRules` fires them: the same bindings, in the same direction
 * (a call's variable passed as a whole argument keeps its name), whichever path found the rules.
 */
export function fireRulesAt(store: AtomStore, ids: readonly number[], call: ExpressionAtom): RuleAnswer[] {
  const answers: RuleAnswer[] = [];
  for (const id of ids) {
    if (!store.isAlive(id)) continue;
    const answer = fire(compiledCandidate(store, id), call);
    if (answer !== null) answers.push(answer);
  }
  return answers;
}

/** One candidate for `call`: its one-sided matcher when it has one that decides, else two-sided unification. */
function fire(rule: Candidate, call: ExpressionAtom): RuleAnswer | null {
  const answer = rule.matcher !== null ? rule.matcher.fire(call) : undefined;
  return answer === undefined ? fireGeneral(rule.stored, call) : answer;
}

/** A stored atom that may be a rule for some call: its id (for liveness) and the atom. */
export interface RuleCandidate {
  readonly id: number;
  readonly stored: Atom;
}

/**
 * The stored atoms that may be rules for calls with this head and number of elements, in
 * definition order: a superset (callers unify) that may include removed atoms (check
 * `view.store.isAlive`). The same array object is returned while no rule for the head changes,
 * so a caller can remember what it concluded from it.
 */
export function ruleCandidates(view: SpaceView, head: Atom, arity: number): readonly RuleCandidate[] {
  const probe = new Array<Atom>(arity).fill(head);
  return compiledCandidates(view, expr(probe));
}

/**
 * Whether `ruleCandidates(view, head, arity)` may hold a present atom. On a live index this
 * creates nothing (a grounded head met as a tuple's first element — every `collapse` of numbers —
 * would otherwise leave an empty list per value in the index).
 */
export function mayHaveRuleCandidates(view: SpaceView, head: Atom, arity: number): boolean {
  return mayHaveOpenRuleCandidates(view, arity) || mayHaveHeadRuleCandidates(view, head, arity);
}

/** The part of mayHaveRuleCandidates that does not depend on the head (it changes only with a write of a rule or a stored variable). */
export function mayHaveOpenRuleCandidates(view: SpaceView, arity: number): boolean {
  // A replica has no live index: every call may have candidates, as far as this check knows.
  return !isIndexedView(view) || anyOpenRuleCandidate(view.index, arity);
}

/** The part of mayHaveRuleCandidates for rules written for `head` itself. */
export function mayHaveHeadRuleCandidates(view: SpaceView, head: Atom, arity: number): boolean {
  if (!isIndexedView(view)) return ruleCandidates(view, head, arity).length > 0;
  return anyHeadRuleCandidate(view.index, headTokenOf(head), arity);
}

function headTokenOf(head: Atom | undefined): number {
  return head === undefined ? -1 : head.kind === AtomKind.Symbol ? token(Tag.Sym, head.id) : head.kind === AtomKind.Grounded ? token(Tag.Gnd, groundedTable.idOf(head)) : -1;
}

/** A candidate stored atom, decoded, with its one-sided matcher when it has the rule shape. */
interface Candidate {
  readonly id: number;
  readonly stored: Atom;
  readonly matcher: RuleMatcher | null;
}

/** Compiled candidates of a frozen view, per (arity, head): frozen views never gain atoms. */
const frozenCache = new WeakMap<FrozenView, Map<number, Map<number, readonly Candidate[]>>>();

/** Compiled candidates of a live index, per (arity, head), valid while their lists' stamp holds. */
interface IndexEntry {
  /** List handles of the index (`index.lists`). */
  readonly lists: readonly number[];
  stamp: number;
  candidates: readonly Candidate[];
}
const indexCache = new WeakMap<AtomIndex, Map<number, Map<number, IndexEntry>>>();

/**
 * The stored atoms that may be rules for `call`, decoded and compiled, in insertion order
 * (liveness is checked per lookup, so removals need no invalidation).
 */
function compiledCandidates(view: SpaceView, call: ExpressionAtom): readonly Candidate[] {
  const headToken = headTokenOf(call.children[0]);
  const arity = call.children.length;
  if (isIndexedView(view)) return indexedCandidates(view, headToken, arity);
  return cachedByArityAndHead(frozenCache, view, arity, headToken, () => frozenRuleCandidates(view, headToken, arity).map((id) => compiledCandidate(view.store, id)));
}

/** A rule write for this head (or one that could apply to any head) changes the stamp; nothing else does. */
function indexedCandidates(view: IndexedView, headToken: number, arity: number): readonly Candidate[] {
  const entry = cachedByArityAndHead(indexCache, view.index, arity, headToken, (): IndexEntry => ({ lists: indexRuleLists(view.index, headToken, arity), stamp: -1, candidates: [] }));
  const stamp = listsStamp(view.index, entry.lists);
  if (stamp !== entry.stamp) {
    const store = view.store;
    entry.candidates = mergeLive(view.index, entry.lists, store.liveness()).map((id) => compiledCandidate(store, id));
    entry.stamp = stamp;
  }
  return entry.candidates;
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
