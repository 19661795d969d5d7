// Differential property test: the GPU matcher against the CPU trie matcher, element for element and
// in order (pattern index, atom insertion id), on random spaces and patterns (fast-check, fixed
// seed, printed). CI runs a few thousand cases on lavapipe; `npm run test:gpu-long` many more
// (GPU_DIFF_RUNS overrides the count, GPU_DIFF_SEED the seed).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Atom } from '../../src/core/atoms.js';
import { formatAtom } from '../../src/core/printer.js';
import { matchBatch } from '../../src/cpu/index.js';
import { closeGpu, GpuMatcher } from '../../src/gpu/index.js';
import { AtomSpace, type SpaceView } from '../../src/space/index.js';
import { type PatternSpec, patternSpecArb, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';
import { expectSameHits } from './compare.js';
import { gpuAdapter, noGpu } from './helpers.js';

const SEED = Number(process.env['GPU_DIFF_SEED'] ?? 20_250_707);
const LONG = process.env['GPU_LONG'] === '1';
const TOTAL = Number(process.env['GPU_DIFF_RUNS'] ?? (LONG ? 40_000 : 2_000));
const RUNS = { frozen: Math.ceil(TOTAL * 0.6), removed: Math.ceil(TOTAL * 0.25), batched: Math.ceil(TOTAL * 0.15) };
console.log(`gpu-differential: seed=${SEED} numRuns=${RUNS.frozen + RUNS.removed + RUNS.batched} (frozen ${RUNS.frozen}, removed ${RUNS.removed}, multi-space batches ${RUNS.batched})`);

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
});
afterAll(closeGpu);

const matcher = new GpuMatcher();

function report(space: AtomSpace, patterns: readonly Atom[]): string {
  return `patterns [${patterns.map(formatAtom).join(', ')}]\nspace [${[...space.ids()].map((id) => `#${id} ${formatAtom(space.atom(id))}`).join(', ')}]`;
}

async function check(space: AtomSpace, view: SpaceView, patterns: readonly Atom[]): Promise<void> {
  const gpu = await matcher.match(view, patterns);
  const cpu = matchBatch(view, patterns);
  expectSameHits(gpu, cpu, () => report(space, patterns));
}

const atomsArb = fc.array(storedAtomArb, { minLength: 0, maxLength: 24 });
const patternsArb = fc.array(patternSpecArb, { minLength: 1, maxLength: 8 });
const patternsFor = (specs: readonly PatternSpec[], atoms: readonly Atom[]): Atom[] => specs.map((s) => resolvePatternSpec(s, atoms));

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

describe('GPU matcher = CPU matcher (differential, fast-check)', () => {
  it(`random spaces, frozen (${RUNS.frozen} cases)`, async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    await fc.assert(
      fc.asyncProperty(atomsArb, fc.array(fc.nat(), { maxLength: 6 }), patternsArb, async (atoms, dupes, specs) => {
        const { space, added } = fill(atoms, dupes);
        await check(space, space.snapshot(), patternsFor(specs, added));
      }),
      { seed: SEED, numRuns: RUNS.frozen },
    );
  });

  it(`atoms removed after the snapshot: dead ids in the trie (${RUNS.removed} cases)`, async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    await fc.assert(
      fc.asyncProperty(atomsArb, fc.array(fc.nat(), { maxLength: 8 }), patternsArb, async (atoms, removals, specs) => {
        const { space, added } = fill(atoms, []);
        space.snapshot();
        for (const r of added.length > 0 ? removals : []) space.removeId(r % added.length);
        const view = space.view();
        expect(view.recent.length).toBe(0);
        await check(space, view, patternsFor(specs, added));
      }),
      { seed: SEED + 1, numRuns: RUNS.removed },
    );
  });

  it(`many patterns per batch (64-256) against one space (${RUNS.batched} cases)`, async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    await fc.assert(
      fc.asyncProperty(
        fc.array(storedAtomArb, { minLength: 1, maxLength: 60 }),
        fc.array(patternSpecArb, { minLength: 64, maxLength: 256 }),
        async (atoms, specs) => {
          const { space, added } = fill(atoms, []);
          await check(space, space.snapshot(), patternsFor(specs, added));
        },
      ),
      { seed: SEED + 2, numRuns: RUNS.batched },
    );
  });
});
