// Differential property tests of the compact results of the live-index matcher and of the
// token-level join of conjunctions (src/cpu/compact-results.ts, conjunction-ground.ts):
// - `matchCompact` gives the naive scan's atom ids in the same order, and its lazily made
//   Bindings print exactly as the trie matcher's (binding order included; fresh variables are
//   compared by order of appearance, their counter being global), also when they are made only
//   after later adds and removes;
// - `query` of `(, p1 ... pn)` prints exactly as the atom-level nested loop (conjunction.ts over
//   `matchPattern`) and agrees with the naive scan's join up to renaming.
// Spaces are mostly ground (the join's fast path) or mixed (its fallback). Replay with
// COMPACT_SEED=<seed>.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Atom, alphaEquivalent, type Bindings, expr, formatAtom, sym } from '../../src/core/index.js';
import { matchCompact, matchConjunction, matchPattern, naiveMatch, query } from '../../src/cpu/index.js';
import { AtomSpace, isIndexedView } from '../../src/space/index.js';
import { atomArb, type PatternSpec, patternSpecArb, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';

const SEED = Number(process.env['COMPACT_SEED'] ?? 20_261_203);
const RUNS = 400;
console.log(`compact-results differential: seed=${SEED} numRuns=${RUNS}`);

const COMMA = sym(',');
const TUPLE = sym('tuple');
const groundAtomArb = atomArb({ maxDepth: 3, varWeight: 0, rootExprWeight: 18 });

/** Bindings printed in their own order, fresh variables renumbered by first appearance in `all`. */
function printed(all: readonly Bindings[]): string[] {
  const fresh = new Map<string, number>();
  return all.map((b) =>
    [...b.entries()]
      .map(([k, v]) => `${k}=${formatAtom(v)}`)
      .join(' ')
      .replace(/#\d+/g, (m) => {
        if (!fresh.has(m)) fresh.set(m, fresh.size);
        return `#${fresh.get(m)}`;
      }),
  );
}

function samePrinted(what: string, got: readonly Bindings[], want: readonly Bindings[]): void {
  const g = printed(got);
  const w = printed(want);
  if (g.length !== w.length) throw new Error(`${what}: ${g.length} results, expected ${w.length}`);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) throw new Error(`${what}, result ${i}: {${g[i]}}, expected {${w[i]}}`);
}

function meaning(pattern: Atom, b: Bindings): Atom {
  const entries = [...b.entries()].filter(([k]) => !k.includes('#')).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return expr([TUPLE, b.resolve(pattern), ...entries.map(([, v]) => b.resolve(v))]);
}

function describeSpace(space: AtomSpace): string {
  return `[${space.atoms().map(formatAtom).join(', ')}]`;
}

function checkCompact(space: AtomSpace, pattern: Atom, later: readonly Atom[]): void {
  const view = space.view();
  if (!isIndexedView(view)) throw new Error('expected the live index');
  const what = `pattern ${formatAtom(pattern)} over ${describeSpace(space)}`;
  const compact = matchCompact(view, pattern);
  const naive = naiveMatch(space, pattern);
  const trie = matchPattern(space.snapshot(), pattern);
  const ids = [...compact.ids].join(' ');
  if (ids !== naive.map((h) => h.atomId).join(' ')) throw new Error(`${what}: ids [${ids}], naive [${naive.map((h) => h.atomId).join(' ')}]`);
  // Made after the space changed: the records point into tokens that are never overwritten.
  for (const a of later) space.add(a);
  for (const id of compact.ids.slice(0, 2)) space.removeId(id);
  const bindings = Array.from({ length: compact.count }, (_, i) => compact.bindingsAt(i));
  // Fresh variables are made per hit in both, so hit-by-hit printing with renumbering compares them.
  for (let i = 0; i < compact.count; i++) samePrinted(`${what}, hit ${i} (trie)`, [bindings[i]!], [trie[i]!.bindings]);
  for (let i = 0; i < compact.count; i++) {
    if (!alphaEquivalent(meaning(pattern, bindings[i]!), meaning(pattern, naive[i]!.bindings))) {
      throw new Error(`${what}, hit ${i}: ${formatAtom(meaning(pattern, bindings[i]!))}, naive ${formatAtom(meaning(pattern, naive[i]!.bindings))}`);
    }
    if (compact.isGroundHit(i)) {
      compact.pattern.varNames.forEach((name, level) => {
        const v = compact.valueAt(i, level);
        if (v === undefined || formatAtom(v) !== formatAtom(bindings[i]!.lookup(name)!)) throw new Error(`${what}, hit ${i}: valueAt(${name})`);
      });
    }
  }
}

function checkConjunction(space: AtomSpace, parts: readonly Atom[]): void {
  const conj = expr([COMMA, ...parts]);
  const what = `conjunction ${formatAtom(conj)} over ${describeSpace(space)}`;
  const got = query(space.view(), conj);
  samePrinted(`${what} (atom-level join)`, got, matchConjunction((p) => matchPattern(space.view(), p), parts));
  const naive = matchConjunction((p) => naiveMatch(space, p), parts);
  if (got.length !== naive.length) throw new Error(`${what}: ${got.length} results, naive ${naive.length}`);
  const whole = expr(parts);
  for (let i = 0; i < got.length; i++) {
    if (!alphaEquivalent(meaning(whole, got[i]!), meaning(whole, naive[i]!))) throw new Error(`${what}, result ${i}: ${formatAtom(meaning(whole, got[i]!))}, naive ${formatAtom(meaning(whole, naive[i]!))}`);
  }
}

interface Case {
  readonly atoms: readonly Atom[];
  readonly removals: readonly number[];
  readonly specs: readonly PatternSpec[];
  readonly conjunctions: readonly (readonly PatternSpec[])[];
  readonly later: readonly Atom[];
}

function caseArb(atom: fc.Arbitrary<Atom>): fc.Arbitrary<Case> {
  return fc.record({
    atoms: fc.array(atom, { minLength: 0, maxLength: 30 }),
    removals: fc.array(fc.nat(), { maxLength: 4 }),
    specs: fc.array(patternSpecArb, { minLength: 1, maxLength: 4 }),
    conjunctions: fc.array(fc.array(patternSpecArb, { minLength: 0, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    later: fc.array(atom, { maxLength: 3 }),
  });
}

function run(c: Case): void {
  const build = (): AtomSpace => {
    const space = new AtomSpace();
    for (const a of c.atoms) space.add(a);
    for (const r of c.removals) if (space.size > 0) space.removeId(space.ids()[r % space.size]!);
    return space;
  };
  for (const spec of c.specs) checkCompact(build(), resolvePatternSpec(spec, c.atoms), c.later);
  const space = build();
  for (const specs of c.conjunctions) checkConjunction(space, specs.map((s) => resolvePatternSpec(s, c.atoms)));
}

describe('compact results and token-level conjunctions agree with the Bindings-building and naive matchers', () => {
  it('over ground spaces', () => {
    fc.assert(fc.property(caseArb(groundAtomArb), run), { seed: SEED, numRuns: RUNS });
  });
  it('over spaces with variables', () => {
    fc.assert(fc.property(caseArb(storedAtomArb), run), { seed: SEED + 1, numRuns: RUNS });
  });
});
