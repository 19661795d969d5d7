// A replica of a space over its shared arrays (what a pool worker reads) answers as the original.

import { describe, expect, it } from 'vitest';
import { formatAtom, parseAtom } from '../../src/core/index.js';
import { matchPattern } from '../../src/cpu/index.js';
import { AtomSpace } from '../../src/space/index.js';

describe('AtomSpace.share / replica', () => {
  it('shares the trie and the store arrays, copies only the recent ids, and matches identically', () => {
    const space = new AtomSpace();
    for (let i = 0; i < 300; i++) space.add(parseAtom(`(edge n${i % 37} n${(i * 11) % 41})`));
    space.snapshot();
    space.add(parseAtom('(edge n1 $later)'));
    space.removeId(5);
    const shared = space.share();
    expect(shared.trie.tok.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.store.tokens.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.recent).toEqual([300]);
    const replica = AtomSpace.replica(structuredClone(shared));
    expect(replica.serial).toBe(space.serial);
    expect(replica.version).toBe(space.version);
    expect(replica.atoms().map(formatAtom)).toEqual(space.atoms().map(formatAtom));
    for (const p of ['(edge n1 $y)', '(edge $x n3)', '($r n2 $y)', '(edge $x $x)']) {
      const pattern = parseAtom(p);
      const ours = matchPattern(space.view(), pattern).map((h) => `${h.atomId} ${formatAtom(h.bindings.resolve(pattern))}`);
      const theirs = matchPattern(replica.view(), pattern).map((h) => `${h.atomId} ${formatAtom(h.bindings.resolve(pattern))}`);
      expect(theirs).toEqual(ours);
    }
    expect(() => replica.add(parseAtom('(x)'))).toThrow(/read-only replica/);
  });
});
