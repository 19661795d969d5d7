// The kernel's list path (src/gpu/leaf-postings.ts, runList in shaders/trie-match.wgsl): the
// posting lists over the trie's leaves, which patterns take them, and that a batch answered with
// them equals the walk and the CPU matcher — on the mock device always, on the real kernel when
// there is an adapter.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Atom } from '../../src/core/atoms.js';
import { parseAtom } from '../../src/core/parser.js';
import { CompiledPattern, matchBatch } from '../../src/cpu/index.js';
import { closeGpu, GpuMatcher, type GpuMatcherOptions } from '../../src/gpu/index.js';
import { buildLeafPostings, chooseLists, listPositions, walkSpan } from '../../src/gpu/leaf-postings.js';
import { kernelPattern } from '../../src/gpu/types.js';
import { AtomSpace } from '../../src/space/index.js';
import { atomArb, patternSpecArb, resolvePatternSpec, storedAtomArb } from '../space/arbitraries.js';
import { expectSameHits } from './compare.js';
import { gpuAdapter } from './helpers.js';
import { MockGpu } from './mock-device.js';

let adapter: string | null = null;
beforeAll(async () => {
  adapter = await gpuAdapter();
});
afterAll(closeGpu);

function spaceOf(texts: readonly string[]): AtomSpace {
  const space = new AtomSpace();
  for (const t of texts) space.add(parseAtom(t));
  return space;
}

const compiled = (text: string): CompiledPattern => new CompiledPattern(parseAtom(text));

describe('leaf posting lists', () => {
  it('list the leaves by (children, position, token), skip positions holding a variable, and refuse lists with variables', () => {
    const trie = spaceOf(['(e a b)', '(e a c)', '(e d b)', '(f d b)', '(g $v b)', '(h x (k $w))']).snapshot().trie;
    const postings = buildLeafPostings(trie);
    expect(postings.usable).toBe(true);
    const leavesOf = (position: number, token: string): number[] | null => {
      const s = postings.slice(3, position, kernelPattern(compiled(token)).tokens[0]!);
      return s === null ? null : [...postings.aux.subarray(s.start, s.start + s.count)];
    };
    // b at position 2: (e a b), (e d b), (f d b) are ground; (g $v b) holds a variable: no list.
    expect(leavesOf(2, 'b')).toBeNull();
    expect(leavesOf(2, 'c')).toHaveLength(1);
    expect(leavesOf(1, 'd')).toHaveLength(2);
    expect(leavesOf(1, 'zz')).toEqual([]);
    expect(postings.varAt(3, 1)).toBe(true);
    expect(postings.varAt(3, 2)).toBe(false);
    // Every listed leaf is a leaf: its children are atom nodes (insertion ids).
    for (const leaf of leavesOf(1, 'd')!) expect(trie.childStart[leaf + 1]! - trie.childStart[leaf]!).toBe(1);
    // The parents lead every leaf back to the root.
    for (const leaf of leavesOf(1, 'd')!) {
      let depth = 0;
      for (let n = leaf; n !== 0; n = postings.aux[n]!) depth++;
      expect(depth).toBe(4);
    }
    expect(buildLeafPostings(spaceOf(['(e a b)', '$anything']).snapshot().trie).usable).toBe(false);
  });

  it('are chosen for patterns whose walk spans a variable before a constant, the shortest list first', () => {
    const positions = (text: string): number[] => {
      const p = kernelPattern(compiled(text));
      return listPositions(p.tokens, p.ends);
    };
    expect(positions('(edge $x b)')).toEqual([2]);
    expect(positions('($r a $y)')).toEqual([1]);
    expect(positions('($r a b)')).toEqual([1, 2]);
    expect(positions('(edge (f $z) b)')).toEqual([2]);
    expect(positions('(edge a $y)')).toEqual([]); // the walk descends straight to it
    expect(positions('(edge a b)')).toEqual([]);
    expect(positions('(edge $x $y)')).toEqual([]);
    expect(positions('$x')).toEqual([]);
    expect(positions('(edge $x (f b))')).toEqual([]); // compound constants are not listed

    const trie = spaceOf(['(e a b)', '(e a c)', '(e d b)', '(r a c)']).snapshot().trie;
    const pats = ['(e $x b)', '($r a c)', '(e a $y)', '($r $s $t)'].map((t) => kernelPattern(compiled(t)));
    const lists = chooseLists(trie, pats, [0, 1, 2, 3], 1 << 20, true)!;
    expect([...lists.slices.keys()]).toEqual([0, 1]);
    // ($r a c): a at position 1 has 3 leaves, c at position 2 has 2: c's list.
    expect(lists.slices.get(1)!.count).toBe(2);
    expect(lists.slices.get(0)!.count).toBe(2);
    // Too large for one binding, or no candidate: the walk.
    expect(chooseLists(trie, pats, [0, 1], 16, true)).toBeNull();
    expect(chooseLists(trie, pats, [2, 3], 1 << 20, true)).toBeNull();
    // Without `always`, a list only when it is shorter than what the walk spans first: here the
    // walk of (e $x b) spans 2 first arguments and the list has 2 leaves, ($r a c) 2 heads; in the
    // wide trie (e $x t1) spans 50 sources for a list of 10, ($r $x t1) 2 heads for the same 10.
    expect(chooseLists(trie, pats, [0, 1, 2, 3], 1 << 20)).toBeNull();
    const wide = spaceOf([...Array.from({ length: 50 }, (_, i) => `(e s${i} t${i % 5})`), '(r a c)']).snapshot().trie;
    expect(walkSpan(wide, kernelPattern(compiled('(e $x t1)')).tokens)).toBe(50);
    expect(walkSpan(wide, kernelPattern(compiled('($r $x t1)')).tokens)).toBe(2);
    expect(walkSpan(wide, kernelPattern(compiled('(zz $x t1)')).tokens)).toBe(0);
    const auto = chooseLists(wide, ['(e $x t1)', '($r $x t1)', '(zz $x t1)'].map((t) => kernelPattern(compiled(t))), [0, 1, 2], 1 << 20)!;
    expect([...auto.slices.entries()].map(([p, sl]) => [p, sl.count])).toEqual([[0, 10]]);
  });
});

describe('list path = walk = CPU matcher', () => {
  const groundFact = atomArb({ maxDepth: 3, varWeight: 0, rootExprWeight: 18 });
  const devices = (options: GpuMatcherOptions): GpuMatcher[] => {
    const out = [new GpuMatcher({ ...options, acquire: () => Promise.resolve(new MockGpu().ctx) })];
    if (adapter !== null) out.push(new GpuMatcher(options));
    return out;
  };

  async function check(atoms: readonly Atom[], patterns: readonly Atom[], removals: readonly number[], listed: { n: number }): Promise<void> {
    const space = new AtomSpace();
    for (const a of atoms) space.add(a);
    const ids = [...space.ids()];
    for (const r of removals) if (ids.length > 0) space.removeId(ids[r % ids.length]!);
    const view = space.snapshot();
    const cpu = matchBatch(view, patterns);
    const cp = patterns.map((p) => new CompiledPattern(p));
    const walkers = devices({ listPath: 'never' });
    const listers = devices({ listPath: 'always', maxBindingBytes: 1 << 16 });
    for (const [i, walking] of walkers.entries()) {
      const withLists = listers[i]!;
      const walked = await walking.matchCompact(view, cp);
      const fromLists = await withLists.matchCompact(view, cp);
      expect(walked.metrics.listPatterns).toBe(0);
      listed.n += fromLists.metrics.listPatterns;
      expect([...fromLists.atomIds]).toEqual([...walked.atomIds]);
      expect([...fromLists.hitStart]).toEqual([...walked.hitStart]);
      expectSameHits(withLists.toHits(view, fromLists), cpu, () => `patterns: ${patterns.map(String).join(' ')}`);
    }
  }

  it('ground knowledge bases, patterns with constants after variables (fast-check)', async () => {
    const listed = { n: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(groundFact, { minLength: 1, maxLength: 30 }), fc.array(patternSpecArb, { minLength: 1, maxLength: 20 }), fc.array(fc.nat(), { maxLength: 4 }), async (atoms, specs, removals) => {
        await check(atoms, specs.map((s) => resolvePatternSpec(s, atoms)), removals, listed);
      }),
      { seed: 20_261_204, numRuns: 120 },
    );
    // The property exercised the list path, not only the walk.
    expect(listed.n).toBeGreaterThan(100);
  });

  it('spaces with stored variables: lists holding them, or a bare variable, send the pattern to the walk', async () => {
    const listed = { n: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(storedAtomArb, { maxLength: 24 }), fc.array(patternSpecArb, { minLength: 1, maxLength: 12 }), async (atoms, specs) => {
        await check(atoms, specs.map((s) => resolvePatternSpec(s, atoms)), [], listed);
      }),
      { seed: 20_261_205, numRuns: 80 },
    );
  });

  it('a stored variable at the constant\'s position, or in a listed leaf: that pattern is walked', async () => {
    for (const [facts, pattern, listedPatterns] of [
      [['(e a b)', '(e d $v)', '(e $w c)'], '(e $x b)', 0], // (e d $v) unifies with b but is in no list
      [['(e a b)', '(e d $v)', '(e $w c)'], '($r $w c)', 0],
      [['(e a b)', '(e (f $z) b)', '(e a c)'], '(e $x b)', 0], // its leaf has a variable: records would carry stored bindings
      [['(e a b)', '(e (f $z) b)', '(e a c)'], '(e $x c)', 1],
    ] as const) {
      const listed = { n: 0 };
      await check(facts.map((t) => parseAtom(t)), [parseAtom(pattern)], [], listed);
      expect(listed.n, `${pattern} over ${facts.join(' ')}`).toBe(listedPatterns * (adapter === null ? 1 : 2));
    }
  });

  it('a listed leaf deeper than the kernel reads sends the pattern to the CPU (depth), as the walk does', async () => {
    let deep = 'x';
    for (let i = 0; i < 40; i++) deep = `(f ${deep})`;
    const view = spaceOf(['(e a b)', `(e ${deep} b)`, '(e c d)']).snapshot();
    const patterns = [parseAtom('(e $x b)'), parseAtom('(e $x d)')];
    const cpu = matchBatch(view, patterns);
    for (const m of devices({ listPath: 'always' })) {
      const c = await m.matchCompact(view, patterns.map((p) => new CompiledPattern(p)));
      expect(c.metrics.listPatterns).toBe(2);
      expect([...c.fallback]).toEqual([[0, 'depth']]);
      expectSameHits(m.toHits(view, c), cpu, () => 'deep leaf');
    }
  });

  it('an edge relation: (edge $x c) and ($r a $y) from lists, with the hits and order of the walk', async () => {
    const facts: Atom[] = [];
    for (let i = 0; i < 400; i++) facts.push(parseAtom(`(edge n${(i * 7) % 31} n${(i * 13) % 37})`));
    facts.push(parseAtom('(other n3 n5)'), parseAtom('(rule (edge $a $b))'));
    const patterns = ['(edge $x n5)', '($r n3 $y)', '($r $x n5)', '(edge n3 $y)', '(edge $x $x)', '(edge $x n99)'].map((t) => parseAtom(t));
    const listed = { n: 0 };
    await check(facts, patterns, [3, 17], listed);
    // (edge $x n5), ($r n3 $y), ($r $x n5), (edge $x n99) per device pair: every one listed.
    expect(listed.n).toBe(4 * (adapter === null ? 1 : 2));
    // One atom per leaf, lists in insertion order: the host has nothing to merge.
    const space = new AtomSpace();
    for (const f of facts) space.add(f);
    for (const m of devices({ listPath: 'always' })) {
      const c = await m.matchCompact(space.snapshot(), ['(edge $x n5)', '($r n3 $y)'].map((t) => compiled(t)));
      expect(c.metrics.listPatterns).toBe(2);
      expect(c.metrics.results).toBeGreaterThan(20);
      expect(c.metrics.merged).toBe(0);
    }
  });
});
