// The GPU host code against a mock device (mock-device.ts), with no adapter: chunking, limit
// splitting, output grouping, the count → prefix sum → write protocol, readback, expansion in the
// CPU's order, and the typed errors. The mock runs the kernel's effect in JavaScript, so every
// answer is compared with the CPU matcher element for element; the mock's call counts and its
// validation (limits, usages, ranges) check how the host drives the device.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Atom, expr, sym, variable } from '../../src/core/atoms.js';
import { CompiledPattern, matchBatch } from '../../src/cpu/index.js';
import { bucketByWork, chunks, eligiblePatterns, planOutput } from '../../src/gpu/batch-plan.js';
import { type CompactMatches, GpuDeviceLostError, GpuError, GpuExecutionError, GpuMatcher, type GpuMatcherOptions, KERNEL_MAX_VARS } from '../../src/gpu/index.js';
import { Flag, kernelPrelude, PatCount, PatInfo, WORKGROUP_SIZE } from '../../src/gpu/kernel-layout.js';
import { kernelPattern } from '../../src/gpu/types.js';
import { AtomSpace, type FrozenView } from '../../src/space/index.js';
import { patternSpecArb, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';
import { expectSameHits } from './compare.js';
import { parseAll } from './helpers.js';
import { MockGpu } from './mock-device.js';

function spaceOf(atoms: readonly Atom[]): AtomSpace {
  const space = new AtomSpace();
  for (const a of atoms) space.add(a);
  return space;
}

function mockMatcher(gpu: MockGpu, options: GpuMatcherOptions = {}): GpuMatcher {
  return new GpuMatcher({ ...options, acquire: () => Promise.resolve(gpu.ctx) });
}

/** Runs a batch on the mock and checks it against the CPU matcher. */
async function same(gpu: MockGpu, view: FrozenView, patterns: readonly Atom[], matcher = mockMatcher(gpu)): Promise<CompactMatches> {
  const compact = await matcher.matchCompact(view, patterns.map((p) => new CompiledPattern(p)));
  expectSameHits(matcher.toHits(view, compact), matchBatch(view, patterns), () => `patterns: ${patterns.length}`);
  expect(gpu.uncaptured).toEqual([]);
  return compact;
}

const edges = (n: number): Atom[] => Array.from({ length: n }, (_, i) => expr([sym('edge'), sym(`n${i % 17}`), sym(`n${(i * 7) % 23}`)]));
const edgeQueries = (n: number): Atom[] =>
  Array.from({ length: n }, (_, i) => (i % 3 === 0 ? expr([sym('edge'), sym(`n${i % 17}`), variable('y')]) : expr([sym('edge'), variable('x'), sym(`n${i % 23}`)])));

describe('GPU host code on a mock device = CPU matcher', () => {
  it('random spaces and patterns (fast-check), frozen and with removed atoms', async () => {
    const gpu = new MockGpu();
    const matcher = mockMatcher(gpu);
    await fc.assert(
      fc.asyncProperty(fc.array(storedAtomArb, { maxLength: 24 }), fc.array(patternSpecArb, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 5 }), async (atoms, specs, removals) => {
        const space = spaceOf(atoms);
        space.snapshot();
        for (const r of atoms.length > 0 ? removals : []) space.removeId(r % atoms.length);
        const view = space.snapshot();
        await same(gpu, view, specs.map((s) => resolvePatternSpec(s, atoms)), matcher);
      }),
      { seed: 20_250_708, numRuns: 300 },
    );
    expect(gpu.dispatches.some((d) => d.entry === 'write_main')).toBe(true);
  });

  it('random batches under small device limits split and still agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(storedAtomArb, { minLength: 1, maxLength: 40 }),
        fc.array(patternSpecArb, { minLength: 20, maxLength: 200 }),
        fc.constantFrom(512, 1024, 4096),
        fc.constantFrom(1, 2),
        async (atoms, specs, binding, workgroups) => {
          const gpu = new MockGpu({ maxStorageBufferBindingSize: binding, maxComputeWorkgroupsPerDimension: workgroups });
          await same(gpu, spaceOf(atoms).snapshot(), specs.map((s) => resolvePatternSpec(s, atoms)));
          for (const d of gpu.dispatches) {
            expect(d.workgroups).toBeLessThanOrEqual(workgroups);
            for (const [name, bytes] of Object.entries(d.bytes)) if (name !== 'params') expect(bytes).toBeLessThanOrEqual(binding);
          }
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});

describe('the count → prefix sum → write protocol', () => {
  it('one chunk: a count submit, then per output group a write and a copy submit; one mapAsync each', async () => {
    const gpu = new MockGpu();
    const view = spaceOf(edges(300)).snapshot();
    const c = await same(gpu, view, edgeQueries(100));
    expect(c.metrics).toMatchObject({ countDispatches: 1, writeDispatches: 1, trieUploaded: true, gpuPatterns: 100 });
    expect(gpu.calls.submits).toBe(3);
    expect(gpu.calls.mapAsync).toBe(2);
    expect(gpu.dispatches.map((d) => [d.entry, d.workgroups])).toEqual([
      ['count_main', Math.ceil(100 / WORKGROUP_SIZE)],
      ['write_main', Math.ceil(100 / WORKGROUP_SIZE)],
    ]);
    // Records are laid out back to back in invocation order (bucketed by estimated work): the
    // patterns' ranges tile the words; without the bucketing, in pattern order.
    const byStart = [...Array(100).keys()].sort((a, b) => c.recStart[a]! - c.recStart[b]!);
    let at = 0;
    for (const p of byStart) {
      expect(c.recStart[p]).toBe(at);
      at += c.recWords[p]!;
    }
    expect(c.words.length).toBe(at);
    const plain = await same(gpu, view, edgeQueries(100), mockMatcher(gpu, { bucketByWork: false }));
    at = 0;
    for (let p = 0; p < 100; p++) {
      expect(plain.recStart[p]).toBe(at);
      at += plain.recWords[p]!;
    }
    expect([...plain.atomIds]).toEqual([...c.atomIds]);
  });

  it('no output: the count pass only; the trie is uploaded once per snapshot; shader compiled once', async () => {
    const gpu = new MockGpu();
    const space = spaceOf(edges(50));
    const m = mockMatcher(gpu);
    const c = await same(gpu, space.snapshot(), parseAll('(nothing $x) (edge zz $y)'), m);
    expect(c.metrics.writeDispatches).toBe(0);
    expect(gpu.calls.submits).toBe(1);
    expect(gpu.calls.mapAsync).toBe(1);
    expect((await same(gpu, space.snapshot(), parseAll('(edge $x n3)'), m)).metrics.trieUploaded).toBe(false);
    space.add(parseAll('(edge n3 n3)')[0]!);
    expect((await same(gpu, space.snapshot(), parseAll('(edge $x n3)'), m)).metrics.trieUploaded).toBe(true);
    expect(gpu.calls.shaderModules).toBe(1);
    expect(gpu.shaderCode[0]!.startsWith(kernelPrelude())).toBe(true);
  });

  it('chunks to the workgroup limit and groups output to the binding limit', async () => {
    // 1 workgroup per dispatch: 64 patterns per chunk. A 4 KiB binding holds the trie and 1,024
    // words of records, a fraction of the batch's output.
    const gpu = new MockGpu({ maxComputeWorkgroupsPerDimension: 1, maxStorageBufferBindingSize: 4096 });
    const view = spaceOf(edges(300)).snapshot();
    expect(view.trie.childStart.length * 4).toBeLessThanOrEqual(4096);
    const pats = edgeQueries(200);
    const c = await same(gpu, view, pats);
    expect(c.metrics.countDispatches).toBe(Math.ceil(200 / WORKGROUP_SIZE));
    expect(c.metrics.writeDispatches).toBeGreaterThan(c.metrics.countDispatches);
    expect(gpu.calls.submits).toBe(c.metrics.countDispatches + 2 * c.metrics.writeDispatches);
    expect(gpu.calls.mapAsync).toBe(c.metrics.countDispatches + c.metrics.writeDispatches);
    for (const d of gpu.dispatches) if (d.entry === 'write_main') expect(d.bytes['out']).toBeLessThanOrEqual(4096);
    // The same batch under the matcher's own caps on a large device splits the same way.
    const big = new MockGpu();
    const capped = await same(big, view, pats, mockMatcher(big, { maxWorkgroupsPerDispatch: 1, maxBindingBytes: 4096 }));
    expect(capped.metrics.countDispatches).toBe(c.metrics.countDispatches);
    expect(capped.metrics.writeDispatches).toBe(c.metrics.writeDispatches);
  });

  it('a pattern whose output exceeds a binding goes to the CPU, and the write pass skips it', async () => {
    const gpu = new MockGpu({ maxStorageBufferBindingSize: 4096 });
    const view = spaceOf(edges(300)).snapshot();
    const pats = [...edgeQueries(10), expr([sym('edge'), variable('a'), variable('b')])];
    const c = await same(gpu, view, pats);
    expect(c.fallback.get(10)).toBe('output');
    expect(c.metrics.fallback.output).toBe(1);
    expect(c.recWords[10]).toBe(0);
    expect(c.metrics.gpuPatterns).toBe(10);
  });

  it('kernel limits: pattern variables, depth, stored variables, trie size', async () => {
    const gpu = new MockGpu();
    const vars = (n: number, prefix: string): Atom[] => Array.from({ length: n }, (_, i) => variable(`${prefix}${i}`));
    let deep: Atom = sym('x');
    for (let i = 0; i < 40; i++) deep = expr([sym('f'), deep]);
    const view = spaceOf([expr([sym('t'), ...vars(20, 's')]), expr([sym('g'), deep]), expr([sym('h'), sym('a')])]).snapshot();
    const c = await same(gpu, view, [expr([sym('t'), ...vars(KERNEL_MAX_VARS + 1, 'p')]), expr([sym('g'), variable('y')]), expr([sym('t'), variable('_'), variable('q')]), variable('all'), expr([sym('h'), variable('z')])]);
    expect([...c.fallback.entries()].sort()).toEqual([
      [0, 'pattern-variables'],
      [1, 'depth'],
      [3, 'depth'],
    ]);
    // One pattern variable, repeated, reaches the stored atom with 20 variables.
    const sv = await same(gpu, view, [expr([sym('t'), ...vars(20, 'p').map(() => variable('p'))])]);
    expect(sv.fallback.get(0)).toBe('stored-variables');
    const tiny = new MockGpu({ maxStorageBufferBindingSize: 16 });
    const t = await same(tiny, view, parseAll('(h $z) $all'));
    expect([...t.fallback.values()]).toEqual(['trie-size', 'trie-size']);
    expect(tiny.calls.submits).toBe(0);
  });

  it("expansion: atoms of several leaves merged by id, fresh variables in the CPU's order", async () => {
    const gpu = new MockGpu();
    const view = spaceOf(parseAll('(f $x $y $z) (f $x $x $z) (f c b $z) (f $x b $w) (f c b $z)')).snapshot();
    const c = await same(gpu, view, parseAll('(f $p b $r) (f $p $q $r)'));
    expect(c.metrics.merged).toBe(2);
    expect(c.metrics.results).toBe(10);
    expect([...c.atomIds.subarray(c.hitStart[1]!, c.hitStart[2]!)]).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('errors on the mock device: the right GpuError, no leaked buffers', () => {
  const view = spaceOf(edges(100)).snapshot();
  const pats = edgeQueries(20);

  for (const stage of ['count', 'write'] as const) {
    for (const kind of ['validation', 'out-of-memory'] as const) {
      it(`a ${kind} error in the ${stage} submit is a GpuExecutionError`, async () => {
        const gpu = new MockGpu();
        const failing = mockMatcher(gpu);
        await same(gpu, view, pats, failing); // warm: the trie is uploaded, buffers are pooled
        // Arm the failure right before the wanted stage's first submit (count: 1st, write: 2nd).
        let armed = true;
        const origSubmit = gpu.device.queue.submit.bind(gpu.device.queue);
        let submits = 0;
        gpu.device.queue.submit = (cbs) => {
          submits++;
          if (armed && (stage === 'count' ? submits === 1 : submits === 2)) {
            armed = false;
            gpu.failNextSubmit(kind);
          }
          origSubmit(cbs);
        };
        const before = new Set(gpu.live());
        const err = await failing.match(view, pats).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(GpuExecutionError);
        expect((err as Error).message).toContain(`GPU ${stage} pass failed: injected ${kind} error`);
        // The failed batch destroyed what it took (only the trie upload stays, with its matcher).
        expect(gpu.live().filter((b) => !before.has(b) && !b.label.startsWith('trie'))).toEqual([]);
        gpu.device.queue.submit = origSubmit;
        await same(gpu, view, pats, failing);
      });
    }
  }

  for (const stage of ['count', 'write'] as const) {
    it(`the device lost after the ${stage} submit is a GpuDeviceLostError, then a new device serves`, async () => {
      const gpu = new MockGpu();
      const m = mockMatcher(gpu, { afterSubmit: (s) => s === stage && gpu.lose('unknown') });
      const err = await m.match(view, pats).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(GpuDeviceLostError);
      expect(err).toBeInstanceOf(GpuError);
      expect((err as GpuDeviceLostError).reason).toBe('unknown');
      expect(gpu.ctx.lost).toBe(err);
      // Whoever acquires next gets a fresh device; the same matcher re-uploads the trie there.
      let next = new MockGpu();
      const again = new GpuMatcher({ acquire: () => Promise.resolve(next.ctx) });
      expect((await same(next, view, pats, again)).metrics.trieUploaded).toBe(true);
      next = new MockGpu();
      expect((await same(next, view, pats, again)).metrics.trieUploaded).toBe(true);
    });
  }

  it('a lost device refuses the next batch at once, without submitting', async () => {
    const gpu = new MockGpu();
    gpu.device.destroy();
    await Promise.resolve();
    const err = await mockMatcher(gpu).match(view, pats).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(GpuDeviceLostError);
    expect((err as GpuDeviceLostError).reason).toBe('destroyed');
    expect(gpu.calls.submits).toBe(0);
  });
});

describe('batch planning (pure)', () => {
  const pats = parseAll('(a $x) (b $y $z) c (d (e $w)) $v (f a b c d e g h i j k)').map((a) => kernelPattern(new CompiledPattern(a)));
  const limits = (binding: number, workgroups = 100): { binding: number; workgroups: number; groupWords: number } => ({ binding, workgroups, groupWords: binding / 4 });

  it('chunks by workgroups and by the tokens that fit a binding, packing PatInfo', () => {
    const all = [0, 1, 2, 3, 4];
    const one = [...chunks(pats, all, limits(1 << 20))];
    expect(one.map((c) => c.indices)).toEqual([all]);
    const info = one[0]!.info;
    let at = 0;
    for (let i = 0; i < all.length; i++) {
      expect(info[i * PatInfo.words + PatInfo.at.tokStart]).toBe(at);
      expect(info[i * PatInfo.words + PatInfo.at.tokCount]).toBe(pats[i]!.tokens.length);
      expect(info[i * PatInfo.words + PatInfo.at.varCount]).toBe(pats[i]!.varCount);
      at += pats[i]!.tokens.length;
    }
    // One PatInfo of binding: one pattern per chunk.
    expect([...chunks(pats, all, limits(PatInfo.bytes))].map((c) => c.indices)).toEqual(all.map((p) => [p]));
    // Two PatInfo (48 bytes): 12 tokens and two patterns per chunk; (a $x) has 3 tokens, (b $y $z) 4,
    // (d (e $w)) 5, the long one 12.
    expect(PatInfo.bytes).toBe(24);
    expect([...chunks(pats, all, limits(48))].map((c) => c.indices)).toEqual([[0, 1], [2, 3], [4]]);
    expect([...chunks(pats, [1, 3, 4], limits(48))].map((c) => c.indices)).toEqual([[1, 3], [4]]);
    expect([...chunks(pats, [5, 0, 1], limits(48))].map((c) => c.indices)).toEqual([[5], [0, 1]]);
  });

  it('bucketByWork: lists first, then walks, by powers of two of their work, stable within a bucket', () => {
    const est: Record<number, { list: boolean; work: number }> = {
      0: { list: false, work: 5 },
      1: { list: true, work: 100 },
      2: { list: false, work: 0 },
      3: { list: true, work: 3 },
      4: { list: false, work: 6 },
      5: { list: false, work: 20_000 },
      6: { list: true, work: 2 },
    };
    // buckets: lists 3 and 6 share [2, 4); walks 0 and 4 share [4, 8).
    expect(bucketByWork([0, 1, 2, 3, 4, 5, 6], (p) => est[p]!)).toEqual([3, 6, 1, 2, 0, 4, 5]);
    expect(bucketByWork([5, 4, 0], (p) => est[p]!)).toEqual([4, 0, 5]);
    expect(bucketByWork([], (p) => est[p]!)).toEqual([]);
  });

  it('eligibility: too many variables or a trie larger than a binding', () => {
    const reasons: [number, string][] = [];
    const big = kernelPattern(new CompiledPattern(expr(Array.from({ length: KERNEL_MAX_VARS + 1 }, (_, i) => variable(`v${i}`)))));
    const trie = spaceOf(parseAll('(a 1) (b 2 3)')).snapshot().trie;
    expect(eligiblePatterns(trie, [pats[0]!, big], limits(1 << 20), (p, r) => reasons.push([p, r]))).toEqual([0]);
    expect(reasons).toEqual([[1, 'pattern-variables']]);
    reasons.length = 0;
    expect(eligiblePatterns(trie, [pats[0]!], limits(8), (p, r) => reasons.push([p, r]))).toEqual([]);
    expect(reasons).toEqual([[0, 'trie-size']]);
  });

  it('planOutput: exclusive prefix sums per group, groups within the limit, flags and oversize to the CPU', () => {
    const counts = (rows: [number, number][]): Uint32Array => {
      const c = new Uint32Array(rows.length * PatCount.words);
      rows.forEach(([w, f], i) => {
        c[i * PatCount.words + PatCount.at.words] = w;
        c[i * PatCount.words + PatCount.at.flags] = f;
      });
      return c;
    };
    const plan = planOutput(counts([[4, 0], [0, 0], [6, 0], [3, Flag.DEPTH], [11, 0], [5, 0], [2, Flag.VARS], [1, Flag.STACK], [5, 0]]), 9, 10);
    expect(plan.groups).toEqual([
      { first: 0, end: 3, words: 10 },
      { first: 5, end: 9, words: 10 },
    ]);
    expect([...plan.offset]).toEqual([0, 4, 4, 0, 0, 0, 0, 0, 5]);
    expect([...plan.words]).toEqual([4, 0, 6, 0, 0, 5, 0, 0, 5]);
    expect([...plan.fallback.entries()]).toEqual([
      [3, 'depth'],
      [4, 'output'],
      [6, 'stored-variables'],
      [7, 'stack'],
    ]);
    expect(planOutput(counts([[0, 0], [0, 0]]), 2, 10).groups).toEqual([]);
  });
});
