// The GPU differential check without a test runner: seeded random spaces and patterns answered by
// the GPU matcher (src/gpu) and by the CPU trie matcher, which must agree element for element —
// atom ids in insertion order, bindings, fresh-variable order (same-hits.ts). The scenarios are
// those of the `gpu` backend of test/conformance/matching.property.test.ts and of
// test/gpu/limits.test.ts, rebuilt on a PRNG because the real-GPU check (gpu-check.ts) runs where
// there is no vitest or fast-check. Every case is reproducible from (seed, scenario, case index).

import { type Atom, expr, formatAtom, sym, variable } from '../core/index.js';
import { type MatchHit, matchBatch, ruleQueryPattern } from '../cpu/index.js';
import type { GpuMatcher, GpuMatcherOptions } from '../gpu/index.js';
import { AtomSpace, type FrozenView } from '../space/index.js';
import { buildGraphSpace, prng, randInt } from './common.js';
import { makePatterns } from './kb-match.js';
import { randomAtom, randomPattern, STORED_SHAPE } from './random-atoms.js';
import { firstDifference } from './same-hits.js';

export interface DifferentialCase {
  readonly view: FrozenView;
  readonly patterns: readonly Atom[];
}

interface Scenario {
  readonly what: string;
  /** Cases in a full run (a quick run takes a tenth, at least 2). */
  readonly cases: number;
  /** Matcher options the scenario needs (forced small limits), else the default matcher. */
  readonly matcher?: GpuMatcherOptions;
  build(rand: () => number, quick: boolean): DifferentialCase;
}

const atomsOf = (rand: () => number, max: number, min = 0): Atom[] => Array.from({ length: min + randInt(rand, max - min + 1) }, () => randomAtom(rand, STORED_SHAPE));
const patternsFor = (rand: () => number, atoms: readonly Atom[], min: number, max: number): Atom[] => Array.from({ length: min + randInt(rand, max - min + 1) }, () => randomPattern(rand, atoms));

/** The space holding `atoms`, then `dupes` more copies of some of them (a space is a multiset). */
function fill(rand: () => number, atoms: readonly Atom[], dupes: number): { space: AtomSpace; added: Atom[] } {
  const space = new AtomSpace();
  const added: Atom[] = [];
  for (const a of atoms) added.push(a);
  for (let k = 0; k < dupes && atoms.length > 0; k++) added.push(atoms[randInt(rand, atoms.length)]!);
  for (const a of added) space.add(a);
  return { space, added };
}

// Rule lookups as the interpreter asks them: calls of f / g against spaces of `(= (f ...) body)`.
const RULE_HEADS = [sym('f'), sym('g')];
const EQ = sym('=');
const ruleArg = (rand: () => number): Atom => randomAtom(rand, { maxDepth: 2, varWeight: 1, maxArity: 3 });
const ruleCall = (rand: () => number): Atom => expr([RULE_HEADS[randInt(rand, 2)]!, ...Array.from({ length: randInt(rand, 3) }, () => ruleArg(rand))]);
function ruleSpaceAtom(rand: () => number): Atom {
  const k = randInt(rand, 15);
  if (k < 8) return expr([EQ, ruleCall(rand), ruleArg(rand)]);
  if (k < 10) return expr([EQ, expr([variable('h'), ...Array.from({ length: randInt(rand, 3) }, () => ruleArg(rand))]), ruleArg(rand)]);
  if (k < 11) return expr([EQ, variable('l'), ruleArg(rand)]);
  if (k < 12) return expr([variable('q'), ruleArg(rand), ruleArg(rand)]);
  if (k < 13) return variable('any');
  return ruleArg(rand);
}

/** `(s (s ... (s leaf)))`, `depth` deep: the kernel takes stored atoms up to 64 tokens deep. */
function chain(depth: number, leaf: Atom): Atom {
  let a = leaf;
  for (let k = 0; k < depth; k++) a = expr([sym('s'), a]);
  return a;
}
/** `(v $v0 ... $v(n-1))`: the kernel binds at most 16 variables per pattern or stored atom. */
const manyVariables = (n: number, prefix: string): Atom => expr([sym('v'), ...Array.from({ length: n }, (_, k) => variable(`${prefix}${k}`))]);

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  frozen: {
    what: 'atoms (and duplicates) in a frozen trie',
    cases: 5000,
    build(rand) {
      const atoms = atomsOf(rand, 24);
      const { space, added } = fill(rand, atoms, randInt(rand, 7));
      return { view: space.snapshot(), patterns: patternsFor(rand, added, 1, 6) };
    },
  },
  removed: {
    what: 'atoms removed after the snapshot: dead ids in the trie',
    cases: 2000,
    build(rand) {
      const { space, added } = fill(rand, atomsOf(rand, 24), 0);
      const view = space.snapshot();
      for (let k = randInt(rand, 9); k > 0 && added.length > 0; k--) space.removeId(randInt(rand, added.length));
      return { view, patterns: patternsFor(rand, added, 1, 6) };
    },
  },
  'mixed-snapshot': {
    what: 'adds, removes and snapshots, then a fresh snapshot',
    cases: 1500,
    build(rand) {
      const space = new AtomSpace();
      const everAdded: Atom[] = [];
      const ids: number[] = [];
      const add = (a: Atom): void => {
        ids.push(space.add(a));
        everAdded.push(a);
      };
      for (const a of atomsOf(rand, 16, 1)) add(a);
      space.snapshot();
      for (let ops = 1 + randInt(rand, 20); ops > 0; ops--) {
        const k = randInt(rand, 14);
        if (k < 5) add(randomAtom(rand, STORED_SHAPE));
        else if (k < 7) add(everAdded[randInt(rand, everAdded.length)]!);
        else if (k < 11) space.remove(everAdded[randInt(rand, everAdded.length)]!);
        else if (k < 13 && ids.length > 0) space.removeId(ids[randInt(rand, ids.length)]!);
        else space.snapshot();
      }
      return { view: space.snapshot(), patterns: patternsFor(rand, everAdded, 1, 6) };
    },
  },
  wide: {
    what: 'many patterns (64-256) per batch against one space',
    cases: 1000,
    build(rand) {
      const { space, added } = fill(rand, atomsOf(rand, 60, 1), 0);
      return { view: space.snapshot(), patterns: patternsFor(rand, added, 64, 256) };
    },
  },
  'small-limits': {
    what: 'wide batches under forced small limits (2 KiB bindings, one workgroup per dispatch): chunks, output groups, the output fallback',
    cases: 500,
    matcher: { maxBindingBytes: 2048, maxWorkgroupsPerDispatch: 1 },
    build(rand) {
      const { space, added } = fill(rand, atomsOf(rand, 60, 1), randInt(rand, 20));
      return { view: space.snapshot(), patterns: patternsFor(rand, added, 64, 256) };
    },
  },
  rules: {
    what: 'rule lookups (= CALL $result#) against spaces of rules',
    cases: 1000,
    build(rand) {
      const { space } = fill(rand, Array.from({ length: randInt(rand, 13) }, () => ruleSpaceAtom(rand)), 0);
      return { view: space.snapshot(), patterns: Array.from({ length: 1 + randInt(rand, 6) }, () => ruleQueryPattern(ruleCall(rand))) };
    },
  },
  limits: {
    what: 'the kernel limits: stored atoms 60-70 deep, 16 and 20 variables in patterns and stored atoms',
    cases: 200,
    build(rand) {
      const leaf = (): Atom => (rand() < 0.5 ? variable('t') : sym('z'));
      const atoms = [chain(60 + randInt(rand, 11), leaf()), chain(randInt(rand, 64), leaf()), manyVariables(16, 'a'), manyVariables(20, 'b'), ...atomsOf(rand, 8)];
      const { space, added } = fill(rand, atoms, randInt(rand, 3));
      const patterns = [chain(randInt(rand, 66), variable('x')), manyVariables(16, 'p'), manyVariables(20, 'q'), variable('x'), ...patternsFor(rand, added, 1, 4)];
      return { view: space.snapshot(), patterns };
    },
  },
  kb: {
    what: '(edge nI nJ) knowledge base, the kb-match pattern mix (a full run: 1,000,000 facts x 10,000 patterns; quick: 20,000 x 2,000)',
    cases: 1,
    build(rand, quick) {
      const seed = 1 + randInt(rand, 1000);
      const facts = quick ? 20_000 : 1_000_000;
      const space = buildGraphSpace({ facts, sources: 10_000, targets: 10_000, seed });
      return { view: space.snapshot(), patterns: makePatterns(quick ? 2_000 : 10_000, 10_000, seed + 1).patterns };
    },
  },
};

export interface ScenarioOutcome {
  readonly scenario: string;
  readonly what: string;
  readonly cases: number;
  readonly patterns: number;
  readonly results: number;
  /** Patterns the kernel answered, and those it left to its CPU fallback (by the matcher's totals). */
  readonly gpuPatterns: number;
  readonly cpuFallbackPatterns: number;
  readonly failures: number;
  /** The first failures: how to replay them, and both listings. */
  readonly firstFailures: readonly string[];
  readonly ms: number;
}

export interface DifferentialOptions {
  readonly seed: number;
  readonly quick: boolean;
  /** Scenarios to run (default: all). */
  readonly scenarios?: readonly string[];
  /** Makes the GPU matcher's answer wrong on one pattern (a self-test: the check must fail). */
  readonly injectMismatch?: boolean;
  readonly newMatcher: (options: GpuMatcherOptions) => GpuMatcher;
  readonly out?: (line: string) => void;
}

/** Drops the last hit of the first pattern that has one: what the self-test expects to be caught. */
function corrupt(hits: MatchHit[][]): void {
  const victim = hits.find((h) => h.length > 0);
  victim?.pop();
}

/** Runs the scenarios; the outcome of each, failures listed, never thrown. */
export async function runDifferential(options: DifferentialOptions): Promise<ScenarioOutcome[]> {
  const names = options.scenarios ?? Object.keys(SCENARIOS);
  const outcomes: ScenarioOutcome[] = [];
  for (const name of names) {
    const scenario = SCENARIOS[name];
    if (scenario === undefined) throw new RangeError(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
    const matcher = options.newMatcher(scenario.matcher ?? {});
    const cases = options.quick ? Math.max(2, Math.ceil(scenario.cases / 10)) : scenario.cases;
    const t0 = performance.now();
    let patterns = 0;
    let results = 0;
    let failures = 0;
    const firstFailures: string[] = [];
    for (let k = 0; k < cases; k++) {
      const rand = prng(options.seed * 1_000_003 + k * 7919 + name.length);
      const c = scenario.build(rand, options.quick);
      let difference: string | null;
      try {
        const gpu = await matcher.match(c.view, c.patterns);
        if (options.injectMismatch === true && k === 0) corrupt(gpu);
        const cpu = matchBatch(c.view, c.patterns);
        patterns += c.patterns.length;
        for (const h of cpu) results += h.length;
        difference = firstDifference(gpu, cpu);
      } catch (e) {
        difference = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      }
      if (difference !== null) {
        failures++;
        if (firstFailures.length < 3) {
          const shown = c.patterns.length <= 20 ? ` patterns [${c.patterns.map(formatAtom).join(', ')}]` : '';
          firstFailures.push(`${name} case ${k} (seed ${options.seed}):${shown}\n${difference.slice(0, 2000)}`);
        }
      }
    }
    matcher.dispose();
    const outcome: ScenarioOutcome = {
      scenario: name,
      what: scenario.what,
      cases,
      patterns,
      results,
      gpuPatterns: matcher.totals.gpuPatterns,
      cpuFallbackPatterns: matcher.totals.cpuPatterns,
      failures,
      firstFailures,
      ms: performance.now() - t0,
    };
    outcomes.push(outcome);
    options.out?.(
      `differential ${name}: ${cases} cases, ${patterns} patterns (${outcome.gpuPatterns} on the kernel, ${outcome.cpuFallbackPatterns} left to its CPU fallback), ${results} results, ` +
        `${failures === 0 ? 'GPU = CPU' : `${failures} FAILED`} (${(outcome.ms / 1000).toFixed(1)} s)`,
    );
    for (const f of firstFailures) options.out?.(f);
  }
  return outcomes;
}
