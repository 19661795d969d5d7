// Plain grounded values: integers (exact, BigInt beyond 2^53), floats, strings and booleans.

import { type Atom, GroundedAtom, sym } from './atoms.js';

let numberType: Atom | null = null;
const NUMBER_TYPE = (): Atom => (numberType ??= sym('Number'));
let stringType: Atom | undefined;
let boolType: Atom | undefined;

/** An integer: a JS number while it is a safe integer, a BigInt beyond (never a silent float). */
export class IntAtom extends GroundedAtom {
  constructor(readonly value: number | bigint) {
    super();
  }
  typeAtom(): Atom {
    return NUMBER_TYPE();
  }
  print(): string {
    return this.value.toString();
  }
  internKey(): string {
    return 'i' + this.value.toString();
  }
  override equals(other: GroundedAtom): boolean {
    // Normalisation keeps each integer in exactly one representation, so `===` decides. An
    // integer equals a float of the same value, as the reference's Number promotes it (`a as f64 == b`).
    if (other instanceof IntAtom) return other.value === this.value;
    return other instanceof FloatAtom && Number(this.value) === other.value;
  }
}

export class FloatAtom extends GroundedAtom {
  constructor(readonly value: number) {
    super();
  }
  typeAtom(): Atom {
    return NUMBER_TYPE();
  }
  print(): string {
    return formatFloat(this.value);
  }
  internKey(): string {
    return 'f' + formatFloat(this.value);
  }
  override equals(other: GroundedAtom): boolean {
    if (other instanceof IntAtom) return other.equals(this);
    return other instanceof FloatAtom && Object.is(other.value, this.value);
  }
}

export class StringAtom extends GroundedAtom {
  constructor(readonly value: string) {
    super();
  }
  typeAtom(): Atom {
    return (stringType ??= sym('String'));
  }
  print(): string {
    return quoteString(this.value);
  }
  internKey(): string {
    return 's' + this.value;
  }
  override equals(other: GroundedAtom): boolean {
    return other instanceof StringAtom && other.value === this.value;
  }
}

export class BoolAtom extends GroundedAtom {
  private constructor(readonly value: boolean) {
    super();
  }
  static readonly TRUE = new BoolAtom(true);
  static readonly FALSE = new BoolAtom(false);
  static of(value: boolean): BoolAtom {
    return value ? BoolAtom.TRUE : BoolAtom.FALSE;
  }
  typeAtom(): Atom {
    return (boolType ??= sym('Bool'));
  }
  print(): string {
    return this.value ? 'True' : 'False';
  }
  internKey(): string {
    return this.value ? 'bT' : 'bF';
  }
  override equals(other: GroundedAtom): boolean {
    return other instanceof BoolAtom && other.value === this.value;
  }
}

const SMALL_INTS: IntAtom[] = [];
for (let i = -128; i <= 1024; i++) SMALL_INTS.push(new IntAtom(i));

/** An integer atom in canonical representation (number when safe, BigInt otherwise). */
export function int(value: number | bigint): IntAtom {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
      return new IntAtom(BigInt(value));
    }
    if (value >= -128 && value <= 1024) return SMALL_INTS[value + 128]!;
    return new IntAtom(value);
  }
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
    return int(Number(value));
  }
  return new IntAtom(value);
}

export function float(value: number): FloatAtom {
  return new FloatAtom(value);
}

export function str(value: string): StringAtom {
  return new StringAtom(value);
}

export function bool(value: boolean): BoolAtom {
  return BoolAtom.of(value);
}

/**
 * Floats print like the reference interpreter (Rust's `{:?}`): always a fractional part or an
 * exponent, positional notation for 1e-4 <= |x| < 1e16, scientific (`1e20`, `1.5e-7`) outside.
 * The digits are the shortest that round-trip, as in both Rust and JavaScript.
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    return x.toExponential().replace('e+', 'e');
  }
  // In this range JavaScript's shortest round-trip form is positional, as Rust's is.
  const text = String(x);
  return text.includes('.') ? text : text + '.0';
}

/** A string literal as MeTTa prints it: quoted, with the escapes the parser reads back. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
        else out += ch;
      }
    }
  }
  return out + '"';
}

/** The plain value whose `internKey()` is `key` (the inverse of `internKey`), or null. */
export function valueFromInternKey(key: string): IntAtom | FloatAtom | StringAtom | BoolAtom | null {
  const rest = key.slice(1);
  switch (key[0]) {
    case 'i':
      return /^-?\d+$/.test(rest) ? int(Number.isSafeInteger(Number(rest)) ? Number(rest) : BigInt(rest)) : null;
    case 'f':
      return float(rest === 'inf' ? Infinity : rest === '-inf' ? -Infinity : Number(rest));
    case 's':
      return str(rest);
    case 'b':
      return rest === 'T' ? BoolAtom.TRUE : rest === 'F' ? BoolAtom.FALSE : null;
    default:
      return null;
  }
}
