// The incremental index (src/space/atom-index.ts, index-candidates.ts, posting-arena.ts,
// pair-table.ts): where atoms are filed, which lists a pattern consults, and how removals are absorbed.

import { describe, expect, it } from 'vitest';
import { parseAtom, sym } from '../../src/core/index.js';
import { AtomSpace, candidateIds, candidateLists, encodeAtom, mergeLive, NONE, PairTable, PostingArena, SIG_NONE, SIG_OPEN, Tag, token } from '../../src/space/index.js';

const A = parseAtom;
const T = (name: string): number => token(Tag.Sym, sym(name).id);

function spaceOf(...texts: string[]): AtomSpace {
  const space = new AtomSpace();
  for (const t of texts) space.add(A(t));
  return space;
}

/** The index behind a space's live view. */
function indexOf(space: AtomSpace) {
  const view = space.view();
  if (!('index' in view)) throw new Error('expected the live index');
  return view.index;
}

/** The candidate ids the index gives for `pattern` (null: every atom). */
function candidates(space: AtomSpace, pattern: string): number[] | null {
  const index = indexOf(space);
  const tokens = encodeAtom(A(pattern)).tokens;
  const ids = candidateIds(index, tokens, space.store.liveness());
  // The two halves give the same.
  const lists = candidateLists(index, tokens);
  expect(lists === null ? null : mergeLive(index, lists, space.store.liveness())).toEqual(ids);
  return ids;
}

const idsIn = (arena: PostingArena, h: number): number[] => (h === NONE ? [] : [...arena.ids(h).subarray(arena.start(h), arena.start(h) + arena.length(h))]);

describe('PostingArena', () => {
  it('grows lists through the size classes into arrays of their own, keeping ids in order and stamping every append', () => {
    const arena = new PostingArena();
    const lists = Array.from({ length: 50 }, () => arena.create());
    // Interleaved appends: blocks of many lists share chunks, and freed blocks are reused.
    for (let i = 0; i < 10_000; i++) for (let k = 0; k < lists.length; k++) if (i % (k + 1) === 0) arena.push(lists[k]!, i * 50 + k);
    for (let k = 0; k < lists.length; k++) {
      const want: number[] = [];
      for (let i = 0; i < 10_000; i += k + 1) want.push(i * 50 + k);
      expect(idsIn(arena, lists[k]!)).toEqual(want);
      expect(arena.appended(lists[k]!)).toBe(want.length);
      expect(arena.capacity(lists[k]!)).toBeGreaterThanOrEqual(want.length);
    }
  });

  it('repacks its chunks when freed blocks pile up, without moving any list\'s ids out of order', () => {
    const arena = new PostingArena();
    const lists = Array.from({ length: 20_000 }, () => arena.create());
    for (let round = 0; round < 30; round++) for (let k = 0; k < lists.length; k++) arena.push(lists[k]!, round * lists.length + k);
    for (const k of [0, 1, 9_999, 19_999]) expect(idsIn(arena, lists[k]!)).toEqual(Array.from({ length: 30 }, (_, r) => r * lists.length + k));
    // Live ids plus what the chunks hold beyond them: well under 2x (blocks are up to 1.5x a list).
    expect(arena.byteLength).toBeLessThan(2.2 * 30 * lists.length * 4 + 20_000 * 17);
  });

  it('drops dead ids once they are half the list, not before; the stamp does not move', () => {
    const arena = new PostingArena();
    const alive = new Uint8Array(40).fill(1);
    const l = arena.create();
    for (let i = 0; i < 40; i++) arena.push(l, i);
    for (let i = 0; i < 19; i++) {
      alive[i * 2] = 0;
      arena.noteDead(l, alive);
    }
    expect(arena.length(l)).toBe(40); // 19 dead of 40: kept, skipped by readers
    expect(arena.dead(l)).toBe(19);
    alive[38] = 0;
    arena.noteDead(l, alive);
    expect(arena.length(l)).toBe(20);
    expect(arena.dead(l)).toBe(0);
    expect(idsIn(arena, l)).toEqual(Array.from({ length: 20 }, (_, i) => i * 2 + 1));
    expect(arena.appended(l)).toBe(40);
    expect(arena.removed(l)).toBe(20);
  });

  it('moves a list that shrank to a quarter to a smaller block, also from an array of its own', () => {
    const arena = new PostingArena();
    const n = 10_000;
    const alive = new Uint8Array(n).fill(1);
    const l = arena.create();
    for (let i = 0; i < n; i++) arena.push(l, i);
    for (let i = 0; i < n; i++) {
      if (i % 100 === 0) continue;
      alive[i] = 0;
      arena.noteDead(l, alive);
    }
    expect(arena.liveLength(l)).toBe(100);
    expect(arena.capacity(l)).toBeLessThan(1000);
    const left = idsIn(arena, l).filter((id) => alive[id] === 1);
    expect(left).toEqual(Array.from({ length: 100 }, (_, i) => i * 100));
    arena.push(l, n);
    expect(idsIn(arena, l).at(-1)).toBe(n);
    expect(arena.appended(l)).toBe(n + 1);
  });

  it('never compacts a short list (a few dead ids are cheaper to skip)', () => {
    const space = spaceOf('(p a)', '(p a)', '(p a)', '(p a)');
    for (let i = 0; i < 4; i++) space.removeId(i);
    const index = indexOf(space);
    expect(index.lists.length(index.allList(index.group(T('p'), 2, false)))).toBe(4);
    expect(candidates(space, '(p $x)')).toEqual([]);
  });
});

describe('PairTable', () => {
  it('maps pairs of u32 keys through growth, tokens with the top bit set included', () => {
    const t = new PairTable();
    for (let i = 0; i < 5000; i++) t.insert(i % 7, token(Tag.Gnd, i), i * 3);
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(t.get(i % 7, token(Tag.Gnd, i))).toBe(i * 3);
    expect(t.get(1, token(Tag.Gnd, 0))).toBe(-1);
  });
});

describe('AtomIndex filing', () => {
  it('files an expression under its group (head, arity) and per argument signature', () => {
    const space = spaceOf('(edge a b)', '(edge a (f c))', '(edge b ())', '(edge a ($v d))', '(edge $w b)', '(link a b)');
    const index = indexOf(space);
    const L = index.lists;
    const edge = index.group(T('edge'), 3, false);
    expect(idsIn(L, index.allList(edge))).toEqual([0, 1, 2, 3, 4]);
    expect(idsIn(L, index.atomicArgList(edge, 1, T('a'), false))).toEqual([0, 1, 3]);
    expect(idsIn(L, index.varsList(edge, 1, false))).toEqual([4]);
    expect(idsIn(L, index.atomicArgList(edge, 2, T('b'), false))).toEqual([0, 4]);
    expect(idsIn(L, index.exprArgList(edge, 2, 2, T('f'), false))).toEqual([1]);
    expect(idsIn(L, index.exprArgList(edge, 2, 2, SIG_OPEN, false))).toEqual([3]);
    expect(idsIn(L, index.exprArgList(edge, 2, 0, SIG_NONE, false))).toEqual([2]);
    expect(index.atomicArgList(edge, 2, T('a'), false)).toBe(NONE);
    expect(index.groupsOfArity(3).map((g) => index.groupHeadOf(g))).toEqual([T('edge'), T('link')]);
    expect(index.group(T('edge'), 2, false)).toBe(NONE);
  });

  it('keeps atoms without an atomic head in side lists', () => {
    const space = spaceOf('$x', 'a', '7', '()', '($f a)', '((g) a)', '(h a)');
    const index = indexOf(space);
    const L = index.lists;
    expect(idsIn(L, index.bareVars)).toEqual([0]);
    expect(idsIn(L, index.atomicList(T('a'), false))).toEqual([1]);
    expect(idsIn(L, index.empty)).toEqual([3]);
    expect(idsIn(L, index.varHeadList(2, false))).toEqual([4]);
    expect(idsIn(L, index.compoundHeadList(2, false))).toEqual([5]);
    expect(idsIn(L, index.allList(index.group(T('h'), 2, false)))).toEqual([6]);
  });
});

describe('candidates for a pattern', () => {
  const space = spaceOf('(edge a b)', '(edge b c)', '(edge a c)', '(edge $x c)', '($r a c)', '$any', '(other a c)', '(edge (f a) c)', '(edge ($g a) c)');

  it('take the most selective bound position, with its variable list and the side lists that could match', () => {
    // Position 2 = c has 5 atoms, position 1 = a has 2 (+1 variable): position 1 wins.
    expect(candidates(space, '(edge a c)')).toEqual([0, 2, 3, 4, 5]);
    expect(candidates(space, '(edge $y b)')).toEqual([0, 4, 5]);
    // No bound position: the whole (head, arity) list.
    expect(candidates(space, '(edge $y $z)')).toEqual([0, 1, 2, 3, 4, 5, 7, 8]);
  });

  it('match an expression argument by arity and first child, plus open first children', () => {
    expect(candidates(space, '(edge (f $q) $z)')).toEqual([3, 4, 5, 7, 8]);
  });

  it('take every head of the arity for a variable head, each by its own selective lists, and also expressions with a variable or compound head', () => {
    expect(candidates(space, '($h a c)')).toEqual([0, 2, 3, 4, 5, 6]);
  });

  it('merge many heads of a variable-head pattern in insertion order (more lists than the linear merge takes)', () => {
    const s = new AtomSpace();
    const texts: string[] = [];
    for (let i = 0; i < 200; i++) texts.push(`(h${i % 23} k${i % 3} ${i})`, `(h${i % 23} $v ${i})`);
    for (const t of texts) s.add(A(t));
    const want = texts.flatMap((t, id) => (t.includes(' k1 ') || t.includes(' $v ') ? [id] : []));
    expect(candidates(s, '($r k1 $y)')).toEqual(want);
  });

  it('are every atom for a bare variable, and side lists only for atomic patterns', () => {
    expect(candidates(space, '$v')).toBeNull();
    expect(candidates(space, 'a')).toEqual([5]);
  });

  it('skip removed atoms, in and out of compaction', () => {
    const s = new AtomSpace();
    for (let i = 0; i < 40; i++) s.add(A(`(n k ${i})`));
    for (let i = 0; i < 40; i += 2) s.removeId(i);
    const index = indexOf(s);
    const list = index.atomicArgList(index.group(T('n'), 3, false), 1, T('k'), false);
    expect(index.lists.length(list)).toBe(20); // compacted when the dead reached half
    expect(candidates(s, '(n k $i)')).toEqual(Array.from({ length: 20 }, (_, i) => i * 2 + 1));
    s.removeId(1);
    expect(index.lists.length(list)).toBe(20); // one more dead id: skipped, not yet dropped
    expect(candidates(s, '(n k $i)')).toEqual(Array.from({ length: 19 }, (_, i) => i * 2 + 3));
  });
});

describe('a large index through growth, repacking and compaction', () => {
  it('gives the same candidates as a scan after many adds and removals', () => {
    const s = new AtomSpace();
    const n = 60_000;
    // 8,000 argument lists of 7 to 20 ids, interleaved: blocks move and the chunks are repacked.
    for (let i = 0; i < n; i++) s.add(A(`(e k${i % 5000} j${(i * 7) % 3000})`));
    const first = (id: number): number => id % 5000;
    const second = (id: number): number => (id * 7) % 3000;
    const removed = new Set<number>();
    for (let i = 0; i < n; i += 3) {
      s.removeId(i);
      removed.add(i);
    }
    for (let i = 1; i < n; i += 7) if (i % 5000 < 100 && !removed.has(i)) {
      s.removeId(i);
      removed.add(i);
    }
    const live = (pred: (id: number) => boolean): number[] => Array.from({ length: n }, (_, id) => id).filter((id) => !removed.has(id) && pred(id));
    for (const k of [0, 7, 99, 4999]) expect(candidates(s, `(e k${k} $y)`)).toEqual(live((id) => first(id) === k));
    for (const j of [0, 11, 2999]) expect(candidates(s, `(e $x j${j})`)).toEqual(live((id) => second(id) === j));
    expect(candidates(s, '($r k7 $y)')).toEqual(live((id) => first(id) === 7));
    s.add(A('(e k7 j0)'));
    expect(candidates(s, '(e k7 $y)')).toEqual([...live((id) => first(id) === 7), n]);
  });
});

describe('the space through its index', () => {
  it('remove(atom) finds the oldest equal copy through the index, variables included', () => {
    const space = spaceOf('(p $x)', '(p $y)', '(p $x)', '(p a)');
    expect(space.remove(A('(p $x)'))).toBe(true);
    expect([...space.ids()]).toEqual([1, 2, 3]);
    expect(space.remove(A('(p $z)'))).toBe(false);
    expect(space.remove(A('(p $x)'))).toBe(true);
    expect([...space.ids()]).toEqual([1, 3]);
  });

  it('headStamp moves with writes that could match (head ...) only', () => {
    const space = spaceOf('(: foo T)');
    const colon = sym(':');
    const s0 = space.headStamp(colon, 3);
    space.add(A('(edge a b)'));
    space.add(A('(: bar)')); // other arity
    expect(space.headStamp(colon, 3)).toBe(s0);
    space.add(A('(: baz T)'));
    const s1 = space.headStamp(colon, 3);
    expect(s1).not.toBe(s0);
    space.add(A('($h x y)')); // could match (: x $T)
    const s2 = space.headStamp(colon, 3);
    expect(s2).not.toBe(s1);
    expect(space.remove(A('(: foo T)'))).toBe(true);
    expect(space.headStamp(colon, 3)).not.toBe(s2);
    const s3 = space.headStamp(colon, 3);
    space.add(A('$any'));
    expect(space.headStamp(colon, 3)).not.toBe(s3);
  });

  it('reports its posting lists', () => {
    const stats = indexOf(spaceOf('(edge a b)')).stats();
    // The bare-variable and empty-expression side lists; (edge, 3): all, one signature list per position.
    expect(stats.lists).toBe(2 + 3);
    expect(stats.ids).toBe(3);
  });
});
