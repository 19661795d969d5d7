// Differential property test of the compiled tier: random programs (fast-check, a fixed seed) of
// a few functions built from everything the tier compiles — arithmetic, comparisons, `if`, `let`,
// `superpose`, `collapse`, `empty`, `case`, constructors, the expression built-ins, calls of earlier
// functions and through variable heads, queries of a few facts (conjunctions too), writes of facts and of rules
// (the space printed at the end), declared types that fit or not — with their calls over random
// values (and function names), run with the
// tier on (memoization on and off) and off. Every run must print the same, byte for byte. The
// tier's counters show that it answered (and bailed) along the way, so the test cannot pass by
// never reaching it.
//
// Replay with TIER_SEED=<seed>; TIER_RUNS=<n> runs more programs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledTierStats } from '../../src/index.js';
import { runProgramText } from '../helpers/run-program.js';

const SEED = Number(process.env['TIER_SEED'] ?? 20_261_203);
const RUNS = Number(process.env['TIER_RUNS'] ?? 1500);

const VALUES = ['0', '1', '2', '3', '-1', '1.5', '"s"', 'True', 'False', 'A', 'B', '()', '(1 2)', '(A 3)', '(Cons 1 Nil)', 'Nil'];
/** Passed to the functions besides VALUES: what a variable head may be bound to. */
const HEADS = ['h1', 'h2', 'h3', 'Cons', '+'];
/** Facts the queries find (one with a variable: its answers are not ground). */
const FACTS = '(edge 1 2)\n(edge 2 3)\n(edge 1 A)\n(edge 3 (Cons 1 Nil))\n(edge A $free)\n(rec 0)';
/** Functions called through variable heads: undeclared, declared (the interpreter's), overlapping. */
const HELPERS = '(= (h1 $x) (+ $x 1))\n(= (h2 $x) (Cons $x Nil))\n(= (h2 0) zero)\n(: h3 (-> Number Number))\n(= (h3 $x) (* $x 2))';
const TYPES = ['Number', 'Bool', 'String', '%Undefined%', 'Color'];

interface Scope {
  readonly vars: readonly string[];
  /** Functions callable here: name and number of parameters. */
  readonly functions: readonly (readonly [string, number])[];
}

/** A body expression over the scope's variables, of nesting depth at most `depth`. */
function bodyArb(scope: Scope, depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(...(scope.vars.length > 0 ? [fc.constantFrom(...scope.vars)] : []), fc.constantFrom(...VALUES));
  if (depth === 0) return leaf;
  // One arbitrary per level, used for every sub-expression (building one per use is exponential in the depth).
  const subArb = bodyArb(scope, depth - 1);
  const sub = (): fc.Arbitrary<string> => subArb;
  const uneval = fc.oneof(...(scope.vars.length > 0 ? [fc.constantFrom(...scope.vars)] : []), fc.constantFrom('(1 2 3)', '(A B)', '()'));
  const freshVar = `$v${depth}`;
  const options: fc.Arbitrary<string>[] = [
    leaf,
    fc.tuple(fc.constantFrom('+', '-', '*', '<', '==', '>='), sub(), sub()).map(([op, a, b]) => `(${op} ${a} ${b})`),
    fc.tuple(sub(), sub(), sub()).map(([c, a, b]) => `(if ${c} ${a} ${b})`),
    fc.tuple(sub(), bodyArb({ ...scope, vars: [...scope.vars, freshVar] }, depth - 1)).map(([v, b]) => `(let ${freshVar} ${v} ${b})`),
    fc.tuple(sub(), sub()).map(([a, b]) => `(superpose (${a} ${b}))`),
    sub().map((a) => `(collapse ${a})`),
    fc.constant('(empty)'),
    fc.tuple(sub(), sub()).map(([a, b]) => `(Cons ${a} ${b})`),
    fc.tuple(fc.constantFrom('car-atom', 'cdr-atom', 'size-atom'), uneval).map(([op, a]) => `(${op} ${a})`),
    fc.tuple(uneval, uneval).map(([h, t]) => `(cons-atom ${h} ${t})`),
    fc.tuple(uneval, sub()).map(([e, i]) => `(index-atom ${e} ${i})`),
    fc.tuple(fc.constantFrom('True', '(Cons $m1 $m2)', '($m1 2)', '0'), sub(), sub()).map(([p, v, b]) => `(let ${p} ${v} ${b})`),
    fc
      .tuple(sub(), fc.constantFrom('0', 'A', '(Cons $c1 $c2)', '($c1 2)', '$c1', 'Empty'), sub(), sub())
      .map(([s, p, a, b]) => `(case ${s} ((${p} ${a}) ($c3 ${b})))`),
  ];
  // The space: queries of the facts (one with a variable, whose answers bail), writes of facts
  // and of a rule (which bail), calls through a variable head.
  const edgeEnd = fc.oneof(leaf, fc.constant('$e'));
  options.push(
    fc.tuple(edgeEnd, fc.integer({ min: 0, max: 3 }), fc.constantFrom('$m', '(P $m)', '($e $m)')).map(([x, k, t]) => {
      const rename = (a: string): string => a.replace(/\$([em])\b/g, `$$$1${depth}${k}`);
      return `(collapse (match &self (edge ${rename(x)} ${rename('$m')}) ${rename(t)}))`;
    }),
    fc.tuple(edgeEnd, fc.integer({ min: 0, max: 3 })).map(([x, k]) => `(match &self (edge ${x === '$e' ? `$e${depth}${k}` : x} $n${depth}${k}) $n${depth}${k})`),
    // Conjunctions: a join over the facts, the template filled from both conjuncts (a fact with a variable takes the general join).
    fc.tuple(edgeEnd, fc.integer({ min: 0, max: 3 }), fc.constantFrom('$b', '($a $b)', '(P $b Q)', '$a')).map(([x, k, t]) => {
      const rename = (a: string): string => a.replace(/\$([eab])\b/g, `$$$1${depth}${k}`);
      return `(collapse (match &self (, (edge ${rename(x)} ${rename('$a')}) (edge ${rename('$a')} ${rename('$b')})) ${rename(t)}))`;
    }),
    sub().map((b) => `(let $r${depth} (collapse (match &self (rec $q${depth}) $q${depth})) (Got $r${depth} ${b}))`),
    fc.tuple(fc.constantFrom('add-atom', 'remove-atom'), leaf, sub()).map(([op, v, b]) => `(let $w${depth} (${op} &self (rec ${v})) ${b})`),
    // A rule added for the rest of the body, then removed (the space stays small).
    fc.tuple(leaf, sub()).map(([v, b]) => `(let $w${depth} (add-atom &self (= (g) ${v})) (let $u${depth} (Then (g) ${b}) (let $z${depth} (remove-atom &self (= (g) ${v})) $u${depth})))`),
    fc.tuple(fc.constantFrom('h1', 'h2', 'h3', 'Cons', '+', 'A'), sub()).map(([h, a]) => `(let $h${depth} ${h} ($h${depth} ${a}))`),
  );
  if (scope.vars.length > 0) options.push(fc.tuple(fc.constantFrom(...scope.vars), sub()).map(([v, a]) => `(${v} ${a})`));
  if (scope.functions.length > 0) {
    options.push(
      fc
        .constantFrom(...scope.functions)
        .chain(([name, n]) => fc.array(sub(), { minLength: n, maxLength: n }).map((args) => `(${name}${args.map((a) => ' ' + a).join('')})`)),
    );
  }
  return fc.oneof(...options);
}

/** Function `f{i}`: one or two rules (a literal first argument in the first, sometimes), maybe a declared type. */
function functionArb(i: number, earlier: readonly (readonly [string, number])[]): fc.Arbitrary<{ text: string; arity: number }> {
  return fc.integer({ min: 1, max: 2 }).chain((arity) => {
    const params = Array.from({ length: arity }, (_, k) => `$p${k}`);
    const scope: Scope = { vars: params, functions: earlier };
    const name = `f${i}`;
    const rule = (lhsFirst: string): fc.Arbitrary<string> =>
      bodyArb(lhsFirst === params[0] ? scope : { ...scope, vars: params.slice(1) }, 3).map((b) => `(= (${name} ${[lhsFirst, ...params.slice(1)].join(' ')}) ${b})`);
    const rules = fc.oneof(
      rule(params[0]!).map((r) => [r]),
      fc.tuple(fc.constantFrom('0', 'A', '()'), fc.boolean()).chain(([lit, overlap]) =>
        fc.tuple(rule(lit), rule(params[0]!)).map(([a, b]) => (overlap ? [a, b] : [b, a])),
      ),
    );
    const declared = fc.option(fc.array(fc.constantFrom(...TYPES), { minLength: arity + 1, maxLength: arity + 1 }), { freq: 2 });
    return fc.tuple(rules, declared).map(([rs, types]) => ({
      text: [...(types === null ? [] : [`(: ${name} (-> ${types.join(' ')}))`]), ...rs].join('\n'),
      arity,
    }));
  });
}

const programArb: fc.Arbitrary<string> = fc.integer({ min: 1, max: 4 }).chain((count) => {
  let acc: fc.Arbitrary<{ texts: string[]; functions: (readonly [string, number])[] }> = fc.constant({ texts: [], functions: [] });
  for (let i = 0; i < count; i++) {
    acc = acc.chain((p) => functionArb(i, p.functions).map((f) => ({ texts: [...p.texts, f.text], functions: [...p.functions, [`f${i}`, f.arity] as const] })));
  }
  return acc.chain((p) => {
    const call = fc
      .constantFrom(...p.functions)
      .chain(([name, n]) => fc.array(fc.constantFrom(...VALUES, ...HEADS), { minLength: n, maxLength: n }).map((args) => `!(${name} ${args.join(' ')})`));
    return fc
      .array(call, { minLength: 1, maxLength: 6 })
      .map((calls) => [FACTS, HELPERS, ...p.texts, ...calls, ...calls.slice(0, 2), '!(collapse (match &self (rec $r) $r))'].join('\n'));
  });
});

function run(text: string, tier: boolean, memo: boolean): string {
  const r = runProgramText(text, '/tmp/tier-property.metta', (p) => {
    p.env.settings.compiledRules = tier;
    p.env.settings.memoize = memo;
  });
  return `${r.out}${r.err}exit ${r.exitCode}`;
}

describe('compiled tier, differential', () => {
  it('prints what the interpreter prints for random programs', () => {
    const before = { ...compiledTierStats };
    fc.assert(
      fc.property(programArb, (text) => {
        const off = run(text, false, false);
        expect(run(text, true, false), text).toBe(off);
        expect(run(text, true, true), text).toBe(off);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(compiledTierStats.answered - before.answered).toBeGreaterThan(200);
    expect(compiledTierStats.bails - before.bails).toBeGreaterThan(0);
  }, 120_000 * Math.max(1, RUNS / 1500));
});
