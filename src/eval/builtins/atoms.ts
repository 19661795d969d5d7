// Atoms and types (SPEC §5): car-atom, cdr-atom, size-atom, index-atom, min-atom, max-atom,
// map-atom, filter-atom, foldl-atom, unique-atom, union-atom, intersection-atom,
// subtraction-atom, unique, union, intersection, subtraction, for-each-in-atom, noreduce-eq,
// =alpha, type-cast.

import { type Atom, expr, isExpression, isVariable, sym, UNIT } from '../../core/index.js';
import { Bindings } from '../../core/index.js';
import { alphaEquivalent, atomEquals } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { BoolAtom, bool, FloatAtom, int, IntAtom, str } from '../../core/index.js';
import { type Builtin, errorAtom, type OpContext, type Outcome, type Result, values } from '../builtin.js';
import { isError } from '../machine.js';
import { getTypes, metaType, typeFits } from '../types.js';
import { spaceOf } from './control.js';
import { builtin, expectExpression, fail } from './define.js';
import { AtomBag, cons, type Cons, consToArray, evaluateAll, explore, replaceVariable } from './sequencing.js';

type Num = IntAtom | FloatAtom;

function isNum(a: Atom): a is Num {
  return a instanceof IntAtom || a instanceof FloatAtom;
}

/** Sign of a − b: exact for integers of any size; NaN when a float is NaN. */
function numericOrder(a: Num, b: Num): number {
  if (a instanceof IntAtom && b instanceof IntAtom) {
    if (typeof a.value === 'number' && typeof b.value === 'number') return Math.sign(a.value - b.value);
    const x = BigInt(a.value);
    const y = BigInt(b.value);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = Number(a.value);
  const y = Number(b.value);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

function isNaNAtom(a: Num): boolean {
  return a instanceof FloatAtom && Number.isNaN(a.value);
}

/** min-atom / max-atom: the chosen element as it is; the first one on ties; NaN only if all are. */
/** min-atom / max-atom: `(-> %Undefined% Number)` as in the reference, so the argument is evaluated first; its messages. */
function extremum(name: string, better: (order: number) => boolean): Builtin {
  return builtin(name, '(-> %Undefined% Number)', ([e], ctx) => {
    if (!isExpression(e!)) fail(`${name} expects one argument: expression`);
    const children = e.children;
    if (children.length === 0) fail('Empty expression');
    let best: Num | null = null;
    for (const c of children) {
      if (!isNum(c)) fail(`Only numbers are allowed in expression: ${formatAtom(e)}`);
      if (best === null || (isNaNAtom(best) && !isNaNAtom(c)) || better(numericOrder(c, best))) best = c;
    }
    return values(ctx, best!);
  });
}

function variableName(v: Atom, what: string): string {
  if (isVariable(v)) return v.name;
  fail(`${what} expects a variable, got ${formatAtom(v)}`);
}

/** Multiset subtraction (`keepMatched` false) or intersection (true) of `left` and `right`. */
function multisetOp<T>(left: readonly T[], right: readonly T[], atomOf: (t: T) => Atom, keepMatched: boolean): T[] {
  const bag = new AtomBag(true);
  for (const r of right) bag.add(atomOf(r));
  return left.filter((l) => bag.take(atomOf(l)) === keepMatched);
}

/** Keeps the first of alpha-equivalent items. */
function uniqueBy<T>(items: readonly T[], atomOf: (t: T) => Atom): T[] {
  const seen = new AtomBag(true);
  return items.filter((item) => {
    const a = atomOf(item);
    if (seen.has(a)) return false;
    seen.add(a);
    return true;
  });
}

/** Multiset operations on the results of `left` and `right` (each evaluated on its own). */
function resultSetOp(ctx: OpContext, left: Atom, right: Atom, op: (l: Result[], r: Result[]) => Result[]): Outcome {
  return evaluateAll(ctx, left, ctx.bindings, (_la, lr) =>
    evaluateAll(ctx, right, ctx.bindings, (_ra, rr) => ({ kind: 'values', results: op(resolved(lr), resolved(rr)) })),
  );
}

function resolved(results: readonly Result[]): Result[] {
  return results.map((r) => ({ atom: r.bindings.resolve(r.atom), bindings: r.bindings }));
}

interface MapState {
  readonly index: number;
  readonly done: Cons<Atom> | null;
}

interface FoldState {
  readonly index: number;
  readonly acc: Atom;
}

const ARROW = sym('->');

export const atomBuiltins: Builtin[] = [
  // As the reference's stdlib.metta defines them: car-atom is `(-> Expression %Undefined%)` (the
  // head is evaluated further), and both report one String error for a non-expression and ().
  builtin('car-atom', '(-> Expression %Undefined%)', ([e], ctx) => {
    const children = isExpression(e!) ? e.children : [];
    if (children.length === 0) return values(ctx, errorAtom(ctx.call, str('car-atom expects a non-empty expression as an argument')));
    return values(ctx, children[0]!);
  }),
  builtin('cdr-atom', '(-> Expression Expression)', ([e], ctx) => {
    const children = isExpression(e!) ? e.children : [];
    if (children.length === 0) return values(ctx, errorAtom(ctx.call, str('cdr-atom expects a non-empty expression as an argument')));
    return values(ctx, expr(children.slice(1)));
  }),
  builtin('is-function', '(-> Type Bool)', ([t], ctx) => values(ctx, bool(isExpression(t!) && t.children.length > 0 && t.children[0] === ARROW))),
  builtin('size-atom', '(-> Expression Number)', ([e], ctx) => values(ctx, int(expectExpression(e!, 'size-atom').length))),
  builtin('index-atom', '(-> Expression Number Atom)', ([e, i], ctx) => {
    const children = expectExpression(e!, 'index-atom');
    if (!(i instanceof IntAtom)) fail(`index-atom expects an integer index, got ${formatAtom(i!)}`);
    const index = typeof i.value === 'bigint' ? -1 : i.value;
    if (index < 0 || index >= children.length) fail('Index is out of bounds');
    return values(ctx, children[index]!);
  }),
  extremum('min-atom', (order) => order < 0),
  extremum('max-atom', (order) => order > 0),

  builtin('map-atom', '(-> Expression Variable Atom Expression)', ([list, v, template], ctx) => {
    const items = expectExpression(list!, 'map-atom');
    const name = variableName(v!, 'map-atom');
    return explore<MapState>(ctx, { index: 0, done: null }, (s) => {
      if (s.index >= items.length) return { kind: 'done', atom: expr(consToArray(s.done)) };
      // Each element is mapped on its own: what the template binds for one (`(let ($t $m) $x $m)`)
      // does not constrain the next, as in the reference, where each element is a rule call.
      return {
        kind: 'eval',
        atom: replaceVariable(template!, name, items[s.index]!),
        scoped: true,
        next: (value) => ({ index: s.index + 1, done: cons(value, s.done) }),
      };
    });
  }),
  builtin('filter-atom', '(-> Expression Variable Atom Expression)', ([list, v, filter], ctx) => {
    const items = expectExpression(list!, 'filter-atom');
    const name = variableName(v!, 'filter-atom');
    // `index` counts up twice per element: even = evaluate the filter, odd = its verdict in `done`.
    interface FilterState extends MapState {
      readonly verdict: Atom | null;
    }
    return explore<FilterState>(ctx, { index: 0, done: null, verdict: null }, (s) => {
      let done = s.done;
      if (s.verdict !== null) {
        const item = items[s.index - 1]!;
        if (isError(s.verdict)) return { kind: 'done', atom: s.verdict };
        if (s.verdict === BoolAtom.TRUE) done = cons(item, done);
        else if (s.verdict !== BoolAtom.FALSE) {
          const message = `filter-atom expects the filter to evaluate to True or False, got ${formatAtom(s.verdict)}`;
          return { kind: 'done', atom: errorAtom(ctx.call, sym(message)) };
        }
      }
      if (s.index >= items.length) return { kind: 'done', atom: expr(consToArray(done)) };
      return {
        kind: 'eval',
        atom: replaceVariable(filter!, name, items[s.index]!),
        scoped: true,
        next: (verdict) => ({ index: s.index + 1, done, verdict }),
      };
    });
  }),
  builtin('foldl-atom', '(-> Expression Atom Variable Variable Atom %Undefined%)', ([list, init, a, b, op], ctx) => {
    const items = expectExpression(list!, 'foldl-atom');
    const accName = variableName(a!, 'foldl-atom');
    const itemName = variableName(b!, 'foldl-atom');
    const instantiate = (acc: Atom, item: Atom): Atom => replaceVariable(replaceVariable(op!, accName, acc), itemName, item);
    if (items.length === 0) return values(ctx, init!);
    // The last application is returned unevaluated: the interpreter evaluates the result of the
    // call anyway (return type %Undefined%), so each step is evaluated exactly once.
    return explore<FoldState>(ctx, { index: 0, acc: init! }, (s) => {
      if (s.index === items.length - 1) return { kind: 'done', atom: instantiate(s.acc, items[s.index]!) };
      return { kind: 'eval', atom: instantiate(s.acc, items[s.index]!), scoped: true, next: (acc) => ({ index: s.index + 1, acc }) };
    });
  }),

  builtin('unique-atom', '(-> Expression Expression)', ([e], ctx) => values(ctx, expr(uniqueBy(expectExpression(e!, 'unique-atom'), (x) => x)))),
  builtin('union-atom', '(-> Expression Expression Expression)', ([l, r], ctx) =>
    values(ctx, expr([...expectExpression(l!, 'union-atom'), ...expectExpression(r!, 'union-atom')])),
  ),
  builtin('intersection-atom', '(-> Expression Expression Expression)', ([l, r], ctx) =>
    values(ctx, expr(multisetOp(expectExpression(l!, 'intersection-atom'), expectExpression(r!, 'intersection-atom'), (x) => x, true))),
  ),
  builtin('subtraction-atom', '(-> Expression Expression Expression)', ([l, r], ctx) =>
    values(ctx, expr(multisetOp(expectExpression(l!, 'subtraction-atom'), expectExpression(r!, 'subtraction-atom'), (x) => x, false))),
  ),

  builtin('unique', '(-> Atom Atom)', ([atom], ctx) =>
    evaluateAll(ctx, atom!, ctx.bindings, (_atoms, results) => ({ kind: 'values', results: uniqueBy(resolved(results), (r) => r.atom) })),
  ),
  builtin('union', '(-> Atom Atom Atom)', ([l, r], ctx) => resultSetOp(ctx, l!, r!, (x, y) => [...x, ...y])),
  builtin('intersection', '(-> Atom Atom Atom)', ([l, r], ctx) => resultSetOp(ctx, l!, r!, (x, y) => multisetOp(x, y, (r) => r.atom, true))),
  builtin('subtraction', '(-> Atom Atom Atom)', ([l, r], ctx) => resultSetOp(ctx, l!, r!, (x, y) => multisetOp(x, y, (r) => r.atom, false))),

  builtin('for-each-in-atom', '(-> Expression Atom (->))', ([e, f], ctx) => {
    const items = expectExpression(e!, 'for-each-in-atom');
    const loop = (i: number): Outcome =>
      i >= items.length ? values(ctx, UNIT) : evaluateAll(ctx, expr([f!, items[i]!]), ctx.bindings, () => loop(i + 1));
    return loop(0);
  }),
  builtin('noreduce-eq', '(-> Atom Atom Bool)', ([x, y], ctx) => values(ctx, bool(atomEquals(x!, y!)))),
  builtin('=alpha', '(-> $t $t Bool)', ([x, y], ctx) => values(ctx, bool(alphaEquivalent(x!, y!)))),
  builtin('type-cast', '(-> Atom Atom Atom Atom)', ([atom, type, space], ctx) => {
    if (metaType(atom!) === type) return values(ctx, atom!);
    const index = ctx.env.types(spaceOf(space!));
    for (const actual of getTypes(index, atom!)) {
      if (typeFits(index, type!, actual, new Bindings())) return values(ctx, atom!);
    }
    return values(ctx, errorAtom(atom!, sym('BadType')));
  }),
];

