import { describe, expect, it } from 'vitest';
import { decodeSource, firstInvalidUtf8, MettaSyntaxError } from '../../src/core/index.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('strict UTF-8 source decoding', () => {
  it('agrees with the fatal TextDecoder on which byte sequences are valid', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const cases: number[][] = [
      [0x41], [0xc3, 0xa9], [0xc3, 0x28], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xe0, 0xa0, 0x80], [0xed, 0xa0, 0x80],
      [0xed, 0x9f, 0xbf], [0xf0, 0x90, 0x80, 0x80], [0xf0, 0x8f, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80], [0xff], [0x80], [0xe2, 0x82], [0xe2, 0x82, 0xac], [0x41, 0xf0, 0x9f, 0x98],
    ];
    for (const c of cases) {
      let valid = true;
      try {
        strict.decode(Uint8Array.from(c));
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(Uint8Array.from(c)) === -1, c.map((b) => b.toString(16)).join(' ')).toBe(valid);
    }
  });

  it('decodes every ASCII byte as the checking decoder does, also from a view into a larger buffer', () => {
    const all = Uint8Array.from({ length: 128 }, (_, i) => i);
    expect(decodeSource(all, 'f.metta')).toBe(new TextDecoder().decode(all));
    const framed = new Uint8Array(140);
    framed.set(all, 6);
    framed.fill(0xc3, 0, 6); // not ASCII, and outside the view
    expect(decodeSource(framed.subarray(6, 134), 'f.metta')).toBe(new TextDecoder().decode(all));
  });

  it('reports line and column (in code points) of the first invalid byte', () => {
    expect(decodeSource(bytes('(a é 😀)\n(b)'), 'f.metta')).toBe('(a é 😀)\n(b)');
    const at = (b: Uint8Array): string => {
      try {
        decodeSource(b, 'f.metta');
      } catch (e) {
        expect(e).toBeInstanceOf(MettaSyntaxError);
        return (e as Error).message;
      }
      return 'decoded';
    };
    expect(at(bytes('(foo ', [0xc3, 0x28], ' bar)'))).toBe('f.metta:1:6: invalid UTF-8 (byte 0xc3): source files must be UTF-8');
    expect(at(bytes('(a)\n(😀 b ', [0xff], ')'))).toBe('f.metta:2:6: invalid UTF-8 (byte 0xff): source files must be UTF-8');
    expect(at(bytes('(a)\n', [0xe2, 0x82]))).toBe('f.metta:2:1: invalid UTF-8 (byte 0xe2): source files must be UTF-8');
  });
});
