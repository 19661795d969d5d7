// writeSpaceImage / readSpaceImage (src/runner/mspace.ts, docs/mspace-format.md): a space comes
// back with the same atoms, variable names, removals and index (the same matches, through the
// read-back index and through one rebuilt from the store); stateful values are refused; damaged,
// truncated, foreign and other-version bytes are refused with SpaceImageError, never a crash.

import { describe, expect, it } from 'vitest';
import { type Atom, expr, sym, variable } from '../../src/core/atoms.js';
import { formatAtom } from '../../src/core/printer.js';
import { parseProgram } from '../../src/core/parser.js';
import { float, int, str } from '../../src/core/values.js';
import { query } from '../../src/cpu/index.js';
import { SpaceAtom } from '../../src/eval/objects.js';
import { checksum32 } from '../../src/runner/mspace.js';
import { MSPACE_FORMAT_VERSION, readSpaceImage, SpaceImageError, SpaceImageWriteError, writeSpaceImage } from '../../src/runner/index.js';
import { AtomSpace } from '../../src/space/index.js';

const KB = `
(edge a b) (edge b c) (edge a c) (edge c "str") (edge 1 2.5) (edge -7 True)
(= (path $x $y) (edge $x $y))
(= (path $x $z) (, (edge $x $y) (path $y $z)))
(nested (f (g x) $v) $v) ($h 1 2) ((compound head) 3) () lonely 42
`;

function spaceOf(text: string): AtomSpace {
  const space = new AtomSpace();
  for (const item of parseProgram(text)) space.add(item.atom);
  return space;
}

const PATTERNS = ['(edge a $y)', '(edge $x c)', '(edge $x $y)', '(= (path $a $b) $body)', '(nested (f $p $q) $r)', '($h 1 $z)', '($x $y)', '$any', '(edge 1 $y)', '(edge $x True)'];

function answers(space: AtomSpace): string[] {
  return PATTERNS.map((p) => {
    const pattern = parseProgram(p)[0]!.atom;
    return query(space.view(), pattern)
      .map((b) => formatAtom(b.resolve(pattern)))
      .join(' ');
  });
}

function roundTrip(space: AtomSpace): AtomSpace {
  const bytes = writeSpaceImage(space, '9.9.9-test');
  // As a file read into shared memory is: aligned, writable.
  const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
  copy.set(bytes);
  return readSpaceImage(copy).space;
}

function reseal(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, checksum32(out, out.length - 4), true);
  return out;
}

describe('compiled space images', () => {
  it('bring back the atoms, their variable names and the same matches', () => {
    const space = spaceOf(KB);
    const loaded = roundTrip(space);
    expect(loaded.atoms().map(formatAtom)).toEqual(space.atoms().map(formatAtom));
    expect(answers(loaded)).toEqual(answers(space));
  });

  it('keep removals and duplicates, and the loaded space takes further adds and removes', () => {
    const space = spaceOf(KB + ' (edge a b) (dup) (dup)');
    space.remove(expr([sym('edge'), sym('b'), sym('c')]));
    space.remove(expr([sym('dup')]));
    const loaded = roundTrip(space);
    expect(loaded.atoms().map(formatAtom)).toEqual(space.atoms().map(formatAtom));
    expect(loaded.size).toBe(space.size);
    for (const s of [space, loaded]) {
      for (let i = 0; i < 50; i++) s.add(expr([sym('edge'), sym(`n${i}`), int(i)]));
      s.remove(expr([sym('edge'), sym('a'), sym('b')]));
      s.add(expr([sym('late'), variable('q'), float(0.5), str('s')]));
    }
    expect(answers(loaded)).toEqual(answers(space));
    expect(loaded.atoms().map(formatAtom)).toEqual(space.atoms().map(formatAtom));
  });

  it('a loaded space is shared with other threads as any space is (replica, frozen snapshot)', () => {
    const space = spaceOf(KB);
    const loaded = roundTrip(space);
    expect(loaded.store.share().tokens.buffer).toBeInstanceOf(SharedArrayBuffer);
    const replica = AtomSpace.replica(loaded.share());
    expect(answers(replica)).toEqual(answers(space));
    const frozen = loaded.snapshot();
    for (const p of PATTERNS) {
      const pattern = parseProgram(p)[0]!.atom;
      expect(query(frozen, pattern).length, p).toBe(query(space.view(), pattern).length);
    }
  });

  it('re-writing a loaded space gives the same bytes', () => {
    const space = spaceOf(KB);
    const bytes = writeSpaceImage(space, 'v');
    expect(writeSpaceImage(roundTrip(space), 'v')).toEqual(bytes);
  });

  it('an empty space round-trips', () => {
    expect(roundTrip(new AtomSpace()).size).toBe(0);
  });

  it('refuses a space that holds a stateful value', () => {
    const space = spaceOf('(a b)');
    space.add(expr([sym('holds'), new SpaceAtom(new AtomSpace()) as Atom]));
    expect(() => writeSpaceImage(space, 'v')).toThrow(SpaceImageWriteError);
    expect(() => writeSpaceImage(space, 'v')).toThrow(/GroundingSpace-\d+ \(SpaceAtom\), a stateful value/);
  });

  describe('rejects bad input with SpaceImageError', () => {
    const good = writeSpaceImage(spaceOf(KB), 'v');
    const load = (bytes: Uint8Array): unknown => {
      const copy = new Uint8Array(new SharedArrayBuffer(bytes.length));
      copy.set(bytes);
      return readSpaceImage(copy);
    };

    it('foreign bytes and text', () => {
      expect(() => load(new TextEncoder().encode('(edge a b)\n'))).toThrow(/not a compiled MeTTa space \(bad magic bytes\)/);
      expect(() => load(new Uint8Array(0))).toThrow(SpaceImageError);
    });

    it('every truncation', () => {
      for (let n = 0; n < good.length; n += n < 64 ? 1 : 97) expect(() => load(good.subarray(0, n)), `prefix ${n}`).toThrow(SpaceImageError);
    });

    it('another format version', () => {
      const other = good.slice();
      new DataView(other.buffer).setUint16(8, MSPACE_FORMAT_VERSION + 1, true);
      expect(() => load(other)).toThrow(/format version 3; this build reads version 2 only/);
    });

    it('the trailer is the CRC-32 of every byte before it', () => {
      // Bit by bit, as the IEEE 802.3 definition reads (independent of binary.ts's crc32).
      let c = 0xffffffff;
      for (let i = 0; i < good.length - 4; i++) {
        c ^= good[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      expect(new DataView(good.buffer, good.byteOffset).getUint32(good.length - 4, true)).toBe((c ^ 0xffffffff) >>> 0);
    });

    it('a flipped byte anywhere (checksum)', () => {
      for (let at = 0; at < good.length; at += 7) {
        const bad = good.slice();
        bad[at] = bad[at]! ^ 0x10;
        expect(() => load(bad), `byte ${at}`).toThrow(SpaceImageError);
      }
    });

    it('damage behind a valid checksum never crashes', () => {
      for (let at = 32; at < good.length - 4; at += 3) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const bad = good.slice();
          bad[at] = bad[at]! ^ mask;
          try {
            load(reseal(bad));
          } catch (e) {
            expect(e, `byte ${at} mask ${mask}: ${String(e)}`).toBeInstanceOf(SpaceImageError);
          }
        }
      }
    });
  });
});
