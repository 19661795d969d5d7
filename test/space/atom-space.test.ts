// The atom space: a multiset with insertion ids, structural removal, lazy snapshots in shared
// memory, and the frozen-trie size claim.

import { describe, expect, it } from 'vitest';
import { type Atom, atomEquals, expr, formatAtom, int, parseAtom, sym, variable } from '../../src/core/index.js';
import { matchPattern } from '../../src/cpu/index.js';
import { AtomSpace, isIndexedView } from '../../src/space/index.js';

const A = (text: string): Atom => parseAtom(text);
const show = (atoms: readonly Atom[]): string[] => atoms.map(formatAtom);

function spaceOf(...texts: string[]): AtomSpace {
  const space = new AtomSpace();
  for (const t of texts) space.add(A(t));
  return space;
}

/** (f (f ... (f leaf))) nested `depth` times, built without recursion. */
function deep(depth: number, leaf: Atom, head = sym('f')): Atom {
  let a = leaf;
  for (let i = 0; i < depth; i++) a = expr([head, a]);
  return a;
}

describe('AtomSpace as a multiset', () => {
  it('hands out dense insertion ids, keeps duplicates and counts them', () => {
    const space = new AtomSpace();
    expect(space.size).toBe(0);
    expect(space.add(A('(edge a b)'))).toBe(0);
    expect(space.add(A('(edge a b)'))).toBe(1);
    expect(space.add(A('(foo $x $x)'))).toBe(2);
    expect(space.add(A('(edge a b)'))).toBe(3);
    expect(space.size).toBe(4);
    expect([...space.ids()]).toEqual([0, 1, 2, 3]);
    expect(show(space.atoms())).toEqual(['(edge a b)', '(edge a b)', '(foo $x $x)', '(edge a b)']);
    expect(formatAtom(space.atom(2))).toBe('(foo $x $x)');
  });

  it('iterates in insertion order, keeping variable names, across snapshots and removals', () => {
    const space = spaceOf('(c 1)', '(a $x)', 'b', '(z (y $q) $q)');
    space.snapshot();
    space.add(A('(a 0)'));
    space.add(A('"s"'));
    expect(space.remove(A('b'))).toBe(true);
    expect(space.removeId(4)).toBe(true);
    space.add(A('()'));
    expect(show(space.atoms())).toEqual(['(c 1)', '(a $x)', '(z (y $q) $q)', '"s"', '()']);
    expect([...space.ids()]).toEqual([0, 1, 3, 5, 6]);
    space.snapshot();
    expect(show(space.atoms())).toEqual(['(c 1)', '(a $x)', '(z (y $q) $q)', '"s"', '()']);
    // Ids are never reused.
    expect(space.add(A('b'))).toBe(7);
  });

  it('remove() removes one copy: the oldest structurally equal one', () => {
    const space = spaceOf('(p 1)', '(q)', '(p 1)', '(p 1)');
    expect(space.remove(A('(p 1)'))).toBe(true);
    expect([...space.ids()]).toEqual([1, 2, 3]);
    expect(space.remove(A('(p 1)'))).toBe(true);
    expect([...space.ids()]).toEqual([1, 3]);
    expect(space.remove(A('(p 1)'))).toBe(true);
    expect(space.remove(A('(p 1)'))).toBe(false);
    expect([...space.ids()]).toEqual([1]);
    expect(space.remove(A('(p 2)'))).toBe(false);
    expect(space.remove(A('(q)'))).toBe(true);
    expect(space.size).toBe(0);
  });

  it('remove() prefers the oldest copy whether it sits in the frozen trie or the recent list', () => {
    const space = spaceOf('(k $x)', '(k $x)');
    space.snapshot();
    space.add(A('(k $x)'));
    expect(space.remove(A('(k $x)'))).toBe(true);
    expect([...space.ids()]).toEqual([1, 2]);
    expect(space.remove(A('(k $x)'))).toBe(true);
    expect([...space.ids()]).toEqual([2]);
    // The only copy left is in the recent list.
    expect(space.remove(A('(k $x)'))).toBe(true);
    expect(space.size).toBe(0);
    expect(space.remove(A('(k $x)'))).toBe(false);
  });

  it('alpha-equivalent but differently named atoms are not equal for remove()', () => {
    const space = spaceOf('(f $x $y)', '(f $a $b)');
    space.snapshot();
    space.add(A('(f $x $y)'));
    expect(space.remove(A('(f $y $x)'))).toBe(false);
    expect(space.remove(A('(f $u $v)'))).toBe(false);
    expect(space.remove(A('(f $x $x)'))).toBe(false);
    expect(space.size).toBe(3);
    // (f $a $b) is removed even though an alpha-equivalent (f $x $y) is older.
    expect(space.remove(A('(f $a $b)'))).toBe(true);
    expect(show(space.atoms())).toEqual(['(f $x $y)', '(f $x $y)']);
    expect(space.remove(A('(f $a $b)'))).toBe(false);
  });

  it('distinguishes grounded values from symbols and integers from floats', () => {
    const space = spaceOf('(v 1)', '(v 1.0)', '(v "a")', '(v a)');
    expect(space.remove(A('(v "1")'))).toBe(false);
    expect(space.remove(A('(v 1.0)'))).toBe(true);
    expect(space.remove(A('(v a)'))).toBe(true);
    expect(show(space.atoms())).toEqual(['(v 1)', '(v "a")']);
  });

  it('removeId() removes exactly that atom once', () => {
    const space = spaceOf('(a)', '(a)', '(b)');
    space.snapshot();
    expect(space.removeId(1)).toBe(true);
    expect(space.removeId(1)).toBe(false);
    expect(space.removeId(99)).toBe(false);
    expect(space.removeId(-1)).toBe(false);
    expect([...space.ids()]).toEqual([0, 2]);
  });
});

describe('snapshots', () => {
  it('are rebuilt only after writes; version counts the writes', () => {
    const space = spaceOf('(a 1)', '(a 2)');
    const v0 = space.version;
    const s1 = space.snapshot();
    const s2 = space.snapshot();
    expect(s2.trie).toBe(s1.trie);
    expect(s2.version).toBe(s1.version);
    expect(s1.version).toBe(v0);
    expect(s1.recent).toEqual([]);
    expect(s1.trie.atomCount).toBe(2);

    space.add(A('(a 3)'));
    expect(space.version).toBe(v0 + 1);
    const s3 = space.snapshot();
    expect(s3.trie).not.toBe(s1.trie);
    expect(s3.version).toBe(v0 + 1);
    expect(s3.trie.atomCount).toBe(3);
    // The earlier snapshot's arrays are immutable: still two atoms.
    expect(s1.trie.atomCount).toBe(2);
    expect(space.snapshot().trie).toBe(s3.trie);

    expect(space.remove(A('(a 1)'))).toBe(true);
    expect(space.version).toBe(v0 + 2);
    const s4 = space.snapshot();
    expect(s4.trie).not.toBe(s3.trie);
    expect(s4.trie.atomCount).toBe(2);

    // Failed removals are not writes.
    expect(space.remove(A('(a 1)'))).toBe(false);
    expect(space.removeId(0)).toBe(false);
    expect(space.version).toBe(v0 + 2);
    expect(space.snapshot().trie).toBe(s4.trie);

    space.removeId(1);
    expect(space.version).toBe(v0 + 3);
    expect(space.snapshot().trie.atomCount).toBe(1);
  });

  it('keep their typed arrays in SharedArrayBuffers', () => {
    const space = spaceOf('(edge a b)', '(edge b c)', '(foo $x $x)');
    const { trie } = space.snapshot();
    expect(trie.tok.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(trie.childStart.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(trie.childStart.length).toBe(trie.nodeCount + 1);
    expect(trie.tok.length).toBe(trie.nodeCount);
    expect(trie.byteLength).toBe(trie.tok.byteLength + trie.childStart.byteLength);
    // The empty space has a (trivial) shared trie too.
    expect(new AtomSpace().snapshot().trie.tok.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('view() is the live index; share() lists the atoms added since the last snapshot', () => {
    const space = spaceOf('(a)', '(b)');
    const view = space.view();
    expect(isIndexedView(view)).toBe(true);
    expect(space.share().recent).toEqual([0, 1]);
    expect(space.addedSinceSnapshot).toBe(2);
    space.snapshot();
    space.add(A('(c)'));
    space.add(A('(d)'));
    space.removeId(3);
    // One object that follows every write, never a copy.
    expect(space.view()).toBe(view);
    expect(space.share().recent).toEqual([2]);
    expect(space.share().trie.atomCount).toBe(2);
    expect(matchPattern(view, A('($x)')).map((h) => h.atomId)).toEqual([0, 1, 2]);
  });

  it('a long run of adds needs no trie rebuild to be matched', () => {
    const space = new AtomSpace();
    for (let i = 0; i < 5000; i++) space.add(expr([sym('n'), int(i)]));
    expect(space.share().trie.atomCount).toBe(0);
    expect(matchPattern(space.view(), A('(n 4999)')).map((h) => h.atomId)).toEqual([4999]);
    expect(matchPattern(space.snapshot(), A('(n 4999)')).map((h) => h.atomId)).toEqual([4999]);
  });

  it('matching sees adds and removes made after a snapshot', () => {
    const space = spaceOf('(edge a b)', '(edge a c)', '(edge b c)');
    space.snapshot();
    const ids = (): number[] => matchPattern(space.view(), A('(edge a $y)')).map((h) => h.atomId);
    const values = (): string[] =>
      matchPattern(space.view(), A('(edge a $y)')).map((h) => formatAtom(h.bindings.resolve(variable('y'))));
    expect(ids()).toEqual([0, 1]);
    space.add(A('(edge a d)'));
    expect(ids()).toEqual([0, 1, 3]);
    expect(values()).toEqual(['b', 'c', 'd']);
    expect(space.remove(A('(edge a b)'))).toBe(true); // in the trie
    expect(ids()).toEqual([1, 3]);
    space.add(A('(edge a e)'));
    expect(space.remove(A('(edge a d)'))).toBe(true); // in the recent list
    expect(values()).toEqual(['c', 'e']);
    // And the same after the next snapshot.
    space.snapshot();
    expect(values()).toEqual(['c', 'e']);
    expect(matchPattern(space.snapshot(), A('(edge a $y)')).map((h) => h.atomId)).toEqual([1, 4]);
  });
});

describe('deep nesting', () => {
  it('adds, snapshots, reads back and removes an atom 10,000 deep', () => {
    const atom = deep(10_000, variable('x'));
    const space = new AtomSpace();
    space.add(A('(f a)'));
    space.add(atom);
    const snap = space.snapshot();
    expect(snap.trie.atomCount).toBe(2);
    expect(atomEquals(space.atom(1), atom)).toBe(true);
    expect(atomEquals(space.atoms()[1]!, atom)).toBe(true);
    expect(space.remove(deep(10_000, variable('y')))).toBe(false);
    expect(space.remove(atom)).toBe(true);
    expect(space.snapshot().trie.atomCount).toBe(1);
  });
});

describe('the frozen trie is compact', () => {
  it('10,000 facts (edge nI nJ) on a 100 x 100 grid take < 48 bytes per atom', () => {
    const space = new AtomSpace();
    const edge = sym('edge');
    for (let i = 0; i < 100; i++) for (let j = 0; j < 100; j++) space.add(expr([edge, sym(`n${i}`), sym(`n${j}`)]));
    const { trie } = space.snapshot();
    expect(trie.atomCount).toBe(10_000);
    expect(trie.byteLength / 10_000).toBeLessThan(48);
  });

  it('10,000 facts (edge nI nJ) with 10,000 distinct sources take < 48 bytes per atom', () => {
    const space = new AtomSpace();
    const edge = sym('edge');
    for (let i = 0; i < 10_000; i++) space.add(expr([edge, sym(`n${i}`), sym(`n${(i * 7919) % 10_000}`)]));
    const { trie } = space.snapshot();
    expect(trie.atomCount).toBe(10_000);
    expect(trie.byteLength / 10_000).toBeLessThan(48);
  });
});
