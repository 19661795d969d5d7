// A compiled rule set: every `(= (head p1 … pn) body)` of one head and arity, in definition order,
// each left side a matcher over the call's (ground) arguments and each body a node tree. Calling it
// fires the rules that match, in order, and concatenates their bodies' results; when none matches
// the call is its own result, as in the interpreter.

import { type Atom, AtomKind, atomEquals, expr, FloatAtom, type GroundedAtom, IntAtom } from '../../core/index.js';
import { Memo, PURE } from './memo.js';
import type { TypeIndex } from '../types.js';
import { append, ArgumentPreCheck, asVals, allSingle, bail, ConstNode, ContextCall, evalElements, isMany, Node, NO_VALS, product, type Runtime, SlotNode, TailCall, type Vals, valueFits } from './nodes.js';

/** What a rule set needs from its tier besides what nodes need: the depth and step accounting. */
export interface CallRuntime extends Runtime {
  /** Counts a call; Bail when the JavaScript stack would grow too deep, and the interpreter's limit checks. */
  enter(): void;
  leave(): void;
  /** Whether calls' results are memoized now (`pragma! memoize`). */
  readonly memoizing: boolean;
  /** Counts a call answered from a memo. */
  memoHit(): void;
  /** Calls entered so far (what a memo entry saves is measured in them). */
  readonly callCount: number;
  /** Queries of the tier's space and of other spaces so far (with `writeCount`, a memo keeps a call's results by what it did). */
  readonly readCount: number;
  readonly foreignReadCount: number;
  /** Counts a query of the tier's space answered from a memo (the caller depends on the space as much as if it had asked). */
  noteRead(): void;
  /** Whether writes are queued and not made yet (the space is not yet what the rest of the call will see). */
  readonly writesQueued: boolean;
  /** What a call with this head (a variable's value) runs in a position of this type; Bail when it stays with the interpreter. */
  targetOf(head: Atom, arity: number, position: Atom, valuesOnly: boolean): RuleSet | 'constructor';
}

export abstract class Pattern {
  abstract match(value: Atom, frame: Atom[]): boolean;
}

/** A variable's first occurrence: binds its slot. */
export class BindPattern extends Pattern {
  constructor(private readonly slot: number) {
    super();
  }
  match(value: Atom, frame: Atom[]): boolean {
    frame[this.slot] = value;
    return true;
  }
}

/** A variable seen before in the same left side: the value must equal the first one's. */
export class SamePattern extends Pattern {
  constructor(private readonly slot: number) {
    super();
  }
  match(value: Atom, frame: Atom[]): boolean {
    return atomEquals(frame[this.slot]!, value);
  }
}

export class SymbolPattern extends Pattern {
  constructor(readonly symbol: Atom) {
    super();
  }
  match(value: Atom): boolean {
    return value === this.symbol; // interned
  }
}

export class GroundedPattern extends Pattern {
  constructor(readonly grounded: GroundedAtom) {
    super();
  }
  match(value: Atom): boolean {
    return value.kind === AtomKind.Grounded && this.grounded.equals(value);
  }
}

export class ExpressionPattern extends Pattern {
  constructor(private readonly children: readonly Pattern[]) {
    super();
  }
  match(value: Atom, frame: Atom[]): boolean {
    if (value.kind !== AtomKind.Expression || value.children.length !== this.children.length) return false;
    for (let i = 0; i < this.children.length; i++) if (!this.children[i]!.match(value.children[i]!, frame)) return false;
    return true;
  }
}

/**
 * The one declared type `(-> A1 … An R)` of a function, every part a plain type symbol: per
 * argument its type (null for %Undefined%, which fits anything), and the result's.
 */
export interface Signature {
  readonly args: readonly (Atom | null)[];
  readonly ret: Atom | null;
}

export interface CompiledRule {
  /** One pattern per argument (the head is known to match). */
  readonly params: readonly Pattern[];
  readonly body: Node;
}

export class RuleSet {
  rules: readonly CompiledRule[] = [];
  /** Slots of the largest rule (a frame is shared by the rules of one call). */
  slots = 0;
  /** The results of calls made so far (memo.ts); null before the first memoized call, or once it stopped paying. */
  private memo: Memo | null = null;
  private memoDropped = false;
  /** A frame for checking whether later rules match, apart from the one being evaluated. */
  private scratch: Atom[] | null = null;
  /** First-argument index of a large set (`indexRules`); null: every rule is tried. */
  private firstIndex: FirstArgumentIndex | null = null;

  constructor(
    readonly head: Atom,
    /** Elements of a call, the head included. */
    readonly arity: number,
    readonly rt: CallRuntime,
    /** The function's declared type; null when it has none. */
    readonly signature: Signature | null,
    /** The type of the position its calls are evaluated in (%Undefined%, or a type symbol): an undeclared function's bodies are evaluated there. */
    readonly position: Atom,
  ) {}

  /**
   * The results of `(head ...args)`, arguments in normal form. Memoized: a call that wrote is
   * never kept (and its set stops memoizing: its calls are not pure); one that queried another
   * space neither; one that queried the tier's space is kept for the space's version then, and
   * answers again only while the space has that version and no write is queued.
   */
  invoke(args: Atom[]): Vals {
    const rt = this.rt;
    if (!rt.memoizing || this.memoDropped) return this.run(args);
    const memo = (this.memo ??= new Memo());
    const hit = memo.get(args);
    if (hit !== undefined) {
      if (hit.version === PURE) {
        rt.memoHit();
        return hit.vals;
      }
      if (hit.version === rt.space.version && !rt.writesQueued) {
        rt.memoHit();
        rt.noteRead();
        return hit.vals;
      }
    }
    if (!memo.worthKeeping) {
      this.memo = null;
      this.memoDropped = true;
      return this.run(args);
    }
    const calls = rt.callCount;
    const writes = rt.writeCount;
    const reads = rt.readCount;
    const foreign = rt.foreignReadCount;
    const v = this.run(args);
    if (rt.writeCount !== writes) {
      this.memo = null;
      this.memoDropped = true;
    } else if (rt.foreignReadCount === foreign) memo.set(args, v, rt.callCount - calls, rt.readCount === reads ? PURE : rt.space.version);
    return v;
  }

  /**
   * The call's results: its rules' results, or — when the one rule that applies ends in a call
   * (a last call) — that call's, evaluated in its place: a loop, not a deeper stack, so a
   * tail-recursive loop runs in constant depth. A declared function's arguments are checked
   * when it is entered, its results (and those of every declared function it handed its last
   * call to) when the loop ends: the checks the interpreter makes, by value.
   */
  private run(args: Atom[]): Vals {
    const index = this.rt.index;
    let set: RuleSet = this;
    let rets: Atom[] | null = null;
    // One frame for the whole loop: a body that handed back its last call is done with its slots
    // (the call's arguments are values), and every slot is bound before it is read. A body that
    // waits for its call (a ContextCall) keeps its frame, and the loop takes a new one.
    let frame: Atom[] | null = null;
    // The applications waiting for the calls they handed back, innermost last; each with the
    // result types of its own part of the loop, checked when its results are known.
    let waiting: ContextCall[] | null = null;
    for (;;) {
      if (frame === null || frame.length < set.slots) frame = new Array<Atom>(set.slots);
      const signature = set.signature;
      if (signature !== null) {
        checkArguments(args, signature, index);
        const ret = signature.ret;
        if (ret !== null && (rets === null || !rets.includes(ret))) (rets ??= []).push(ret);
      }
      const v = set.fire(args, frame);
      if (v instanceof TailCall) {
        if (v instanceof ContextCall) {
          v.rets = rets;
          rets = null;
          frame = null;
          (waiting ??= []).push(v);
        }
        set = v.target as RuleSet;
        args = v.args;
        continue;
      }
      let result = v;
      for (;;) {
        if (rets !== null) for (const ret of rets) checkResults(result, ret, index);
        const w = waiting === null ? undefined : waiting.pop();
        if (w === undefined) return result;
        result = w.finish(result);
        rets = w.rets;
      }
    }
  }

  /**
   * Indexes a set of many rules by their first argument: a constant there (a symbol, a plain
   * value) lets a call try only the rules with that constant and those with anything else there
   * (a variable, a structure), in definition order. Called once its rules are compiled.
   */
  indexRules(): void {
    this.firstIndex = this.rules.length >= MIN_INDEXED_RULES && this.arity > 1 ? buildFirstIndex(this.rules) : null;
  }

  /** The rules that match, in order, their results concatenated; a last call handed back when it alone makes the results. */
  private fire(args: Atom[], frame: Atom[]): Vals | TailCall {
    const rt = this.rt;
    rt.enter();
    const rules = this.rules;
    const order = this.firstIndex === null ? null : this.firstIndex.candidates(args[0]!);
    const count = order === null ? rules.length : order.length;
    let first: Vals | null = null;
    let out: Atom[] | null = null;
    for (let k = 0; k < count; k++) {
      const rule = rules[order === null ? k : order[k]!]!;
      if (!matches(rule.params, args, frame)) continue;
      let v = rule.body.evalTail(frame);
      if (v instanceof TailCall) {
        if (first === null && this.noneMatchAfter(k, order, args)) {
          rt.leave();
          return v;
        }
        v = v.finish(v.target.invoke(v.args));
      }
      if (first === null) first = v;
      else {
        if (out === null) {
          out = [];
          append(out, first);
        }
        append(out, v);
      }
    }
    rt.leave();
    if (first === null) return this.unreduced(args);
    return out === null ? first : asVals(out);
  }

  /** Whether no rule after the `k`th tried (of `order`, or of all) matches these arguments (matched in a frame of their own). */
  private noneMatchAfter(k: number, order: readonly number[] | null, args: Atom[]): boolean {
    const rules = this.rules;
    const count = order === null ? rules.length : order.length;
    if (k === count - 1) return true;
    const scratch = (this.scratch ??= new Array<Atom>(this.slots));
    for (let j = k + 1; j < count; j++) if (matches(rules[order === null ? j : order[j]!]!.params, args, scratch)) return false;
    return true;
  }

  /** No rule applies: the call stands for itself (and evaluates to itself again). */
  private unreduced(args: Atom[]): Atom {
    // A declared function's call that stays: its type, not only its value, decides what it fits.
    if (this.signature !== null) bail('a call of a declared function that no rule reduces');
    const call = expr([this.head, ...args]);
    this.rt.markNormal(call);
    return call;
  }
}

/** Rule sets smaller than this try every rule: an index would not pay. */
const MIN_INDEXED_RULES = 8;

/** Per constant first argument, the rules a call with it may match, in order; `others` for any other argument. */
interface FirstArgumentIndex {
  candidates(arg: Atom): readonly number[];
}

/** A constant first pattern's key (`valueKey`); null for anything else. */
function constantKey(p: Pattern): unknown {
  if (p instanceof SymbolPattern) return p.symbol;
  if (p instanceof GroundedPattern) return groundedKey(p.grounded);
  return null;
}

/**
 * A key that equal values share (it may be shared by a few unequal ones: matching decides): the
 * atom for a symbol; for a number its value as a JavaScript number, since an integer equals the
 * float of its value; the intern key for another plain value; null for anything else.
 */
function valueKey(arg: Atom): unknown {
  if (arg.kind === AtomKind.Symbol) return arg;
  if (arg.kind === AtomKind.Grounded) return groundedKey(arg as GroundedAtom);
  return null;
}

function groundedKey(g: GroundedAtom): unknown {
  if (g instanceof IntAtom) return Number(g.value);
  if (g instanceof FloatAtom) return g.value;
  return g.internKey();
}

function buildFirstIndex(rules: readonly CompiledRule[]): FirstArgumentIndex {
  const others: number[] = [];
  const byKey = new Map<unknown, number[]>();
  for (let r = 0; r < rules.length; r++) {
    const key = constantKey(rules[r]!.params[0]!);
    if (key === null) {
      // A variable or a structure there: a candidate for every call, in its place.
      others.push(r);
      for (const list of byKey.values()) list.push(r);
    } else {
      let list = byKey.get(key);
      if (list === undefined) {
        list = [...others];
        byKey.set(key, list);
      }
      list.push(r);
    }
  }
  return {
    candidates(arg: Atom): readonly number[] {
      // A symbol matches only its own SymbolPattern, a value only a GroundedPattern of an equal value.
      const key = valueKey(arg);
      return (key === null ? undefined : byKey.get(key)) ?? others;
    },
  };
}

/** The interpreter's check of a declared function's arguments, by value: Bail when one is not decided at once. */
function checkArguments(args: readonly Atom[], signature: Signature, index: TypeIndex): void {
  for (let i = 0; i < args.length; i++) {
    const t = signature.args[i]!;
    if (t !== null && !valueFits(args[i]!, t, index)) bail(`an argument not of the declared type ${t}`);
  }
}

/** The interpreter's check of a declared function's results against its result type, by value. */
function checkResults(v: Vals, ret: Atom, index: TypeIndex): void {
  if (!isMany(v)) {
    if (!valueFits(v, ret, index)) bail(`a result not of the declared type ${ret}`);
    return;
  }
  for (let i = 0; i < v.length; i++) if (!valueFits(v[i]!, ret, index)) bail(`a result not of the declared type ${ret}`);
}

function matches(params: readonly Pattern[], args: Atom[], frame: Atom[]): boolean {
  for (let i = 0; i < params.length; i++) if (!params[i]!.match(args[i]!, frame)) return false;
  return true;
}

/**
 * An application whose head is a variable (`($f $x)`): what the call written with the
 * variable's value as its head would be (`CallRuntime.targetOf`, decided before the arguments
 * are evaluated, as the interpreter checks a built-in's or a declared function's arguments
 * before evaluating them) — a compiled set's call, or a constructor application built.
 */
export class ApplyNode extends Node {
  /** Every argument is a variable or a constant: a value whatever the position it is evaluated in. */
  private readonly valuesOnly: boolean;

  constructor(
    private readonly head: SlotNode,
    private readonly args: readonly Node[],
    /** The type of the position the application is in (an undeclared function's bodies are evaluated there). */
    private readonly position: Atom,
    private readonly rt: CallRuntime,
  ) {
    super();
    this.valuesOnly = args.every((a) => a instanceof SlotNode || a instanceof ConstNode);
  }
  eval(frame: Atom[]): Vals {
    const head = this.head.eval(frame) as Atom;
    const target = this.rt.targetOf(head, this.args.length + 1, this.position, this.valuesOnly);
    const vals = evalElements(this.args, frame, this.rt);
    if (vals === null) return NO_VALS;
    if (target !== 'constructor') {
      if (allSingle(vals)) return target.invoke(vals);
      return product(vals, (items) => target.invoke(items));
    }
    const build = (items: Atom[]): Atom => {
      const e = expr([head, ...items]);
      this.rt.markNormal(e);
      return e;
    };
    return allSingle(vals) ? build(vals) : product(vals, build);
  }
}

/**
 * The element of an application that may wait for its call (`ContextCall`): the one CallNode
 * among elements that are otherwise constants and variables; -1 when there is none.
 */
export function contextHole(elements: readonly Node[]): number {
  let hole = -1;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e instanceof ConstNode || e instanceof SlotNode) continue;
    if (!(e instanceof CallNode) || hole >= 0) return -1;
    hole = i;
  }
  return hole;
}

/** A call of a compiled rule set: the arguments' combinations, each invoked. */
export class CallNode extends Node {
  constructor(
    private readonly set: RuleSet,
    private readonly args: readonly Node[],
    /** A declared function's: the interpreter's argument checks when an argument has no values. */
    private readonly preCheck: ArgumentPreCheck | null = null,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const vals = evalElements(this.args, frame, this.set.rt);
    if (vals === null) return this.none(frame);
    if (allSingle(vals)) return this.set.invoke(vals);
    return product(vals, (items) => this.set.invoke(items));
  }

  /** In a last position, one combination of arguments: the call handed back to the calling rule set. */
  override evalTail(frame: Atom[]): Vals | TailCall {
    const vals = evalElements(this.args, frame, this.set.rt);
    if (vals === null) return this.none(frame);
    if (allSingle(vals)) return new TailCall(this.set, vals);
    return product(vals, (items) => this.set.invoke(items));
  }

  private none(frame: Atom[]): Vals {
    this.preCheck?.run(frame);
    return NO_VALS;
  }
}
