// The optional module `random` (SPEC §5), loaded with `!(import! &self random)`.
//
// Generators are grounded atoms holding a xoshiro128** state; the module binds `&rng` to a
// default generator seeded from the operating system's entropy. The reference's forms take the
// generator first — `(random-int &rng 0 10)` — and the generator may also be left out, which
// uses `&rng`:
//
//   (random-int [gen] low high)     an integer in [low, high)          ("Range is empty" if low >= high)
//   (random-float [gen] low high)   a float in [low, high)
//   (set-random-seed [gen] seed)    reseeds with an integer; the same seed gives the same sequence
//   (new-random-generator seed)     a new generator
//   (reset-random-generator gen)    back to the state of its last seed
//   (flip [gen])                    True or False, each with probability 1/2
//
// Seeding (reproducible, documented so the sequence can be checked independently): the seed's
// low 64 bits as two 32-bit halves lo, hi; a splitmix32 stream starting at lo gives s0 and s1,
// the stream continues from (its state XOR hi) to give s2 and s3. random-int draws 32-bit words
// with rejection sampling (one word for ranges up to 2^32, more words, high first, for larger
// ones); random-float uses 53 bits: (w1 >>> 5) * 2^26 + (w2 >>> 6), divided by 2^53; flip is
// True when the word's top bit is set.

import { randomBytes } from 'node:crypto';
import { type Atom, GroundedAtom, sym, UNIT } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { bool, float, FloatAtom, int, IntAtom } from '../../core/index.js';
import { type Builtin, values } from '../builtin.js';
import type { Environment } from '../environment.js';
import { builtin, fail } from './define.js';
import type { OptionalModule } from './modules.js';

const TWO_32 = 0x1_0000_0000;

/** xoshiro128** seeded through splitmix32; every operation is on unsigned 32-bit words. */
export class Prng {
  private readonly s = new Uint32Array(4);
  private seedLo = 0;
  private seedHi = 0;

  constructor(seed: bigint) {
    this.seed(seed);
  }

  seed(seed: bigint): void {
    const bits = BigInt.asUintN(64, seed);
    this.seedLo = Number(bits & 0xffffffffn);
    this.seedHi = Number(bits >> 32n);
    this.reset();
  }

  /** Back to the state right after the last `seed`. */
  reset(): void {
    let state = this.seedLo;
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s[0] = next();
    this.s[1] = next();
    state = (state ^ this.seedHi) >>> 0;
    this.s[2] = next();
    this.s[3] = next();
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** The full state (four xoshiro words, then the last seed's low and high halves), for saving a runner state. */
  exportState(): number[] {
    return [...this.s, this.seedLo, this.seedHi];
  }

  /** Restores a state taken by `exportState`. */
  importState(words: readonly number[]): void {
    if (words.length !== 6) throw new RangeError(`a generator state has 6 words, got ${words.length}`);
    for (let i = 0; i < 4; i++) this.s[i] = words[i]! >>> 0;
    this.seedLo = words[4]! >>> 0;
    this.seedHi = words[5]! >>> 0;
  }

  /** The next 32-bit word. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s[1]!;
    s[1] = s[1]! ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform integer in [0, range), range > 0. */
  below(range: bigint): bigint {
    if (range <= BigInt(TWO_32)) {
      const r = Number(range);
      const limit = TWO_32 - (TWO_32 % r);
      for (;;) {
        const x = this.next();
        if (x < limit) return BigInt(x % r);
      }
    }
    const bits = range.toString(2).length;
    const words = Math.ceil(bits / 32);
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      let v = 0n;
      for (let i = 0; i < words; i++) v = (v << 32n) | BigInt(this.next());
      v &= mask;
      if (v < range) return v;
    }
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  unit(): number {
    const a = this.next() >>> 5;
    const b = this.next() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A random generator as a MeTTa value. */
export class RandomGeneratorAtom extends GroundedAtom {
  constructor(readonly prng: Prng) {
    super();
  }
  typeAtom(): Atom {
    return sym('RandomGenerator');
  }
  print(): string {
    return 'RandomGenerator';
  }
  internKey(): null {
    return null;
  }
}

function entropySeed(): bigint {
  return randomBytes(8).readBigUInt64LE();
}

function integer(atom: Atom, what: string): bigint {
  if (atom instanceof IntAtom) return BigInt(atom.value);
  fail(`${what} expects an integer, got ${formatAtom(atom)}`);
}

function number(atom: Atom, what: string): number {
  if (atom instanceof IntAtom) return Number(atom.value);
  if (atom instanceof FloatAtom) return atom.value;
  fail(`${what} expects a number, got ${formatAtom(atom)}`);
}

export function randomModule(_env: Environment): OptionalModule {
  const rng = new RandomGeneratorAtom(new Prng(entropySeed()));

  /** The generator and the remaining arguments, for ops whose generator may be left out. */
  const split = (name: string, args: readonly Atom[], arity: number): [Prng, readonly Atom[]] => {
    if (args.length === arity + 1) {
      const g = args[0]!;
      if (!(g instanceof RandomGeneratorAtom)) fail(`${name} expects a random generator, got ${formatAtom(g)}`);
      return [g.prng, args.slice(1)];
    }
    if (args.length === arity) return [rng.prng, args];
    fail(`${name} expects ${arity === 0 ? 'an optional generator' : `${arity} arguments after an optional generator`}, got ${args.length} arguments`);
  };

  const builtins: Builtin[] = [
    builtin('random-int', null, (args, ctx) => {
      const [g, [lowAtom, highAtom]] = split('random-int', args, 2);
      const low = integer(lowAtom!, 'random-int');
      const high = integer(highAtom!, 'random-int');
      if (low >= high) fail('Range is empty');
      return values(ctx, int(low + g.below(high - low)));
    }),
    builtin('random-float', null, (args, ctx) => {
      const [g, [lowAtom, highAtom]] = split('random-float', args, 2);
      const low = number(lowAtom!, 'random-float');
      const high = number(highAtom!, 'random-float');
      if (!(low < high)) fail('Range is empty');
      let x = low + (high - low) * g.unit();
      if (x >= high) x = low;
      return values(ctx, float(x));
    }),
    builtin('set-random-seed', null, (args, ctx) => {
      const [g, [seed]] = split('set-random-seed', args, 1);
      g.seed(integer(seed!, 'set-random-seed'));
      return values(ctx, UNIT);
    }),
    builtin('new-random-generator', '(-> Number RandomGenerator)', ([seed], ctx) =>
      values(ctx, new RandomGeneratorAtom(new Prng(integer(seed!, 'new-random-generator')))),
    ),
    builtin('reset-random-generator', '(-> RandomGenerator RandomGenerator)', ([g], ctx) => {
      if (!(g instanceof RandomGeneratorAtom)) fail(`reset-random-generator expects a random generator, got ${formatAtom(g!)}`);
      g.prng.reset();
      return values(ctx, g);
    }),
    builtin('flip', null, (args, ctx) => {
      const [g] = split('flip', args, 0);
      return values(ctx, bool(g.next() >= 0x8000_0000));
    }),
  ];
  return { builtins, tokens: [['&rng', rng]] };
}
