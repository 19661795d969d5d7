// Nodes for the built-ins that take expressions apart and put them together: `car-atom`,
// `cdr-atom`, `size-atom`, `index-atom` and `cons-atom`. Their expression arguments are declared
// `Expression` or `Atom`, so the interpreter passes them unevaluated: the written atom with the
// rule's variables substituted (`TemplateNode`), never its value. A part taken out of an
// expression, or one put together, is a value here only when it is a normal form — the
// interpreter would evaluate it further (`car-atom` and `cdr-atom` declare %Undefined% and
// Expression results) or keep an unevaluated call as the result (`cons-atom` declares Atom), and
// either differs from a value unless nothing is left to evaluate. Anything else bails.

import { type Atom, AtomKind, expr, type ExpressionAtom, int, IntAtom } from '../../core/index.js';
import { bail, isMany, Node, type Runtime, type Vals } from './nodes.js';

/**
 * An argument passed unevaluated: the written atom with the frame's values in place of its
 * variables (a variable without a slot, a `match` pattern's own, stays as written).
 */
export class TemplateNode extends Node {
  /** How to fill the atom: worked out once, so that a fill looks up no variable by name. */
  private readonly plan: TemplatePlan;
  constructor(
    private readonly atom: Atom,
    /** Per variable of the atom with a value, by name: its slot. */
    slots: ReadonlyMap<string, number>,
  ) {
    super();
    this.plan = planOf(atom, slots);
  }
  eval(frame: Atom[]): Vals {
    return fill(this.atom, this.plan, frame);
  }
}

/** A slot (a variable with a value), null (the atom stays as written), or the plans of an expression's children. */
type TemplatePlan = number | null | readonly TemplatePlan[];

function planOf(atom: Atom, slots: ReadonlyMap<string, number>): TemplatePlan {
  switch (atom.kind) {
    case AtomKind.Variable:
      return slots.get(atom.name) ?? null;
    case AtomKind.Expression: {
      const plans = atom.children.map((c) => planOf(c, slots));
      return plans.every((p) => p === null) ? null : plans;
    }
    default:
      return null;
  }
}

/** The atom with the frame's values in place; an expression none of whose children changed is kept as it is. */
function fill(atom: Atom, plan: TemplatePlan, frame: Atom[]): Atom {
  if (plan === null) return atom;
  if (typeof plan === 'number') return frame[plan]!;
  const children = (atom as ExpressionAtom).children;
  let out: Atom[] | null = null;
  for (let i = 0; i < children.length; i++) {
    const c = fill(children[i]!, plan[i]!, frame);
    if (out === null && c !== children[i]) out = children.slice(0, i);
    if (out !== null) out.push(c);
  }
  return out === null ? atom : expr(out);
}

/** The children of an unevaluated argument that must be a non-empty expression (else the built-in reports an error: Bail). */
function childrenOf(v: Vals, name: string): readonly Atom[] {
  if (isMany(v) || v.kind !== AtomKind.Expression || v.children.length === 0) bail(`${name} of something other than a non-empty expression`);
  return v.children;
}

/** A part of an expression as a value: it must be a normal form (see above). */
function normal(rt: Runtime, part: Atom, name: string): Atom {
  if (!rt.isNormal(part)) bail(`${name} of a part that evaluates further`);
  return part;
}

export class CarNode extends Node {
  constructor(
    private readonly arg: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    return normal(this.rt, childrenOf(this.arg.eval(frame), 'car-atom')[0]!, 'car-atom');
  }
}

export class CdrNode extends Node {
  constructor(
    private readonly arg: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    return normal(this.rt, expr(childrenOf(this.arg.eval(frame), 'cdr-atom').slice(1)), 'cdr-atom');
  }
}

export class SizeNode extends Node {
  constructor(private readonly arg: Node) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const v = this.arg.eval(frame);
    // `()` has size 0; anything but an expression is an error.
    if (isMany(v) || v.kind !== AtomKind.Expression) bail('size-atom of something other than an expression');
    return int(v.children.length);
  }
}

/** `(index-atom e i)`: the index is evaluated (declared Number), the expression is not. */
export class IndexNode extends Node {
  constructor(
    private readonly arg: Node,
    private readonly index: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const v = this.arg.eval(frame);
    if (isMany(v) || v.kind !== AtomKind.Expression) bail('index-atom of something other than an expression');
    const i = this.index.eval(frame);
    if (isMany(i) || !(i instanceof IntAtom) || typeof i.value !== 'number' || i.value < 0 || i.value >= v.children.length) bail('index-atom with an index that is not in range');
    return normal(this.rt, v.children[i.value]!, 'index-atom');
  }
}

/** `(cons-atom h t)`: both unevaluated; the result is kept as it is, so it must be a normal form to be a value. */
export class ConsNode extends Node {
  constructor(
    private readonly head: Node,
    private readonly tail: Node,
    private readonly rt: Runtime,
  ) {
    super();
  }
  eval(frame: Atom[]): Vals {
    const h = this.head.eval(frame) as Atom;
    const t = this.tail.eval(frame);
    if (isMany(t) || t.kind !== AtomKind.Expression) bail('cons-atom onto something other than an expression');
    return normal(this.rt, expr([h, ...t.children]), 'cons-atom');
  }
}
