// The interpreter: the `metta` algorithm of SPEC §3 as an explicit-stack machine.
//
// Every piece of pending work is a heap-allocated frame, so MeTTa recursion depth is bounded by
// memory, not by the JavaScript stack. A frame's `step` does one bounded piece of work: push a
// child, finish with its results, or ask for a space query. Queries are values: `run()` returns
// the pending query instead of answering it, so a driver can answer the queries of many machines
// as one batch. Frames that would only pass a child's results through replace themselves with the
// child (tail calls), so tail recursion runs in constant frames.
//
// Bindings discipline: a frame started with bindings B returns results whose bindings extend B.
// Results therefore pass upward unchanged, which is what makes tail calls possible.

import { type Atom, AtomKind, expr, type ExpressionAtom, formatAtom, type GroundedAtom, isGroundAtom, sym } from '../core/index.js';
import { Bindings } from '../core/index.js';
import type { AtomSpace } from '../space/index.js';
import type { RuleAnswer } from '../cpu/index.js';
import { type Builtin, errorAtom, MettaError, NOT_REDUCIBLE, type Outcome, type Result, ERROR } from './builtin.js';
import type { Environment } from './environment.js';
import {
  argumentFits,
  ATOM_TYPE,
  getTypes,
  isFunctionType,
  metaType,
  splitFunctionType,
  type TypeIndex,
  typeFits,
  UNDEFINED,
  EXPRESSION_TYPE,
} from './types.js';
import { int } from '../core/index.js';
import { freshCount, freshNumber } from '../core/index.js';
import { compiledCall, provenNormalForm } from './compiled/tier.js';
import { SpeculationAborted } from './speculation.js';
import { deeper, elementDepth, EVAL_FRAMES, expressionOverflows, overflows, RESULT_FRAMES } from './stack-depth.js';

export const EMPTY = sym('Empty');
/** A rule result meaning "leave the call unreduced" (the reference's `(= (quote $x) NotReducible)`). */
const NOT_REDUCIBLE_RESULT = sym('NotReducible');

export function isError(atom: Atom): boolean {
  return atom.kind === AtomKind.Expression && atom.children.length > 0 && atom.children[0] === ERROR;
}

/** Thrown out of `run()` when a limit stops evaluation. */
export class EvaluationStopped extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'EvaluationStopped';
  }
}

/**
 * Throws EvaluationStopped when Ctrl-C was pressed or the deadline (`--timeout`) passed: what the
 * machine checks every 1024 steps, and what a built-in that waits (on a pipe, say) checks while it
 * waits, so that no wait outlasts the limits.
 */
export function checkInterrupt(env: Environment): void {
  if (env.interrupted) throw new EvaluationStopped('interrupted');
  const deadline = env.settings.deadline;
  if (deadline !== null && performance.now() > deadline) throw new EvaluationStopped('time limit reached (--timeout)');
}

export { SpeculationAborted };

/**
 * What a machine waits on: a `match`-style query (bindings of every way `pattern` matches the
 * space), or the rule lookup of a call (every `(= call body)` rule that applies, instantiated).
 */
export type PendingQuery =
  | { readonly kind: 'match'; readonly space: AtomSpace; readonly pattern: Atom }
  | { readonly kind: 'rules'; readonly space: AtomSpace; readonly call: ExpressionAtom }
  /**
   * Several independent alternatives to evaluate with the expected `type` (only when the driver
   * asked for it with `fanOutDepth`): the answer is each alternative's results, in order.
   */
  | {
      readonly kind: 'fanout';
      readonly space: AtomSpace;
      readonly alternatives: readonly Result[];
      readonly type: Atom;
      readonly depth: number;
      /**
       * The alternatives are calls whose arguments are evaluated already (the combinations of an
       * application): each is called, not evaluated from scratch (see `alternativeMachine`).
       */
      readonly calls: boolean;
    };

abstract class Frame {
  parent: Frame | null = null;
  /**
   * Fresh variables numbered above this were made while this stack position evaluated (a frame
   * that replaces another by a tail call inherits its mark), so nothing above it can mention them.
   */
  freshMark = freshCount();
  constructor(
    readonly depth: number,
    /** The space whose rules and types this evaluation uses (`&self` unless `metta` names another). */
    readonly space: AtomSpace,
  ) {}
  abstract step(m: Machine): void;
  receive(_results: Result[]): void {
    throw new Error(`${this.constructor.name} expects no results`);
  }
  receiveAnswers(_answers: Bindings[]): void {
    throw new Error(`${this.constructor.name} expects no query answers`);
  }
  receiveRules(_answers: RuleAnswer[]): void {
    throw new Error(`${this.constructor.name} expects no rule answers`);
  }
  receiveFanOut(_results: readonly Result[][]): void {
    throw new Error(`${this.constructor.name} expects no fan-out results`);
  }
}

export class Machine {
  private current: Frame | null;
  private pending: PendingQuery | null = null;
  private final: Result[] = [];
  steps = 0;

  constructor(
    readonly env: Environment,
    atom: Atom,
    type: Atom = UNDEFINED,
    bindings: Bindings = Bindings.EMPTY,
    space: AtomSpace = env.self.space,
    /** Depth of the evaluation this one continues (for max-stack-depth). */
    depth = 0,
  ) {
    this.current = new MettaFrame(atom, type, bindings, depth, space);
  }

  /**
   * Alternatives at this depth or shallower are offered to the driver as a `fanout` request (to
   * evaluate them in parallel); -1, the default, never. Calls this shallow are interpreted, not
   * given to the compiled tier, so that a call's several rules can be offered; deeper ones are.
   */
  fanOutDepth = -1;

  /**
   * Rule lookups are answered at once with the environment's `rulesSync` instead of being
   * returned as queries (what `evaluateNow` would answer anyway); false for batch drivers.
   */
  rulesInline = false;

  get done(): boolean {
    return this.current === null;
  }

  /** The results, once `done`. */
  get results(): Result[] {
    return this.final;
  }

  /** Runs until the machine needs a query answered (returned) or is done (null). */
  run(): PendingQuery | null {
    const settings = this.env.settings;
    while (this.current !== null) {
      if (this.pending !== null) return this.pending;
      if ((++this.steps & 1023) === 0) this.checkLimits();
      else if (settings.maxSteps !== null && this.steps > settings.maxSteps) this.checkLimits();
      this.current.step(this);
    }
    return null;
  }

  /** Supplies the answer to the `match` query `run()` returned. */
  answer(answers: Bindings[]): void {
    if (this.pending?.kind !== 'match' || this.current === null) throw new Error('no match query is pending');
    this.pending = null;
    this.current.receiveAnswers(answers);
  }

  /** Supplies the results of each alternative of the `fanout` request `run()` returned, in order. */
  answerFanOut(results: readonly Result[][]): void {
    if (this.pending?.kind !== 'fanout' || this.current === null) throw new Error('no fan-out is pending');
    this.pending = null;
    this.current.receiveFanOut(results);
  }

  fanOut(space: AtomSpace, alternatives: readonly Result[], type: Atom, depth: number, calls = false): void {
    this.pending = { kind: 'fanout', space, alternatives, type, depth, calls };
  }

  /** A machine whose evaluation starts with the call of `call` (arguments already evaluated). */
  static forCall(env: Environment, call: ExpressionAtom, type: Atom, bindings: Bindings, space: AtomSpace, depth: number): Machine {
    const m = new Machine(env, call, type, bindings, space, depth);
    m.current = new CallFrame(call, type, bindings, depth, space);
    return m;
  }

  /** Supplies the answer to the rule lookup `run()` returned. */
  answerRules(answers: RuleAnswer[]): void {
    if (this.pending?.kind !== 'rules' || this.current === null) throw new Error('no rule lookup is pending');
    this.pending = null;
    this.current.receiveRules(answers);
  }

  /** The limit checks (Ctrl-C, `--timeout`) for work done outside `run`'s loop (the compiled tier). */
  readonly limitCheck = (): void => checkInterrupt(this.env);

  private checkLimits(): void {
    const s = this.env.settings;
    if (s.maxSteps !== null && this.steps > s.maxSteps && !this.env.interrupted) throw new EvaluationStopped(`stopped after ${s.maxSteps} steps (--max-steps)`);
    checkInterrupt(this.env);
  }

  push(frame: Frame): void {
    frame.parent = this.current;
    this.current = frame;
  }

  /** Replaces the current frame by `frame`, which returns its results to the current's parent. */
  tail(frame: Frame): void {
    frame.parent = this.current!.parent;
    frame.freshMark = Math.min(frame.freshMark, this.current!.freshMark);
    this.current = frame;
  }

  finish(results: Result[]): void {
    const done = this.current!;
    this.current = done.parent;
    if (this.current === null) this.final = results;
    else this.current.receive(withoutPrivateBindings(results, done.freshMark));
  }

  query(space: AtomSpace, pattern: Atom): void {
    this.pending = { kind: 'match', space, pattern };
  }

  lookupRules(space: AtomSpace, call: ExpressionAtom): void {
    this.pending = { kind: 'rules', space, call };
  }

  private typesSpace: AtomSpace | null = null;
  private typesIndex: TypeIndex | null = null;

  /** The environment's type index of `space` (the last one asked for is kept at hand). */
  types(space: AtomSpace): TypeIndex {
    if (space !== this.typesSpace) {
      this.typesIndex = this.env.types(space);
      this.typesSpace = space;
    }
    return this.typesIndex!;
  }

  /** Whether a `metta` at `depth` (and `extra` reference frames below it) overflows `max-stack-depth` (stack-depth.ts). */
  overflow(depth: number, extra = 0): boolean {
    return overflows(this.env.settings, depth, extra);
  }
}

/** Runs a machine to completion, answering its queries with the environment's query service. */
export function evaluateNow(
  env: Environment,
  atom: Atom,
  type: Atom = UNDEFINED,
  bindings: Bindings = Bindings.EMPTY,
  space: AtomSpace = env.self.space,
  depth = 0,
): Result[] {
  return runNow(new Machine(env, atom, type, bindings, space, depth));
}

/**
 * Whether a call's results are worth offering as separate branches: at least two of them are
 * expressions (symbols and values evaluate at once; a machine each would cost more than they do),
 * and none is the not-reducible marker (those are handled in place).
 */
function worthFanningOut(results: readonly Result[]): boolean {
  let expressions = 0;
  for (const r of results) {
    if (r.atom === NOT_REDUCIBLE_RESULT) return false;
    if (r.atom.kind === AtomKind.Expression) expressions++;
  }
  return expressions >= 2;
}

/** Runs `m` to completion, answering its queries with the environment's query service. */
function runNow(m: Machine): Result[] {
  const env = m.env;
  m.rulesInline = true;
  for (let q = m.run(); q !== null; q = m.run()) {
    if (q.kind === 'match') m.answer(env.querySync(q.space, q.pattern));
    else if (q.kind === 'rules') m.answerRules(env.rulesSync(q.space, q.call));
    else m.answerFanOut(q.alternatives.map((alt) => runNow(alternativeMachine(env, q, alt))));
  }
  return m.results;
}

/** The machine that evaluates one alternative of a `fanout` request (its results are the answer's entry). */
export function alternativeMachine(env: Environment, q: Extract<PendingQuery, { kind: 'fanout' }>, alt: Result): Machine {
  if (q.calls) return Machine.forCall(env, alt.atom as ExpressionAtom, q.type, alt.bindings, q.space, q.depth);
  return new Machine(env, alt.atom, q.type, alt.bindings, q.space, q.depth);
}

/** `evaluateNow` for one alternative of a `fanout` request. */
export function evaluateAlternative(env: Environment, q: Extract<PendingQuery, { kind: 'fanout' }>, alt: Result): Result[] {
  return runNow(alternativeMachine(env, q, alt));
}

/** Bindings no larger than this are never searched for unreachable ones at a tail call. */
const PRUNE_MIN = 8;

/**
 * Bindings a tail call can forget. A loop written with `let`/`case` binds fresh variables every
 * iteration; carried along, they make each step copy ever more bindings (quadratic time) and every
 * lookup slower. Kept: every variable older than the stack position (`freshMark`) or not made by
 * renaming, since frames above may mention it; the variables of the atom evaluated next; and
 * everything their values reach. The rest can no longer be observed. Searched again only once the
 * bindings have doubled since the last search kept some (`keptAtPrune`): linear time overall.
 */
function dropUnreachable(bindings: Bindings, atom: Atom, freshMark: number): Bindings {
  const size = bindings.size;
  if (size <= PRUNE_MIN || size <= 2 * bindings.keptAtPrune) return bindings;
  return reachableBindings(bindings, atom, freshMark);
}

/** The size below which a finished call's bindings are not searched for private ones. */
const PRIVATE_MIN = 8;

/**
 * A finished frame's results without the bindings of variables made while it evaluated (numbered
 * above `mark`) that neither the result nor an older variable's value reaches: the caller cannot
 * mention them. Carried along, they made every later copy of the bindings longer (a `let` in a
 * function called from a loop left one binding per call: 32 copied at each `match` answer).
 */
function withoutPrivateBindings(results: Result[], mark: number): Result[] {
  let out: Result[] | null = null;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const b = r.bindings;
    if (b.size <= PRIVATE_MIN || b.newestBind <= mark) continue;
    const kept = reachableBindings(b, r.atom, mark);
    if (kept === b) continue;
    out ??= results.slice();
    out[i] = { atom: r.atom, bindings: kept };
  }
  return out ?? results;
}

/** `bindings` without those of variables numbered above `freshMark` that `atom` and the older ones do not reach. */
function reachableBindings(bindings: Bindings, atom: Atom, freshMark: number): Bindings {
  const keep = new Set<string>();
  const stack: Atom[] = [atom];
  for (const [name] of bindings.entries()) {
    const n = freshNumber(name);
    if (n < 0 || n <= freshMark) {
      keep.add(name);
      stack.push(bindings.lookup(name)!);
    }
  }
  while (stack.length > 0) {
    const a = stack.pop()!;
    if (a.kind === AtomKind.Variable) {
      if (keep.has(a.name)) continue;
      const value = bindings.lookup(a.name);
      if (value === undefined) continue;
      keep.add(a.name);
      stack.push(value);
    } else if (a.kind === AtomKind.Expression) {
      for (const c of a.children) stack.push(c);
    }
  }
  if (keep.size === bindings.size) {
    bindings.keptAtPrune = keep.size;
    return bindings;
  }
  const map = new Map<string, Atom>();
  for (const name of keep) map.set(name, bindings.lookup(name)!);
  const kept = new Bindings(map);
  kept.keptAtPrune = keep.size;
  return kept;
}

const NO_ATOMS: readonly Atom[] = [];
/** Placeholders of ApplyFrame lists not in use yet (never written: replaced by a new list first). */
const UNUSED_ITEMS: Atom[] = [];
const UNUSED_COMBINATIONS: (Combination | Result)[] = [];
const NO_RESULTS: readonly Result[] = [];

/** `max-stack-depth`'s error for evaluating `atom`; an error stays itself (the reference never evaluates an error result again). */
function stackOverflow(atom: Atom): Atom {
  return isError(atom) ? atom : errorAtom(atom, STACK_OVERFLOW);
}

const STACK_OVERFLOW = sym('StackOverflow');

/** Whether evaluating `atom` as the result of a call at `depth` overflows (NotReducible and errors are not evaluated). */
function resultOverflows(m: Machine, depth: number, atom: Atom, frames = RESULT_FRAMES): boolean {
  return m.overflow(depth, frames) && atom !== NOT_REDUCIBLE_RESULT && !isError(atom);
}

/** Keeps the non-error alternatives when there is any (SPEC §3.4). */
function dropErrorsIfAnySucceeded(results: Result[]): Result[] {
  let errors = 0;
  for (const r of results) if (isError(r.atom)) errors++;
  if (errors === 0 || errors === results.length) return results;
  return results.filter((r) => !isError(r.atom));
}

/** metta(atom, type): SPEC §3 steps 1–3. */
class MettaFrame extends Frame {
  private alternatives: readonly Atom[] = NO_ATOMS;
  private next = 0;
  private collected: Result[] | null = null;

  constructor(
    private atom: Atom,
    private readonly type: Atom,
    private readonly bindings: Bindings,
    depth: number,
    space: AtomSpace,
  ) {
    super(depth, space);
  }

  step(m: Machine): void {
    if (this.next > 0) {
      this.startAlternative(m);
      return;
    }
    const atom = this.bindings.size > 0 ? this.bindings.resolve(this.atom) : this.atom;
    const type = this.type;
    if (m.overflow(this.depth)) {
      m.finish([{ atom: stackOverflow(atom), bindings: this.bindings }]);
      return;
    }
    if (type === ATOM_TYPE || atom.kind === AtomKind.Variable || metaType(atom) === type) {
      m.finish([{ atom, bindings: this.bindings }]);
      return;
    }
    if (atom.kind !== AtomKind.Expression || atom.children.length === 0) {
      m.finish(castResults(m.env, this.space, atom, type, this.bindings));
      return;
    }
    if (type === UNDEFINED && m.env.settings.maxStackDepth === null && (isKnownNormalForm(atom, this.space) || provenNormalForm(m.env, this.space, atom))) {
      m.finish([{ atom, bindings: this.bindings }]);
      return;
    }
    if (atom.children[0] === ERROR) {
      // Errors are values: never evaluated further.
      m.finish([{ atom, bindings: this.bindings }]);
      return;
    }
    if (expressionOverflows(m.env.settings, this.depth, atom.children.length)) {
      m.finish([{ atom: stackOverflow(atom), bindings: this.bindings }]);
      return;
    }
    const head = atom.children[0]!;
    const index = m.types(this.space);
    const headTypes = head.kind === AtomKind.Symbol ? index.declaredTypes(head) : head.kind === AtomKind.Grounded ? [head.typeAtom()] : [];
    const fnTypes = headTypes.filter(isFunctionType);
    if (fnTypes.length <= 1) {
      m.tail(new ApplyFrame(atom, fnTypes[0] ?? null, type, this.bindings, this.depth, this.space, true));
      return;
    }
    this.alternatives = fnTypes;
    this.atom = atom;
    this.startAlternative(m);
  }

  private startAlternative(m: Machine): void {
    if (this.next >= this.alternatives.length) {
      m.finish(dropErrorsIfAnySucceeded(this.collected ?? []));
      return;
    }
    const fnType = this.alternatives[this.next++]!;
    m.push(new ApplyFrame(this.atom as ExpressionAtom, fnType, this.type, this.bindings, this.depth, this.space, true));
  }

  override receive(results: Result[]): void {
    const collected = (this.collected ??= []);
    for (const r of results) collected.push(r);
  }
}

/**
 * A non-expression atom checked against an expected type, as the reference's `type_cast`: the
 * atom when one of its types fits, else `(Error atom (BadType expected actual))` for each of its
 * types (several results when it has several).
 */
function typeCast(env: Environment, space: AtomSpace, atom: Atom, type: Atom): readonly Atom[] {
  if (type === UNDEFINED || type === ATOM_TYPE || type.kind === AtomKind.Variable || metaType(atom) === type) return [atom];
  if (atom.kind === AtomKind.Grounded && atom.typeAtom() === type) return [atom];
  const index = env.types(space);
  const errors: Atom[] = [];
  for (const actual of getTypes(index, atom)) {
    if (typeFits(index, type, actual, new Bindings())) return [atom];
    errors.push(errorAtom(atom, expr([BAD_TYPE, type, actual])));
  }
  return errors;
}

const BAD_TYPE = sym('BadType');

/** `typeCast`'s results with `bindings`. */
function castResults(env: Environment, space: AtomSpace, atom: Atom, type: Atom, bindings: Bindings): Result[] {
  const cast = typeCast(env, space, atom, type);
  return cast.length === 1 && cast[0] === atom ? [{ atom, bindings }] : cast.map((a) => ({ atom: a, bindings }));
}

const undefinedTypeLists: (readonly Atom[])[] = [];

/** `n` times %Undefined%: the element types of an application with no function type; shared. */
function undefinedTypes(n: number): readonly Atom[] {
  let types = undefinedTypeLists[n];
  if (types === undefined) {
    types = new Array<Atom>(n).fill(UNDEFINED);
    if (n < 64) undefinedTypeLists[n] = types;
  }
  return types;
}

const elementTypesCache = new WeakMap<ExpressionAtom, Atom[]>();

/** Element types of an application (the head is not evaluated); shared, never mutated. */
function elementTypesCached(fnType: ExpressionAtom, args: readonly Atom[]): Atom[] {
  let types = elementTypesCache.get(fnType);
  if (types === undefined) {
    types = [ATOM_TYPE, ...args];
    elementTypesCache.set(fnType, types);
  }
  return types;
}

/**
 * Ground expressions known to evaluate to themselves, with the space version that was current.
 * Data structures (a long `(Cons ...)` list passed from call to call) are then not re-evaluated
 * element by element every time they are passed on.
 */
const normalForms = new WeakMap<Atom, { space: AtomSpace; version: number }>();

function rememberNormalForm(atom: Atom, space: AtomSpace): void {
  normalForms.set(atom, { space, version: space.version });
}

function isKnownNormalForm(atom: Atom, space: AtomSpace): boolean {
  const known = normalForms.get(atom);
  return known !== undefined && known.space === space && known.version === space.version;
}

function nothingToEvaluate(children: readonly Atom[], types: readonly Atom[]): boolean {
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === AtomKind.Expression && c.children.length > 0 && types[i] !== ATOM_TYPE && types[i] !== EXPRESSION_TYPE) return false;
  }
  return true;
}

/**
 * `metta(call)` without frames, for the commonest call of all: a pure built-in (arithmetic,
 * comparison) whose arguments are values already. Returns null whenever anything is unusual —
 * several function types, an argument of the wrong type, an error, several results — and the
 * caller takes the ordinary path, which then gives the full answer (pure ops can run twice).
 */
function evaluatePureCall(m: Machine, call: ExpressionAtom, bindings: Bindings, depth: number, space: AtomSpace): Atom | null {
  const head = call.children[0]!;
  if (head.kind !== AtomKind.Symbol) return null;
  const op = m.env.builtin(head);
  const children = call.children;
  // Under max-stack-depth the ordinary path says where it overflows (at an element or the result).
  if (op === undefined || op.pure !== true || op.type === null || m.overflow(depth, Math.max(RESULT_FRAMES, 8 + 2 * children.length))) return null;
  for (let i = 1; i < children.length; i++) if (children[i]!.kind !== AtomKind.Grounded) return null;
  const index = m.types(space);
  const declared = index.declaredTypes(head);
  if (declared.length !== 1 || declared[0] !== op.type || !isFunctionType(op.type)) return null;
  const { args, ret } = splitFunctionType(op.type as ExpressionAtom);
  if (args.length !== children.length - 1) return null;
  const typeBindings = new Bindings();
  for (let i = 0; i < args.length; i++) {
    const arg = children[i + 1] as GroundedAtom;
    // A value of exactly the declared type fits (what argumentFits finds, binding nothing).
    if (arg.typeAtom() === args[i]) continue;
    if (!argumentFits(index, arg, args[i]!, typeBindings)) return null;
  }
  let value: Atom;
  if (op.binary !== undefined && children.length === 3) {
    // The same value as execute's, without the outcome.
    let v: Atom | null;
    try {
      v = op.binary(children[1]!, children[2]!);
    } catch {
      return null;
    }
    if (v === null) return null;
    value = v;
  } else {
    let outcome: Outcome;
    try {
      outcome = op.execute(children.slice(1), { env: m.env, call, bindings, space });
    } catch {
      return null;
    }
    if (outcome.kind !== 'values' || outcome.results.length !== 1) return null;
    value = outcome.results[0]!.atom;
  }
  if (value.kind === AtomKind.Expression || value.kind === AtomKind.Variable || value === EMPTY) return null;
  const cast = typeCast(m.env, space, value, typeBindings.size > 0 ? typeBindings.resolve(ret) : ret);
  return cast.length === 1 && cast[0] === value ? value : null;
}

interface Combination {
  readonly items: Atom[];
  readonly bindings: Bindings;
}

/**
 * One way of applying an expression: evaluate its elements left to right (type-directed when the
 * head has a function type), forming the Cartesian product of their results with bindings
 * threaded from each element to the next, then call each combination.
 *
 * While every element so far had exactly one result (the usual case) there is one combination,
 * kept as a growing `items` array and its `bindings`; the first element with several results (or
 * none, or an error) turns the frame into the general list of combinations.
 */
class ApplyFrame extends Frame {
  private prepared = false;
  private elementTypes: readonly Atom[] = NO_ATOMS;
  private returnType: Atom;
  /** Single mode: the one combination, elements before `element` and the bindings so far. */
  private single = true;
  private items: Atom[] = UNUSED_ITEMS;
  private bindings: Bindings;
  /** General mode: finished combinations (or errors, in order) of the elements before `element`. */
  private done: (Combination | Result)[] = UNUSED_COMBINATIONS;
  private pending: (Combination | Result)[] = UNUSED_COMBINATIONS;
  private element = 0;
  private combo = 0;
  private calling = -1;
  private collected: Result[] | null = null;
  /** Bindings under which `atom` is resolved already (its elements then need no resolving). */
  private readonly resolvedUnder: Bindings | null;

  constructor(
    private readonly atom: ExpressionAtom,
    private readonly fnType: Atom | null,
    expected: Atom,
    bindings: Bindings,
    depth: number,
    space: AtomSpace,
    /** `atom` has the bindings applied already. */
    resolved = false,
  ) {
    super(depth, space);
    this.returnType = expected;
    this.bindings = bindings;
    this.resolvedUnder = resolved ? bindings : null;
  }

  step(m: Machine): void {
    if (!this.prepared) {
      this.prepared = true;
      if (!this.prepare(m)) return;
      if (nothingToEvaluate(this.atom.children, this.elementTypes)) {
        // Common fast path: every element stands for itself, so the call is the atom itself.
        tailCall(m, this.atom, this.returnType, this.bindings, this.depth, this.space, true, this.freshMark);
        return;
      }
      // Exactly sized (filled by index): a pushed-to empty array would grow a larger store.
      this.items = new Array<Atom>(this.atom.children.length);
    }
    if (this.calling >= 0) {
      this.call(m);
      return;
    }
    if (this.single ? this.stepSingle(m) : this.stepGeneral(m)) this.call(m);
  }

  /** Evaluates elements of the one combination; true when all are done. */
  private stepSingle(m: Machine): boolean {
    const children = this.atom.children;
    const items = this.items;
    while (this.element < children.length) {
      const bindings = this.bindings;
      const raw = children[this.element]!;
      const item = bindings.size > 0 && bindings !== this.resolvedUnder ? bindings.resolve(raw) : raw;
      const type = this.elementTypes[this.element]!;
      if (item.kind !== AtomKind.Expression || item.children.length === 0 || type === ATOM_TYPE || metaType(item) === type) {
        // Nothing to evaluate: symbols, values and variables stand for themselves here (their
        // types were checked before evaluation started).
        items[this.element++] = item;
        continue;
      }
      const depth = elementDepth(m.env.settings, this.depth, this.element);
      const inline = evaluatePureCall(m, item as ExpressionAtom, bindings, depth, this.space);
      if (inline !== null) {
        items[this.element++] = inline;
        continue;
      }
      const started = startMetta(m, item, type, bindings, depth, this.space, true);
      if (started instanceof Frame) {
        m.push(started);
        return false;
      }
      this.receiveSingle(started);
      if (!this.single) return this.stepGeneral(m);
    }
    return true;
  }

  private receiveSingle(results: Result[]): void {
    if (results.length === 1) {
      const r = results[0]!;
      if (r.atom !== EMPTY && !isError(r.atom)) {
        this.items[this.element++] = r.atom;
        this.bindings = r.bindings;
        return;
      }
    }
    // Leave single mode: the results of this element become the list of combinations.
    const done: (Combination | Result)[] = [];
    const items = this.items.slice(0, this.element);
    for (const r of results) {
      if (r.atom === EMPTY) continue;
      if (isError(r.atom)) done.push(r);
      else done.push({ items: [...items, r.atom], bindings: r.bindings });
    }
    this.single = false;
    this.pending = done;
    this.done = [];
    this.element++;
    this.combo = 0;
  }

  /** Evaluates elements over the list of combinations; true when all are done. */
  private stepGeneral(m: Machine): boolean {
    const children = this.atom.children;
    while (this.element < children.length) {
      if (this.combo >= this.pending.length) {
        this.pending = this.done;
        this.done = [];
        this.element++;
        this.combo = 0;
        continue;
      }
      const c = this.pending[this.combo]!;
      if (!('items' in c)) {
        // An error that stopped this combination: carried through unchanged.
        this.done.push(c);
        this.combo++;
        continue;
      }
      const raw = children[this.element]!;
      const item = c.bindings.size > 0 && c.bindings !== this.resolvedUnder ? c.bindings.resolve(raw) : raw;
      const type = this.elementTypes[this.element]!;
      if (item.kind !== AtomKind.Expression || item.children.length === 0 || type === ATOM_TYPE || metaType(item) === type) {
        this.done.push({ items: [...c.items, item], bindings: c.bindings });
        this.combo++;
        continue;
      }
      const depth = elementDepth(m.env.settings, this.depth, this.element);
      const inline = evaluatePureCall(m, item as ExpressionAtom, c.bindings, depth, this.space);
      if (inline !== null) {
        this.done.push({ items: [...c.items, inline], bindings: c.bindings });
        this.combo++;
        continue;
      }
      const started = startMetta(m, item, type, c.bindings, depth, this.space, true);
      if (started instanceof Frame) {
        m.push(started);
        return false;
      }
      this.receiveGeneral(started);
    }
    return true;
  }

  private receiveGeneral(results: Result[]): void {
    const c = this.pending[this.combo]! as Combination;
    for (const r of results) {
      if (r.atom === EMPTY) continue;
      if (isError(r.atom)) this.done.push(r);
      else this.done.push({ items: [...c.items, r.atom], bindings: r.bindings });
    }
    this.combo++;
  }

  /** Type checks and element types; false when it already finished with an error. */
  private prepare(m: Machine): boolean {
    const children = this.atom.children;
    if (this.fnType === null) {
      this.elementTypes = undefinedTypes(children.length);
      return true;
    }
    // No renaming apart: these type variables live only in this application's type bindings.
    const { args, ret } = splitFunctionType(this.fnType as ExpressionAtom);
    const bindings = this.bindings;
    const head = children[0]!;
    const shape = head.kind === AtomKind.Symbol ? m.env.builtin(head)?.shape : undefined;
    if (args.length !== children.length - 1) {
      m.finish([{ atom: shape !== undefined ? malformed(this.atom, shape) : errorAtom(this.atom, sym('IncorrectNumberOfArguments')), bindings }]);
      return false;
    }
    const index = m.types(this.space);
    const typeBindings = new Bindings();
    for (let i = 0; i < args.length; i++) {
      const arg = children[i + 1]!;
      if (!argumentFits(index, arg, args[i]!, typeBindings)) {
        const actualTypes = getTypes(index, arg);
        // An ill-typed argument has no type: its evaluation reports its own error instead.
        if (actualTypes.length === 0) continue;
        const actual = actualTypes[0]!;
        const expected = typeBindings.resolve(args[i]!);
        m.finish([{ atom: shape !== undefined ? malformed(this.atom, shape) : errorAtom(this.atom, expr([sym('BadArgType'), int(i + 1), expected, actual])), bindings }]);
        return false;
      }
    }
    // The arguments fit: the declared return type must fit the type expected of the call (the
    // reference's check_if_function_type_is_applicable, before anything is evaluated).
    const expected = this.returnType;
    if (expected !== UNDEFINED && expected !== ATOM_TYPE && expected.kind !== AtomKind.Variable && !typeFits(index, expected, typeBindings.resolve(ret), typeBindings.clone())) {
      m.finish([{ atom: errorAtom(this.atom, expr([BAD_TYPE, expected, typeBindings.resolve(ret)])), bindings }]);
      return false;
    }
    if (typeBindings.size === 0) {
      this.elementTypes = elementTypesCached(this.fnType as ExpressionAtom, args);
      // SPEC §3: a return type `Expression` behaves like %Undefined% (the result is evaluated).
      this.returnType = ret === EXPRESSION_TYPE ? UNDEFINED : ret;
    } else {
      this.elementTypes = [ATOM_TYPE, ...args.map((a) => typeBindings.resolve(a))];
      this.returnType = typeBindings.resolve(ret);
    }
    return true;
  }

  override receive(results: Result[]): void {
    if (this.calling >= 0) {
      const collected = (this.collected ??= []);
      for (const r of results) collected.push(r);
      return;
    }
    if (this.single) this.receiveSingle(results);
    else this.receiveGeneral(results);
  }

  /** The results of every combination's call, in order; errors carried through stay in place. */
  override receiveFanOut(results: readonly Result[][]): void {
    const collected = (this.collected ??= []);
    let k = 0;
    for (const c of this.pending) {
      if (!('items' in c)) collected.push(c);
      else for (const r of results[k++]!) collected.push(r);
    }
  }

  private call(m: Machine): void {
    if (this.calling < 0) {
      this.calling = 0;
      if (this.single) {
        this.tailCall(m, this.items, this.bindings);
        return;
      }
      if (this.pending.length === 1 && 'items' in this.pending[0]!) {
        const c = this.pending[0] as Combination;
        this.tailCall(m, c.items, c.bindings);
        return;
      }
    }
    if (this.calling === 0 && this.depth <= m.fanOutDepth) {
      const calls: Result[] = [];
      for (const c of this.pending) if ('items' in c) calls.push({ atom: this.reducedCall(c.items, c.bindings), bindings: c.bindings });
      if (calls.length >= 2) {
        this.calling = this.pending.length; // the fan-out's answer stands for every call
        m.fanOut(this.space, calls, this.returnType, this.depth, true);
        return;
      }
    }
    while (this.calling < this.pending.length) {
      const c = this.pending[this.calling++]!;
      if (!('items' in c)) {
        (this.collected ??= []).push(c);
        continue;
      }
      m.push(this.callFrame(c.items, c.bindings));
      return;
    }
    m.finish(this.collected ?? []);
  }

  /** The call of one combination (`items` is not changed afterwards: it may become the call). */
  private reducedCall(items: Atom[], bindings: Bindings): ExpressionAtom {
    const children = this.atom.children;
    let same = items.length === children.length;
    for (let i = 0; same && i < children.length; i++) same = items[i] === children[i];
    let reduced: ExpressionAtom = same ? this.atom : expr(items);
    if (bindings.size > 0) reduced = bindings.resolve(reduced) as ExpressionAtom;
    return reduced;
  }

  private callFrame(items: Atom[], bindings: Bindings): CallFrame {
    const reduced = this.reducedCall(items, bindings);
    return new CallFrame(reduced, this.returnType, bindings, this.depth, this.space, reduced === this.atom);
  }

  /** The only combination's call, replacing this frame. */
  private tailCall(m: Machine, items: Atom[], bindings: Bindings): void {
    const reduced = this.reducedCall(items, bindings);
    tailCall(m, reduced, this.returnType, bindings, this.depth, this.space, reduced === this.atom, this.freshMark);
  }
}

/**
 * The call step of a call that replaces the current frame (whose fresh mark is `mark`), as a
 * CallFrame would take it, without one for the usual outcomes: not reducible, no result, one
 * result. Anything else (several results, an evaluation or a query to wait for) goes to a
 * CallFrame, which takes over the outcome.
 */
function tailCall(m: Machine, call: ExpressionAtom, returnType: Atom, bindings: Bindings, depth: number, space: AtomSpace, unchanged: boolean, mark: number): void {
  const head = call.children[0]!;
  const builtin = head.kind === AtomKind.Symbol ? m.env.builtin(head) : undefined;
  let outcome: Outcome;
  if (builtin !== undefined) {
    let direct = builtin.direct === undefined ? null : builtin.direct(call);
    if (direct === null && builtin.binary !== undefined && call.children.length === 3) {
      // execute's one value, or (null, or a throw) execute decides.
      try {
        direct = builtin.binary(call.children[1]!, call.children[2]!);
      } catch {
        direct = null;
      }
    }
    if (direct !== null) {
      if (m.env.writerCalled(builtin)) throw new SpeculationAborted(builtin.name);
      tailResult(m, call, returnType, direct, bindings, depth, space, mark);
      return;
    }
    outcome = executeBuiltin(m, builtin, call, bindings, space);
  } else if (isVariableOperation(call)) outcome = NOT_REDUCIBLE;
  else if (m.rulesInline) {
    const compiled = returnType === ATOM_TYPE || depth <= m.fanOutDepth ? null : compiledCall(m.env, space, call, returnType, m.limitCheck);
    if (compiled !== null) {
      m.finish(withBindings(compiled, bindings));
      return;
    }
    outcome = ruleOutcome(m.env.rulesSync(space, call), bindings);
  } else {
    m.tail(new CallFrame(call, returnType, bindings, depth, space, unchanged));
    return;
  }
  if (outcome.kind === 'not-reducible') {
    if (unchanged && call.children.length > 0 && isGroundAtom(call)) rememberNormalForm(call, space);
    m.finish([{ atom: call, bindings }]);
    return;
  }
  // (Values that overflow max-stack-depth go to the CallFrame, which reports it.)
  if (outcome.kind === 'values' && !m.overflow(depth, outcome.frames ?? RESULT_FRAMES)) {
    const all = outcome.results;
    if (returnType === ATOM_TYPE) {
      m.finish(withoutEmpty(all));
      return;
    }
    let count = 0;
    let one: Result | null = null;
    for (let i = 0; i < all.length; i++) {
      if (all[i]!.atom === EMPTY) continue;
      count++;
      one = all[i]!;
    }
    if (count === 0) {
      m.finish([]);
      return;
    }
    if (count === 1) {
      tailResult(m, call, returnType, one!.atom, one!.bindings, depth, space, mark, outcome.frames);
      return;
    }
  }
  m.tail(new CallFrame(call, returnType, bindings, depth, space, unchanged, outcome));
}

/** A tail call's one result (Empty: none), evaluated further when it is an expression. */
function tailResult(m: Machine, call: ExpressionAtom, returnType: Atom, atom: Atom, bindings: Bindings, depth: number, space: AtomSpace, mark: number, frames = RESULT_FRAMES): void {
  if (atom === EMPTY) {
    m.finish([]);
    return;
  }
  if (resultOverflows(m, depth, atom, frames)) {
    m.finish([{ atom: stackOverflow(atom), bindings }]);
    return;
  }
  if (returnType === ATOM_TYPE) {
    m.finish([{ atom, bindings }]);
    return;
  }
  if (atom.kind !== AtomKind.Expression && atom.kind !== AtomKind.Variable) {
    m.finish(atom === NOT_REDUCIBLE_RESULT ? [{ atom: call, bindings }] : castResults(m.env, space, atom, returnType, bindings));
    return;
  }
  const started = startMetta(m, atom, returnType, dropUnreachable(bindings, atom, mark), deeper(m.env.settings, depth, frames), space);
  if (started instanceof Frame) m.tail(started);
  else m.finish(started);
}

/** Results of the compiled tier (evaluated already) as results with the call's bindings. */
function withBindings(atoms: readonly Atom[], bindings: Bindings): Result[] {
  const out = new Array<Result>(atoms.length);
  for (let i = 0; i < atoms.length; i++) out[i] = { atom: atoms[i]!, bindings };
  return out;
}

/** The results that are not Empty (a new array: callers may keep it). */
function withoutEmpty(results: readonly Result[]): Result[] {
  if (results.length === 1) return results[0]!.atom === EMPTY ? [] : [results[0]!];
  return results.filter((r) => r.atom !== EMPTY);
}

/** Runs a built-in: its outcome, with a thrown error as the error result. */
function executeBuiltin(m: Machine, builtin: Builtin, call: ExpressionAtom, bindings: Bindings, space: AtomSpace): Outcome {
  if (m.env.writerCalled(builtin)) throw new SpeculationAborted(builtin.name);
  try {
    return builtin.execute(call.children.slice(1), { env: m.env, call, bindings, space });
  } catch (e) {
    return thrownOutcome(e, call, bindings);
  }
}

/** What a built-in (or its continuation) threw, as the call's error result; a stop of the evaluation goes on up. */
function thrownOutcome(e: unknown, call: ExpressionAtom, bindings: Bindings): Outcome {
  if (e instanceof MettaError) return { kind: 'values', results: [{ atom: errorAtom(call, e.payload), bindings }] };
  if (e instanceof EvaluationStopped || e instanceof SpeculationAborted) throw e;
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'values', results: [{ atom: errorAtom(call, sym(message)), bindings }] };
}

/** A malformed minimal MeTTa instruction, as the reference reports it. */
function malformed(call: ExpressionAtom, shape: string): Atom {
  return errorAtom(call, sym(`expected: ${shape}, found: ${formatAtom(call)}`));
}

/**
 * A call whose operation is a variable — `($f a)`, or `(($f a) b)` through nested heads — is not
 * reduced: no rule is looked up, as in the reference interpreter's `query` (built without its
 * `variable_operation` feature, the default), where such a call is NotReducible.
 */
export function isVariableOperation(call: ExpressionAtom): boolean {
  let head = call.children[0];
  while (head !== undefined && head.kind === AtomKind.Expression) head = head.children[0];
  return head !== undefined && head.kind === AtomKind.Variable;
}

/** The rules' answers as an outcome: each body with the call's bindings and the rule's merged. */
function ruleOutcome(answers: RuleAnswer[], bindings: Bindings): Outcome {
  if (answers.length === 0) return { kind: 'not-reducible' };
  if (answers.length === 1) {
    const answer = answers[0]!;
    const merged = answer.bindings.size === 0 ? bindings : bindings.merge(answer.bindings);
    return { kind: 'values', results: merged === null ? [] : [{ atom: answer.atom, bindings: merged }] };
  }
  const results: Result[] = [];
  for (const answer of answers) {
    const merged = answer.bindings.size === 0 ? bindings : bindings.merge(answer.bindings);
    if (merged === null) continue;
    results.push({ atom: answer.atom, bindings: merged });
  }
  return { kind: 'values', results };
}

/**
 * What the first step of a MettaFrame does, without the frame: the result when there is nothing
 * to evaluate, else the frame that evaluates `atom` (its fresh mark as the MettaFrame's would be).
 */
function startMetta(m: Machine, atom0: Atom, type: Atom, bindings: Bindings, depth: number, space: AtomSpace, resolved = false): Frame | Result[] {
  const mark = freshCount();
  const atom = bindings.size > 0 && !resolved ? bindings.resolve(atom0) : atom0;
  if (m.overflow(depth)) return [{ atom: stackOverflow(atom), bindings }];
  if (type === ATOM_TYPE || atom.kind === AtomKind.Variable || metaType(atom) === type) return [{ atom, bindings }];
  if (atom.kind !== AtomKind.Expression || atom.children.length === 0) return castResults(m.env, space, atom, type, bindings);
  if (type === UNDEFINED && m.env.settings.maxStackDepth === null && (isKnownNormalForm(atom, space) || provenNormalForm(m.env, space, atom))) return [{ atom, bindings }];
  // Errors are values: never evaluated further.
  if (atom.children[0] === ERROR) return [{ atom, bindings }];
  if (expressionOverflows(m.env.settings, depth, atom.children.length)) return [{ atom: stackOverflow(atom), bindings }];
  const head = atom.children[0]!;
  let fnType: Atom | null = null;
  let several = false;
  if (head.kind === AtomKind.Symbol) {
    for (const t of m.types(space).declaredTypes(head)) {
      if (!isFunctionType(t)) continue;
      if (fnType === null) fnType = t;
      else several = true;
    }
  } else if (head.kind === AtomKind.Grounded) {
    const t = head.typeAtom();
    if (isFunctionType(t)) fnType = t;
  }
  // Several function types: a MettaFrame tries each.
  const frame: Frame = several ? new MettaFrame(atom, type, bindings, depth, space) : new ApplyFrame(atom, fnType, type, bindings, depth, space, true);
  frame.freshMark = mark;
  return frame;
}

/**
 * The call step: run a built-in, or query the space for `(= call $X)` and fire every matching
 * rule in definition order; then evaluate each result again (unless the return type is `Atom`).
 */
class CallFrame extends Frame {
  private continuation: ((results: Result[]) => Outcome) | ((answers: Bindings[]) => Outcome) | ((answers: RuleAnswer[]) => Outcome) | null = null;
  private reevaluate: readonly Result[] = NO_RESULTS;
  private next = -1;
  private collected: Result[] | null = null;
  private started = false;

  constructor(
    private readonly call: ExpressionAtom,
    private readonly returnType: Atom,
    private readonly bindings: Bindings,
    depth: number,
    space: AtomSpace,
    /** The call is the expression as it was given: every element evaluated to itself. */
    private readonly unchanged = false,
    /** The outcome of the call, already run (the frame's first step acts on it). */
    outcome: Outcome | null = null,
  ) {
    super(depth, space);
    if (outcome !== null) {
      this.started = true;
      this.pendingOutcome = outcome;
    }
  }

  step(m: Machine): void {
    if (!this.started) {
      this.started = true;
      const head = this.call.children[0]!;
      const builtin = head.kind === AtomKind.Symbol ? m.env.builtin(head) : undefined;
      if (builtin !== undefined) {
        this.handle(m, executeBuiltin(m, builtin, this.call, this.bindings, this.space));
        return;
      }
      if (isVariableOperation(this.call)) {
        this.notReducible(m);
        return;
      }
      if (m.rulesInline) {
        const compiled = this.returnType === ATOM_TYPE || this.depth <= m.fanOutDepth ? null : compiledCall(m.env, this.space, this.call, this.returnType, m.limitCheck);
        if (compiled !== null) {
          m.finish(withBindings(compiled, this.bindings));
          return;
        }
        this.handle(m, ruleOutcome(m.env.rulesSync(this.space, this.call), this.bindings));
        return;
      }
      this.continuation = (answers: RuleAnswer[]) => ruleOutcome(answers, this.bindings);
      m.lookupRules(this.space, this.call);
      return;
    }
    if (this.pendingOutcome !== null) {
      const outcome = this.pendingOutcome;
      this.pendingOutcome = null;
      this.handle(m, outcome);
      return;
    }
    this.reevaluateNext(m);
  }

  /** Acts on a built-in's (or the rule lookup's) outcome. */
  private handle(m: Machine, outcome: Outcome): void {
    switch (outcome.kind) {
      case 'not-reducible':
        this.notReducible(m);
        return;
      case 'eval':
        this.continuation = outcome.then;
        m.push(new MettaFrame(outcome.atom, outcome.type, outcome.bindings, deeper(m.env.settings, this.depth, outcome.frames ?? EVAL_FRAMES), outcome.space ?? this.space));
        return;
      case 'query':
        this.continuation = outcome.then;
        m.query(outcome.space, outcome.pattern);
        return;
      case 'values': {
        const frames = outcome.frames ?? RESULT_FRAMES;
        this.resultFrames = frames;
        let results = outcome.results.filter((r) => r.atom !== EMPTY);
        if (m.overflow(this.depth, frames)) results = results.map((r) => (resultOverflows(m, this.depth, r.atom, frames) ? { atom: stackOverflow(r.atom), bindings: r.bindings } : r));
        if (this.returnType === ATOM_TYPE) {
          m.finish(results.slice());
          return;
        }
        if (results.length === 1) {
          const r = results[0]!;
          if (r.atom.kind !== AtomKind.Expression && r.atom.kind !== AtomKind.Variable) {
            m.finish(r.atom === NOT_REDUCIBLE_RESULT ? [{ atom: this.call, bindings: r.bindings }] : castResults(m.env, this.space, r.atom, this.returnType, r.bindings));
            return;
          }
          const started = startMetta(m, r.atom, this.returnType, dropUnreachable(r.bindings, r.atom, this.freshMark), deeper(m.env.settings, this.depth, frames), this.space);
          if (started instanceof Frame) m.tail(started);
          else m.finish(started);
          return;
        }
        this.reevaluate = results;
        this.next = 0;
        if (results.length >= 2 && this.depth <= m.fanOutDepth && worthFanningOut(results)) {
          m.fanOut(this.space, results, this.returnType, deeper(m.env.settings, this.depth, frames));
          return;
        }
        this.reevaluateNext(m);
        return;
      }
    }
  }

  /** No rule and no built-in applies: the call is its own result, and a normal form. */
  private notReducible(m: Machine): void {
    if (this.unchanged && this.call.children.length > 0 && isGroundAtom(this.call)) rememberNormalForm(this.call, this.space);
    m.finish([{ atom: this.call, bindings: this.bindings }]);
  }

  private reevaluateNext(m: Machine): void {
    if (this.next < 0) throw new Error('CallFrame stepped while waiting');
    if (this.next >= this.reevaluate.length) {
      m.finish(dropErrorsIfAnySucceeded(this.collected ?? []));
      return;
    }
    const r = this.reevaluate[this.next++]!;
    if (r.atom === NOT_REDUCIBLE_RESULT) {
      (this.collected ??= []).push({ atom: this.call, bindings: r.bindings });
      this.reevaluateNext(m);
      return;
    }
    m.push(new MettaFrame(r.atom, this.returnType, r.bindings, deeper(m.env.settings, this.depth, this.resultFrames), this.space));
  }

  override receive(results: Result[]): void {
    if (this.continuation !== null) {
      this.resume(results);
      return;
    }
    const collected = (this.collected ??= []);
    for (const r of results) collected.push(r);
  }

  /** Runs the built-in's continuation on what it waited for; what it throws (a malformed `case`) is the call's error. */
  private resume(arg: Result[] | Bindings[] | RuleAnswer[]): void {
    const then = this.continuation as (arg: Result[] | Bindings[] | RuleAnswer[]) => Outcome;
    this.continuation = null;
    try {
      this.pendingOutcome = then(arg);
    } catch (e) {
      this.pendingOutcome = thrownOutcome(e, this.call, this.bindings);
    }
  }

  override receiveAnswers(answers: Bindings[]): void {
    this.resume(answers);
  }

  override receiveFanOut(results: readonly Result[][]): void {
    const collected = (this.collected ??= []);
    for (const rs of results) for (const r of rs) collected.push(r);
    this.next = this.reevaluate.length; // every alternative is done: the next step finishes
  }

  override receiveRules(answers: RuleAnswer[]): void {
    this.resume(answers);
  }

  private pendingOutcome: Outcome | null = null;
  /** Reference frames between the call and the evaluation of its results (stack-depth.ts). */
  private resultFrames = RESULT_FRAMES;
}
