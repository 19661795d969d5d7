// The forms that match values against patterns: `case` and a `let` whose pattern is not a plain
// variable. The interpreter unifies each value with the pattern; a value is ground, so unifying is
// matching (the rule sets' patterns, rule-set.ts), and a pattern's variables get slots.
//
// `(case scrutinee ((pattern body) ...))`: each value of the scrutinee matched against the cases'
// patterns in order, the first that matches giving its body's results. With no values the
// patterns are matched against `Empty`.

import type { Atom } from '../../core/index.js';
import { append, asVals, bail, isMany, Node, NO_VALS, type TailCall, type Vals } from './nodes.js';
import type { Pattern } from './rule-set.js';
import { EMPTY_SYMBOL } from './symbols.js';

export interface CompiledCase {
  readonly pattern: Pattern;
  readonly body: Node;
  /** The pattern binds variables of its own. */
  readonly binds: boolean;
}

export class CaseNode extends Node {
  constructor(
    private readonly scrutinee: Node,
    private readonly cases: readonly CompiledCase[],
  ) {
    super();
  }

  eval(frame: Atom[]): Vals {
    return this.over(this.scrutinee.eval(frame), frame);
  }

  /** The results for the scrutinee's values `v` (evaluated once: they may have queued writes). */
  private over(v: Vals, frame: Atom[]): Vals {
    if (!isMany(v)) return this.choose(v, frame)?.eval(frame) ?? NO_VALS;
    if (v.length === 0) return this.none(frame)?.eval(frame) ?? NO_VALS;
    const out: Atom[] = [];
    for (const value of v) {
      const body = this.choose(value, frame);
      if (body !== null) append(out, body.eval(frame));
    }
    return asVals(out);
  }

  override evalTail(frame: Atom[]): Vals | TailCall {
    const v = this.scrutinee.eval(frame);
    if (isMany(v) && v.length !== 0) return this.over(v, frame);
    const body = isMany(v) ? this.none(frame) : this.choose(v, frame);
    return body === null ? NO_VALS : body.evalTail(frame);
  }

  /** The body of the first case whose pattern matches `value` (its variables now in their slots). */
  private choose(value: Atom, frame: Atom[]): Node | null {
    for (const c of this.cases) if (c.pattern.match(value, frame)) return c.body;
    return null;
  }

  private none(frame: Atom[]): Node | null {
    for (const c of this.cases) {
      if (!c.pattern.match(EMPTY_SYMBOL, frame)) continue;
      // A variable bound to Empty: a value the nodes do not carry.
      if (c.binds) bail('a case that binds a variable to Empty');
      return c.body;
    }
    return null;
  }
}

/** `(let pattern value body)`: the body once per value that matches the pattern (a guard when it has no variables). */
export class LetMatchNode extends Node {
  constructor(
    private readonly pattern: Pattern,
    private readonly value: Node,
    private readonly body: Node,
  ) {
    super();
  }

  eval(frame: Atom[]): Vals {
    const v = this.value.eval(frame);
    if (!isMany(v)) return this.pattern.match(v, frame) ? this.body.eval(frame) : NO_VALS;
    return this.each(v, frame);
  }

  override evalTail(frame: Atom[]): Vals | TailCall {
    const v = this.value.eval(frame);
    if (isMany(v)) return this.each(v, frame);
    return this.pattern.match(v, frame) ? this.body.evalTail(frame) : NO_VALS;
  }

  private each(v: Atom[], frame: Atom[]): Vals {
    const out: Atom[] = [];
    for (const value of v) if (this.pattern.match(value, frame)) append(out, this.body.eval(frame));
    return asVals(out);
  }
}
