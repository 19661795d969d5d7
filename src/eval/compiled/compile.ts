// From rule bodies to node trees. A body compiles only when every part of it is something the
// nodes evaluate exactly as the interpreter would: its variables bound by the left side, a `let`
// or a `case` pattern; calls of functions whose rules compile too (undeclared, per the type of
// the position they are called in, or with one plain declared type, their checks made here
// where the types decide them and by the rule set's value checks otherwise); constructors;
// `if`, `let`, `let*`, `case`, `superpose`, `collapse`, `empty`; `car-atom`, `cdr-atom`,
// `size-atom`, `index-atom`, `cons-atom`; `match`, `add-atom`, `remove-atom`; applications of a
// variable (what they call is decided per value); and pure built-ins whose type checks are
// decided here or by the value checks at run time. Anything else refuses the whole rule set, and
// the interpreter keeps it.

import { type Atom, AtomKind, Bindings, type ExpressionAtom, type GroundedAtom, isGroundAtom, type SymbolAtom, variablesOf } from '../../core/index.js';
import type { Builtin } from '../builtin.js';
import { EXPRESSION_TYPE, hasVariables, isFunctionType, isMetaType, splitFunctionType, typeFits, UNDEFINED } from '../types.js';
import {
  ArgumentPreCheck,
  CollapseNode,
  ConstNode,
  ConstructNode,
  EmptyNode,
  IfNode,
  LetNode,
  type Node,
  PureCallNode,
  SlotNode,
  SuperposeNode,
  SuperposeSlotNode,
} from './nodes.js';
import {
  ApplyNode,
  BindPattern,
  CallNode,
  type CallRuntime,
  contextHole,
  type CompiledRule,
  ExpressionPattern,
  GroundedPattern,
  type Pattern,
  RuleSet,
  SamePattern,
  type Signature,
  SymbolPattern,
} from './rule-set.js';
import { CaseNode, type CompiledCase, LetMatchNode } from './matching.js';
import { CarNode, CdrNode, ConsNode, IndexNode, SizeNode, TemplateNode } from './structure.js';
import { MatchNode, SpaceWriteNode } from './space-ops.js';
import { EMPTY_SYMBOL, NOT_REDUCIBLE_SYMBOL } from './symbols.js';

/** Thrown while compiling: the rule set stays with the interpreter. */
export class Refuse {
  constructor(readonly reason: string) {}
}

function refuse(reason: string): never {
  throw new Refuse(reason);
}

/** What compiling needs from the tier. */
export interface CompileContext extends CallRuntime {
  /** The compiled rule set of calls with this head and arity, or 'constructor' when no rule applies to them. */
  resolveHead(head: Atom, arity: number, position: Atom): RuleSet | 'constructor';
  /** The declared type of calls with this head and arity; null when there is none; Refuse when it is not plain. */
  signatureOf(head: SymbolAtom, arity: number): Signature | null;
}

/**
 * The signature of a function whose one declared type is `(-> A1 … An R)` with `n` arguments and
 * every part a type symbol that is not a meta-type: null when it has no declared type, Refuse for
 * anything else (several types, type variables, meta-typed arguments passed unevaluated, a wrong
 * number of arguments: the interpreter's errors and special cases).
 */
export function plainSignature(declared: readonly Atom[], arity: number): Signature | null {
  if (declared.length === 0) return null;
  const type = declared[0]!;
  if (declared.length !== 1 || !isFunctionType(type)) refuse('a function with several or non-function types');
  const { args, ret } = splitFunctionType(type);
  if (args.length !== arity - 1) refuse('a call with another number of arguments than declared');
  const part = (t: Atom): Atom | null => {
    if (t.kind !== AtomKind.Symbol || isMetaType(t)) refuse(`a declared type with ${t}`);
    return t === UNDEFINED ? null : t;
  };
  return { args: args.map(part), ret: part(ret) };
}

/** Compiles `(= lhs body)` rules (their left sides all `(head ...)` of the set's arity) into `set`. */
export function compileRules(ctx: CompileContext, set: RuleSet, rules: readonly ExpressionAtom[]): void {
  const compiled: CompiledRule[] = [];
  let slots = 0;
  for (const rule of rules) {
    const c = new RuleCompiler(ctx);
    const lhs = rule.children[1] as ExpressionAtom;
    const params = lhs.children.slice(1).map((p) => c.pattern(p));
    const body = c.body(rule.children[2]!, set.signature === null ? set.position : (set.signature.ret ?? UNDEFINED));
    compiled.push({ params, body });
    slots = Math.max(slots, c.slotCount);
  }
  set.rules = compiled;
  set.slots = slots;
  set.indexRules();
}

/** The forms the nodes implement themselves (`special`). */
const SPECIAL_FORMS = new Set([
  'if', 'let', 'let*', 'case', 'superpose', 'collapse', 'empty', 'car-atom', 'cdr-atom', 'size-atom', 'index-atom', 'cons-atom',
  'match', 'add-atom', 'remove-atom',
]);

/**
 * Rules nested deeper than this (below their ground normal forms) stay with the interpreter: the
 * compiler and the nodes recurse on the JavaScript stack.
 */
const MAX_NESTING = 64;

/** The position a sub-expression is evaluated in: %Undefined%, or the type a built-in declares for it. */
type Expected = Atom;

class RuleCompiler {
  private readonly scope = new Map<string, number>();
  /**
   * Variables of `let`s compiled already. In the interpreter a `let`'s binding outlives it: the
   * rest of the body is evaluated under it, so a later `let` of the same variable unifies with its
   * value instead of binding it afresh (and a later mention sees it: out of scope here, refused).
   */
  private readonly letBound = new Set<string>();
  slotCount = 0;
  /** How deep `body` and `pattern` are in the rule (their recursion is bounded by MAX_NESTING). */
  private depth = 0;

  constructor(private readonly ctx: CompileContext) {}

  pattern(p: Atom): Pattern {
    if (this.depth >= MAX_NESTING) refuse('a rule nested deeper than the compiled tier compiles');
    this.depth++;
    try {
      return this.patternAt(p);
    } finally {
      this.depth--;
    }
  }

  private patternAt(p: Atom): Pattern {
    switch (p.kind) {
      case AtomKind.Variable: {
        const slot = this.scope.get(p.name);
        if (slot !== undefined) return new SamePattern(slot);
        return new BindPattern(this.bind(p.name));
      }
      case AtomKind.Symbol:
        return new SymbolPattern(p);
      case AtomKind.Grounded:
        return new GroundedPattern(p as GroundedAtom);
      case AtomKind.Expression:
        return new ExpressionPattern(p.children.map((c) => this.pattern(c)));
    }
  }

  private bind(name: string): number {
    const slot = this.slotCount++;
    this.scope.set(name, slot);
    return slot;
  }

  /** Nested no deeper than MAX_NESTING below a ground normal form (a constant, however deep). */
  body(atom: Atom, expected: Expected): Node {
    if (atom.kind === AtomKind.Expression && atom.children.length > 0 && isGroundAtom(atom) && this.ctx.isNormal(atom)) return new ConstNode(atom);
    if (this.depth >= MAX_NESTING) refuse('a rule nested deeper than the compiled tier compiles');
    this.depth++;
    try {
      return this.bodyAt(atom, expected);
    } finally {
      this.depth--;
    }
  }

  private bodyAt(atom: Atom, expected: Expected): Node {
    switch (atom.kind) {
      case AtomKind.Variable: {
        const slot = this.scope.get(atom.name);
        if (slot === undefined) refuse(`the free variable ${atom.name}`);
        return new SlotNode(slot);
      }
      case AtomKind.Symbol:
        if (atom === EMPTY_SYMBOL) return new EmptyNode();
        if (atom === NOT_REDUCIBLE_SYMBOL) refuse('NotReducible');
        return new ConstNode(atom);
      case AtomKind.Grounded:
        if (isFunctionType((atom as GroundedAtom).typeAtom())) refuse('a grounded operation as a value');
        return new ConstNode(atom);
      case AtomKind.Expression:
        if (atom.children.length === 0) return new ConstNode(atom);
        return this.application(atom, expected);
    }
  }

  private application(atom: ExpressionAtom, expected: Expected): Node {
    const children = atom.children;
    const head = children[0]!;
    const ctx = this.ctx;
    if (head.kind === AtomKind.Symbol) {
      const op = ctx.env.builtin(head);
      if (op !== undefined) return this.builtin(op, atom, expected);
      const signature = ctx.signatureOf(head, children.length);
      if (signature !== null) return this.declaredCall(head, signature, atom, expected);
      // The interpreter evaluates an undeclared function's bodies in the position of its call.
      const target = ctx.resolveHead(head, children.length, positionOf(expected));
      const args = children.slice(1).map((c) => this.body(c, UNDEFINED));
      if (target === 'constructor') {
        const elements = [new ConstNode(head), ...args];
        return new ConstructNode(elements, ctx, contextHole(elements));
      }
      return new CallNode(target, args);
    }
    if (head.kind === AtomKind.Variable) {
      return new ApplyNode(this.body(head, UNDEFINED) as SlotNode, children.slice(1).map((c) => this.body(c, UNDEFINED)), positionOf(expected), ctx);
    }
    if (head.kind === AtomKind.Grounded) {
      if (isFunctionType((head as GroundedAtom).typeAtom()) || !ctx.isConstructorHead(head, children.length)) refuse('a grounded head that may reduce');
      const elements = children.map((c) => this.body(c, UNDEFINED));
      return new ConstructNode(elements, ctx, contextHole(elements));
    }
    refuse('an expression as a head');
  }

  /**
   * A call of a declared function. Before evaluating anything the interpreter checks that the
   * declared result fits the type expected of the call; that is decided here. Its arguments are
   * in positions of their declared types, and the rule set checks their values.
   */
  private declaredCall(head: SymbolAtom, signature: Signature, atom: ExpressionAtom, expected: Expected): Node {
    const ret = signature.ret ?? UNDEFINED;
    if (expected !== UNDEFINED && expected.kind !== AtomKind.Variable && !typeFits(this.ctx.index, expected, ret, new Bindings())) {
      refuse(`${head.name} returns ${ret} where ${expected} is expected`);
    }
    const target = this.ctx.resolveHead(head, atom.children.length, UNDEFINED);
    if (target === 'constructor') refuse(`${head.name} is declared but has no rules`);
    const written = atom.children.slice(1);
    const types = written.map((_, i) => signature.args[i] ?? UNDEFINED);
    const args = written.map((c, i) => this.typedArgument(c, types[i]!));
    return new CallNode(target, args, new ArgumentPreCheck(args, types, written.map((c) => this.declaredType(c)), this.ctx));
  }

  private builtin(op: Builtin, atom: ExpressionAtom, expected: Expected): Node {
    const children = atom.children;
    const head = children[0]!;
    const declared = this.ctx.index.declaredTypes(head);
    if (op.type === null || declared.length !== 1 || declared[0] !== op.type || !isFunctionType(op.type)) refuse(`${op.name} with other types`);
    const { args, ret } = splitFunctionType(op.type as ExpressionAtom);
    if (args.length !== children.length - 1) refuse(`${op.name} with ${children.length - 1} arguments`);
    const special = this.special(op, atom, args, expected);
    if (special !== null) {
      // The interpreter's check of the declared result against the expected type, before the
      // call (most fit anything: $t, %Undefined%, Atom); the values they give are checked by
      // whatever consumes them (a built-in's or declared function's value checks).
      if (expected !== UNDEFINED && expected.kind !== AtomKind.Variable && !typeFits(this.ctx.index, expected, ret, new Bindings())) {
        refuse(`${op.name} returns ${ret} where ${expected} is expected`);
      }
      return special;
    }
    if (op.pure !== true) refuse(`the built-in ${op.name}`);
    if (hasVariables(ret)) refuse(`${op.name} of a polymorphic result`);
    if (!returnFits(ret, expected)) refuse(`${op.name} returns ${ret} where ${expected} is expected`);
    for (const t of args) if (isMetaType(t)) refuse(`${op.name} takes unevaluated arguments`);
    const nodes = children.slice(1).map((c, i) => this.typedArgument(c, args[i]!));
    const written = children.slice(1);
    const preCheck = new ArgumentPreCheck(nodes, args, written.map((c) => this.declaredType(c)), this.ctx);
    return new PureCallNode(op, head, nodes, args, ret, this.ctx, written.map((c) => this.staticType(c)), preCheck, contextHole(nodes));
  }

  /**
   * An argument in a position of a declared type. The interpreter checks the argument's own type
   * before evaluating it: a variable or value is checked at run time (the node's value checks);
   * a pure built-in's or a declared function's declared result is checked here; the special
   * forms' ($t, %Undefined%, Atom) and an undeclared function's or constructor's (none) fit any
   * type, their values checked by the consumer. Anything else has a type that depends on more
   * than its value: refused.
   */
  private typedArgument(arg: Atom, type: Atom): Node {
    if (arg.kind === AtomKind.Expression && arg.children.length > 0) {
      const head = arg.children[0]!;
      const op = head.kind === AtomKind.Symbol ? this.ctx.env.builtin(head) : undefined;
      if (op !== undefined && op.pure !== true && !SPECIAL_FORMS.has(op.name)) refuse(`${op.name} in a typed position`);
    }
    return this.body(arg, type);
  }

  /**
   * The type the interpreter finds for an argument before evaluating it, where its values may
   * have another of their own: a declared function's result type (its values may be undeclared
   * symbols or constructor applications, which fit any type) and `cdr-atom`'s Expression. Null
   * where the values' own types are at least as strict (plain values of a built-in's declared
   * result, undeclared calls and constructors, which have no type before evaluation).
   */
  private staticType(arg: Atom): Atom | null {
    if (arg.kind !== AtomKind.Expression || arg.children.length === 0) return null;
    const head = arg.children[0]!;
    if (head.kind !== AtomKind.Symbol) return null;
    const op = this.ctx.env.builtin(head);
    if (op !== undefined) return op.name === 'cdr-atom' ? EXPRESSION_TYPE : null;
    return this.ctx.signatureOf(head, arg.children.length)?.ret ?? null;
  }

  /** The result type an application declares (a built-in's when variable-free, a declared function's); null: none known. */
  private declaredType(arg: Atom): Atom | null {
    if (arg.kind !== AtomKind.Expression || arg.children.length === 0) return null;
    const head = arg.children[0]!;
    if (head.kind !== AtomKind.Symbol) return null;
    const op = this.ctx.env.builtin(head);
    if (op !== undefined) {
      if (op.type === null || !isFunctionType(op.type)) return null;
      const { ret } = splitFunctionType(op.type);
      return hasVariables(ret) ? null : ret;
    }
    return this.ctx.signatureOf(head, arg.children.length)?.ret ?? null;
  }

  /** The forms the nodes implement themselves (null: an ordinary built-in). */
  private special(op: Builtin, atom: ExpressionAtom, argTypes: readonly Atom[], expected: Expected): Node | null {
    const c = atom.children;
    switch (op.name) {
      case 'if':
        // `(-> Bool Atom Atom $t)`: $t is the expected type, and the chosen branch is evaluated as one.
        return new IfNode(this.typedArgument(c[1]!, argTypes[0]!), this.body(c[2]!, expected), this.body(c[3]!, expected));
      case 'let':
        return this.let(c[1]!, c[2]!, c[3]!);
      case 'let*': {
        const pairs = c[1]!;
        if (pairs.kind !== AtomKind.Expression) refuse('let* without a list of pairs');
        return this.letStar(pairs.children, 0, c[2]!);
      }
      case 'case':
        return this.caseOf(c[1]!, c[2]!);
      case 'superpose': {
        const tuple = c[1]!;
        if (tuple.kind === AtomKind.Variable) {
          const slot = this.scope.get(tuple.name);
          if (slot === undefined) refuse(`the free variable ${tuple.name}`);
          return new SuperposeSlotNode(slot);
        }
        if (tuple.kind !== AtomKind.Expression) refuse('superpose of a value');
        return new SuperposeNode(tuple.children.map((e) => this.body(e, UNDEFINED)));
      }
      case 'collapse':
        return new CollapseNode(this.body(c[1]!, UNDEFINED), this.ctx);
      case 'car-atom':
        return new CarNode(this.unevaluated(c[1]!), this.ctx);
      case 'cdr-atom':
        return new CdrNode(this.unevaluated(c[1]!), this.ctx);
      case 'size-atom':
        return new SizeNode(this.unevaluated(c[1]!));
      case 'index-atom':
        return new IndexNode(this.unevaluated(c[1]!), this.typedArgument(c[2]!, argTypes[1]!), this.ctx);
      case 'cons-atom':
        return new ConsNode(this.unevaluated(c[1]!), this.unevaluated(c[2]!), this.ctx);
      case 'empty':
        return new EmptyNode();
      case 'match':
        return this.match(c[1]!, c[2]!, c[3]!);
      case 'add-atom':
      case 'remove-atom':
        return new SpaceWriteNode(op, this.spaceArgument(c[1]!), this.unevaluated(c[2]!), op.name === 'remove-atom', this.ctx);
      default:
        return null;
    }
  }

  /**
   * A space argument: a constant (`&self`) or a variable, whose value must be a space (checked
   * when evaluated). Anything else might have no value, or several: refused.
   */
  private spaceArgument(arg: Atom): Node {
    if (arg.kind !== AtomKind.Grounded && arg.kind !== AtomKind.Variable) refuse('a space argument that is not a constant or a variable');
    return this.body(arg, UNDEFINED);
  }

  /**
   * `match`: the pattern and the template passed as written, the rule's variables filled in. The
   * pattern's own variables are bound by each answer; in the interpreter their bindings outlive
   * the `match` (as a `let`'s do), so afterwards they count as bound (`letBound`) and a later
   * mention is refused.
   */
  private match(space: Atom, pattern: Atom, template: Atom): Node {
    const spaceNode = this.spaceArgument(space);
    const own = new Set<string>();
    for (const v of [...variablesOf(pattern), ...variablesOf(template)]) {
      if (this.scope.has(v.name)) continue;
      if (this.letBound.has(v.name)) refuse('a match variable bound already');
      own.add(v.name);
    }
    const node = new MatchNode(spaceNode, this.filled(pattern), this.filled(template), this.ctx);
    for (const n of own) this.letBound.add(n);
    return node;
  }

  /** An atom passed unevaluated with the rule's variables filled in; other variables stay as written. */
  private filled(atom: Atom): Node {
    const slots = new Map<string, number>();
    for (const v of variablesOf(atom)) {
      const slot = this.scope.get(v.name);
      if (slot !== undefined) slots.set(v.name, slot);
    }
    if (slots.size === 0) return new ConstNode(atom);
    if (atom.kind === AtomKind.Variable) return new SlotNode(slots.get(atom.name)!);
    return new TemplateNode(atom, slots);
  }

  /**
   * `case`: the scrutinee evaluated, each case's pattern a matcher whose new variables get slots
   * for its body. Like a `let`'s, their bindings outlive the `case` in the interpreter: afterwards
   * they count as bound (`letBound`). The cases exclude each other, so they may share names.
   */
  private caseOf(scrutinee: Atom, cases: Atom): Node {
    if (cases.kind !== AtomKind.Expression) refuse('case without a list of cases');
    const value = this.body(scrutinee, UNDEFINED);
    const compiled: CompiledCase[] = [];
    const bound: string[] = [];
    for (const k of cases.children) {
      if (k.kind !== AtomKind.Expression || k.children.length !== 2) refuse('case with a malformed case');
      const [p, b] = k.children as [Atom, Atom];
      for (const v of variablesOf(p)) if (this.letBound.has(v.name)) refuse('a case pattern with a variable bound already');
      const before = new Set(this.scope.keys());
      const pattern = this.pattern(p);
      const fresh = [...this.scope.keys()].filter((n) => !before.has(n));
      const body = this.body(b, UNDEFINED);
      for (const n of fresh) this.scope.delete(n);
      bound.push(...fresh);
      compiled.push({ pattern, body, binds: fresh.length > 0 });
    }
    for (const n of bound) this.letBound.add(n);
    return new CaseNode(value, compiled);
  }

  /**
   * A `let` (or a pair of `let*`) whose pattern is a structure or a value: the value evaluated
   * before the pattern's new variables are in scope, the rest compiled with them, which then, as
   * a `let`'s, count as bound.
   */
  private letMatch(pattern: Atom, value: Atom, rest: () => Node): Node {
    for (const v of variablesOf(pattern)) if (this.letBound.has(v.name)) refuse('a let pattern with a variable bound already');
    const valueNode = this.body(value, UNDEFINED);
    const before = new Set(this.scope.keys());
    const matcher = this.pattern(pattern);
    const fresh = [...this.scope.keys()].filter((n) => !before.has(n));
    const restNode = rest();
    for (const n of fresh) {
      this.scope.delete(n);
      this.letBound.add(n);
    }
    return new LetMatchNode(matcher, valueNode, restNode);
  }

  /** An argument declared `Atom` or `Expression`: passed as written, its variables replaced by their values. */
  private unevaluated(arg: Atom): Node {
    if (!hasVariables(arg)) return new ConstNode(arg);
    if (arg.kind === AtomKind.Variable) return this.body(arg, UNDEFINED);
    const slots = new Map<string, number>();
    for (const v of variablesOf(arg)) {
      const slot = this.scope.get(v.name);
      if (slot === undefined) refuse(`the free variable ${v.name}`);
      slots.set(v.name, slot);
    }
    return new TemplateNode(arg, slots);
  }

  private let(pattern: Atom, value: Atom, body: Atom): Node {
    // A structure, a value or a variable with a value already: matched (the value must fit it).
    if (pattern.kind !== AtomKind.Variable || this.scope.has(pattern.name)) return this.letMatch(pattern, value, () => this.body(body, UNDEFINED));
    if (this.scope.has(pattern.name) || this.letBound.has(pattern.name)) refuse('let of a variable bound already');
    const valueNode = this.body(value, UNDEFINED);
    const slot = this.bind(pattern.name);
    const bodyNode = this.body(body, UNDEFINED);
    this.scope.delete(pattern.name);
    this.letBound.add(pattern.name);
    return new LetNode(slot, valueNode, bodyNode);
  }

  private letStar(pairs: readonly Atom[], i: number, body: Atom): Node {
    if (i === pairs.length) return this.body(body, UNDEFINED);
    const pair = pairs[i]!;
    if (pair.kind !== AtomKind.Expression || pair.children.length !== 2) refuse('let* with a malformed pair');
    const [pattern, value] = pair.children as [Atom, Atom];
    if (pattern.kind !== AtomKind.Variable || this.scope.has(pattern.name)) return this.letMatch(pattern, value, () => this.letStar(pairs, i + 1, body));
    if (this.scope.has(pattern.name) || this.letBound.has(pattern.name)) refuse('let* of a variable bound already');
    const valueNode = this.body(value, UNDEFINED);
    const slot = this.bind(pattern.name);
    const rest = this.letStar(pairs, i + 1, body);
    this.scope.delete(pattern.name);
    this.letBound.add(pattern.name);
    return new LetNode(slot, valueNode, rest);
  }
}

/** The position type a rule set is compiled for: a type symbol, or %Undefined% (also for a type variable, which checks nothing). */
function positionOf(expected: Expected): Atom {
  return expected.kind === AtomKind.Symbol ? expected : UNDEFINED;
}

/** Whether a built-in's declared result fits the position's type without looking at values. */
function returnFits(ret: Atom, expected: Atom): boolean {
  return expected === UNDEFINED || expected.kind === AtomKind.Variable || ret === expected;
}
