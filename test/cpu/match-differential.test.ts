// Differential property test: the trie matcher against the naive reference matcher, on random
// spaces and patterns, through each of the space's three paths (frozen trie only, recent list
// only, and a mix of trie + recent + removals).
//
// Replay a failure with MATCH_SEED=<seed> (the seed is printed once per run).

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { type Atom, alphaEquivalent, expr, formatAtom, sym } from '../../src/core/index.js';
import {
  CompiledPattern,
  type MatchHit,
  matchBatch,
  matchConjunction,
  matchPattern,
  naiveMatch,
  query,
  TrieMatcher,
} from '../../src/cpu/index.js';
import { AtomSpace, type SpaceView } from '../../src/space/index.js';
import {
  type PatternSpec,
  patternSpecArb,
  renameVariables,
  resolvePatternSpec,
  storedAtomArb,
} from '../space/arbitraries.js';

const SEED = Number(process.env.MATCH_SEED ?? 20_250_611);
const RUNS = { frozen: 3500, recent: 3500, mixed: 4000, conjunction: 1000 } as const;
const TOTAL_RUNS = RUNS.frozen + RUNS.recent + RUNS.mixed + RUNS.conjunction;
console.log(
  `match-differential: seed=${SEED} numRuns=${TOTAL_RUNS} (frozen ${RUNS.frozen}, recent ${RUNS.recent}, mixed ${RUNS.mixed}, conjunction ${RUNS.conjunction})`,
);

const TUPLE = sym('tuple');
const matcher = new TrieMatcher();

/** The pattern instantiated by a hit, followed by each bound variable's value (by name). */
function instantiate(pattern: Atom, hit: MatchHit): Atom {
  const entries = [...hit.bindings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return expr([TUPLE, hit.bindings.resolve(pattern), ...entries.map(([, v]) => hit.bindings.resolve(v))]);
}

function describeHits(pattern: Atom, hits: readonly MatchHit[]): string {
  return hits
    .map((h) => `#${h.atomId} ${formatAtom(h.bindings.resolve(pattern))} {${[...h.bindings.entries()].map(([k, v]) => `$${k}=${formatAtom(v)}`).join(' ')}}`)
    .join('; ');
}

/** Throws (with a readable report) unless the trie matcher's `trieHits` agree with `naive`. */
function checkAgreement(space: AtomSpace, view: SpaceView, pattern: Atom, trieHits: readonly MatchHit[], naive: readonly MatchHit[]): void {
  const report = (): string =>
    `pattern ${formatAtom(pattern)}\nspace [${[...space.ids()].map((id) => `#${id} ${formatAtom(space.atom(id))}`).join(', ')}]\n` +
    `trie atoms ${view.trie.atomCount}, recent [${view.recent.join(' ')}]\n trie:  ${describeHits(pattern, trieHits)}\n naive: ${describeHits(pattern, naive)}`;
  if (trieHits.length !== naive.length || trieHits.some((h, i) => h.atomId !== naive[i]!.atomId)) {
    throw new Error(`atom ids differ\n${report()}`);
  }
  for (let i = 0; i < naive.length; i++) {
    const t = trieHits[i]!;
    const n = naive[i]!;
    const tKeys = [...t.bindings.entries()].map(([k]) => k).sort();
    const nKeys = [...n.bindings.entries()].map(([k]) => k).sort();
    if (tKeys.join(' ') !== nKeys.join(' ')) throw new Error(`bound variables differ for #${n.atomId}\n${report()}`);
    if (!alphaEquivalent(t.bindings.resolve(pattern), n.bindings.resolve(pattern))) {
      throw new Error(`instantiated patterns differ for #${n.atomId}\n${report()}`);
    }
    if (!alphaEquivalent(instantiate(pattern, t), instantiate(pattern, n))) {
      throw new Error(`bindings differ for #${n.atomId}\n${report()}`);
    }
  }
}

/**
 * Compares, for every pattern, the naive matcher (run once) with the trie matcher on `view`
 * (through `TrieMatcher.match` and `matchBatch`) and, when given, on `snapshot` (`matchPattern`).
 * Both must hold the space's current contents.
 */
function checkAll(space: AtomSpace, view: SpaceView, patterns: readonly Atom[], snapshot?: SpaceView): void {
  const batch = matchBatch(view, patterns);
  if (batch.length !== patterns.length) throw new Error('matchBatch returned the wrong number of result lists');
  for (let i = 0; i < patterns.length; i++) {
    const pattern = patterns[i]!;
    const naive = naiveMatch(space, pattern);
    checkAgreement(space, view, pattern, matcher.match(view, new CompiledPattern(pattern)), naive);
    checkAgreement(space, view, pattern, batch[i]!, naive);
    if (snapshot !== undefined) checkAgreement(space, snapshot, pattern, matchPattern(snapshot, pattern), naive);
  }
}

const spaceAtomsArb = fc.array(storedAtomArb, { minLength: 0, maxLength: 24 });
const patternsArb = fc.array(patternSpecArb, { minLength: 1, maxLength: 4 });

/** Adds `atoms` plus some duplicates of them (the space is a multiset). */
function fill(space: AtomSpace, atoms: readonly Atom[], dupes: readonly number[]): Atom[] {
  const added: Atom[] = [];
  for (const a of atoms) {
    space.add(a);
    added.push(a);
  }
  if (atoms.length > 0) {
    for (const d of dupes) {
      const a = atoms[d % atoms.length]!;
      space.add(a);
      added.push(a);
    }
  }
  return added;
}

const patternsFor = (specs: readonly PatternSpec[], atoms: readonly Atom[]): Atom[] => specs.map((s) => resolvePatternSpec(s, atoms));

describe('trie matcher = naive matcher (differential, fast-check)', () => {
  it(`atoms only in the frozen trie (${RUNS.frozen} cases)`, () => {
    fc.assert(
      fc.property(spaceAtomsArb, fc.array(fc.nat(), { maxLength: 6 }), patternsArb, (atoms, dupes, specs) => {
        const space = new AtomSpace();
        const added = fill(space, atoms, dupes);
        space.snapshot();
        const view = space.view();
        if (view.recent.length !== 0 || view.trie.atomCount !== added.length) throw new Error('expected a fully frozen view');
        // The snapshot itself is a view as well.
        checkAll(space, view, patternsFor(specs, added), space.snapshot());
      }),
      { seed: SEED, numRuns: RUNS.frozen },
    );
  });

  it(`atoms only in the recent list (${RUNS.recent} cases)`, () => {
    fc.assert(
      fc.property(spaceAtomsArb, fc.array(fc.nat(), { maxLength: 6 }), patternsArb, (atoms, dupes, specs) => {
        const space = new AtomSpace();
        const added = fill(space, atoms, dupes);
        const view = space.view();
        if (view.trie.atomCount !== 0 || view.recent.length !== added.length) throw new Error('expected an unfrozen view');
        checkAll(space, view, patternsFor(specs, added));
      }),
      { seed: SEED + 1, numRuns: RUNS.recent },
    );
  });

  type Op =
    | { readonly op: 'add'; readonly atom: Atom }
    | { readonly op: 'addAgain'; readonly pick: number }
    | { readonly op: 'remove'; readonly pick: number }
    | { readonly op: 'removeRenamed'; readonly pick: number }
    | { readonly op: 'removeId'; readonly pick: number }
    | { readonly op: 'snapshot' };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: storedAtomArb.map((atom) => ({ op: 'add' as const, atom })), weight: 5 },
    { arbitrary: fc.nat().map((pick) => ({ op: 'addAgain' as const, pick })), weight: 2 },
    { arbitrary: fc.nat().map((pick) => ({ op: 'remove' as const, pick })), weight: 4 },
    { arbitrary: fc.nat().map((pick) => ({ op: 'removeRenamed' as const, pick })), weight: 1 },
    { arbitrary: fc.nat().map((pick) => ({ op: 'removeId' as const, pick })), weight: 1 },
    { arbitrary: fc.constant({ op: 'snapshot' as const }), weight: 1 },
  );

  it(`a mix: snapshot, then adds, removes and more snapshots (${RUNS.mixed} cases)`, () => {
    fc.assert(
      fc.property(
        fc.array(storedAtomArb, { minLength: 1, maxLength: 16 }),
        fc.array(opArb, { minLength: 1, maxLength: 20 }),
        patternsArb,
        (initial, ops, specs) => {
          const space = new AtomSpace();
          // A reference model of the multiset: present atoms by insertion id.
          const model: { id: number; atom: Atom }[] = [];
          const everAdded: Atom[] = [];
          const add = (atom: Atom): void => {
            model.push({ id: space.add(atom), atom });
            everAdded.push(atom);
          };
          for (const a of initial) add(a);
          space.snapshot();
          for (const o of ops) {
            switch (o.op) {
              case 'add':
                add(o.atom);
                break;
              case 'addAgain':
                add(everAdded[o.pick % everAdded.length]!);
                break;
              case 'remove':
              case 'removeRenamed': {
                const target = everAdded[o.pick % everAdded.length]!;
                const atom = o.op === 'remove' ? target : renameVariables(target);
                // The oldest present copy with exactly the same structure and variable names.
                const at = model.findIndex((m) => formatAtom(m.atom) === formatAtom(atom));
                const removed = space.remove(atom);
                if (removed !== at >= 0) throw new Error(`remove(${formatAtom(atom)}) returned ${removed}`);
                if (at >= 0) model.splice(at, 1);
                break;
              }
              case 'removeId': {
                if (model.length === 0) {
                  if (space.removeId(o.pick % 64)) throw new Error('removeId on an empty space succeeded');
                  break;
                }
                const at = o.pick % model.length;
                if (!space.removeId(model[at]!.id)) throw new Error('removeId of a present atom failed');
                if (space.removeId(model[at]!.id)) throw new Error('removeId twice succeeded');
                model.splice(at, 1);
                break;
              }
              case 'snapshot':
                space.snapshot();
                break;
            }
          }
          const ids = [...space.ids()];
          if (ids.join(',') !== model.map((m) => m.id).join(',')) throw new Error(`ids ${ids} != model ${model.map((m) => m.id)}`);
          if (space.size !== model.length) throw new Error('size differs from the model');
          const atoms = space.atoms();
          for (let i = 0; i < atoms.length; i++) {
            if (formatAtom(atoms[i]!) !== formatAtom(model[i]!.atom)) throw new Error('atoms() differs from the model');
          }
          // view() first (trie + recent + dead ids), then a fresh snapshot of the same contents.
          const view = space.view();
          checkAll(space, view, patternsFor(specs, everAdded), space.snapshot());
        },
      ),
      { seed: SEED + 2, numRuns: RUNS.mixed },
    );
  });

  it(`conjunctive queries (, p1 p2 ...) agree with a join over the naive matcher (${RUNS.conjunction} cases)`, () => {
    const COMMA = sym(',');
    fc.assert(
      fc.property(
        fc.array(storedAtomArb, { minLength: 0, maxLength: 12 }),
        fc.array(patternSpecArb, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (atoms, specs, frozen) => {
          const space = new AtomSpace();
          for (const a of atoms) space.add(a);
          if (frozen) space.snapshot();
          const parts = patternsFor(specs, atoms);
          const whole = expr([TUPLE, ...parts]);
          const trie = query(space.view(), expr([COMMA, ...parts]));
          const naive = matchConjunction((p) => naiveMatch(space, p), parts);
          const show = (bs: readonly { resolve(a: Atom): Atom }[]): string => bs.map((b) => formatAtom(b.resolve(whole))).join(' | ');
          const report = (): string => `query ${formatAtom(whole)} over [${atoms.map(formatAtom).join(', ')}]
 trie:  ${show(trie)}
 naive: ${show(naive)}`;
          if (trie.length !== naive.length) throw new Error(`result counts differ\n${report()}`);
          for (let i = 0; i < naive.length; i++) {
            if (!alphaEquivalent(trie[i]!.resolve(whole), naive[i]!.resolve(whole))) throw new Error(`result ${i} differs\n${report()}`);
          }
        },
      ),
      { seed: SEED + 3, numRuns: RUNS.conjunction },
    );
  });
});
