// serializeState / deserializeState: every atom kind, sharing and cycles of spaces and states,
// tokens, settings, modules, generators; and rejection of truncated, corrupted, foreign and newer
// input with StateFormatError.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Atom, expr, sym, variable } from '../../src/core/atoms.js';
import { float, int, str } from '../../src/core/values.js';
import { Bindings } from '../../src/core/bindings.js';
import { freshVariable } from '../../src/core/fresh.js';
import { BindingsAtom, SpaceAtom, StateAtom } from '../../src/eval/objects.js';
import { crc32, wtf8Decode, wtf8Encode } from '../../src/runner/binary.js';
import {
  cloneState,
  compile,
  deserializeState,
  emptyState,
  type MettaState,
  run,
  serializeState,
  STATE_FORMAT_VERSION,
  StateConsumedError,
  StateFormatError,
  StateSerializeError,
  stdoutText,
} from '../../src/runner/index.js';
import { normalize } from './helpers.js';

function runText(state: MettaState, text: string): MettaState {
  return run(state, compile(text, 'test.metta'));
}

function roundTrip(state: MettaState): MettaState {
  const bytes = serializeState(state);
  const loaded = deserializeState(bytes);
  expect(Buffer.from(serializeState(loaded)).equals(Buffer.from(bytes))).toBe(true);
  return loaded;
}

/** Output of running `more` after `setup`, directly and through the bytes. */
function continued(setup: string, more: string): { direct: string; loaded: string } {
  const a = runText(emptyState(), setup);
  const b = roundTrip(a);
  const tail = (s: MettaState): string => {
    const before = s.output.length;
    return normalize(stdoutText(runText(s, more).output.slice(before)));
  };
  return { loaded: tail(b), direct: tail(a) };
}

function expectSameContinuation(setup: string, more: string): string {
  const { direct, loaded } = continued(setup, more);
  expect(loaded).toBe(direct);
  return direct;
}

describe('round trip of atoms', () => {
  const values: [string, Atom][] = [
    ['symbol', sym('foo')],
    ['variable', variable('x')],
    ['fresh variable', variable('y#12')],
    ['empty expression', expr([])],
    ['small ints', expr([int(0), int(-1), int(127), int(128), int(-129), int(2 ** 31), int(-(2 ** 40))])],
    ['safe limits', expr([int(Number.MAX_SAFE_INTEGER), int(Number.MIN_SAFE_INTEGER)])],
    ['big ints', expr([int(2n ** 53n), int(-(2n ** 53n)), int(10n ** 40n + 7n), int(-(3n ** 100n))])],
    ['floats', expr([float(-0), float(0), float(NaN), float(Infinity), float(-Infinity), float(1e-310), float(Math.PI)])],
    ['strings', expr([str(''), str('plain'), str('tab\tnl\n"q"\\'), str('日本語 😀 é'), str('\u0000\u007f'), str('lone \ud800 high'), str('lone \udc00 low'), str('\udc00\ud800 swapped')])],
  ];
  for (const [name, atom] of values) {
    it(name, () => {
      const state = emptyState();
      state.environment.self.space.add(atom);
      const loaded = roundTrip(state);
      const [back] = loaded.environment.self.space.atoms();
      expect(back).toBeDefined();
      // Compare through the serializer's own view and the printer, which tells -0 from 0.
      const printed = (a: Atom): string => JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : v));
      expect(printed(back!)).toBe(printed(atom));
    });
  }

  it('keeps multiplicities, insertion order and removals', () => {
    const s = runText(emptyState(), '(a) (b) (a) (c $x) (a) !(remove-atom &self (a)) (b)');
    const loaded = roundTrip(s);
    const printed = (st: MettaState): string => normalize(stdoutText(runText(st, '!(get-atoms &self)').output.slice(-1)));
    expect(printed(loaded)).toBe('[(b), (a), (c $x#1), (a), (b)]\n');
  });

  it('handles nesting far deeper than recursion allows', () => {
    let list: Atom = sym('Nil');
    for (let i = 0; i < 100_000; i++) list = expr([sym('Cons'), int(i), list]);
    const state = emptyState();
    state.environment.self.space.add(list);
    const loaded = roundTrip(state);
    expect(loaded.environment.self.space.size).toBe(1);
  });
});

describe('round trip of the environment', () => {
  it('tokens bound with bind!, rules, and evaluation after loading', () => {
    const out = expectSameContinuation(
      '(= (double $x) (* 2 $x)) !(bind! &n 21) !(bind! greeting "hi")',
      '!(double &n) ! greeting !(double 1.5)',
    );
    expect(out).toBe('[42]\n["hi"]\n[3.0]\n');
  });

  it('spaces made by new-space keep their identity and sharing', () => {
    const setup = `
      !(bind! &a (new-space))
      !(bind! &b &a)
      !(add-atom &a (fact 1))
      !(add-atom &self (holder &a))
      !(add-atom &a (self-ref &a))`;
    const out = expectSameContinuation(
      setup,
      `!(add-atom &b (fact 2))
       !(match &a (fact $x) $x)
       !(match &self (holder $s) (match $s (fact $y) $y))
       !(match &a (self-ref $s) (== $s &b))`,
    );
    expect(out).toBe('[()]\n[1, 2]\n[1, 2]\n[True]\n');
  });

  it('spaces print the same names after loading, and new ones do not reuse them', () => {
    const out = expectSameContinuation('!(bind! &a (new-space)) !(bind! &b (new-space))', '! &a ! &b !(new-space) ! &self');
    expect(out).toBe('[GroundingSpace-2]\n[GroundingSpace-3]\n[GroundingSpace-4]\n[GroundingSpace-1]\n');
  });

  it('states keep their values, types and sharing, including a state inside itself', () => {
    const setup = `
      !(bind! &c (new-state 0))
      !(add-atom &self (counter &c))
      !(change-state! &c 5)
      !(bind! &loop (new-state 0))
      !(let $u (change-state! &loop (box &loop)) ok)`;
    const out = expectSameContinuation(
      setup,
      `!(match &self (counter $s) (change-state! $s (+ (get-state $s) 1)))
       !(get-state &c)
       !(get-type &c)
       !(let (box $s) (get-state &loop) (== $s &loop))`,
    );
    expect(out).toBe('[(State 6)]\n[6]\n[(StateMonad Number)]\n[True]\n');
  });

  it('the space &self held in a state and in another space is the same &self', () => {
    const out = expectSameContinuation(
      '!(bind! &st (new-state &self)) !(bind! &other (new-space)) !(add-atom &other (link &self))',
      '(mark) !(match (get-state &st) (mark) yes) !(match &other (link $s) (match $s (mark) yes))',
    );
    expect(out).toBe('[yes]\n[yes]\n');
  });

  it('pragma settings', () => {
    const out = expectSameContinuation(
      '!(pragma! type-check auto) (: foo (-> Number Number)) !(pragma! max-stack-depth 50) !(pragma! custom-setting (a b))',
      '!(foo "x") (= (deep $n) (deep (+ $n 1))) !(deep 0)',
    );
    expect(out).toMatch(/BadType/);
    expect(out).toMatch(/StackOverflow|stack/i);
  });

  it('bindings values from collapse-bind', () => {
    const out = expectSameContinuation('(p 1) !(bind! &bs (collapse-bind (match &self (p $x) $x)))', '! &bs');
    expect(out).toBe('[((1 { }))]\n');
    const state = emptyState();
    const b = new BindingsAtom(new Bindings(new Map<string, Atom>([['x', int(1)], ['y', expr([sym('f'), variable('x')])]])));
    state.environment.self.space.add(expr([sym('b'), b, b]));
    const [back] = roundTrip(state).environment.self.space.atoms();
    const children = (back as unknown as { children: Atom[] }).children;
    expect(children[1]).toBe(children[2]);
    expect((children[1] as BindingsAtom).print()).toBe('{ $x <- 1, $y <- (f 1) }');
  });

  it('random generators continue their sequence, the default &rng included', () => {
    const setup = '!(import! &self random) !(set-random-seed &rng 42) !(random-int 0 1000) !(bind! &g (new-random-generator 7)) !(random-int &g 0 1000)';
    const out = expectSameContinuation(setup, '!(random-int 0 1000000) !(random-int &rng 0 1000000) !(random-int &g 0 1000000) !(reset-random-generator &g) !(random-int &g 0 1000)');
    expect(out.split('\n').length).toBeGreaterThan(4);
  });

  it('output, source and exit code survive', () => {
    const s = runText(emptyState(), '!(println! "printed") !(+ 1 2) !(trace! "traced" 3) !(car-atom ())');
    const loaded = roundTrip(s);
    expect(loaded.output).toHaveLength(s.output.length);
    expect(stdoutText(loaded.output)).toBe(stdoutText(s.output));
    expect(loaded.exitCode).toBe(s.exitCode);
    const c = compile('(a 1) !(+ 1 2)', 'c.metta');
    const lc = roundTrip(c);
    expect(lc.text).toBe(c.text);
    expect(lc.source.map((i) => [i.exec, i.position])).toEqual(c.source.map((i) => [i.exec, i.position]));
  });

  it('open file handles are refused with an error naming them', () => {
    const s = runText(emptyState(), '!(import! &self fileio) !(bind! &h (file-open! "package.json" "r"))');
    expect(() => serializeState(s)).toThrow(StateSerializeError);
    expect(() => serializeState(s)).toThrow(/file handle \(FileHandle "package\.json"\)/);
    // cloneState shares them instead.
    const copy = cloneState(s);
    expect(stdoutText(runText(copy, '!(file-get-size! &h)').output.slice(-1))).toMatch(/^\[\d+\]\n$/);
  });
});

describe('fresh variables', () => {
  it('loading moves the fresh-variable counter past the saved $x#N, so new ones never collide', () => {
    const now = Number(/#(\d+)$/.exec(freshVariable('t').name)![1]);
    const state = emptyState();
    state.environment.self.space.add(expr([sym('saved'), variable(`y#${now + 20_000}`)]));
    deserializeState(serializeState(state));
    const next = Number(/#(\d+)$/.exec(freshVariable('t').name)![1]);
    expect(next).toBeGreaterThan(now + 20_000);
  });
});

describe('ownership', () => {
  it('run consumes the accumulated state; cloneState branches', () => {
    const s = runText(emptyState(), '(a)');
    const copy = cloneState(s);
    const next = runText(s, '(b)');
    expect(() => runText(s, '(c)')).toThrow(StateConsumedError);
    expect(() => serializeState(s)).toThrow(StateConsumedError);
    expect(next.environment.self.space.size).toBe(2);
    expect(copy.environment.self.space.size).toBe(1);
    expect(copy.environment.self).not.toBe(s.environment.self);
  });
});

describe('rejecting bad input', () => {
  const state = runText(emptyState(), '(a 1 "s" 2.5) !(bind! &x (new-space)) !(add-atom &x (b $y)) !(bind! &st (new-state &x)) !(+ 1 2)');
  const bytes = serializeState(state);

  it('every truncated prefix', () => {
    for (let n = 0; n < bytes.length; n++) {
      const prefix = bytes.slice(0, n);
      expect(() => deserializeState(prefix), `prefix of ${n} bytes`).toThrow(StateFormatError);
    }
  });

  it('every single flipped byte', () => {
    for (let i = 0; i < bytes.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = bytes.slice();
        bad[i]! ^= mask;
        expect(() => deserializeState(bad), `byte ${i} ^ ${mask}`).toThrow(StateFormatError);
      }
    }
  });

  it('a newer version, with a message saying so', () => {
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint16(8, STATE_FORMAT_VERSION + 1, true);
    expect(() => deserializeState(bad)).toThrow(/at byte 8: format version 2 is newer than this build supports/);
  });

  it('foreign data, trailing bytes and a checksum mismatch, each with its offset', () => {
    expect(() => deserializeState(new TextEncoder().encode('(a b c) !(foo)'))).toThrow(/at byte 0: not a MeTTa state/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => deserializeState(longer)).toThrow(/3 unexpected bytes after the end/);
    const bad = bytes.slice();
    bad[40]! ^= 4;
    const error = (() => {
      try {
        deserializeState(bad);
      } catch (e) {
        return e as StateFormatError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StateFormatError);
    expect(error!.message).toMatch(/checksum mismatch/);
    expect(error!.offset).toBe(bytes.length - 4);
  });

  it('a well-checksummed body with bad structure is still a StateFormatError', () => {
    // Re-seal corrupted bodies with a valid checksum: the structural checks must catch them.
    let rejected = 0;
    for (let i = 16; i < bytes.length - 4; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x5a;
      new DataView(bad.buffer).setUint32(bad.length - 4, crc32(bad, 0, bad.length - 4), true);
      try {
        deserializeState(bad);
      } catch (e) {
        expect(e, `byte ${i}`).toBeInstanceOf(StateFormatError);
        rejected++;
      }
    }
    // Most such changes are structural; the rest are different but valid states (a changed letter).
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('fuzzing the reader', () => {
  it('random multi-byte damage, re-sealed with a valid checksum, is refused or read, never a crash', () => {
    const rich = runText(
      emptyState(),
      `!(import! &self random) !(bind! &g (new-random-generator 3)) !(bind! &sp (new-space)) !(add-atom &sp (x &sp))
       !(bind! &st (new-state (a "ü" 2.5 -7 123456789012345678901234567890))) !(add-atom &self (cell &st &g))
       (p 1) !(bind! &bs (collapse-bind (match &self (p $x) $x))) !(pragma! type-check auto) !(println! "hi")`,
    );
    const good = serializeState(rich);
    const seed = 77_001;
    let refused = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: good.length - 21 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const bad = good.slice();
        for (const [at, mask] of edits) bad[16 + at]! ^= mask;
        new DataView(bad.buffer).setUint32(bad.length - 4, crc32(bad, 0, bad.length - 4), true);
        try {
          deserializeState(bad);
        } catch (e) {
          if (!(e instanceof StateFormatError)) throw e;
          refused++;
        }
      }),
      { seed, numRuns: 400 },
    );
    expect(refused).toBeGreaterThan(100);
  });
});

describe('WTF-8 and CRC-32', () => {
  it('encodes every string exactly', () => {
    for (const s of ['', 'abc', '\ud83d\ude00', '\ud800', 'a\udfff', '\udbff\udfff', '\ud800\ud800\udc00']) {
      expect(wtf8Decode(wtf8Encode(s))).toBe(s);
    }
    expect(wtf8Decode(Uint8Array.of(0xc0, 0x80))).toBeNull();
    expect(wtf8Decode(Uint8Array.of(0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80))).toBeNull();
  });
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('states (State v) print the same after loading', () => {
    const s = emptyState();
    const st = new StateAtom(int(1), sym('Number'));
    s.environment.self.space.add(expr([sym('s'), st, st, new SpaceAtom()]));
    const loaded = roundTrip(s);
    const [back] = loaded.environment.self.space.atoms();
    const children = (back as unknown as { children: Atom[] }).children;
    expect(children[1]).toBe(children[2]);
    expect(children[1]).toBeInstanceOf(StateAtom);
  });
});
