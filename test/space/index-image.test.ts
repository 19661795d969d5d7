// Index images (src/space/index-image.ts) and their use in compiled spaces (src/runner/mspace.ts):
// a random space's index comes back from its image with the same lists and keys, giving the same
// candidates and matches as the original and as an index rebuilt from the store; further adds
// and removes on the loaded space behave as on the original; damaged images are refused.

import { describe, expect, it } from 'vitest';
import { type Atom, parseAtom } from '../../src/core/index.js';
import { formatAtom } from '../../src/core/printer.js';
import { matchPattern, query } from '../../src/cpu/index.js';
import { checksum32 } from '../../src/runner/mspace.js';
import { readSpaceImage, SpaceImageError, writeSpaceImage } from '../../src/runner/index.js';
import { type AtomIndex, AtomSpace, AtomStore, candidateIds, encodeAtom, IndexImageError, indexFromSections, indexToSections } from '../../src/space/index.js';
import { prng as rng } from '../../src/bench/common.js';


const HEADS = ['edge', 'p', 'q', 'f', 'g'];
const ATOMS = ['a', 'b', 'c', 'd', '1', '2', '"s"', 'True', '2.5'];

function term(r: () => number, depth: number, vars: string[]): string {
  const x = r();
  if (x < 0.15) return vars[Math.floor(r() * vars.length)]!;
  if (x < 0.7 || depth >= 2) return ATOMS[Math.floor(r() * ATOMS.length)]!;
  if (x < 0.75) return '()';
  const n = 1 + Math.floor(r() * 3);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(i === 0 && r() < 0.7 ? HEADS[Math.floor(r() * HEADS.length)]! : term(r, depth + 1, vars));
  return `(${parts.join(' ')})`;
}

/** A random atom: mostly facts of a few heads, some with variables, variable or expression heads. */
function randomAtom(r: () => number): string {
  const vars = ['$x', '$y', '$z'];
  const x = r();
  if (x < 0.03) return '$v';
  if (x < 0.06) return ATOMS[Math.floor(r() * ATOMS.length)]!;
  if (x < 0.08) return '()';
  const arity = 1 + Math.floor(r() * 4);
  const head = x < 0.13 ? '$h' : x < 0.17 ? `(${term(r, 1, vars)} k)` : HEADS[Math.floor(r() * HEADS.length)]!;
  const parts = [head];
  for (let i = 1; i < arity; i++) parts.push(term(r, 0, vars));
  return `(${parts.join(' ')})`;
}

function randomPattern(r: () => number): string {
  const x = r();
  if (x < 0.1) return '$any';
  if (x < 0.2) return `($h ${term(r, 1, ['$u'])} $w)`;
  const arity = 1 + Math.floor(r() * 4);
  const parts = [HEADS[Math.floor(r() * HEADS.length)]!];
  for (let i = 1; i < arity; i++) parts.push(r() < 0.4 ? `$p${i}` : term(r, 0, ['$u', '$w']));
  return `(${parts.join(' ')})`;
}

/** Random adds (with duplicates) and removes on `spaces` alike. */
function mutate(r: () => number, spaces: AtomSpace[], added: string[], steps: number): void {
  for (let s = 0; s < steps; s++) {
    if (r() < 0.25 && added.length > 0) {
      const a = parseAtom(added[Math.floor(r() * added.length)]!);
      const done = spaces.map((sp) => sp.remove(a));
      expect(new Set(done).size).toBe(1);
    } else {
      const text = r() < 0.1 && added.length > 0 ? added[Math.floor(r() * added.length)]! : randomAtom(r);
      added.push(text);
      const ids = spaces.map((sp) => sp.add(parseAtom(text)));
      expect(new Set(ids).size).toBe(1);
    }
  }
}

function indexOf(space: AtomSpace): AtomIndex {
  const view = space.view();
  if (!('index' in view)) throw new Error('expected the live index');
  return view.index;
}

const same = (t: number): number => t;

/** An index's image with its hash tables' entries sorted (their slot order depends on insertion order). */
function image(index: AtomIndex): unknown {
  const [lists, ids, groups, keys] = indexToSections(index, same) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  const slots = keys[0]!;
  let k = 1 + slots;
  const tables: string[][] = [];
  while (k < keys.length) {
    const c = keys[k]!;
    const t: string[] = [];
    for (let i = 0; i < c; i++) t.push([...keys.subarray(k + 1 + 3 * i, k + 4 + 3 * i)].join(','));
    tables.push(t.sort());
    k += 1 + 3 * c;
  }
  return { lists, ids, groups, slotVars: keys.subarray(0, 1 + slots), tables };
}

function roundTrip(space: AtomSpace): AtomSpace {
  const bytes = writeSpaceImage(space, '9.9.9-test');
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return readSpaceImage(copy).space;
}

/** The same space with its index built from the store. */
function rebuilt(space: AtomSpace): AtomSpace {
  const s = space.store.share();
  const store = AtomStore.fromImage({ tokens: s.tokens.slice(0, s.tokenCount), offsets: s.offsets.slice(0, s.idCount + 1), alive: s.alive.slice(0, s.idCount), idCount: s.idCount, liveCount: s.liveCount, tokenCount: s.tokenCount, names: s.names });
  const out = new AtomSpace();
  out.loadImage(store, null);
  return out;
}

function behaviour(space: AtomSpace, patterns: readonly Atom[]): unknown[] {
  const index = indexOf(space);
  return patterns.map((p) => ({
    candidates: candidateIds(index, encodeAtom(p).tokens, space.store.liveness()),
    matches: matchPattern(space.view(), p).length,
    answers: query(space.view(), p).map((b) => formatAtom(b.resolve(p))),
  }));
}

describe('index images', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`round-trip a random space (seed ${seed}) to the same index, and then evolve alike`, () => {
      const r = rng(seed);
      const original = new AtomSpace();
      const added: string[] = [];
      mutate(r, [original], added, 300 + seed * 100);
      const loaded = roundTrip(original);
      const fromStore = rebuilt(original);
      // The same lists and keys (the same symbols intern to the same tokens in one process).
      expect(image(indexOf(loaded))).toEqual(image(indexOf(original)));
      const patterns = Array.from({ length: 80 }, () => parseAtom(randomPattern(r)));
      const expected = behaviour(original, patterns);
      expect(behaviour(loaded, patterns)).toEqual(expected);
      expect(behaviour(fromStore, patterns)).toEqual(expected);
      // Further adds and removes (compactions, new groups, new keys) on both.
      mutate(r, [original, loaded], added, 400);
      expect(behaviour(loaded, patterns)).toEqual(behaviour(original, patterns));
      expect(image(indexOf(loaded))).toEqual(image(indexOf(original)));
    });
  }

  it('a layout-2 file (no index sections) still loads, its index built from the store', () => {
    const r = rng(11);
    const original = new AtomSpace();
    mutate(r, [original], [], 500);
    const bytes = writeSpaceImage(original, '9.9.9-test', { indexImage: false });
    const withIndex = writeSpaceImage(original, '9.9.9-test');
    expect(bytes.length).toBeLessThan(withIndex.length);
    const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
    copy.set(bytes);
    const loaded = readSpaceImage(copy).space;
    const patterns = Array.from({ length: 40 }, () => parseAtom(randomPattern(r)));
    expect(behaviour(loaded, patterns)).toEqual(behaviour(original, patterns));
  });

  it('keeps long lists (arrays of their own) and removal stamps', () => {
    const original = new AtomSpace();
    for (let i = 0; i < 6000; i++) original.add(parseAtom(`(big n${i % 50} ${i})`));
    for (let i = 0; i < 6000; i += 3) original.remove(parseAtom(`(big n${i % 50} ${i})`));
    const loaded = roundTrip(original);
    expect(image(indexOf(loaded))).toEqual(image(indexOf(original)));
    const p = [parseAtom('(big $x $y)'), parseAtom('(big n7 $y)')];
    expect(behaviour(loaded, p)).toEqual(behaviour(original, p));
    for (let i = 1; i < 6000; i += 3) {
      original.remove(parseAtom(`(big n${i % 50} ${i})`));
      loaded.remove(parseAtom(`(big n${i % 50} ${i})`));
    }
    expect(behaviour(loaded, p)).toEqual(behaviour(original, p));
  });

  it('a loaded index reads its lists in the file\'s bytes and never writes them', () => {
    const r = rng(21);
    const original = new AtomSpace();
    const added: string[] = [];
    mutate(r, [original], added, 800);
    for (let i = 0; i < 6000; i++) original.add(parseAtom(`(big n${i % 50} ${i})`));
    const bytes = writeSpaceImage(original, '9.9.9-test');
    const file = new Uint8Array(new SharedArrayBuffer(bytes.length));
    file.set(bytes);
    // Section 17 (the index's ids), from the section table.
    const view = new DataView(file.buffer);
    let ids: Uint8Array | null = null;
    for (let i = 0; i < view.getUint32(12, true); i++) {
      const e = 32 + 24 * i;
      if (view.getUint32(e, true) === 17) ids = file.subarray(Number(view.getBigUint64(e + 8, true)), Number(view.getBigUint64(e + 8, true) + view.getBigUint64(e + 16, true)));
    }
    expect(ids).not.toBeNull();
    const before = ids!.slice();
    const loaded = readSpaceImage(file).space;
    // Appends to loaded lists, removals enough to compact them, new lists.
    mutate(r, [original, loaded], added, 1500);
    for (let i = 0; i < 6000; i += 2) {
      original.remove(parseAtom(`(big n${i % 50} ${i})`));
      loaded.remove(parseAtom(`(big n${i % 50} ${i})`));
    }
    const patterns = [...Array.from({ length: 60 }, () => parseAtom(randomPattern(r))), parseAtom('(big n7 $y)'), parseAtom('(big $x $y)')];
    expect(behaviour(loaded, patterns)).toEqual(behaviour(original, patterns));
    expect(image(indexOf(loaded))).toEqual(image(indexOf(original)));
    expect(ids!).toEqual(before);
  });

  describe('refuse damaged images', () => {
    const r = rng(99);
    const space = new AtomSpace();
    mutate(r, [space], [], 400);
    const idLimit = space.store.share().idCount;
    const alive = space.store.liveness();
    const good = indexToSections(indexOf(space), same);
    const load = (sections: Uint32Array[]): AtomIndex => indexFromSections(sections, same, idLimit, alive);
    const edited = (section: number, word: number, f: (w: number) => number): Uint32Array[] =>
      good.map((s, i) => {
        const c = s.slice();
        if (i === section) c[word] = f(c[word]!);
        return c;
      });
    const lists = good[0]!;
    const n = lists[0]!;
    // A list with two ids, and where its ids start.
    let h = 0;
    let at = 0;
    while (lists[3 + h]! < 2) at += lists[3 + h++]!;

    it('accepts the good image', () => {
      expect(() => load(good)).not.toThrow();
    });
    const cases: [string, Uint32Array[]][] = [
      ['ids out of order', edited(1, at + 1, () => good[1]![at]!)],
      ['an id past the limit', edited(1, at + lists[3 + h]! - 1, () => idLimit)],
      ['a wrong dead count', edited(0, 3 + n + h, (w) => w + 1)],
      ['a wrong list length', edited(0, 3 + h, (w) => w + 1)],
      ['a wrong list count', edited(0, 0, (w) => w - 1)],
      ['two keys for one list', edited(0, 2, () => lists[1]!)],
      ['a group slot out of range', edited(2, 1 + 3 * good[2]![0]!, () => 1 << 30)],
      ['a group head that is a variable', edited(2, 1, () => 0)],
      ['a slot count that does not fit', edited(3, 0, () => 1 << 30)],
      ['a missing section', good.slice(0, 3)],
    ];
    for (const [what, sections] of cases) {
      it(`refuses ${what}`, () => {
        expect(() => load(sections)).toThrow(IndexImageError);
      });
    }

    it('never crashes on any single damaged word', () => {
      const r2 = rng(7);
      for (let k = 0; k < 400; k++) {
        const section = Math.floor(r2() * good.length);
        const word = Math.floor(r2() * good[section]!.length);
        const sections = edited(section, word, (w) => (r2() < 0.5 ? w ^ (1 << Math.floor(r2() * 32)) : Math.floor(r2() * 64)));
        try {
          load(sections);
        } catch (e) {
          expect(e).toBeInstanceOf(IndexImageError);
        }
      }
    });

    it('a compiled space with a damaged index section (valid checksum) gives SpaceImageError', () => {
      const bytes = writeSpaceImage(space, '9.9.9-test');
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      let offset = -1;
      for (let i = 0; i < view.getUint32(12, true); i++) {
        if (view.getUint32(32 + 24 * i, true) === 16) offset = Number(view.getBigUint64(32 + 24 * i + 8, true));
      }
      expect(offset).toBeGreaterThan(0);
      const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
      out.set(bytes);
      new DataView(out.buffer).setUint32(offset + 4 * (3 + h), lists[3 + h]! + 1, true);
      new DataView(out.buffer).setUint32(out.length - 4, checksum32(out, out.length - 4), true);
      // (Reading renumbers the tokens in place: one try.)
      let error: unknown = null;
      try {
        readSpaceImage(out);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SpaceImageError);
      expect((error as Error).message).toMatch(/index image is inconsistent/);
    });
  });
});
