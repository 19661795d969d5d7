// Differential property test: `lookupRules(view, call)` against the trie matcher answering the
// pattern `(= call $result)`, the query it replaces. Same rules, same order, and each answer gives
// the same instantiated call and result up to renaming of variables. (The pattern `(= call
// $result)` itself, on every matching backend against the naive matcher, is the `rules` scenario of
// test/conformance/matching.property.test.ts.)
//
// Replay a failure with RULE_SEED=<seed> (the seed is printed once per run).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Atom, alphaEquivalent, expr, type ExpressionAtom, formatAtom, parseAtom, sym } from '../../src/core/index.js';
import { lookupRules, matchPattern, RULE_RESULT, ruleQueryPattern } from '../../src/cpu/index.js';
import { AtomSpace, type SpaceView } from '../../src/space/index.js';
import { ruleCallArb as callArb, ruleSpaceAtomArb as storedArb } from '../space/arbitraries.js';

const SEED = Number(process.env.RULE_SEED ?? 20_261_128);
const RUNS = 3000;
console.log(`rule-lookup differential: seed=${SEED} numRuns=${RUNS * 2}`);

const PAIR = sym('pair');

/** What one answer means: the call as instantiated, and the result it rewrites to. */
function meaningFromMatcher(view: SpaceView, call: ExpressionAtom): Atom[] {
  // A hit that leaves the result unbound (a stored bare `$x`) names no rule body: not an answer.
  return matchPattern(view, ruleQueryPattern(call))
    .filter((hit) => hit.bindings.lookup(RULE_RESULT.name) !== undefined)
    .map((hit) => expr([PAIR, hit.bindings.resolve(call), hit.bindings.resolve(RULE_RESULT)]));
}

function meaningFromLookup(view: SpaceView, call: ExpressionAtom): Atom[] {
  return lookupRules(view, call).map((a) => expr([PAIR, a.bindings.resolve(call), a.bindings.resolve(a.atom)]));
}

/** lookupRules on `view` against the trie matcher on a frozen snapshot of the same contents. */
function check(space: AtomSpace, view: SpaceView, call: ExpressionAtom): void {
  const expected = meaningFromMatcher(space.snapshot(), call);
  const got = meaningFromLookup(view, call);
  const report = (): string =>
    `call ${formatAtom(call)}\nspace [${space.atoms().map(formatAtom).join(', ')}]\n matcher: ${expected.map(formatAtom).join('; ')}\n lookup:  ${got.map(formatAtom).join('; ')}`;
  if (expected.length !== got.length) throw new Error(`answer counts differ\n${report()}`);
  for (let i = 0; i < got.length; i++) if (!alphaEquivalent(expected[i]!, got[i]!)) throw new Error(`answer ${i} differs\n${report()}`);
}

describe('lookupRules agrees with the trie matcher on (= call $result)', () => {
  it('with the rules in the frozen trie', () => {
    fc.assert(
      fc.property(fc.array(storedArb, { maxLength: 12 }), fc.array(callArb, { minLength: 1, maxLength: 4 }), (atoms, calls) => {
        const space = new AtomSpace();
        for (const a of atoms) space.add(a);
        const view = space.snapshot();
        for (const c of calls) check(space, view, c);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('with rules added and removed after the snapshot', () => {
    fc.assert(
      fc.property(
        fc.array(storedArb, { maxLength: 8 }),
        fc.array(storedArb, { maxLength: 6 }),
        fc.array(fc.nat(20), { maxLength: 4 }),
        fc.array(callArb, { minLength: 1, maxLength: 4 }),
        (before, after, removals, calls) => {
          const space = new AtomSpace();
          for (const a of before) space.add(a);
          space.snapshot();
          for (const a of after) space.add(a);
          for (const r of removals) if (space.size > 0) space.removeId(space.ids()[r % space.size]!);
          const view = space.view();
          for (const c of calls) check(space, view, c);
        },
      ),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('through the live index, with lookups interleaved with rule and fact writes (per-head caches)', () => {
    type Op = { op: 'add'; atom: Atom } | { op: 'fact'; n: number } | { op: 'remove'; pick: number } | { op: 'lookup'; call: ExpressionAtom };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: storedArb.map((atom) => ({ op: 'add' as const, atom })), weight: 4 },
      { arbitrary: fc.nat(5).map((n) => ({ op: 'fact' as const, n })), weight: 1 },
      { arbitrary: fc.nat().map((pick) => ({ op: 'remove' as const, pick })), weight: 2 },
      { arbitrary: callArb.map((call) => ({ op: 'lookup' as const, call })), weight: 4 },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const space = new AtomSpace();
        const view = space.view(); // one live object for the whole run: its caches must follow the writes
        for (const o of ops) {
          if (o.op === 'add') space.add(o.atom);
          else if (o.op === 'fact') space.add(parseAtom(`(edge n${o.n} n${o.n + 1})`));
          else if (o.op === 'remove') {
            if (space.size > 0) space.removeId(space.ids()[o.pick % space.size]!);
          } else check(space, view, o.call);
        }
      }),
      { seed: SEED + 2, numRuns: RUNS / 3 },
    );
  });

  it('keeps definition order and instantiates bodies', () => {
    const space = new AtomSpace();
    for (const text of ['(= (f $x) (one $x))', '(= (g 1) no)', '(= ($h $x) (any $h $x))', '(= (f 2) two)']) space.add(parseAtom(text));
    const answers = lookupRules(space.view(), parseAtom('(f 2)') as ExpressionAtom).map((a) => formatAtom(a.bindings.resolve(a.atom)));
    expect(answers).toEqual(['(one 2)', '(any f 2)', 'two']);
  });
});
