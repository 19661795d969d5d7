// A compiled rule set: every `(= (head p1 … pn) body)` of one head and arity, in definition order,
// each left side a matcher over the call's (ground) arguments and each body a node tree. Calling it
// fires the rules that match, in order, and concatenates their bodies' results; when none matches
// the call is its own result, as in the interpreter.

import { type Atom, AtomKind, atomEquals, expr, type GroundedAtom } from '../../core/index.js';
import { Memo } from './memo.js';
import { append, asVals, allSingle, bail, evalElements, isMany, Node, NO_VALS, product, type Runtime, type Vals, valueFits } from './nodes.js';

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

  constructor(
    readonly head: Atom,
    /** Elements of a call, the head included. */
    readonly arity: number,
    private readonly rt: CallRuntime,
    /** The function's declared type; null when it has none. */
    readonly signature: Signature | null,
  ) {}

  /** The results of `(head ...args)`, arguments in normal form. */
  invoke(args: Atom[]): Vals {
    if (this.rt.memoizing && !this.memoDropped) return this.invokeMemoized(args);
    return this.evaluate(args);
  }

  private invokeMemoized(args: Atom[]): Vals {
    const memo = (this.memo ??= new Memo());
    const hit = memo.get(args);
    if (hit !== undefined) {
      this.rt.memoHit();
      return hit;
    }
    if (!memo.worthKeeping) {
      this.memo = null;
      this.memoDropped = true;
      return this.evaluate(args);
    }
    const before = this.rt.callCount;
    const v = this.evaluate(args);
    memo.set(args, v, this.rt.callCount - before);
    return v;
  }

  private evaluate(args: Atom[]): Vals {
    if (this.signature !== null) return this.invokeTyped(args, this.signature);
    return this.invokeRules(args);
  }

  /**
   * A call of a declared function: the interpreter checks each argument against its declared
   * type before the call and each result against the declared result type; a value these checks
   * do not pass at once is left to the interpreter, which reports the error (or finds a supertype).
   */
  private invokeTyped(args: Atom[], signature: Signature): Vals {
    const index = this.rt.index;
    for (let i = 0; i < args.length; i++) {
      const t = signature.args[i]!;
      if (t !== null && !valueFits(args[i]!, t, index)) bail(`an argument not of the declared type ${t}`);
    }
    const v = this.invokeRules(args);
    const ret = signature.ret;
    if (ret === null) return v;
    if (!isMany(v)) {
      if (!valueFits(v, ret, index)) bail(`a result not of the declared type ${ret}`);
    } else {
      for (let i = 0; i < v.length; i++) if (!valueFits(v[i]!, ret, index)) bail(`a result not of the declared type ${ret}`);
    }
    return v;
  }

  private invokeRules(args: Atom[]): Vals {
    const rt = this.rt;
    rt.enter();
    const frame = new Array<Atom>(this.slots);
    const rules = this.rules;
    let first: Vals | null = null;
    let out: Atom[] | null = null;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      if (!matches(rule.params, args, frame)) continue;
      const v = rule.body.eval(frame);
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

  /** No rule applies: the call stands for itself (and evaluates to itself again). */
  private unreduced(args: Atom[]): Atom {
    // A declared function's call that stays: its type, not only its value, decides what it fits.
    if (this.signature !== null) bail('a call of a declared function that no rule reduces');
    const call = expr([this.head, ...args]);
    this.rt.markNormal(call);
    return call;
  }
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
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const vals = evalElements(this.args, frame);
    if (vals === null) return NO_VALS;
    if (allSingle(vals)) return this.set.invoke(vals);
    return product(vals, (items) => this.set.invoke(items));
  }
}
