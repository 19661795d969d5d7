// Differential property tests of matching on every matching backend (backends.ts): random spaces
// and patterns (test/space/arbitraries.ts, fast-check, fixed seeds) answered by the backend and by
// the naive reference matcher, which must agree on every pattern — the printed `metta query` line
// exactly, and where the backend returns them, the matched atoms' ids (in insertion order) and
// each match's bindings up to renaming. The GPU must in addition equal the CPU trie matcher element
// for element, fresh-variable order included. Scenarios a backend cannot take are excluded, with
// the reason, in exclusions.ts.
//
// Replay with MATCH_SEED=<seed> (printed once per run); GPU_LONG=1 (npm run test:gpu-long) or
// GPU_DIFF_RUNS=<n> run many more GPU cases.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Atom, alphaEquivalent, type Bindings, expr, formatAtom, ruleQueryPattern, sym } from '../../src/index.js';
import { AtomSpace, isIndexedView } from '../../src/index.js';
import { type PatternSpec, patternSpecArb, renameVariables, resolvePatternSpec, ruleCallArb, ruleSpaceAtomArb, storedAtomArb } from '../space/arbitraries.js';
import { expectSameHits } from '../gpu/compare.js';
import {
  cpuHits,
  type MatchAnswer,
  type MatchCase,
  MATCHING_BACKENDS,
  type MatchingBackend,
  type MatchingBackendName,
  matchingBackend,
  unavailable,
} from './backends.js';
import { excluded, MATCHING_EXCLUSIONS } from './exclusions.js';

const SEED = Number(process.env['MATCH_SEED'] ?? 20_250_611);
const COMMA = sym(',');
const TUPLE = sym('tuple');

// ---------------------------------------------------------------------------------------------
// Scenarios: how a case's space is built and which view the backends see.

type Build = fc.Arbitrary<MatchCase>;

const atomsArb = fc.array(storedAtomArb, { minLength: 0, maxLength: 24 });
const patternsArb = fc.array(patternSpecArb, { minLength: 1, maxLength: 6 });
const patternsFor = (specs: readonly PatternSpec[], atoms: readonly Atom[]): Atom[] => specs.map((s) => resolvePatternSpec(s, atoms));

/** Adds `atoms` plus some duplicates of them (the space is a multiset). */
function fill(atoms: readonly Atom[], dupes: readonly number[]): { space: AtomSpace; added: Atom[] } {
  const space = new AtomSpace();
  const added: Atom[] = [];
  for (const a of atoms) {
    space.add(a);
    added.push(a);
  }
  for (const d of atoms.length > 0 ? dupes : []) {
    const a = atoms[d % atoms.length]!;
    space.add(a);
    added.push(a);
  }
  return { space, added };
}

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

/**
 * A snapshot, then adds, removes (oldest equal copy, renamed copies, by id) and more snapshots,
 * checked against a model of the multiset; the backends see `space.view()` (the live index, dead
 * ids in its posting lists) or, with `snapshot`, a fresh snapshot of the same contents.
 */
function mixed(snapshot: boolean): Build {
  return fc.tuple(fc.array(storedAtomArb, { minLength: 1, maxLength: 16 }), fc.array(opArb, { minLength: 1, maxLength: 20 }), patternsArb).map(([initial, ops, specs]) => {
    const space = new AtomSpace();
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
          if (space.remove(atom) !== at >= 0) throw new Error(`remove(${formatAtom(atom)}) disagrees with the model`);
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
    if ([...space.ids()].join(',') !== model.map((m) => m.id).join(',')) throw new Error('ids differ from the model');
    if (space.atoms().some((a, i) => formatAtom(a) !== formatAtom(model[i]!.atom))) throw new Error('atoms() differs from the model');
    return { space, view: snapshot ? space.snapshot() : space.view(), patterns: patternsFor(specs, everAdded) };
  });
}

/** Atoms removed by id after adding: the snapshot taken before (dead ids in its trie) or the live index. */
function removed(frozen: boolean): Build {
  return fc.tuple(atomsArb, fc.array(fc.nat(), { maxLength: 8 }), patternsArb).map(([atoms, removals, specs]) => {
    const { space, added } = fill(atoms, []);
    const snapshot = space.snapshot();
    for (const r of added.length > 0 ? removals : []) space.removeId(r % added.length);
    return { space, view: frozen ? snapshot : space.view(), patterns: patternsFor(specs, added) };
  });
}

/** Batches mixing plain patterns and conjunctions `(, p1 p2 ...)`; the space frozen or through its live index. */
function conjunctions(frozen: boolean): Build {
  return fc
    .tuple(fc.array(storedAtomArb, { maxLength: 12 }), fc.array(fc.array(patternSpecArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }))
    .map(([atoms, groups]) => {
      const { space } = fill(atoms, []);
      const view = frozen ? space.snapshot() : space.view();
      const patterns = groups.map((g) => (g.length === 1 ? patternsFor(g, atoms)[0]! : expr([COMMA, ...patternsFor(g, atoms)])));
      return { space, view, patterns };
    });
}

const SCENARIOS: Readonly<Record<string, { build: Build; what: string }>> = {
  frozen: {
    what: 'atoms (and duplicates) only in the frozen trie',
    build: fc.tuple(atomsArb, fc.array(fc.nat(), { maxLength: 6 }), patternsArb).map(([atoms, dupes, specs]) => {
      const { space, added } = fill(atoms, dupes);
      const view = space.snapshot();
      if (view.recent.length !== 0 || view.trie.atomCount !== added.length) throw new Error('expected a fully frozen view');
      return { space, view, patterns: patternsFor(specs, added) };
    }),
  },
  live: {
    what: 'atoms never frozen, matched through the live index',
    build: fc.tuple(atomsArb, fc.array(fc.nat(), { maxLength: 6 }), patternsArb).map(([atoms, dupes, specs]) => {
      const { space, added } = fill(atoms, dupes);
      const view = space.view();
      if (!isIndexedView(view) || space.share().trie.atomCount !== 0 || space.size !== added.length) throw new Error('expected an unfrozen space');
      return { space, view, patterns: patternsFor(specs, added) };
    }),
  },
  removed: {
    what: 'atoms removed after the snapshot: dead ids in the trie',
    build: removed(true),
  },
  'removed-live': { what: 'atoms removed after adding: dead ids in the live posting lists', build: removed(false) },
  mixed: { what: 'adds, removes and snapshots, matched through the live index', build: mixed(false) },
  'mixed-snapshot': { what: 'adds, removes and snapshots, then a fresh snapshot', build: mixed(true) },
  wide: {
    what: 'many patterns (64-256) per batch against one space',
    build: fc.tuple(fc.array(storedAtomArb, { minLength: 1, maxLength: 60 }), fc.array(patternSpecArb, { minLength: 64, maxLength: 256 })).map(([atoms, specs]) => {
      const { space, added } = fill(atoms, []);
      return { space, view: space.snapshot(), patterns: patternsFor(specs, added) };
    }),
  },
  rules: {
    what: 'rule lookups (= CALL $result#) against spaces of rules, as the interpreter asks them',
    build: fc.tuple(fc.array(ruleSpaceAtomArb, { maxLength: 12 }), fc.array(ruleCallArb, { minLength: 1, maxLength: 6 })).map(([atoms, calls]) => {
      const { space } = fill(atoms, []);
      return { space, view: space.snapshot(), patterns: calls.map((c) => ruleQueryPattern(c)) };
    }),
  },
  conjunction: { what: 'conjunctive queries (, p1 p2 ...) among plain patterns, frozen trie', build: conjunctions(true) },
  'conjunction-live': { what: 'conjunctive queries (, p1 p2 ...) among plain patterns, live index', build: conjunctions(false) },
};
const SCENARIO_NAMES = Object.keys(SCENARIOS);

/** A case as fast-check prints a counterexample: the space and the patterns, not the arrays behind them. */
function printable(c: MatchCase): MatchCase {
  return Object.assign(c, { [fc.toStringMethod]: () => `${describeCase(c)}\npatterns [${c.patterns.map(formatAtom).join(', ')}]` });
}

// Cases per backend and scenario. The CPU ones are cheap; the query pool starts two worker threads
// per case (a pool attaches to one space: ~0.3 s a case on 2 cores), so it gets few; the GPU on lavapipe (software Vulkan, CI) costs a
// dispatch and a trie upload per case, so it gets far fewer cases than the CPU.
const GPU_TOTAL = Number(process.env['GPU_DIFF_RUNS'] ?? (process.env['GPU_LONG'] === '1' ? 40_000 : 2_000));
const RUNS: Readonly<Record<MatchingBackendName, Readonly<Record<string, number>>>> = {
  naive: {},
  'cpu-trie': { frozen: 3000, live: 3000, removed: 1000, 'removed-live': 1000, mixed: 3000, 'mixed-snapshot': 1000, wide: 100, rules: 1000, conjunction: 500, 'conjunction-live': 500 },
  // The mock runs the kernel's effect in JavaScript: cheaper than lavapipe, dearer than the CPU matcher.
  'gpu-mock': { frozen: 1000, removed: 300, 'mixed-snapshot': 300, wide: 100, rules: 300 },
  gpu: { frozen: Math.ceil(GPU_TOTAL * 0.5), removed: Math.ceil(GPU_TOTAL * 0.2), 'mixed-snapshot': Math.ceil(GPU_TOTAL * 0.15), wide: Math.ceil(GPU_TOTAL * 0.1), rules: Math.ceil(GPU_TOTAL * 0.05) },
  'query-pool': { frozen: 12, removed: 6, 'mixed-snapshot': 6, wide: 6, rules: 6, conjunction: 8 },
};
console.log(`matching conformance: seed=${SEED}; cases per backend: ${JSON.stringify(RUNS)}`);

// ---------------------------------------------------------------------------------------------
// The comparison

/** The pattern instantiated by a match, followed by each bound variable's value (by name). */
function instantiate(pattern: Atom, b: Bindings): Atom {
  const entries = [...b.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return expr([TUPLE, b.resolve(pattern), ...entries.map(([, v]) => b.resolve(v))]);
}

/** The first way `got` differs from the reference `ref` on case `c`, or null. */
function disagreement(c: MatchCase, got: MatchAnswer, ref: MatchAnswer): string | null {
  if (got.lines.length !== c.patterns.length) return `${got.lines.length} answers for ${c.patterns.length} patterns`;
  for (let p = 0; p < c.patterns.length; p++) {
    const pattern = c.patterns[p]!;
    const at = `pattern ${p} ${formatAtom(pattern)}`;
    if (got.lines[p] !== ref.lines[p]) return `${at}: line\n got:   ${got.lines[p]}\n naive: ${ref.lines[p]}`;
    const ids = got.atomIds?.[p];
    const refIds = ref.atomIds?.[p];
    if (ids != null && refIds != null && ids.join(' ') !== refIds.join(' ')) return `${at}: atom ids [${ids.join(' ')}], naive [${refIds.join(' ')}]`;
    if (got.bindings === null) continue;
    const gb = got.bindings[p]!;
    const rb = ref.bindings![p]!;
    if (gb.length !== rb.length) return `${at}: ${gb.length} matches, naive ${rb.length}`;
    for (let i = 0; i < rb.length; i++) {
      const keys = (b: Bindings): string => [...b.entries()].map(([k]) => k).sort().join(' ');
      if (refIds != null && keys(gb[i]!) !== keys(rb[i]!)) return `${at}, match ${i}: bound variables {${keys(gb[i]!)}}, naive {${keys(rb[i]!)}}`;
      if (!alphaEquivalent(instantiate(pattern, gb[i]!), instantiate(pattern, rb[i]!))) {
        return `${at}, match ${i}: ${formatAtom(instantiate(pattern, gb[i]!))}, naive ${formatAtom(instantiate(pattern, rb[i]!))}`;
      }
    }
  }
  if (got.hits !== null) {
    try {
      expectSameHits(got.hits, cpuHits(c.view, c.patterns), () => '');
    } catch (e) {
      return `not element for element the CPU trie matcher's: ${(e as Error).message}`;
    }
  }
  return null;
}

function describeCase(c: MatchCase): string {
  const how = isIndexedView(c.view) ? 'live index' : `trie atoms ${c.view.trie.atomCount}, recent [${c.view.recent.join(' ')}]`;
  return `space [${[...c.space.ids()].map((id) => `#${id} ${formatAtom(c.space.atom(id))}`).join(', ')}]\n${how}`;
}

// ---------------------------------------------------------------------------------------------

const naive = matchingBackend('naive');

describe.each(MATCHING_BACKENDS)('matching backend %s = naive', (name) => {
  const backend: MatchingBackend = matchingBackend(name);
  const exclusions = MATCHING_EXCLUSIONS[name];
  let missing: string | null = null;
  beforeAll(async () => {
    missing = await backend.open();
  });
  afterAll(async () => {
    const { count, what } = backend.evidence();
    console.log(`matching backend ${name}: ${count} ${what}`);
    await backend.close();
  });

  for (const scenario of SCENARIO_NAMES) {
    if (excluded(exclusions, scenario) !== undefined) continue;
    const runs = RUNS[name][scenario];
    it(`${scenario}: ${SCENARIOS[scenario]!.what} (${runs} cases)`, async (ctx) => {
      if (missing !== null) return unavailable(ctx, name, missing, backend.requiredInCi);
      expect(runs, `RUNS gives no case count for ${name} / ${scenario}: give one or exclude the scenario`).toBeGreaterThan(0);
      const before = backend.evidence().count;
      await fc.assert(
        fc.asyncProperty(SCENARIOS[scenario]!.build.map(printable), async (c) => {
          const why = disagreement(c, await backend.answer(c), await naive.answer(c));
          if (why !== null) throw new Error(`${why}\n${describeCase(c)}`);
        }),
        { seed: SEED + SCENARIO_NAMES.indexOf(scenario), numRuns: runs },
      );
      // The backend answered (the query pool's threads, the GPU kernel), not only a fallback.
      const { count, what } = backend.evidence();
      expect(count - before, what).toBeGreaterThan(0);
    });
  }

  for (const e of exclusions) {
    it(`exclusion ${e.case} (${e.kind}: ${e.reason}) is not stale`, async (ctx) => {
      expect(SCENARIO_NAMES, 'an excluded scenario must exist').toContain(e.case);
      expect(e.reason.length).toBeGreaterThan(10);
      if (e.kind !== 'differs') return;
      if (missing !== null) return unavailable(ctx, name, missing, backend.requiredInCi);
      // Some case of the scenario must still differ, or the exclusion is stale.
      let differs = false;
      await fc.assert(
        fc.asyncProperty(SCENARIOS[e.case]!.build.map(printable), async (c) => {
          differs ||= disagreement(c, await backend.answer(c), await naive.answer(c)) !== null;
        }),
        { seed: SEED + SCENARIO_NAMES.indexOf(e.case), numRuns: 200 },
      );
      expect(differs, 'no case of the excluded scenario differs any more: remove the exclusion').toBe(true);
    });
  }
});
