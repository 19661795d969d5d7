// The frozen trie's layout invariants, checked on random spaces: breadth-first numbering, sorted
// children, one leaf per distinct token string holding its atom ids ascending.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAtom } from '../../src/core/index.js';
import {
  AtomSpace,
  emptyFlatTrie,
  encodeAtom,
  findChild,
  type FlatTrie,
  idsWithTokens,
  PAYLOAD_MASK,
  Tag,
  TAG_SHIFT,
} from '../../src/space/index.js';
import { storedAtomArb } from './arbitraries.js';

/** Checks the layout and returns, per leaf, its token string (joined) and its atom ids. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`flat trie invariant broken: ${what}`);
}

function walkTrie(trie: FlatTrie): Map<string, number[]> {
  const { tok, childStart, nodeCount } = trie;
  const leaves = new Map<string, number[]>();
  check(childStart[0] === 1, 'root children start at 1');
  check(childStart[nodeCount] === nodeCount, 'childStart ends at nodeCount');
  for (let n = 0; n < nodeCount; n++) check(childStart[n + 1]! >= childStart[n]!, 'childStart is monotone');
  // Depth-first from the root, tracking the open sub-terms to know where atoms end.
  const stack: { node: number; path: number[]; open: number }[] = [{ node: 0, path: [], open: 1 }];
  let seenAtomNodes = 0;
  while (stack.length > 0) {
    const { node, path, open } = stack.pop()!;
    const first = childStart[node]!;
    const last = childStart[node + 1]!;
    // Breadth-first numbering: children come after their parent.
    if (last > first) check(first > node, 'children after their parent');
    if (open === 0) {
      // A leaf: its children are atom nodes (ids ascending) with no children of their own.
      check(last > first, 'a leaf holds at least one atom');
      const ids: number[] = [];
      for (let c = first; c < last; c++) {
        check(childStart[c + 1] === childStart[c], 'atom nodes have no children');
        ids.push(tok[c]!);
      }
      for (let i = 1; i < ids.length; i++) check(ids[i]! > ids[i - 1]!, 'leaf ids ascending');
      seenAtomNodes += ids.length;
      leaves.set(path.join(','), ids);
      continue;
    }
    if (node !== 0) check(last > first, 'no dead ends inside an atom');
    for (let c = first; c < last; c++) {
      if (c > first) check(tok[c]! > tok[c - 1]!, 'children sorted and distinct');
      const t = tok[c]!;
      const opened = open - 1 + (t >>> TAG_SHIFT === Tag.Expr ? t & PAYLOAD_MASK : 0);
      stack.push({ node: c, path: [...path, t], open: opened });
    }
  }
  check(seenAtomNodes === trie.atomCount, 'every atom reached');
  return leaves;
}

describe('flat trie layout', () => {
  it('an empty space has a root only', () => {
    const trie = emptyFlatTrie();
    expect(trie.nodeCount).toBe(1);
    expect(trie.atomCount).toBe(0);
    expect(idsWithTokens(trie, encodeAtom(parseAtom('(a)')).tokens)).toEqual([]);
  });

  it('holds every live atom under its token string, ids ascending, children sorted', () => {
    fc.assert(
      fc.property(
        fc.array(storedAtomArb, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (atoms, dupes, removals) => {
          const space = new AtomSpace();
          for (const a of atoms) space.add(a);
          if (atoms.length > 0) for (const d of dupes) space.add(atoms[d % atoms.length]!);
          const total = space.store.idLimit;
          for (const r of removals) if (total > 0) space.removeId(r % total);
          const { trie } = space.snapshot();
          expect(trie.atomCount).toBe(space.size);
          const leaves = walkTrie(trie);
          // Expected: live ids grouped by identical token strings.
          const expected = new Map<string, number[]>();
          for (const id of space.ids()) {
            const key = [...space.store.tokensOf(id)].join(',');
            let list = expected.get(key);
            if (list === undefined) expected.set(key, (list = []));
            list.push(id);
          }
          expect(new Map([...leaves].sort())).toEqual(new Map([...expected].sort()));
          for (const [key, ids] of expected) {
            const tokens = key.split(',').map(Number);
            expect(idsWithTokens(trie, tokens)).toEqual(ids);
          }
        },
      ),
      { seed: 777, numRuns: 300 },
    );
  });

  it('findChild locates edges by binary search', () => {
    const space = new AtomSpace();
    for (const t of ['(a)', '(b)', '(c)', '$x', '1', 'a']) space.add(parseAtom(t));
    const { trie } = space.snapshot();
    const exprNode = findChild(trie, 0, encodeAtom(parseAtom('(a)')).tokens[0]!);
    expect(exprNode).toBeGreaterThan(0);
    const tokB = encodeAtom(parseAtom('b')).tokens[0]!;
    expect(trie.tok[findChild(trie, exprNode, tokB)]).toBe(tokB);
    expect(findChild(trie, exprNode, encodeAtom(parseAtom('zzz')).tokens[0]!)).toBe(-1);
    // The variable child sorts first among the root's children.
    expect(trie.tok[trie.childStart[0]!]).toBe(encodeAtom(parseAtom('$q')).tokens[0]);
  });
});
