// The compiled form of a rule body: a tree of nodes, each evaluating its sub-expression over the
// rule's variables held in a frame of slots. Every value a node sees is ground and in normal form
// (re-evaluating it gives itself), so a body evaluates to exactly what the interpreter would give,
// without bindings, renaming or frames on the heap. Anything the tree does not cover exactly (a
// value of an unexpected type, an error, a recursion too deep for the JavaScript stack) throws
// `Bail`, and the caller evaluates the call with the interpreter instead. Starting again loses
// nothing: the only side effects, space writes, are queued and made when the whole call has
// returned (a bail drops them), and a query while writes are queued bails (space-ops.ts).
//
// Results are `Vals`: one atom when there is exactly one result (the usual case, no allocation),
// else an array of zero or at least two, in the interpreter's order (SPEC §4).

import { type Atom, AtomKind, BoolAtom, expr, type ExpressionAtom, type GroundedAtom } from '../../core/index.js';
import { Bindings } from '../../core/index.js';
import type { Builtin } from '../builtin.js';
import type { AtomSpace } from '../../space/index.js';
import type { Environment } from '../environment.js';
import { argumentFits, isMetaType, type TypeIndex, typeFits, UNDEFINED } from '../types.js';
import { EMPTY_SYMBOL } from './symbols.js';

/** One atom, or an array of zero or at least two (never of one). Arrays are never mutated once returned. */
export type Vals = Atom | Atom[];

export const NO_VALS: Atom[] = [];

/** Thrown when the compiled evaluation cannot be sure of the interpreter's answer. Not an Error: no stack is captured. */
export class Bail {
  constructor(readonly reason: string) {}
}

export function bail(reason: string): never {
  throw new Bail(reason);
}

/** What nodes need from the tier that runs them. */
export interface Runtime {
  readonly env: Environment;
  readonly space: AtomSpace;
  readonly index: TypeIndex;
  /** Whether `atom` is a ground normal form (re-evaluating it gives itself); remembers the answer. */
  isNormal(atom: Atom): boolean;
  /** Marks an expression just built from normal forms under a constructor head as a normal form. */
  markNormal(atom: ExpressionAtom): void;
  /** Whether an expression with this head and `arity` elements is not reducible (no rule, no built-in, no type). */
  isConstructorHead(head: Atom, arity: number): boolean;
  /** Writes queued so far (a count that only grows). */
  readonly writeCount: number;
  /** `match`'s results now: `template` per answer to `pattern` in `space`; Bail while writes are queued (the query must see them). */
  matchNow(space: AtomSpace, pattern: Atom, template: Atom): Atom[];
  /**
   * Queues the write `op` (`add-atom`, `remove-atom`) of `atom` to `space`, made when the
   * compiled call returns; a bail drops it (the interpreter, starting again, makes it itself).
   * Bail when the atom could be a rule or a type declaration (the rest of the call would need them).
   */
  queueWrite(op: Builtin, space: AtomSpace, atom: Atom, remove: boolean): void;
}

/**
 * Whether a value may stand where a function declares the (variable-free, non-meta) type `type`,
 * by the interpreter's checks (`argumentFits` before a call, `typeCast` of a result) where they
 * are decided by the value alone: a grounded value of exactly that type; a symbol or a
 * constructor application with no declared type (%Undefined%, which fits anything). Anything else
 * (a supertype, a declared symbol) is not decided here: false, and the caller bails.
 */
export function valueFits(value: Atom, type: Atom, index: TypeIndex): boolean {
  switch (value.kind) {
    case AtomKind.Grounded:
      return (value as GroundedAtom).typeAtom() === type;
    case AtomKind.Symbol:
      return index.declaredTypes(value).length === 0;
    case AtomKind.Expression: {
      const head = value.children[0];
      return head !== undefined && head.kind === AtomKind.Symbol && index.declaredTypes(head).length === 0;
    }
    default:
      return false;
  }
}

export function isMany(v: Vals): v is Atom[] {
  return Array.isArray(v);
}

export function append(out: Atom[], v: Vals): void {
  if (isMany(v)) for (let i = 0; i < v.length; i++) out.push(v[i]!);
  else out.push(v);
}

export function asVals(out: Atom[]): Vals {
  return out.length === 1 ? out[0]! : out;
}

/** What a call in a last position hands back to its rule set instead of calling (rule-set.ts runs it in place). */
export class TailCall {
  constructor(
    readonly target: { invoke(args: Atom[]): Vals },
    readonly args: Atom[],
  ) {}
  /** The body's results, given the call's. */
  finish(v: Vals): Vals {
    return v;
  }
}

/**
 * A call that is the one evaluated element of a constructor or pure built-in application in a
 * last position (`(S (mk (- $n 1)))`, `(+ 1 (cnt $x))`): handed back like a tail call, with the
 * application to finish once the call's results are known. The rule set's loop keeps these on a
 * stack of its own, so a deep non-tail recursion grows an array, not the JavaScript stack.
 */
export class ContextCall extends TailCall {
  /** The result types the calls before this one in the loop are checked against (rule-set.ts). */
  rets: Atom[] | null = null;
  constructor(
    target: { invoke(args: Atom[]): Vals },
    args: Atom[],
    private readonly context: ContextNode,
    /** The frame the application's other elements are read from (owned: the loop takes a new one). */
    private readonly frame: Atom[],
  ) {
    super(target, args);
  }
  override finish(v: Vals): Vals {
    return this.context.resume(v, this.frame);
  }
}

/** An application that can wait for the results of its one evaluated element (`ContextCall`). */
interface ContextNode {
  resume(v: Vals, frame: Atom[]): Vals;
}

export abstract class Node {
  abstract eval(frame: Atom[]): Vals;
  /**
   * The node's results where they are the rule body's results (a last position): a call may
   * then be handed back as a TailCall. Only a rule set's body is evaluated this way, and only
   * `if` and `let` pass it on, where they return one branch's results unchanged.
   */
  evalTail(frame: Atom[]): Vals | TailCall {
    return this.eval(frame);
  }
}

/** The element a `ContextCall` waits for, as its application reads it when resumed. */
class HoleNode extends Node {
  value: Vals = NO_VALS;
  eval(): Vals {
    return this.value;
  }
}

/**
 * The elements an application evaluates again when it resumes: the same, with a hole in place
 * of the one that waited. Only Const and Slot nodes besides it (`contextHole`), so evaluating
 * them again, after the call instead of before, gives the same values and does nothing else.
 */
function withHole(elements: readonly Node[], hole: number): { nodes: Node[]; hole: HoleNode } {
  const node = new HoleNode();
  const nodes = elements.slice();
  nodes[hole] = node;
  return { nodes, hole: node };
}

/** The hand-back of an application's waiting element: a ContextCall, or the application finished at once. */
function waitFor(context: ContextNode, call: Vals | TailCall, frame: Atom[]): Vals | TailCall {
  if (!(call instanceof TailCall)) return context.resume(call, frame);
  return new ContextCall(call.target, call.args, context, frame);
}

export class ConstNode extends Node {
  constructor(readonly atom: Atom) {
    super();
  }
  eval(): Vals {
    return this.atom;
  }
}

export class EmptyNode extends Node {
  eval(): Vals {
    return NO_VALS;
  }
}

export class SlotNode extends Node {
  constructor(readonly slot: number) {
    super();
  }
  eval(frame: Atom[]): Vals {
    return frame[this.slot]!;
  }
}

/**
 * The interpreter checks every argument of a typed call before evaluating any
 * (`ApplyFrame.prepare`): a value or variable by its value, an application by the type it
 * declares. The nodes check values once evaluated, which is the same check — except when an
 * argument has no values, so the call has none and nothing is checked. Then this makes the
 * interpreter's check, and bails where it could fail (the interpreter reports the error).
 */
export class ArgumentPreCheck {
  constructor(
    private readonly args: readonly Node[],
    private readonly types: readonly Atom[],
    /** Per argument that is an application: the type it declares, when known (null: none to check). */
    private readonly declared: readonly (Atom | null)[],
    private readonly rt: Runtime,
  ) {}

  run(frame: Atom[]): void {
    const index = this.rt.index;
    const typeBindings = new Bindings();
    for (let i = 0; i < this.args.length; i++) {
      const node = this.args[i]!;
      const type = this.types[i]!;
      if (type === UNDEFINED) continue;
      if (node instanceof SlotNode || node instanceof ConstNode) {
        if (!argumentFits(index, node.eval(frame) as Atom, type, typeBindings)) bail('an argument of another type beside one with no values');
        continue;
      }
      const d = this.declared[i]!;
      if (d !== null && !typeFits(index, type, d, typeBindings)) bail('an argument of another type beside one with no values');
    }
    if (boundToMetaType(this.types, typeBindings)) bail('an argument type bound to a meta-type');
  }
}

/**
 * Whether checking the arguments bound a type variable of theirs to a meta-type (`cdr-atom`'s
 * Expression): the interpreter then passes the arguments of that type unevaluated.
 */
function boundToMetaType(types: readonly Atom[], typeBindings: Bindings): boolean {
  if (typeBindings.size === 0) return false;
  for (const t of types) if (t.kind !== AtomKind.Symbol && isMetaType(typeBindings.resolve(t))) return true;
  return false;
}

/**
 * The elements of an application evaluated left to right, as the interpreter forms their
 * combinations: the first element with no result ends it (later ones are not evaluated), and the
 * combinations come in lexicographic order, the first element outermost. Each element is
 * evaluated once: it cannot depend on its siblings' values. The interpreter evaluates an element
 * once per combination of the earlier ones' values, which is the same unless it writes to a
 * space: an element that queues writes after an earlier one had several values bails.
 */
export function evalElements(nodes: readonly Node[], frame: Atom[], rt: Runtime): Vals[] | null {
  const out = new Array<Vals>(nodes.length);
  let several = false;
  for (let i = 0; i < nodes.length; i++) {
    const writes = rt.writeCount;
    const v = nodes[i]!.eval(frame);
    if (several && rt.writeCount !== writes) bail('a write in an element evaluated once for several combinations');
    if (isMany(v)) {
      if (v.length === 0) return null;
      several = true;
    }
    out[i] = v;
  }
  return out;
}

/** Whether every element has exactly one value. */
export function allSingle(vals: readonly Vals[]): vals is Atom[] {
  for (let i = 0; i < vals.length; i++) if (isMany(vals[i]!)) return false;
  return true;
}

/** `apply` of every combination of the elements' values, in the interpreter's order, concatenated. */
export function product(vals: readonly Vals[], apply: (items: Atom[]) => Vals): Vals {
  const n = vals.length;
  const lists = vals.map((v) => (isMany(v) ? v : [v]));
  const index = new Array<number>(n).fill(0);
  const out: Atom[] = [];
  for (;;) {
    const items = new Array<Atom>(n);
    for (let i = 0; i < n; i++) items[i] = lists[i]![index[i]!]!;
    append(out, apply(items));
    let i = n - 1;
    while (i >= 0 && ++index[i]! === lists[i]!.length) index[i--] = 0;
    if (i < 0) break;
  }
  return asVals(out);
}

/** `(if cond then else)`: the branch chosen by each value of the condition. */
export class IfNode extends Node {
  constructor(
    private readonly cond: Node,
    private readonly then: Node,
    private readonly otherwise: Node,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const c = this.cond.eval(frame);
    return isMany(c) ? this.each(c, frame) : this.branch(c).eval(frame);
  }
  override evalTail(frame: Atom[]): Vals | TailCall {
    const c = this.cond.eval(frame);
    return isMany(c) ? this.each(c, frame) : this.branch(c).evalTail(frame);
  }
  /** The branches of several values of the condition (evaluated once: it may have queued writes). */
  private each(c: Atom[], frame: Atom[]): Vals {
    const out: Atom[] = [];
    for (const value of c) append(out, this.branch(value).eval(frame));
    return asVals(out);
  }
  private branch(c: Atom): Node {
    if (c === BoolAtom.TRUE) return this.then;
    if (c === BoolAtom.FALSE) return this.otherwise;
    bail('an if condition that is not True or False');
  }
}

/** `(let $x value body)`: the body once per value, with the value in the variable's slot. */
export class LetNode extends Node {
  constructor(
    private readonly slot: number,
    private readonly value: Node,
    private readonly body: Node,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const v = this.value.eval(frame);
    if (!isMany(v)) {
      frame[this.slot] = v;
      return this.body.eval(frame);
    }
    return this.each(v, frame);
  }
  override evalTail(frame: Atom[]): Vals | TailCall {
    const v = this.value.eval(frame);
    if (!isMany(v)) {
      frame[this.slot] = v;
      return this.body.evalTail(frame);
    }
    return this.each(v, frame);
  }
  private each(v: Atom[], frame: Atom[]): Vals {
    const out: Atom[] = [];
    for (const value of v) {
      frame[this.slot] = value;
      append(out, this.body.eval(frame));
    }
    return asVals(out);
  }
}

/** `(superpose (a b ...))` written out: each element's results in turn. */
export class SuperposeNode extends Node {
  constructor(private readonly items: readonly Node[]) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const out: Atom[] = [];
    for (const item of this.items) append(out, item.eval(frame));
    return asVals(out);
  }
}

/** `(superpose $x)`: the elements of the variable's value (normal forms: they evaluate to themselves). */
export class SuperposeSlotNode extends Node {
  constructor(private readonly slot: number) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const v = frame[this.slot]!;
    if (v.kind !== AtomKind.Expression) bail('superpose of a value that is not an expression');
    const out: Atom[] = [];
    for (const c of v.children) if (c !== EMPTY_SYMBOL) out.push(c);
    return asVals(out);
  }
}

/** `(collapse atom)`: one expression of all the results (in normal form, else the interpreter decides). */
export class CollapseNode extends Node {
  constructor(
    private readonly inner: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const v = this.inner.eval(frame);
    const tuple = expr(isMany(v) ? v.slice() : [v]);
    if (!this.rt.isNormal(tuple)) bail('a collapse whose results would evaluate further');
    return tuple;
  }
}

/**
 * An application over `elements` that, in a last position, can wait for its one evaluated
 * element (`hole`, from `contextHole`; -1: none) instead of calling it (`ContextCall`).
 */
abstract class WaitingApplication extends Node implements ContextNode {
  private readonly resumed: { nodes: Node[]; hole: HoleNode } | null;

  constructor(
    private readonly elements: readonly Node[],
    private readonly hole: number,
  ) {
    super();
    this.resumed = hole >= 0 ? withHole(elements, hole) : null;
  }
  /** The application's results with its elements evaluated by `elements` (its own, or with a hole). */
  protected abstract evalOver(elements: readonly Node[], frame: Atom[]): Vals;
  eval(frame: Atom[]): Vals {
    return this.evalOver(this.elements, frame);
  }
  override evalTail(frame: Atom[]): Vals | TailCall {
    if (this.hole < 0) return this.eval(frame);
    return waitFor(this, this.elements[this.hole]!.evalTail(frame), frame);
  }
  resume(v: Vals, frame: Atom[]): Vals {
    const { nodes, hole } = this.resumed!;
    hole.value = v;
    try {
      return this.evalOver(nodes, frame);
    } finally {
      hole.value = NO_VALS;
    }
  }
}

/** An expression whose head no rule, built-in or type reduces: its elements evaluated, the expression rebuilt. */
export class ConstructNode extends WaitingApplication {
  constructor(
    elements: readonly Node[],
    private readonly rt: Runtime,
    /** The element that may hand back a call in a last position (`contextHole`); -1: none. */
    hole = -1,
  ) {
    super(elements, hole);
  }
  protected evalOver(elements: readonly Node[], frame: Atom[]): Vals {
    const vals = evalElements(elements, frame, this.rt);
    if (vals === null) return NO_VALS;
    if (allSingle(vals)) return this.build(vals);
    return product(vals, (items) => this.build(items));
  }
  private build(items: Atom[]): Atom {
    const e = expr(items);
    this.rt.markNormal(e);
    return e;
  }
}

/**
 * A pure built-in (arithmetic, comparison, logic) over its arguments' values. The interpreter
 * checks each value against the declared argument type before the call; here a value of exactly
 * the declared (variable-free) type passes at once, two values of one type pass a `(-> $t $t …)`
 * type, and anything else gets the interpreter's own check. A failed check, an error, a result
 * that is not one plain value: Bail.
 */
export class PureCallNode extends WaitingApplication {
  /** Per argument: the declared type when variable-free, else null (the general check). */
  private readonly exact: (Atom | null)[];
  /** The arguments are declared with one and the same type variable (`==`). */
  private readonly sameVariable: boolean;
  private readonly binary: ((a: Atom, b: Atom) => Atom | null) | null;

  constructor(
    private readonly op: Builtin,
    private readonly head: Atom,
    args: readonly Node[],
    private readonly argTypes: readonly Atom[],
    private readonly ret: Atom,
    private readonly rt: Runtime,
    /**
     * Per argument, the type the interpreter checks before evaluating it when that is not its
     * value's own (a declared function's result type, `cdr-atom`'s Expression); null: the value's.
     */
    private readonly staticTypes: readonly (Atom | null)[],
    private readonly preCheck: ArgumentPreCheck,
    /** The argument that may hand back a call in a last position (`contextHole`); -1: none. */
    hole = -1,
  ) {
    super(args, hole);
    this.exact = argTypes.map((t) => (t.kind === AtomKind.Variable || (t.kind === AtomKind.Expression && !isVariableFree(t)) ? null : t));
    const [t0, t1] = argTypes;
    this.sameVariable = argTypes.length === 2 && t0!.kind === AtomKind.Variable && t1!.kind === AtomKind.Variable && t0!.name === t1!.name;
    this.binary = op.binary !== undefined && args.length === 2 ? op.binary : null;
  }

  protected evalOver(args: readonly Node[], frame: Atom[]): Vals {
    if (this.binary !== null) {
      const a = args[0]!.eval(frame);
      if (isMany(a)) return a.length === 0 ? this.none(frame) : this.general([a, this.second(args, frame)], frame);
      const b = args[1]!.eval(frame);
      if (isMany(b)) return b.length === 0 ? this.none(frame) : this.general([a, b], frame);
      return this.apply2(a, b);
    }
    const vals = evalElements(args, frame, this.rt);
    if (vals === null) return this.none(frame);
    if (allSingle(vals)) return this.applyN(vals);
    return product(vals, (items) => this.applyN(items));
  }

  /** The second argument's values after the first had several (`evalElements`: a write there bails). */
  private second(args: readonly Node[], frame: Atom[]): Vals {
    const writes = this.rt.writeCount;
    const b = args[1]!.eval(frame);
    if (this.rt.writeCount !== writes) bail('a write in an element evaluated once for several combinations');
    return b;
  }

  /** An argument had no values: so has the call, once the interpreter's checks before evaluation pass. */
  private none(frame: Atom[]): Vals {
    this.preCheck.run(frame);
    return NO_VALS;
  }

  private general(vals: Vals[], frame: Atom[]): Vals {
    if (isMany(vals[1]!) && vals[1].length === 0) return this.none(frame);
    return product(vals, (items) => this.apply2(items[0]!, items[1]!));
  }

  private apply2(a: Atom, b: Atom): Vals {
    if (!this.fits2(a, b)) this.checkSlowly([a, b]);
    let v: Atom | null;
    try {
      v = this.binary!(a, b);
    } catch {
      bail(`${this.op.name} failed`);
    }
    return this.value(v);
  }

  private fits2(a: Atom, b: Atom): boolean {
    if (a.kind !== AtomKind.Grounded || b.kind !== AtomKind.Grounded) return false;
    const ta = (a as GroundedAtom).typeAtom();
    const tb = (b as GroundedAtom).typeAtom();
    if (this.sameVariable) return ta === tb;
    return ta === this.exact[0] && tb === this.exact[1];
  }

  private applyN(items: Atom[]): Vals {
    let fast = true;
    for (let i = 0; fast && i < items.length; i++) {
      const it = items[i]!;
      fast = it.kind === AtomKind.Grounded && (it as GroundedAtom).typeAtom() === this.exact[i];
    }
    if (!fast) this.checkSlowly(items);
    const call = expr([this.head, ...items]);
    let outcome;
    try {
      outcome = this.op.execute(items, { env: this.rt.env, call, bindings: Bindings.EMPTY, space: this.rt.space });
    } catch {
      bail(`${this.op.name} failed`);
    }
    if (outcome.kind !== 'values' || outcome.results.length !== 1) bail(`${this.op.name} gave no single value`);
    return this.value(outcome.results[0]!.atom);
  }

  /** The interpreter's check of argument values against the declared types (ApplyFrame.prepare). */
  private checkSlowly(items: readonly Atom[]): void {
    const typeBindings = new Bindings();
    const index = this.rt.index;
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const st = this.staticTypes[i]!;
      if (st !== null) {
        if (!typeFits(index, this.argTypes[i]!, st, typeBindings)) bail(`${this.op.name} of an argument of another type`);
        continue;
      }
      if (it.kind === AtomKind.Variable) bail(`${this.op.name} of a variable`);
      // The interpreter checks the same atom: a value is its argument as written, with values for variables.
      if (!argumentFits(index, it, this.argTypes[i]!, typeBindings)) bail(`${this.op.name} of an argument of another type`);
    }
    if (boundToMetaType(this.argTypes, typeBindings)) bail(`${this.op.name} with an argument type bound to a meta-type`);
  }

  private value(v: Atom | null): Vals {
    if (v === null || v.kind === AtomKind.Expression || v.kind === AtomKind.Variable) bail(`${this.op.name} is not reducible here`);
    if (v === EMPTY_SYMBOL) return NO_VALS;
    if (v.kind !== AtomKind.Grounded || (v as GroundedAtom).typeAtom() !== this.ret) bail(`${this.op.name} gave a value of another type than declared`);
    return v;
  }
}

function isVariableFree(t: Atom): boolean {
  if (t.kind === AtomKind.Variable) return false;
  if (t.kind === AtomKind.Expression) for (const c of t.children) if (!isVariableFree(c)) return false;
  return true;
}
