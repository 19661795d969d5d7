// Arithmetic, comparison, logic and math built-ins (SPEC §3 "Numbers", §5).
//
// Integers stay exact: JS numbers while safe, BigInt beyond, never a silent float. Mixed
// integer/float arithmetic gives a float; `/` on two integers is integer division (truncating,
// as the reference's Rust does); integer division by zero is DivisionByZero.

import { type Atom, isGrounded } from '../../core/index.js';
import { atomEquals } from '../../core/index.js';
import { BoolAtom, bool, float, FloatAtom, int, IntAtom } from '../../core/index.js';
import { type Builtin, MettaError, NOT_REDUCIBLE, type OpContext, type Outcome, values } from '../builtin.js';
import { sym } from '../../core/index.js';
import { builtin, fail } from './define.js';

type Num = IntAtom | FloatAtom;

function isNum(a: Atom | undefined): a is Num {
  return a instanceof IntAtom || a instanceof FloatAtom;
}

function toFloat(n: Num): number {
  return typeof n.value === 'bigint' ? Number(n.value) : n.value;
}

function bigOf(n: IntAtom): bigint {
  return typeof n.value === 'bigint' ? n.value : BigInt(n.value);
}

/** Integer operation on safe numbers with a BigInt fallback when the result leaves the safe range. */
function intOp(a: IntAtom, b: IntAtom, small: (x: number, y: number) => number, big: (x: bigint, y: bigint) => bigint): IntAtom {
  if (typeof a.value === 'number' && typeof b.value === 'number') {
    const r = small(a.value, b.value);
    if (Number.isSafeInteger(r)) return int(r);
  }
  return int(big(bigOf(a), bigOf(b)));
}

function arith(
  name: string,
  onInts: (a: IntAtom, b: IntAtom) => Atom,
  onFloats: (a: number, b: number) => number,
): Builtin {
  const value = (a: Atom | undefined, b: Atom | undefined): Atom | null => {
    if (!isNum(a) || !isNum(b)) return null;
    if (a instanceof IntAtom && b instanceof IntAtom) return onInts(a, b);
    return float(onFloats(toFloat(a), toFloat(b)));
  };
  return {
    ...builtin(name, '(-> Number Number Number)', ([a, b], ctx) => {
      const v = value(a, b);
      return v === null ? NOT_REDUCIBLE : values(ctx, v);
    }),
    binary: value,
  };
}

function divisionByZero(): never {
  throw new MettaError(sym('DivisionByZero'));
}

function compare(name: string, test: (order: number) => boolean): Builtin {
  const value = (a: Atom | undefined, b: Atom | undefined): Atom | null => (isNum(a) && isNum(b) ? bool(test(numericOrder(a, b))) : null);
  return {
    ...builtin(name, '(-> Number Number Bool)', ([a, b], ctx) => {
      const v = value(a, b);
      return v === null ? NOT_REDUCIBLE : values(ctx, v);
    }),
    binary: value,
  };
}

/** Sign of a − b, exact for integers of any size; NaN when a float is NaN. */
function numericOrder(a: Num, b: Num): number {
  if (a instanceof IntAtom && b instanceof IntAtom) {
    if (typeof a.value === 'number' && typeof b.value === 'number') return Math.sign(a.value - b.value);
    const x = bigOf(a);
    const y = bigOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toFloat(a);
  const y = toFloat(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

/** `==`: structural equality, except that numbers compare by value (`4 == 4.0`). */
export function valuesEqual(a: Atom, b: Atom): boolean {
  if (isNum(a) && isNum(b)) return numericOrder(a, b) === 0;
  return atomEquals(a, b);
}

function logic(name: string, op: (a: boolean, b: boolean) => boolean): Builtin {
  const value = (a: Atom | undefined, b: Atom | undefined): Atom | null =>
    a instanceof BoolAtom && b instanceof BoolAtom ? bool(op(a.value, b.value)) : null;
  return {
    ...builtin(name, '(-> Bool Bool Bool)', ([a, b], ctx) => {
      const v = value(a, b);
      return v === null ? NOT_REDUCIBLE : values(ctx, v);
    }),
    binary: value,
  };
}

// The math functions' errors for arguments that are not numbers, word for word the reference's
// (stdlib/math.rs): `(Error (sqrt-math A) sqrt-math expects one argument: number)`.
const ONE_NUMBER = (name: string): string => `${name} expects one argument: ${name === 'sqrt-math' || name === 'abs-math' ? 'number' : 'input number'}`;

function floatMath(name: string, f: (x: number) => number): Builtin {
  return builtin(name, '(-> Number Number)', ([a], ctx) => (isNum(a) ? values(ctx, float(f(toFloat(a)))) : fail(ONE_NUMBER(name))));
}

/** Rounding functions: integers are returned as they are, floats rounded to floats. */
function rounding(name: string, f: (x: number) => number): Builtin {
  return builtin(name, '(-> Number Number)', ([a], ctx): Outcome => {
    if (a instanceof IntAtom) return values(ctx, a);
    if (a instanceof FloatAtom) return values(ctx, float(f(a.value)));
    fail(ONE_NUMBER(name));
  });
}

function numberPredicate(name: string, f: (x: number) => boolean): Builtin {
  return builtin(name, '(-> Number Bool)', ([a], ctx) => (isNum(a) ? values(ctx, bool(a instanceof FloatAtom && f(a.value))) : fail(ONE_NUMBER(name))));
}

/**
 * `pow-math`: always a float, as the reference's; an integer exponent must fit an i32 (Rust's
 * `powi`), else the reference's error rather than `inf`.
 */
function powMath([a, b]: readonly Atom[], ctx: OpContext): Outcome {
  if (!isNum(a) || !isNum(b)) fail('pow-math expects two arguments: number (base) and number (power)');
  if (b instanceof IntAtom && (typeof b.value === 'bigint' || b.value < -2147483648 || b.value > 2147483647)) fail('power argument is too big, try using float value');
  return values(ctx, float(Math.pow(toFloat(a), toFloat(b))));
}

/** Rust's `f64::round`: halves away from zero (JS Math.round rounds them up). */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** All pure: arithmetic never touches a space or prints. */
export const numberBuiltins: Builtin[] = (<Builtin[]>[
  arith('+', (a, b) => intOp(a, b, (x, y) => x + y, (x, y) => x + y), (x, y) => x + y),
  arith('-', (a, b) => intOp(a, b, (x, y) => x - y, (x, y) => x - y), (x, y) => x - y),
  arith('*', (a, b) => intOp(a, b, (x, y) => x * y, (x, y) => x * y), (x, y) => x * y),
  arith(
    '/',
    (a, b) => {
      if (b.value === 0 || b.value === 0n) divisionByZero();
      return intOp(a, b, (x, y) => Math.trunc(x / y), (x, y) => x / y);
    },
    (x, y) => x / y,
  ),
  arith(
    '%',
    (a, b) => {
      if (b.value === 0 || b.value === 0n) divisionByZero();
      return intOp(a, b, (x, y) => x % y, (x, y) => x % y);
    },
    (x, y) => x % y,
  ),
  compare('<', (o) => o < 0),
  compare('>', (o) => o > 0),
  compare('<=', (o) => o <= 0),
  compare('>=', (o) => o >= 0),
  { ...builtin('==', '(-> $t $t Bool)', ([a, b], ctx) => values(ctx, bool(valuesEqual(a!, b!)))), binary: (a: Atom, b: Atom) => bool(valuesEqual(a, b)) },
  logic('and', (a, b) => a && b),
  logic('or', (a, b) => a || b),
  logic('xor', (a, b) => a !== b),
  builtin('not', '(-> Bool Bool)', ([a], ctx) => (a instanceof BoolAtom ? values(ctx, bool(!a.value)) : NOT_REDUCIBLE)),
  builtin('pow-math', '(-> Number Number Number)', powMath),
  builtin('log-math', '(-> Number Number Number)', ([base, x], ctx) =>
    isNum(base) && isNum(x) ? values(ctx, float(Math.log(toFloat(x)) / Math.log(toFloat(base)))) : fail('log-math expects two arguments: base (number) and input value (number)'),
  ),
  floatMath('sqrt-math', Math.sqrt),
  floatMath('sin-math', Math.sin),
  floatMath('asin-math', Math.asin),
  floatMath('cos-math', Math.cos),
  floatMath('acos-math', Math.acos),
  floatMath('tan-math', Math.tan),
  floatMath('atan-math', Math.atan),
  builtin('abs-math', '(-> Number Number)', ([a], ctx) => {
    if (a instanceof IntAtom) return values(ctx, typeof a.value === 'bigint' ? int(a.value < 0n ? -a.value : a.value) : int(Math.abs(a.value)));
    if (a instanceof FloatAtom) return values(ctx, float(Math.abs(a.value)));
    fail(ONE_NUMBER('abs-math'));
  }),
  rounding('trunc-math', Math.trunc),
  rounding('ceil-math', Math.ceil),
  rounding('floor-math', Math.floor),
  rounding('round-math', roundHalfAway),
  numberPredicate('isnan-math', Number.isNaN),
  numberPredicate('isinf-math', (x) => x === Infinity || x === -Infinity),
]).map((b) => ({ ...b, pure: true }));

/** Words the reader turns into numbers (the reference registers these as tokens). */
export const numberTokens: [string, Atom][] = [
  ['PI', float(Math.PI)],
  ['EXP', float(Math.E)],
];

export function isNumberAtom(a: Atom): boolean {
  return isGrounded(a) && isNum(a);
}

export type { OpContext };
