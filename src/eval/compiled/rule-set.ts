// A compiled rule set: every `(= (head p1 … pn) body)` of one head and arity, in definition order,
// each left side a matcher over the call's (ground) arguments and each body a node tree. Calling it
// fires the rules that match, in order, and concatenates their bodies' results; when none matches
// the call is its own result, as in the interpreter.

import { type Atom, AtomKind, atomEquals, expr, type GroundedAtom } from '../../core/index.js';
import { Memo } from './memo.js';
import type { TypeIndex } from '../types.js';
import { append, ArgumentPreCheck, asVals, allSingle, bail, evalElements, isMany, Node, NO_VALS, product, type Runtime, TailCall, type Vals, valueFits } from './nodes.js';

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
  constructor(private readonly symbol: Atom) {
    super();
  }
  match(value: Atom): boolean {
    return value === this.symbol; // interned
  }
}

export class GroundedPattern extends Pattern {
  constructor(private readonly grounded: GroundedAtom) {
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

  constructor(
    readonly head: Atom,
    /** Elements of a call, the head included. */
    readonly arity: number,
    private readonly rt: CallRuntime,
    /** The function's declared type; null when it has none. */
    readonly signature: Signature | null,
    /** The type of the position its calls are evaluated in (%Undefined%, or a type symbol): an undeclared function's bodies are evaluated there. */
    readonly position: Atom,
  ) {}

  /** The results of `(head ...args)`, arguments in normal form. */
  invoke(args: Atom[]): Vals {
    const rt = this.rt;
    if (!rt.memoizing || this.memoDropped) return this.run(args);
    const memo = (this.memo ??= new Memo());
    const hit = memo.get(args);
    if (hit !== undefined) {
      rt.memoHit();
      return hit;
    }
    if (!memo.worthKeeping) {
      this.memo = null;
      this.memoDropped = true;
      return this.run(args);
    }
    const before = rt.callCount;
    const v = this.run(args);
    memo.set(args, v, rt.callCount - before);
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
    for (;;) {
      const signature = set.signature;
      if (signature !== null) {
        checkArguments(args, signature, index);
        const ret = signature.ret;
        if (ret !== null && (rets === null || !rets.includes(ret))) (rets ??= []).push(ret);
      }
      const v = set.fire(args);
      if (!(v instanceof TailCall)) {
        if (rets !== null) for (const ret of rets) checkResults(v, ret, index);
        return v;
      }
      set = v.target as RuleSet;
      args = v.args;
    }
  }

  /** The rules that match, in order, their results concatenated; a last call handed back when it alone makes the results. */
  private fire(args: Atom[]): Vals | TailCall {
    const rt = this.rt;
    rt.enter();
    const frame = new Array<Atom>(this.slots);
    const rules = this.rules;
    let first: Vals | null = null;
    let out: Atom[] | null = null;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (!matches(rule.params, args, frame)) continue;
      let v = rule.body.evalTail(frame);
      if (v instanceof TailCall) {
        if (first === null && this.noneMatchAfter(r, args)) {
          rt.leave();
          return v;
        }
        v = v.target.invoke(v.args);
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

  /** Whether no rule after the `r`th matches these arguments (matched in a frame of their own). */
  private noneMatchAfter(r: number, args: Atom[]): boolean {
    const rules = this.rules;
    if (r === rules.length - 1) return true;
    const scratch = (this.scratch ??= new Array<Atom>(this.slots));
    for (let k = r + 1; k < rules.length; k++) if (matches(rules[k]!.params, args, scratch)) return false;
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
    const vals = evalElements(this.args, frame);
    if (vals === null) return this.none(frame);
    if (allSingle(vals)) return this.set.invoke(vals);
    return product(vals, (items) => this.set.invoke(items));
  }

  /** In a last position, one combination of arguments: the call handed back to the calling rule set. */
  override evalTail(frame: Atom[]): Vals | TailCall {
    const vals = evalElements(this.args, frame);
    if (vals === null) return this.none(frame);
    if (allSingle(vals)) return new TailCall(this.set, vals);
    return product(vals, (items) => this.set.invoke(items));
  }

  private none(frame: Atom[]): Vals {
    this.preCheck?.run(frame);
    return NO_VALS;
  }
}
