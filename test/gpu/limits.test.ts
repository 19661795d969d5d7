// The GPU matcher at and beyond its kernel's limits, with forced tiny device limits (splitting),
// and under device loss. Every answer is compared with the CPU matcher element for element.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Atom, expr, sym, variable } from '../../src/core/atoms.js';
import { int } from '../../src/core/values.js';
import { CompiledPattern, matchBatch } from '../../src/cpu/index.js';
import { acquireGpu, closeGpu, type CompactMatches, GpuDeviceLostError, GpuError, GpuMatcher, KERNEL_MAX_DEPTH, KERNEL_MAX_VARS } from '../../src/gpu/index.js';
import { AtomSpace, type FrozenView } from '../../src/space/index.js';
import { expectSameHits } from './compare.js';
import { gpuAdapter, noGpu, parseAll } from './helpers.js';

const LONG = process.env['GPU_LONG'] === '1';
let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
});
afterAll(closeGpu);

async function same(view: FrozenView, patterns: readonly Atom[], matcher = new GpuMatcher()): Promise<CompactMatches> {
  const compact = await matcher.matchCompact(view, patterns.map((p) => new CompiledPattern(p)));
  expectSameHits(matcher.toHits(view, compact), matchBatch(view, patterns), () => `patterns: ${patterns.length}`);
  return compact;
}

function spaceOf(atoms: readonly Atom[]): AtomSpace {
  const space = new AtomSpace();
  for (const a of atoms) space.add(a);
  return space;
}

/** (f (f (f ... x))) nested `depth` times. */
function nested(depth: number, leaf: Atom): Atom {
  let a = leaf;
  for (let i = 0; i < depth; i++) a = expr([sym('f'), a]);
  return a;
}

/** A MeTTa list (Cons a (Cons b ... Nil)) of `n` ints starting at `from`. */
function list(n: number, from = 0): Atom {
  let a: Atom = sym('Nil');
  for (let i = n - 1; i >= 0; i--) a = expr([sym('Cons'), int(from + i), a]);
  return a;
}

describe('GPU matcher edge cases (compared with the CPU matcher)', () => {
  it('empty space, empty results, a pattern matching every atom', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const empty = new AtomSpace();
    const c1 = await same(empty.snapshot(), parseAll('$x (a $y) b'));
    expect(c1.metrics.results).toBe(0);
    const space = spaceOf(parseAll('(a 1) (b 2) (a $z) c (a 1) () (g (h $u) $u)'));
    const c2 = await same(space.snapshot(), parseAll('$all (nothing here) (a $v) ($p $q) () (g $k 3)'));
    expect(c2.hitStart[1]).toBe(7); // $all matched every atom, in insertion order
    expect(c2.metrics.gpuPatterns).toBe(6);
  });

  it('deep nesting up to the kernel depth, and beyond it on the CPU (reported in metrics)', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    // (f^d x) has 2d + 1 tokens: d = 31 fits 64 tokens; (g (f^40 x)) has 83 and does not. A walk
    // falls back only when it reaches the deep atom.
    const space = spaceOf([nested(10, sym('x')), nested(31, sym('x')), expr([sym('g'), nested(40, sym('x'))]), nested(31, variable('v'))]);
    const view = space.snapshot();
    const fits = await same(view, [nested(31, variable('y')), nested(5, variable('y')), nested(31, sym('x')), expr([sym('g'), sym('x')])]);
    expect(fits.fallback.size).toBe(0);
    expect(fits.metrics.results).toBeGreaterThan(0);
    const deep = await same(view, [variable('any'), expr([sym('g'), variable('y')]), expr([sym('g'), nested(39, variable('y'))])]);
    expect([...deep.fallback.values()]).toEqual(['depth', 'depth', 'depth']);
    expect(deep.metrics.fallback.depth).toBe(3);
    expect(2 + 2 * 40 + 1).toBeGreaterThan(KERNEL_MAX_DEPTH);
  });

  it('lists and wide expressions: within the kernel depth on the GPU, longer ones on the CPU', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    // A list of n ints has 3n + 1 tokens: 20 elements fit the kernel's 64, 30 do not.
    const wide = (n: number): Atom => expr(Array.from({ length: n }, (_, i) => int(i)));
    const short = spaceOf([list(20), list(20, 1), list(3), wide(60), expr([sym('w'), wide(50)])]);
    const pats = [
      expr([sym('Cons'), variable('h'), variable('t')]),
      expr([sym('Cons'), int(0), expr([sym('Cons'), variable('a'), variable('rest')])]),
      expr([sym('w'), variable('x')]),
      expr(Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? variable(`v${i}`) : int(i)))),
      variable('all'),
    ];
    const inKernel = await same(short.snapshot(), pats);
    expect(inKernel.fallback.size).toBe(0);
    expect(inKernel.metrics.results).toBe(3 + 2 + 1 + 1 + 5);
    const long = spaceOf([list(30), wide(1000), expr([sym('w'), wide(1000)]), list(3)]);
    const beyond = await same(long.snapshot(), pats);
    expect(beyond.metrics.fallback.depth).toBe(4); // all but the 60-ary pattern reach a deep atom
    expect(beyond.metrics.results).toBe(0);
  });

  it(`many variables: ${KERNEL_MAX_VARS} on the GPU, more on the CPU; stored variables bind`, async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const vars = (n: number, prefix: string): Atom[] => Array.from({ length: n }, (_, i) => variable(`${prefix}${i}`));
    const space = spaceOf([
      expr([sym('t'), ...Array.from({ length: 20 }, (_, i) => int(i))]),
      expr([sym('t'), ...vars(20, 's')]),
      expr([sym('t'), ...vars(16, 's'), int(1), int(2), int(3), int(4)]),
      expr([sym('u'), variable('a'), variable('a'), expr([sym('k'), variable('b')])]),
    ]);
    const view = space.snapshot();
    const at = await same(view, [expr([sym('t'), ...vars(KERNEL_MAX_VARS, 'p'), ...vars(4, 'q').map(() => variable('p0'))])]);
    expect(at.fallback.size).toBe(1); // the stored atom with 20 variables is reached: CPU
    expect(at.metrics.fallback['stored-variables']).toBe(1);
    const over = await same(view, [expr([sym('t'), ...vars(20, 'p')]), expr([sym('u'), int(5), variable('y'), variable('z')])]);
    expect(over.fallback.get(0)).toBe('pattern-variables');
    expect(over.fallback.has(1)).toBe(false);
  });

  it('splits batches transparently under tiny limits (bindings of 4 KiB, 1 workgroup per dispatch)', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const facts: Atom[] = [];
    for (let i = 0; i < 300; i++) facts.push(expr([sym('edge'), sym(`n${i % 17}`), sym(`n${(i * 7) % 23}`)]));
    const view = spaceOf(facts).snapshot();
    const pats: Atom[] = [];
    for (let i = 0; i < 400; i++) pats.push(i % 3 === 0 ? expr([sym('edge'), sym(`n${i % 17}`), variable('y')]) : expr([sym('edge'), variable('x'), sym(`n${i % 23}`)]));
    pats.push(expr([sym('edge'), variable('a'), variable('b')])); // 300 records: over 4 KiB, so CPU
    const tiny = new GpuMatcher({ maxBindingBytes: 4096, maxWorkgroupsPerDispatch: 1 });
    const c = await same(view, pats, tiny);
    expect(c.metrics.countDispatches).toBeGreaterThan(6); // 401 patterns, 64 per dispatch
    expect(c.metrics.writeDispatches).toBeGreaterThan(c.metrics.countDispatches);
    expect(c.fallback.get(400)).toBe('output');
    expect(c.metrics.gpuPatterns).toBe(400);
  });

  it("creates fresh variables in the CPU matcher's order (so they get the same names)", async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    // At the concrete `b` the walk meets two stored-variable children ($y and the repeated $x):
    // the CPU visits them in descending token order, so id 1 gets its fresh variables first.
    const space = spaceOf(parseAll('(f $x $y $z) (f $x $x $z) (f c b $z) (f $x b $w)'));
    const c = await same(space.snapshot(), parseAll('(f $p b $r) (f $p $q $r)'));
    expect(c.fallback.size).toBe(0);
    expect(c.metrics.results).toBe(8);
  });

  it('re-uses the uploaded trie until the space changes', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const space = spaceOf(parseAll('(a 1) (a 2)'));
    const m = new GpuMatcher();
    expect((await same(space.snapshot(), parseAll('(a $x)'), m)).metrics.trieUploaded).toBe(true);
    expect((await same(space.snapshot(), parseAll('(a $x)'), m)).metrics.trieUploaded).toBe(false);
    space.add(parseAll('(a 3)')[0]!);
    const c = await same(space.snapshot(), parseAll('(a $x)'), m);
    expect(c.metrics.trieUploaded).toBe(true);
    expect(c.metrics.results).toBe(3);
  });

  it(`a space of ${LONG ? '1,000,000' : '200,000'} atoms`, async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const n = LONG ? 1_000_000 : 200_000;
    const space = new AtomSpace();
    for (let i = 0; i < n; i++) space.add(expr([sym('edge'), sym(`n${i % 1000}`), sym(`n${(i * 7919) % 1009}`)]));
    const view = space.snapshot();
    const pats: Atom[] = [];
    for (let i = 0; i < 200; i++) pats.push(i % 2 ? expr([sym('edge'), sym(`n${i}`), variable('y')]) : expr([sym('edge'), variable('x'), sym(`n${i}`)]));
    pats.push(expr([sym('edge'), sym('n1'), sym('n7920')]));
    const c = await same(view, pats);
    expect(c.metrics.gpuPatterns).toBe(pats.length);
    expect(c.metrics.results).toBeGreaterThan(n / 10);
  });
});

describe('GPU device loss', () => {
  it('destroying the device mid-batch gives a typed error, no hang, and the next batch gets a new device', async (ctx) => {
    if (adapter === null) return noGpu(ctx);
    const view = spaceOf(parseAll('(a 1) (a 2) (b 3)')).snapshot();
    const pats = parseAll('(a $x) ($p $q)');
    for (const stage of ['count', 'write'] as const) {
      let destroyed = false;
      const doomed = new GpuMatcher({
        afterSubmit: (s, gpu) => {
          if (s === stage && !destroyed) {
            destroyed = true;
            gpu.device.destroy();
          }
        },
      });
      const err = await doomed.match(view, pats).then(
        () => null,
        (e: unknown) => e,
      );
      expect(destroyed).toBe(true);
      expect(err).toBeInstanceOf(GpuDeviceLostError);
      expect(err).toBeInstanceOf(GpuError);
      // The caller's fallback: a new device serves the next batch with the right answers.
      await same(view, pats);
    }
    expect((await acquireGpu()).lost).toBe(null);
  });
});
