// The mock device's JavaScript kernel (mock-kernel.ts) against the real WGSL kernel: the same raw
// records, counts and fallbacks on random spaces and patterns, so the host tests on the mock
// (host-mock.test.ts) exercise what the device really returns. Needs an adapter (lavapipe in CI).

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledPattern } from '../../src/cpu/index.js';
import { closeGpu, GpuMatcher } from '../../src/gpu/index.js';
import { BufferUsage, flagMismatches, MapMode, ShaderStage } from '../../src/gpu/flags.js';
import { kernelPattern } from '../../src/gpu/types.js';
import { AtomSpace } from '../../src/space/index.js';
import { parseAtom } from '../../src/core/parser.js';
import { patternSpecArb, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';
import { gpuAdapter, noGpu } from './helpers.js';
import { MockGpu } from './mock-device.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
});
afterAll(closeGpu);

describe('mock kernel = WGSL kernel', () => {
  it("the spec-named flag constants equal the webgpu package's globals", (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const g = globalThis as unknown as Record<string, Record<string, number> | undefined>;
    for (const [name, ours] of [['GPUBufferUsage', BufferUsage], ['GPUMapMode', MapMode], ['GPUShaderStage', ShaderStage]] as const) {
      for (const [k, v] of Object.entries(ours)) expect(g[name]?.[k], `${name}.${k}`).toBe(v);
    }
    expect(flagMismatches(globalThis as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('same raw records on random spaces and patterns (small limits, so batches split)', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const caps = { maxBindingBytes: 2048, maxWorkgroupsPerDispatch: 1, workCounters: true };
    const real = new GpuMatcher(caps);
    await fc.assert(
      fc.asyncProperty(fc.array(storedAtomArb, { maxLength: 30 }), fc.array(patternSpecArb, { minLength: 1, maxLength: 90 }), async (atoms, specs) => {
        const space = new AtomSpace();
        for (const a of atoms) space.add(a);
        const trie = space.snapshot().trie;
        const pats = specs.map((s) => kernelPattern(new CompiledPattern(resolvePatternSpec(s, atoms))));
        const gpu = new MockGpu();
        const mock = new GpuMatcher({ ...caps, acquire: () => Promise.resolve(gpu.ctx) });
        const [r, m] = [await real.runRaw(trie, pats), await mock.runRaw(trie, pats)];
        expect([...m.words]).toEqual([...r.words]);
        expect([...m.recStart]).toEqual([...r.recStart]);
        expect([...m.recWords]).toEqual([...r.recWords]);
        expect([...m.fallback]).toEqual([...r.fallback]);
        expect(m.metrics.countDispatches).toBe(r.metrics.countDispatches);
        expect(m.metrics.writeDispatches).toBe(r.metrics.writeDispatches);
        expect(m.metrics.work).toEqual(r.metrics.work);
      }),
      { seed: 20_250_709, numRuns: 150 },
    );
  });

  // The trie of (e a b) (e a c) (e d b): root → (3-tuple header) → e → {a, d}; a → {b, c}; d → {b}.
  // A step is one child tried or one frame left. (e a $y): header, e, a, then b and c (2 hits),
  // then a's, e's, the header's and the root's frames are left: 9. (e $x b) tries every first
  // argument — header, e, a, its b, leave, d, its b, leave, then e's, the header's and the root's
  // frames: 11; so a constant after a variable costs about 2 steps per distinct first argument
  // (about 20,000 for (edge $x nJ) over 10,000 sources). The list path (leaf-postings.ts) takes
  // (e $x b) from the list of b at position 2 instead: one step per leaf, (e a b) and (e d b): 2.
  it('counts the walk steps of a hand-worked trie, the same on the mock and the WGSL kernel', async () => {
    const space = new AtomSpace();
    for (const text of ['(e a b)', '(e a c)', '(e d b)']) space.add(parseAtom(text));
    const trie = space.snapshot().trie;
    const on = (listPath: 'always' | 'never'): GpuMatcher[] => {
      const out = [new GpuMatcher({ workCounters: true, listPath, acquire: () => Promise.resolve(new MockGpu().ctx) })];
      if (adapter !== null) out.push(new GpuMatcher({ workCounters: true, listPath }));
      return out;
    };
    const devices = on('never'); // as the plain matchers below (auto: walks, the lists are no shorter here)
    for (const [text, steps, listPath] of [['(e a $y)', 9, 'never'], ['(e $x b)', 11, 'never'], ['(e a $y)', 9, 'always'], ['(e $x b)', 2, 'always']] as const) {
      const pats = [kernelPattern(new CompiledPattern(parseAtom(text)))];
      const works = [];
      for (const m of on(listPath)) works.push((await m.runRaw(trie, pats)).metrics.work);
      for (const w of works) {
        expect(w.patterns, text).toBe(1);
        expect(w.steps, text).toBe(steps);
        expect(w.maxSteps, text).toBe(steps);
        expect(w.loads, text).toBeGreaterThan(steps);
      }
      if (works.length > 1) expect(works[1]).toEqual(works[0]);
    }
    // Without the option the counters are compiled out: patterns counted, work 0, same records.
    const plain = [new GpuMatcher({ acquire: () => Promise.resolve(new MockGpu().ctx) })];
    if (adapter !== null) plain.push(new GpuMatcher());
    const pats = [kernelPattern(new CompiledPattern(parseAtom('(e $x b)')))];
    for (const [i, m] of plain.entries()) {
      const raw = await m.runRaw(trie, pats);
      expect(raw.metrics.work).toEqual({ patterns: 1, steps: 0, loads: 0, maxSteps: 0, maxLoads: 0 });
      expect([...raw.words]).toEqual([...(await devices[i]!.runRaw(trie, pats)).words]);
    }
  });
});
