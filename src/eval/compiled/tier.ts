// The compiled tier: calls of functions (undeclared, or with one plain declared type) over ground
// arguments, evaluated by rule sets compiled per (head, arity, space version) instead of by the
// interpreter's frames.
//
// The interpreter offers each call it would answer by a rule lookup (`compiledCall`); the tier
// answers with the call's results, fully evaluated, or null, and the interpreter goes on as
// before. A rule set that refuses to compile, or whose evaluation bails, stays with the
// interpreter until the rules change. Compiled sets (and their memos) are dropped whenever an
// atom that could be a rule or a type declaration is added or removed, so a rule added or removed
// at run time is always seen; a write of plain facts keeps them: the rules compiled do not depend
// on facts, and memo entries of calls that queried the space hold for its version only.
//
// Space writes (`add-atom`, `remove-atom`) are queued during a call and made when it returns, so
// that a bail can still leave the whole call to the interpreter (space-ops.ts).
//
// Off when a limit counts interpreter steps or depth (`--max-steps`, `max-stack-depth`: the tier
// counts neither the same way), and with `!(pragma! compiled-rules False)`.

import { type Atom, AtomKind, Bindings, expr, type ExpressionAtom, type GroundedAtom, MAX_NORMAL_MARK, type SymbolAtom, unify, variable } from '../../core/index.js';
import type { Builtin } from '../builtin.js';
import { SpeculationAborted } from '../speculation.js';
import { mentionsState } from '../state-patterns.js';
import { mayHaveHeadRuleCandidates, mayHaveOpenRuleCandidates, type RuleCandidate, ruleCandidates } from '../../cpu/index.js';
import type { AtomSpace } from '../../space/index.js';
import type { Environment } from '../environment.js';
import { COLON, isFunctionType, isMetaType, SUBTYPE, type TypeIndex, typeFits, UNDEFINED } from '../types.js';
import { type CompileContext, compileRules, plainSignature, Refuse } from './compile.js';
import { Bail, bail, isMany } from './nodes.js';
import { RuleSet, type Signature } from './rule-set.js';
import { HeadTable } from './head-table.js';
import { EQUALS } from './symbols.js';

/** Nested calls the tier runs on the JavaScript stack before leaving the rest to the interpreter. */
const MAX_DEPTH = 400;

/** Tiers made in this thread: each marks the normal forms it proves with its own number. */
let tiersMade = 0;

/** What the tier did, for tests and `--metrics`-style reports. */
export const compiledTierStats = { calls: 0, answered: 0, bails: 0, refusals: 0, memoHits: 0, lastBail: '', lastRefusal: '' };

class Tier implements CompileContext {
  readonly index: TypeIndex;
  /** Per head and arity: the compiled set, 'constructor' (no rule applies), or null (refused). */
  private readonly heads = new HeadTable<RuleSet | 'constructor' | null>();
  readonly bailed = new Set<RuleSet>();
  /** This tier's normal-form mark on expressions (`ExpressionAtom.normalMark`); 0 once the marks ran out: `normals` instead. */
  private readonly normalMark: number;
  private readonly normals: WeakSet<ExpressionAtom> | null;
  /** Per arity and plain value's intern key: whether an expression headed by that value is a constructor application. */
  private readonly groundedHeads = new Map<number, Map<string, boolean>>();
  /** Per arity: whether a rule may apply to a call of that many children whatever its head (see mayHaveOpenRules). */
  private readonly openRules = new Map<number, boolean>();
  /** Rule sets made by the compilation in progress: dropped together when it refuses. */
  private made: [Atom, number, Atom][] = [];
  private depth = 0;
  /** Calls entered (the limit check runs every 1024; memo entries are priced in them). */
  callCount = 0;
  private check: () => void = () => {};
  readonly disabled: boolean;
  /** What the tier was compiled against: the space's rules and type declarations (`rulesAndTypesStamp`). */
  readonly stamp: readonly number[];
  /** `pragma! memoize`, read at each call from the interpreter (a pragma does not change the version). */
  memoizing = true;

  constructor(
    readonly env: Environment,
    readonly space: AtomSpace,
    /** The space's version when last confirmed current (facts written since leave the tier valid). */
    public version: number,
    readonly builtinsVersion: number,
  ) {
    this.stamp = rulesAndTypesStamp(space);
    this.normalMark = tiersMade < MAX_NORMAL_MARK - 1 ? ++tiersMade : 0;
    this.normals = this.normalMark === 0 ? new WeakSet() : null;
    this.index = env.types(space);
    // A declared type of an expression can make any call ill-typed: the interpreter decides.
    this.disabled = this.index.hasExpressionDeclarations();
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) bail('recursion deeper than the compiled tier runs');
    if ((++this.callCount & 1023) === 0) this.check();
  }

  leave(): void {
    this.depth--;
  }

  memoHit(): void {
    compiledTierStats.memoHits++;
    if ((++this.callCount & 1023) === 0) this.check();
  }

  markNormal(atom: ExpressionAtom): void {
    this.proven(atom);
  }

  private proven(e: ExpressionAtom): void {
    if (this.normals === null) e.normalMark = this.normalMark;
    else this.normals.add(e);
  }

  provenBefore(e: ExpressionAtom): boolean {
    return this.normals === null ? e.normalMark === this.normalMark : this.normals.has(e);
  }

  /** Iterative (a term built at run time may be any depth); each expression proven is remembered. */
  isNormal(atom: Atom): boolean {
    if (atom.kind === AtomKind.Variable) return false;
    if (atom.kind !== AtomKind.Expression || atom.children.length === 0) return true;
    if (this.provenBefore(atom)) return true;
    // Depth first; `next` holds each open expression's next child to look at.
    const open: ExpressionAtom[] = [atom];
    const next: number[] = [0];
    while (open.length > 0) {
      const top = open.length - 1;
      const e = open[top]!;
      let i = next[top]!;
      if (i === 0 && !this.isConstructorHead(e.children[0]!, e.children.length)) return false;
      let descended = false;
      for (; i < e.children.length; i++) {
        const c = e.children[i]!;
        if (c.kind === AtomKind.Variable) return false;
        if (c.kind !== AtomKind.Expression || c.children.length === 0 || this.provenBefore(c)) continue;
        next[top] = i + 1;
        open.push(c);
        next.push(0);
        descended = true;
        break;
      }
      if (descended) continue;
      this.proven(e);
      open.pop();
      next.pop();
    }
    return true;
  }

  isConstructorHead(head: Atom, arity: number): boolean {
    if (head.kind === AtomKind.Symbol) {
      if (this.env.builtin(head) !== undefined || this.index.declaredTypes(head).length > 0) return false;
      const known = this.known(head, arity);
      if (known !== undefined) return known === 'constructor';
      let rules: readonly ExpressionAtom[];
      try {
        rules = this.rulesOf(head, arity, this.candidates(head, arity));
      } catch (e) {
        if (e instanceof Refuse) return false;
        throw e;
      }
      if (rules.length > 0) return false;
      this.remember(head, arity, 'constructor');
      return true;
    }
    if (head.kind === AtomKind.Grounded) {
      if (isFunctionType((head as GroundedAtom).typeAtom())) return false;
      // The usual case, a tuple of plain values where no rule could have a grounded head: no lookup, no key.
      if (!this.mayHaveOpenRules(arity) && !mayHaveHeadRuleCandidates(this.space.view(), head, arity)) return true;
      // Per plain value and arity, decided once: the rules it depends on are the tier's own (a collapse's tuple is headed by its first value).
      const key = (head as GroundedAtom).internKey();
      const known = key === null ? undefined : this.groundedHeads.get(arity)?.get(key);
      if (known !== undefined) return known;
      const constructor = !this.candidates(head, arity).some((c) => this.space.view().store.isAlive(c.id) && appliesTo(c.stored, head, arity));
      if (key !== null) {
        let byKey = this.groundedHeads.get(arity);
        if (byKey === undefined) this.groundedHeads.set(arity, (byKey = new Map()));
        byKey.set(key, constructor);
      }
      return constructor;
    }
    return false;
  }

  /**
   * The rule set a call from the interpreter runs, or null when it stays with the interpreter.
   * `position` is the type the call's results are expected to have: an undeclared function's
   * bodies are evaluated in that position (a declared one's in its result type's).
   */
  entry(head: SymbolAtom, arity: number, expected: Atom): RuleSet | null {
    if (this.env.builtin(head) !== undefined) return null;
    const position = this.index.declaredTypes(head).length === 0 ? expected : UNDEFINED;
    const target = this.compileAt(head, arity, position);
    return target === 'constructor' ? null : target;
  }

  /**
   * What a call written with the head `head` (the value of a variable in a head position) runs:
   * an undeclared function's compiled set for the position's type, or 'constructor'; a declared
   * function's set when its one plain type's result fits the position and every argument is a
   * value as written (`valuesOnly`: evaluated in any position it is itself, and the set checks
   * it against the declared type by value). Anything else — a built-in, another declared
   * function, rules that do not compile — bails.
   */
  targetOf(head: Atom, arity: number, position: Atom, valuesOnly: boolean): RuleSet | 'constructor' {
    if (head.kind === AtomKind.Grounded && this.isConstructorHead(head, arity)) return 'constructor';
    if (head.kind !== AtomKind.Symbol) bail('an application of a variable whose value is not a symbol');
    if (this.env.builtin(head) !== undefined) bail('an application of a variable whose value is a built-in');
    if (this.index.declaredTypes(head).length > 0) return this.declaredTarget(head as SymbolAtom, arity, position, valuesOnly);
    const target = this.compileAt(head, arity, position);
    if (target === null) bail('an application of a variable whose value does not compile');
    return target;
  }

  private declaredTarget(head: SymbolAtom, arity: number, position: Atom, valuesOnly: boolean): RuleSet {
    if (!valuesOnly) bail('an application of a variable whose value is a declared function, over arguments that are not values');
    let signature: Signature | null;
    try {
      signature = this.signatureOf(head, arity);
    } catch (e) {
      if (e instanceof Refuse) bail('an application of a variable whose value has a declared type that is not plain');
      throw e;
    }
    // The interpreter checks the declared result against the position's type before evaluating anything.
    const ret = signature!.ret ?? UNDEFINED;
    if (position !== UNDEFINED && !typeFits(this.index, position, ret, new Bindings())) bail('an application of a declared function of another result type');
    const target = this.compileAt(head, arity, UNDEFINED);
    if (target === null || target === 'constructor') bail('an application of a variable whose value is a declared function that does not compile');
    return target;
  }

  /** The compiled set of calls with this head, arity and position, compiled now if need be; null when it stays with the interpreter. */
  private compileAt(head: Atom, arity: number, position: Atom): RuleSet | 'constructor' | null {
    const known = this.known(head, arity, position);
    if (known !== undefined) return known;
    const candidates = this.candidates(head, arity);
    if (refusedBefore(this.space, head, arity, position, candidates)) return null;
    this.made = [];
    try {
      return this.resolveHead(head, arity, position);
    } catch (e) {
      if (!(e instanceof Refuse)) throw e;
      for (const [h, a, p] of this.made) this.heads.delete(h, a, p);
      this.remember(head, arity, null, position);
      rememberRefusal(this.space, head, arity, position, candidates);
      compiledTierStats.refusals++;
      compiledTierStats.lastRefusal = e.reason;
      return null;
    }
  }

  resolveHead(head: Atom, arity: number, position: Atom): RuleSet | 'constructor' {
    const known = this.known(head, arity, position);
    if (known === null) throw new Refuse(`a function that did not compile`);
    if (known !== undefined) return known;
    const rules = this.rulesOf(head, arity, this.candidates(head, arity));
    if (rules.length === 0) {
      this.remember(head, arity, 'constructor', position);
      return 'constructor';
    }
    const set = new RuleSet(head, arity, this, head.kind === AtomKind.Symbol ? this.signatureOf(head as SymbolAtom, arity) : null, position);
    // Remembered before its bodies compile, so a recursive call finds it.
    this.remember(head, arity, set, position);
    this.made.push([head, arity, position]);
    compileRules(this, set, rules);
    return set;
  }

  /**
   * Whether a rule may apply to every call of `arity` children (mayHaveOpenRuleCandidates), decided
   * once per tier: what it reads changes only with writes that change the tier's stamp.
   */
  private mayHaveOpenRules(arity: number): boolean {
    let open = this.openRules.get(arity);
    if (open === undefined) this.openRules.set(arity, (open = mayHaveOpenRuleCandidates(this.space.view(), arity)));
    return open;
  }

  signatureOf(head: SymbolAtom, arity: number): Signature | null {
    return plainSignature(this.index.declaredTypes(head), arity);
  }

  /**
   * Runs `set` on a call's arguments: its results, or null when it bailed. The writes it made
   * stay queued for `commitWrites` (or `dropWrites`) — except when the evaluation is stopped
   * (Ctrl-C, `--timeout`): then they are made, as the interpreter would have made them, and the
   * stop goes on up.
   */
  run(set: RuleSet, args: Atom[], check: () => void): Atom[] | null {
    this.depth = 0;
    this.check = check;
    try {
      const v = set.invoke(args);
      return isMany(v) ? v : [v];
    } catch (e) {
      // A RangeError is the JavaScript stack running out: the interpreter has its own.
      if (!(e instanceof Bail) && !(e instanceof RangeError)) {
        this.commitWrites();
        throw e;
      }
      this.dropWrites();
      this.bailed.add(set);
      compiledTierStats.bails++;
      compiledTierStats.lastBail = e instanceof Bail ? e.reason : 'the JavaScript stack';
      return null;
    }
  }

  /** Writes queued and not made yet, in order. */
  private readonly queued: QueuedWrite[] = [];
  /** Writes queued so far, queries of this tier's space and of other spaces made so far: a memo keeps only what depends on neither or on this space as it is. */
  writeCount = 0;
  readCount = 0;
  foreignReadCount = 0;

  noteRead(): void {
    this.readCount++;
  }

  get writesQueued(): boolean {
    return this.queued.length > 0;
  }

  matchNow(space: AtomSpace, pattern: Atom, template: Atom): Atom[] {
    if (this.queued.length > 0) bail('a query after a write not made yet');
    if (mentionsState(pattern)) bail('a match pattern holding a state (compared by value: the interpreter)');
    if (space === this.space) this.readCount++;
    else this.foreignReadCount++;
    return this.env.matchSync(space, pattern, template);
  }

  queueWrite(op: Builtin, space: AtomSpace, atom: Atom, remove: boolean): void {
    if (this.env.writerCalled(op)) throw new SpeculationAborted(op.name);
    if (space === this.space && mayBeRuleOrType(atom)) bail('a write of an atom that may be a rule or a type declaration');
    this.queued.push({ space, atom, remove });
    this.writeCount++;
  }

  /** Makes the queued writes, in the order they were queued. */
  commitWrites(): void {
    const q = this.queued;
    for (let i = 0; i < q.length; i++) {
      const w = q[i]!;
      if (w.remove) w.space.remove(w.atom);
      else w.space.add(w.atom);
    }
    q.length = 0;
  }

  dropWrites(): void {
    this.queued.length = 0;
  }

  private known(head: Atom, arity: number, position: Atom = UNDEFINED): RuleSet | 'constructor' | null | undefined {
    return this.heads.get(head, arity, position);
  }

  private remember(head: Atom, arity: number, value: RuleSet | 'constructor' | null, position: Atom = UNDEFINED): void {
    this.heads.set(head, arity, value, position);
  }

  private candidates(head: Atom, arity: number): readonly RuleCandidate[] {
    return ruleCandidates(this.space.view(), head, arity);
  }

  /** The live rules `(= (head ...) body)` of this arity, in order; Refuse when another stored atom would apply too. */
  private rulesOf(head: Atom, arity: number, candidates: readonly RuleCandidate[]): ExpressionAtom[] {
    const store = this.space.view().store;
    const rules: ExpressionAtom[] = [];
    for (const c of candidates) {
      if (!store.isAlive(c.id)) continue;
      const a = c.stored;
      if (a.kind === AtomKind.Expression && a.children.length === 3 && a.children[0] === EQUALS) {
        const lhs = a.children[1]!;
        if (lhs.kind === AtomKind.Expression && lhs.children.length === arity && lhs.children[0] === head) {
          rules.push(a);
          continue;
        }
      }
      if (appliesTo(a, head, arity)) throw new Refuse('a stored atom that applies to more than one head');
    }
    return rules;
  }
}

interface QueuedWrite {
  readonly space: AtomSpace;
  readonly atom: Atom;
  readonly remove: boolean;
}

/** Whether writing `atom` changes `rulesAndTypesStamp`: a bare variable, or three elements headed by a variable, `=`, `:` or `:<`. */
function mayBeRuleOrType(atom: Atom): boolean {
  if (atom.kind === AtomKind.Variable) return true;
  if (atom.kind !== AtomKind.Expression || atom.children.length !== 3) return false;
  const head = atom.children[0]!;
  return head.kind === AtomKind.Variable || head === EQUALS || head === COLON || head === SUBTYPE;
}

/** Whether the stored atom unifies with `(= (head $a1 … $an) $result)`: it would answer such a call's lookup. */
function appliesTo(stored: Atom, head: Atom, arity: number): boolean {
  const call = [head];
  for (let i = 1; i < arity; i++) call.push(argumentVariable(i));
  return unify(stored, expr([EQUALS, expr(call), RESULT]), new Bindings());
}

const argumentVariables: Atom[] = [];
function argumentVariable(i: number): Atom {
  return (argumentVariables[i] ??= variable(`arg#${i}`));
}
const RESULT = variable('result#');

/**
 * Rule sets refused before, per space, with the candidate list they were refused for: while the
 * head's rules stay the same the refusal stands across versions (a program that writes the space
 * between calls would otherwise compile its writing functions after every write). Refusing
 * wrongly only leaves a call to the interpreter.
 */
const refusals = new WeakMap<AtomSpace, HeadTable<readonly RuleCandidate[]>>();

function refusedBefore(space: AtomSpace, head: Atom, arity: number, position: Atom, candidates: readonly RuleCandidate[]): boolean {
  return refusals.get(space)?.get(head, arity, position) === candidates;
}

function rememberRefusal(space: AtomSpace, head: Atom, arity: number, position: Atom, candidates: readonly RuleCandidate[]): void {
  let table = refusals.get(space);
  if (table === undefined) {
    table = new HeadTable();
    refusals.set(space, table);
  }
  table.set(head, arity, candidates, position);
}

const tiers = new WeakMap<AtomSpace, Tier>();

/**
 * What changes whenever an atom that could answer a rule lookup (`(= …)` of three elements, an
 * atom of three elements with a variable head, a bare variable) or declare a type (`(: …)`,
 * `(:< …)`) is added or removed: the space's per-head stamps, which only grow.
 */
function rulesAndTypesStamp(space: AtomSpace): number[] {
  return [space.headStamp(EQUALS, 3), space.headStamp(COLON, 3), space.headStamp(SUBTYPE, 3)];
}

function sameStamp(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function tierFor(env: Environment, space: AtomSpace): Tier {
  const t = tiers.get(space);
  if (t !== undefined && t.env === env && t.builtinsVersion === env.builtinsVersion) {
    if (t.version === space.version) return t;
    // Only facts were written since: what the tier compiled (and memoized) still holds.
    if (sameStamp(t.stamp, rulesAndTypesStamp(space))) {
      t.version = space.version;
      return t;
    }
  }
  const fresh = new Tier(env, space, space.version, env.builtinsVersion);
  tiers.set(space, fresh);
  return fresh;
}

/**
 * Whether `atom` is a ground normal form that the space's current tier proved (built under a
 * constructor head, or checked by `isNormal`): the interpreter then takes it as it is instead of
 * evaluating it again, element by element, as it would a term it has not seen.
 */
export function provenNormalForm(env: Environment, space: AtomSpace, atom: ExpressionAtom): boolean {
  if (atom.normalMark === 0) return false;
  const t = tiers.get(space);
  if (t === undefined || t.env !== env || t.builtinsVersion !== env.builtinsVersion || t.disabled || !enabled(env)) return false;
  if (t.version !== space.version && !sameStamp(t.stamp, rulesAndTypesStamp(space))) return false;
  return t.provenBefore(atom);
}

/** Whether the tier may run in this environment now. */
function enabled(env: Environment): boolean {
  const s = env.settings;
  return s.compiledRules && s.maxSteps === null && s.maxStackDepth === null;
}

/**
 * The results of `call` (a call of a non-built-in function, its arguments evaluated) expected to
 * be of `returnType`, when the compiled tier can give them exactly; null to leave it to the
 * interpreter. `check` is the interpreter's limit check (Ctrl-C, `--timeout`), run every 1024 calls.
 */
export function compiledCall(env: Environment, space: AtomSpace, call: ExpressionAtom, returnType: Atom, check: () => void): Atom[] | null {
  const head = call.children[0]!;
  if (head.kind !== AtomKind.Symbol || !enabled(env)) return null;
  const typed = returnType !== UNDEFINED && returnType.kind !== AtomKind.Variable;
  if (typed && (returnType.kind !== AtomKind.Symbol || isMetaType(returnType))) return null;
  const tier = tierFor(env, space);
  if (tier.disabled) return null;
  tier.memoizing = env.settings.memoize;
  compiledTierStats.calls++;
  const set = tier.entry(head, call.children.length, typed ? returnType : UNDEFINED);
  if (set === null || tier.bailed.has(set)) return null;
  const args = call.children.slice(1);
  for (const a of args) {
    if (tier.isNormal(a)) continue;
    // Not proven a normal form (too deep, or reducible): such calls stay with the interpreter
    // until the space changes, rather than being proven again at every call.
    tier.bailed.add(set);
    return null;
  }
  const results = tier.run(set, args, check);
  if (results === null) return null;
  if (typed) {
    // The interpreter checks each result against the expected type: only values of exactly that type pass here.
    for (const r of results) {
      if (r.kind !== AtomKind.Grounded || (r as GroundedAtom).typeAtom() !== returnType) {
        tier.dropWrites();
        tier.bailed.add(set);
        return null;
      }
    }
  }
  tier.commitWrites();
  compiledTierStats.answered++;
  return results;
}
