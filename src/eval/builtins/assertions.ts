// Assertions (SPEC §5): assertEqual, assertEqualToResult, assertAlphaEqual,
// assertAlphaEqualToResult, their *Msg variants, assertIncludes and assert.
//
// Success is `()`. Results are compared as multisets (duplicates count). A failure is
// `(Error <the assertion call> "\nExpected: [..]\nGot: [..]\nMissed results: ..\nExcessive results: ..")`,
// the last two lines only when non-empty. As the reference's stdlib.metta writes them: a *Msg
// variant's failure is `(Error <the call without its message> <message>)`; assertIncludes' is
// `(assertIncludes error: <missed> not included in result: <results>)`; `assert` checks each result
// of its argument, `()` for True and `(Error (assert A) (A not True))` for anything else.

import { type Atom, expr, sym, UNIT } from '../../core/index.js';
import { atomEquals, formatAtom, formatAtomNumbered, FreshNumbering } from '../../core/index.js';
import { BoolAtom, str } from '../../core/index.js';
import { type Builtin, errorAtom, type OpContext, type Outcome, values } from '../builtin.js';
import { builtin, expectExpression } from './define.js';
import { AtomBag, evaluateAll } from './sequencing.js';

interface Difference {
  /** Expected atoms with no counterpart among the actual ones. */
  readonly missed: Atom[];
  /** Actual atoms with no counterpart among the expected ones. */
  readonly excessive: Atom[];
}

/** Multiset difference, under an equivalence: which atoms of each side have no counterpart. */
function compare(actual: readonly Atom[], expected: readonly Atom[], alpha: boolean): Difference {
  const unmatched = (items: readonly Atom[], others: readonly Atom[]): Atom[] => {
    const bag = new AtomBag(alpha);
    for (const o of others) bag.add(o);
    return items.filter((i) => !bag.take(i));
  };
  return { missed: unmatched(expected, actual), excessive: unmatched(actual, expected) };
}

function list(atoms: readonly Atom[]): string {
  const numbering = new FreshNumbering();
  return atoms.map((a) => formatAtomNumbered(a, numbering)).join(', ');
}

/** The failure report of SPEC §5. */
export function assertionReport(actual: readonly Atom[], expected: readonly Atom[], diff: Difference): string {
  let report = `\nExpected: [${list(expected)}]\nGot: [${list(actual)}]`;
  if (diff.missed.length > 0) report += `\nMissed results: ${list(diff.missed)}`;
  if (diff.excessive.length > 0) report += `\nExcessive results: ${list(diff.excessive)}`;
  return report;
}

/**
 * Evaluates `actualAtom`, gets the expected results (by evaluating `expectedAtom`, or as the
 * listed atoms), and compares. `includes`: only missed results fail (assertIncludes).
 */
function check(
  ctx: OpContext,
  actualAtom: Atom,
  expected: { evaluate: Atom } | { listed: Atom },
  alpha: boolean,
  message: Atom | null,
  includes = false,
): Outcome {
  const judge = (actual: Atom[], wanted: readonly Atom[]): Outcome => {
    const diff = compare(actual, wanted, alpha);
    const ok = diff.missed.length === 0 && (includes || diff.excessive.length === 0);
    if (ok) return values(ctx, UNIT);
    if (message !== null) return values(ctx, errorAtom(expr(ctx.call.children.slice(0, -1)), message));
    if (includes) return values(ctx, errorAtom(ctx.call, expr([sym('assertIncludes'), sym('error:'), expr(diff.missed), sym('not'), sym('included'), sym('in'), sym('result:'), expr(actual)])));
    return values(ctx, errorAtom(ctx.call, str(assertionReport(actual, wanted, diff))));
  };
  return evaluateAll(ctx, actualAtom, ctx.bindings, (actual) => {
    if ('listed' in expected) return judge(actual, expectExpression(expected.listed, formatAtom(ctx.call.children[0]!)));
    return evaluateAll(ctx, expected.evaluate, ctx.bindings, (wanted) => judge(actual, wanted));
  });
}

export const assertionBuiltins: Builtin[] = [
  builtin('assertEqual', '(-> Atom Atom (->))', ([a, e], ctx) => check(ctx, a!, { evaluate: e! }, false, null)),
  builtin('assertEqualToResult', '(-> Atom Atom (->))', ([a, e], ctx) => check(ctx, a!, { listed: e! }, false, null)),
  builtin('assertAlphaEqual', '(-> Atom Atom (->))', ([a, e], ctx) => check(ctx, a!, { evaluate: e! }, true, null)),
  builtin('assertAlphaEqualToResult', '(-> Atom Atom (->))', ([a, e], ctx) => check(ctx, a!, { listed: e! }, true, null)),
  builtin('assertEqualMsg', '(-> Atom Atom Atom (->))', ([a, e, m], ctx) => check(ctx, a!, { evaluate: e! }, false, m!)),
  builtin('assertEqualToResultMsg', '(-> Atom Atom Atom (->))', ([a, e, m], ctx) => check(ctx, a!, { listed: e! }, false, m!)),
  builtin('assertAlphaEqualMsg', '(-> Atom Atom Atom (->))', ([a, e, m], ctx) => check(ctx, a!, { evaluate: e! }, true, m!)),
  builtin('assertAlphaEqualToResultMsg', '(-> Atom Atom Atom (->))', ([a, e, m], ctx) => check(ctx, a!, { listed: e! }, true, m!)),
  builtin('assertIncludes', '(-> Atom Atom (->))', ([a, e], ctx) => check(ctx, a!, { listed: e! }, false, null, true)),
  builtin('assert', '(-> Atom (->))', ([a], ctx) =>
    evaluateAll(ctx, a!, ctx.bindings, (atoms) =>
      values(ctx, ...atoms.map((v) => (atomEquals(v, BoolAtom.TRUE) ? UNIT : errorAtom(ctx.call, expr([a!, sym('not'), BoolAtom.TRUE]))))),
    ),
  ),
];
