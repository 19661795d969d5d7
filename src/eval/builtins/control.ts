// Control built-ins and the minimal instructions (SPEC §5): if, let, let*, case, switch,
// superpose, collapse, unify, eval, chain, function/return, and friends.

import { type Atom, AtomKind, expr, type ExpressionAtom, isExpression, isVariable, sym, UNIT, variable, type VariableAtom } from '../../core/index.js';
import { type Bindings, substitute, unify } from '../../core/index.js';
import { alphaEquivalent, variablesOf } from '../../core/index.js';
import { freshVariable } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { BoolAtom } from '../../core/index.js';
import { type Builtin, ERROR, errorAtom, NOT_REDUCIBLE, noValues, type OpContext, type Outcome, type Result, values } from '../builtin.js';
import { EMPTY, isError, isVariableOperation } from '../machine.js';
import { SpeculationAborted } from '../speculation.js';
import { RESULT_FRAMES } from '../stack-depth.js';
import { ATOM_TYPE, getTypes, UNDEFINED } from '../types.js';
import { builtin, expectExpression, fail } from './define.js';
import { BindingsAtom, SpaceAtom, spaceAtomOf } from '../objects.js';
import type { AtomSpace } from '../../space/index.js';

const RETURN = sym('return');
const NOT_REDUCIBLE_SYM = sym('NotReducible');

/** Unifies `a` with `b` on top of the branch bindings; null when they do not unify. */
export function unifyInBranch(ctx: OpContext, a: Atom, b: Atom): Bindings | null {
  const attempt = ctx.bindings.clone();
  return unify(a, b, attempt) ? attempt : null;
}

function withBindings(atom: Atom, bindings: Bindings): Result {
  return { atom: bindings.resolve(atom), bindings };
}

/** Results of an evaluation as the atoms they stand for (bindings applied). */
export function resolvedAtoms(results: readonly Result[]): Atom[] {
  return results.map((r) => r.bindings.resolve(r.atom));
}

/** `case` and `switch`: the first case whose pattern unifies with `value`, its body instantiated. */
function firstCase(ctx: OpContext, value: Atom, cases: readonly Atom[]): Result | null {
  for (const c of cases) {
    if (!isExpression(c) || c.children.length !== 2) fail(`case expects cases of the form (pattern body), got ${formatAtom(c)}`);
    const [pattern, body] = c.children as [Atom, Atom];
    const b = unifyInBranch(ctx, pattern, value);
    if (b !== null) return withBindings(body, b);
  }
  return null;
}

/** The instructions' forms, word for word the reference interpreter's messages (interpreter.rs). */
const SHAPES: Readonly<Record<string, string>> = {
  eval: '(eval <atom>)',
  evalc: '(evalc <atom> <space>)',
  chain: '(chain <nested> (: <var> Variable) <templ>)',
  function: '(function (: <body> Expression))',
  unify: '(unify <atom> <pattern> <then> <else>)',
  'decons-atom': '(decons-atom (: <expr> Expression))',
  'cons-atom': '(cons-atom <head> (: <tail> Expression))',
  'superpose-bind': '(superpose-bind (: <collapsed> Expression))',
  metta: '(metta atom type space)',
  'context-space': '(context-space)',
};

/**
 * Reference frames from a `let` (or `let*`) call to its template's evaluation: `let` is a rule
 * whose body, a `unify` call, returns the template: two calls' worth (stack-depth.ts).
 */
const LET_FRAMES = 2 * RESULT_FRAMES;
/** From a `(metta …)` call to the `metta` it runs: its call's `evalc` depth (stack-depth.ts). */
const METTA_FRAMES = 10;

/** Fails with the reference's message for a malformed instruction (its SHAPES entry). */
function malformedCall(ctx: OpContext): never {
  const head = ctx.call.children[0]!;
  fail(`expected: ${SHAPES[formatAtom(head)]}, found: ${formatAtom(ctx.call)}`);
}

export const controlBuiltins: Builtin[] = (<Builtin[]>[
  {
    ...builtin('if', '(-> Bool Atom Atom $t)', ([cond, then, otherwise], ctx) => {
      if (cond === BoolAtom.TRUE) return values(ctx, then!);
      if (cond === BoolAtom.FALSE) return values(ctx, otherwise!);
      return NOT_REDUCIBLE;
    }),
    // The branch at once when the condition is a Bool (else execute says: not reducible).
    direct: (call: ExpressionAtom): Atom | null => {
      const c = call.children;
      if (c.length !== 4) return null;
      return c[1] === BoolAtom.TRUE ? c[2]! : c[1] === BoolAtom.FALSE ? c[3]! : null;
    },
  },
  builtin('let', '(-> Atom %Undefined% Atom %Undefined%)', ([pattern, value, body], ctx) => {
    const b = unifyInBranch(ctx, pattern!, value!);
    return b === null ? noValues() : { kind: 'values', results: [withBindings(body!, b)], frames: LET_FRAMES };
  }),
  builtin('let*', '(-> Expression Atom %Undefined%)', ([pairs, body], ctx) => {
    const list = expectExpression(pairs!, 'let*');
    if (list.length === 0) return { kind: 'values', results: [{ atom: body!, bindings: ctx.bindings }], frames: LET_FRAMES };
    const first = list[0]!;
    if (!isExpression(first) || first.children.length !== 2) fail(`let* expects (pattern value) pairs, got ${formatAtom(first)}`);
    const [pattern, value] = first.children as [Atom, Atom];
    return { kind: 'values', results: [{ atom: expr([sym('let'), pattern, value, expr([sym('let*'), expr(list.slice(1)), body!])]), bindings: ctx.bindings }], frames: LET_FRAMES };
  }),
  builtin('superpose', '(-> Expression %Undefined%)', ([tuple], ctx) => values(ctx, ...expectExpression(tuple!, 'superpose'))),
  builtin('collapse', '(-> Atom Atom)', ([atom], ctx) => ({
    kind: 'eval',
    atom: atom!,
    type: UNDEFINED,
    bindings: ctx.bindings,
    then: (results) => values(ctx, expr(resolvedAtoms(results))),
  })),
  builtin('case', '(-> Atom Expression %Undefined%)', ([scrutinee, cases], ctx) => ({
    kind: 'eval',
    atom: scrutinee!,
    type: UNDEFINED,
    bindings: ctx.bindings,
    then: (results) => {
      const caseList = expectExpression(cases!, 'case');
      if (results.length === 0) {
        const hit = firstCase(ctx, EMPTY, caseList);
        return { kind: 'values', results: hit === null ? [] : [hit] };
      }
      const out: Result[] = [];
      for (const r of results) {
        const hit = firstCase({ ...ctx, bindings: r.bindings }, r.bindings.resolve(r.atom), caseList);
        if (hit !== null) out.push(hit);
      }
      return { kind: 'values', results: out };
    },
  })),
  builtin('switch', '(-> %Undefined% Expression %Undefined%)', ([value, cases], ctx) => {
    const hit = firstCase(ctx, value!, expectExpression(cases!, 'switch'));
    return { kind: 'values', results: hit === null ? [] : [hit] };
  }),
  // The reference's switch without evaluation: its value is not evaluated, nor is the chosen template (`(-> ... Atom)`).
  builtin('switch-minimal', '(-> Atom Expression Atom)', ([value, cases], ctx) => {
    const hit = firstCase(ctx, value!, expectExpression(cases!, 'switch-minimal'));
    return { kind: 'values', results: hit === null ? [] : [hit] };
  }),
  builtin('id', '(-> %Undefined% %Undefined%)', ([atom], ctx) => values(ctx, atom!)),
  builtin('noeval', '(-> Atom Atom)', ([atom], ctx) => values(ctx, atom!)),
  builtin('quote', '(-> Atom Atom)', () => NOT_REDUCIBLE),
  builtin('unquote', '(-> %Undefined% %Undefined%)', ([quoted], ctx) => {
    if (isExpression(quoted!) && quoted.children.length === 2 && quoted.children[0] === sym('quote')) return values(ctx, quoted.children[1]!);
    return NOT_REDUCIBLE;
  }),
  builtin('nop', null, (_args, ctx) => values(ctx, UNIT)),
  builtin('empty', '(-> %Undefined%)', () => noValues()),
  // Alpha-equivalence, as the reference's atoms_are_equivalent: `(a $x)` is `(a $y)`.
  builtin('if-equal', '(-> Atom Atom Atom Atom %Undefined%)', ([a, b, then, otherwise], ctx) =>
    values(ctx, alphaEquivalent(a!, b!) ? then! : otherwise!),
  ),
  builtin('if-error', '(-> Atom Atom Atom %Undefined%)', ([atom, then, otherwise], ctx) => values(ctx, isError(atom!) ? then! : otherwise!)),
  builtin('return-on-error', '(-> Atom Atom %Undefined%)', ([atom, then], ctx) => {
    // As the reference's definition: `(return Empty)` for Empty, `(return <error>)` for an error.
    return values(ctx, atom === EMPTY || isError(atom!) ? expr([RETURN, atom!]) : then!);
  }),
  builtin('if-decons-expr', '(-> Expression Variable Variable Atom Atom %Undefined%)', ([e, head, tail, then, otherwise], ctx) => {
    const children = expectExpression(e!, 'if-decons-expr');
    if (children.length === 0) return values(ctx, otherwise!);
    const b = unifyInBranch(ctx, expr([head!, tail!]), expr([children[0]!, expr(children.slice(1))]));
    return b === null ? values(ctx, otherwise!) : { kind: 'values', results: [withBindings(then!, b)] };
  }),
  builtin('atom-subst', '(-> %Undefined% Variable Atom %Undefined%)', ([value, v, template], ctx) => {
    const name = (v as VariableAtom).name;
    return values(ctx, substitute(template!, (x) => (x.name === name ? value! : undefined)));
  }),
  builtin('sealed', '(-> Expression Atom Atom)', ([ignored, atom], ctx) => {
    const keep = new Set(variablesOf(ignored!).map((v) => v.name));
    const fresh = new Map<string, VariableAtom>();
    const freshNames = new Set<string>();
    const sealed = substitute(atom!, (x) => {
      if (keep.has(x.name) || freshNames.has(x.name)) return undefined;
      let f = fresh.get(x.name);
      if (f === undefined) {
        f = freshVariable(x.name);
        fresh.set(x.name, f);
        freshNames.add(f.name);
      }
      return f;
    });
    return values(ctx, sealed);
  }),
  builtin('Error', '(-> Atom Atom ErrorType)', () => NOT_REDUCIBLE),
  builtin('capture', '(-> Atom %Undefined%)', ([atom], ctx) => values(ctx, atom!)),

  // Minimal instructions.
  builtin('eval', '(-> Atom Atom)', ([atom], ctx) => evalOneStep(atom!, ctx)),
  builtin('evalc', '(-> Atom Grounded Atom)', ([atom, space], ctx) => evalOneStep(atom!, { ...ctx, space: spaceOf(space!) })),
  builtin('chain', '(-> Atom Variable Atom %Undefined%)', ([atom, v, template], ctx) => {
    if (!isVariable(v!)) malformedCall(ctx);
    const name = v.name;
    const substituted = (results: readonly Result[]): Outcome => ({
      kind: 'values',
      results: results.map((r) => {
        const value = r.bindings.resolve(r.atom);
        return { atom: substitute(template!, (x) => (x.name === name ? value : undefined)), bindings: r.bindings };
      }),
    });
    // As in the reference, only a minimal instruction is executed; any other atom is the value.
    if (!isInstruction(atom!)) return substituted([{ atom: atom!, bindings: ctx.bindings }]);
    return { kind: 'eval', atom: atom!, type: UNDEFINED, bindings: ctx.bindings, then: substituted };
  }),
  builtin('unify', '(-> Atom Atom Atom Atom %Undefined%)', ([a, b, then, otherwise], ctx) => {
    const u = unifyInBranch(ctx, a!, b!);
    return u === null ? values(ctx, otherwise!) : { kind: 'values', results: [withBindings(then!, u)] };
  }),
  builtin('cons-atom', '(-> Atom Expression Atom)', ([head, tail], ctx) => (isExpression(tail!) ? values(ctx, expr([head!, ...tail.children])) : malformedCall(ctx))),
  builtin('decons-atom', '(-> Expression Atom)', ([e], ctx) => {
    if (!isExpression(e!) || e.children.length === 0) malformedCall(ctx);
    return values(ctx, expr([e.children[0]!, expr(e.children.slice(1))]));
  }),
  builtin('function', '(-> Atom Atom)', ([body], ctx) => ({
    kind: 'eval',
    atom: body!,
    type: UNDEFINED,
    bindings: ctx.bindings,
    then: (results) => {
      const out: Result[] = [];
      for (const r of results) {
        const a = r.bindings.resolve(r.atom);
        if (isExpression(a) && a.children.length === 2 && a.children[0] === RETURN) out.push({ atom: a.children[1]!, bindings: r.bindings });
        else out.push({ atom: errorAtom(a, sym('NoReturn')), bindings: r.bindings });
      }
      return { kind: 'values', results: out };
    },
  })),
  builtin('return', '(-> Atom Atom)', () => NOT_REDUCIBLE),
  builtin('collapse-bind', '(-> Atom Atom)', ([atom], ctx) => {
    const collapsed = (results: readonly Result[]): Outcome =>
      values(ctx, expr(results.map((r) => expr([r.bindings.resolve(r.atom), new BindingsAtom(r.bindings)]))));
    // Like `chain`, it executes a minimal instruction and takes any other atom as the value.
    if (!isInstruction(atom!)) return collapsed([{ atom: atom!, bindings: ctx.bindings }]);
    return { kind: 'eval', atom: atom!, type: UNDEFINED, bindings: ctx.bindings, then: collapsed };
  }),
  builtin('superpose-bind', '(-> Expression %Undefined%)', ([pairs], ctx) => {
    const out: Result[] = [];
    for (const p of expectExpression(pairs!, 'superpose-bind')) {
      if (!isExpression(p) || p.children.length !== 2) fail('superpose-bind expects (atom bindings) pairs');
      const [atom, b] = p.children as [Atom, Atom];
      const merged = b instanceof BindingsAtom ? ctx.bindings.merge(b.bindings) : ctx.bindings;
      if (merged !== null) out.push({ atom, bindings: merged });
    }
    return { kind: 'values', results: out };
  }),
  builtin('metta', '(-> Atom Atom Grounded Atom)', ([atom, type, space], ctx) => {
    // A symbol or grounded value against a type variable: the variable is bound to the atom's
    // first type, as the reference's type_cast matches them (`(: S Int)`: `(metta S $t &self)`
    // binds $t to Int); %Undefined% and Atom match without binding.
    if (isVariable(type!) && (atom!.kind === AtomKind.Symbol || atom!.kind === AtomKind.Grounded)) {
      const first = getTypes(ctx.env.types(spaceOf(space!)), atom!)[0];
      if (first === undefined) return noValues();
      if (first === UNDEFINED || first === ATOM_TYPE) return values(ctx, atom!);
      const bound = ctx.bindings.clone();
      return unify(type!, first, bound) ? { kind: 'values', results: [{ atom: atom!, bindings: bound }] } : noValues();
    }
    return {
      kind: 'eval',
      atom: atom!,
      type: type!,
      bindings: ctx.bindings,
      space: spaceOf(space!),
      // An embedded op: `evalc` puts its `metta` frame under metta_call's chain (stack-depth.ts).
      frames: METTA_FRAMES,
      then: (results) => ({ kind: 'values', results }),
    };
  }),
  builtin('context-space', '(-> SpaceType)', (_args, ctx) => values(ctx, spaceAtomFor(ctx))),
]).map((b) => (SHAPES[b.name] !== undefined ? { ...b, shape: SHAPES[b.name] } : b));

/** The minimal instructions: the atoms `chain` executes (the reference's "embedded ops"). */
const INSTRUCTIONS = new Set<Atom>(
  ['eval', 'evalc', 'chain', 'unify', 'cons-atom', 'decons-atom', 'function', 'collapse-bind', 'superpose-bind', 'metta', 'context-space', 'call-native'].map(sym),
);

export function isInstruction(atom: Atom): boolean {
  return atom.kind === AtomKind.Expression && atom.children.length > 0 && INSTRUCTIONS.has(atom.children[0]!);
}

/** One evaluation step of the minimal `eval`: a built-in call or one rule rewrite, no more. */
function evalOneStep(atom: Atom, ctx: OpContext): Outcome {
  // A symbol is looked up as the reference's eval looks it up (`(= a b)`: `(eval a)` is `b`); a
  // variable, a grounded atom and () are not reducible.
  if (atom.kind !== AtomKind.Symbol && (atom.kind !== AtomKind.Expression || atom.children.length === 0)) return values(ctx, NOT_REDUCIBLE_SYM);
  if (atom.kind === AtomKind.Expression) {
    const head = atom.children[0]!;
    const b = head.kind === AtomKind.Symbol ? ctx.env.builtin(head) : undefined;
    if (b !== undefined) {
      // A writer counts as one here as it does when the machine calls it (a speculative run stops).
      if (ctx.env.writerCalled(b)) throw new SpeculationAborted(b.name);
      const outcome = b.execute(atom.children.slice(1), { ...ctx, call: atom });
      return outcome.kind === 'not-reducible' ? values(ctx, NOT_REDUCIBLE_SYM) : outcome;
    }
    if (isVariableOperation(atom)) return values(ctx, NOT_REDUCIBLE_SYM);
  }
  const result = variable('result#');
  return {
    kind: 'query',
    space: ctx.space,
    pattern: expr([sym('='), atom, result]),
    then: (answers) => {
      if (answers.length === 0) return values(ctx, NOT_REDUCIBLE_SYM);
      const out: Result[] = [];
      for (const a of answers) {
        const merged = ctx.bindings.merge(a.without(result.name));
        const value = a.lookup(result.name);
        if (merged !== null && value !== undefined) out.push({ atom: value, bindings: merged });
      }
      // A rule whose body is `(function …)` is run, as the reference's eval_result runs it: its
      // `return` value is the result, and no return is `(Error <the call> NoReturn)`. (Only for
      // a call with one such rule: with several answers they are returned as they are.)
      if (out.length === 1 && isFunctionBody(out[0]!.bindings.resolve(out[0]!.atom))) {
        const only = out[0]!;
        return {
          kind: 'eval',
          atom: only.bindings.resolve(only.atom),
          type: UNDEFINED,
          bindings: only.bindings,
          then: (results) => ({
            kind: 'values',
            results: results.map((r) => (isNoReturn(r.atom) ? { atom: errorAtom(atom, NO_RETURN), bindings: r.bindings } : r)),
          }),
        };
      }
      return { kind: 'values', results: out };
    },
  };
}

const FUNCTION = sym('function');
const NO_RETURN = sym('NoReturn');

function isFunctionBody(atom: Atom): boolean {
  return isExpression(atom) && atom.children.length === 2 && atom.children[0] === FUNCTION;
}

function isNoReturn(atom: Atom): boolean {
  return isExpression(atom) && atom.children.length === 3 && atom.children[0] === ERROR && atom.children[2] === NO_RETURN;
}

export function spaceOf(atom: Atom): AtomSpace {
  if (atom instanceof SpaceAtom) return atom.space;
  fail(`expected a space, got ${formatAtom(atom)}`);
}

function spaceAtomFor(ctx: OpContext): SpaceAtom {
  return spaceAtomOf(ctx.space);
}
