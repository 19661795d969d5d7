// Differential property test of matching through the live index: random sequences of adds,
// removes (oldest equal copy, by id, in bulk so that posting lists compact), plain matches and
// conjunctions, interleaved; every match is checked at once against the naive scan (same atom ids
// in the same order, bindings equal up to renaming) and against the trie matcher on a snapshot of
// the same contents. Replay with INDEX_SEED=<seed>.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Atom, alphaEquivalent, type Bindings, expr, formatAtom, sym } from '../../src/core/index.js';
import { matchConjunction, matchPattern, naiveMatch, query } from '../../src/cpu/index.js';
import { AtomSpace } from '../../src/space/index.js';
import { type PatternSpec, patternSpecArb, renameVariables, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';

const SEED = Number(process.env['INDEX_SEED'] ?? 20_261_202);
const RUNS = 1500;
console.log(`index-match differential: seed=${SEED} numRuns=${RUNS}`);

const COMMA = sym(',');
const TUPLE = sym('tuple');

type Op =
  | { readonly op: 'add'; readonly atom: Atom }
  | { readonly op: 'addMany'; readonly pick: number; readonly copies: number }
  | { readonly op: 'remove'; readonly pick: number; readonly renamed: boolean }
  | { readonly op: 'removeIds'; readonly pick: number; readonly count: number }
  | { readonly op: 'snapshot' }
  | { readonly op: 'match'; readonly spec: PatternSpec }
  | { readonly op: 'conjunction'; readonly specs: readonly PatternSpec[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: storedAtomArb.map((atom) => ({ op: 'add' as const, atom })), weight: 6 },
  { arbitrary: fc.record({ pick: fc.nat(), copies: fc.integer({ min: 2, max: 24 }) }).map((r) => ({ op: 'addMany' as const, ...r })), weight: 1 },
  { arbitrary: fc.record({ pick: fc.nat(), renamed: fc.boolean() }).map((r) => ({ op: 'remove' as const, ...r })), weight: 3 },
  { arbitrary: fc.record({ pick: fc.nat(), count: fc.integer({ min: 1, max: 20 }) }).map((r) => ({ op: 'removeIds' as const, ...r })), weight: 1 },
  { arbitrary: fc.constant({ op: 'snapshot' as const }), weight: 1 },
  { arbitrary: patternSpecArb.map((spec) => ({ op: 'match' as const, spec })), weight: 5 },
  { arbitrary: fc.array(patternSpecArb, { minLength: 2, maxLength: 3 }).map((specs) => ({ op: 'conjunction' as const, specs })), weight: 2 },
);

/** The pattern instantiated by a match, then each bound pattern variable's value (by name; fresh `#` ones aside). */
function meaning(pattern: Atom, b: Bindings): Atom {
  const entries = [...b.entries()].filter(([k]) => !k.includes('#')).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return expr([TUPLE, b.resolve(pattern), ...entries.map(([, v]) => b.resolve(v))]);
}

/** Same results up to renaming; `sameKeys`: the same variables bound (a conjunction's bindings also name fresh variables). */
function sameBindings(what: string, pattern: Atom, got: readonly Bindings[], want: readonly Bindings[], sameKeys = true): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} results, expected ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const keys = (b: Bindings): string => [...b.entries()].map(([k]) => k).sort().join(' ');
    if (sameKeys && keys(got[i]!) !== keys(want[i]!)) throw new Error(`${what}, result ${i}: bound {${keys(got[i]!)}}, expected {${keys(want[i]!)}}`);
    if (!alphaEquivalent(meaning(pattern, got[i]!), meaning(pattern, want[i]!))) {
      throw new Error(`${what}, result ${i}: ${formatAtom(meaning(pattern, got[i]!))}, expected ${formatAtom(meaning(pattern, want[i]!))}`);
    }
  }
}

function checkMatch(space: AtomSpace, pattern: Atom): void {
  const got = matchPattern(space.view(), pattern);
  const naive = naiveMatch(space, pattern);
  const trie = matchPattern(space.snapshot(), pattern);
  const ids = (hits: readonly { atomId: number }[]): string => hits.map((h) => h.atomId).join(' ');
  const what = `pattern ${formatAtom(pattern)} over [${space.atoms().map(formatAtom).join(', ')}]`;
  if (ids(got) !== ids(naive)) throw new Error(`${what}: ids [${ids(got)}], naive [${ids(naive)}]`);
  if (ids(got) !== ids(trie)) throw new Error(`${what}: ids [${ids(got)}], trie [${ids(trie)}]`);
  sameBindings(`${what} (naive)`, pattern, got.map((h) => h.bindings), naive.map((h) => h.bindings));
  sameBindings(`${what} (trie)`, pattern, got.map((h) => h.bindings), trie.map((h) => h.bindings));
}

function checkConjunction(space: AtomSpace, parts: readonly Atom[]): void {
  const conj = expr([COMMA, ...parts]);
  const got = query(space.view(), conj);
  const naive = matchConjunction((p) => naiveMatch(space, p), parts);
  sameBindings(`conjunction ${formatAtom(conj)} over [${space.atoms().map(formatAtom).join(', ')}]`, expr(parts), got, naive, false);
}

describe('matching through the live index agrees with the naive scan, writes and reads interleaved', () => {
  it('adds, removes, snapshots, matches and conjunctions in random order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const space = new AtomSpace();
        const everAdded: Atom[] = [];
        const add = (a: Atom): void => {
          space.add(a);
          everAdded.push(a);
        };
        for (const o of ops) {
          switch (o.op) {
            case 'add':
              add(o.atom);
              break;
            case 'addMany':
              if (everAdded.length > 0) for (let i = 0; i < o.copies; i++) add(everAdded[o.pick % everAdded.length]!);
              break;
            case 'remove':
              if (everAdded.length > 0) {
                const target = everAdded[o.pick % everAdded.length]!;
                space.remove(o.renamed ? renameVariables(target) : target);
              }
              break;
            case 'removeIds':
              for (let i = 0; i < o.count && space.size > 0; i++) space.removeId(space.ids()[(o.pick + i) % space.size]!);
              break;
            case 'snapshot':
              space.snapshot();
              break;
            case 'match':
              checkMatch(space, resolvePatternSpec(o.spec, everAdded));
              break;
            case 'conjunction':
              checkConjunction(space, o.specs.map((s) => resolvePatternSpec(s, everAdded)));
              break;
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
