// Atoms and bindings as flat arrays of strings and numbers, for messages between threads. Flat
// (prefix order, arities explicit) so that structured cloning never recurses, however deep the
// atom. Only plain values travel: spaces, states and other objects live in one thread's
// environment, and an atom holding one is not shippable (the caller evaluates it at home).

import { type Atom, AtomKind, expr, sym, variable } from './atoms.js';
import { Bindings } from './bindings.js';
import { PrefixBuilder } from './prefix-builder.js';
import { BoolAtom, bool, float, FloatAtom, int, IntAtom, str, StringAtom } from './values.js';

export type Wire = (string | number)[];

const SYM = 0;
const VAR = 1;
const EXPR = 2;
const INT = 3;
const BIGINT = 4;
const FLOAT = 5;
const STRING = 6;
const BOOL = 7;

export class NotShippable extends Error {}

/** Appends `atom` to `out`; throws NotShippable for a grounded object that is not a plain value. */
export function writeAtom(atom: Atom, out: Wire): void {
  const stack: Atom[] = [atom];
  while (stack.length > 0) {
    const a = stack.pop()!;
    switch (a.kind) {
      case AtomKind.Symbol:
        out.push(SYM, a.name);
        break;
      case AtomKind.Variable:
        out.push(VAR, a.name);
        break;
      case AtomKind.Expression:
        out.push(EXPR, a.children.length);
        for (let i = a.children.length - 1; i >= 0; i--) stack.push(a.children[i]!);
        break;
      case AtomKind.Grounded:
        if (a instanceof IntAtom) {
          if (typeof a.value === 'bigint') out.push(BIGINT, a.value.toString());
          else out.push(INT, a.value);
        } else if (a instanceof FloatAtom) out.push(FLOAT, a.value);
        else if (a instanceof StringAtom) out.push(STRING, a.value);
        else if (a instanceof BoolAtom) out.push(BOOL, a.value ? 1 : 0);
        else throw new NotShippable(`${a.print()} cannot leave its thread`);
        break;
    }
  }
}

/** Reads one atom starting at `at.i`, advancing it. */
export function readAtom(wire: Wire, at: { i: number }): Atom {
  const builder = new PrefixBuilder();
  for (;;) {
    const tag = wire[at.i++] as number;
    const payload = wire[at.i++]!;
    let done: Atom;
    switch (tag) {
      case SYM:
        done = sym(payload as string);
        break;
      case VAR:
        done = variable(payload as string);
        break;
      case EXPR:
        if (payload !== 0) {
          builder.open(payload as number);
          continue;
        }
        done = expr([]);
        break;
      case INT:
        done = int(payload as number);
        break;
      case BIGINT:
        done = int(BigInt(payload as string));
        break;
      case FLOAT:
        done = float(payload as number);
        break;
      case STRING:
        done = str(payload as string);
        break;
      case BOOL:
        done = bool(payload === 1);
        break;
      default:
        throw new Error(`atom-wire: unknown tag ${tag} at ${at.i - 2}`);
    }
    const whole = builder.add(done);
    if (whole !== null) return whole;
  }
}

export function writeBindings(bindings: Bindings, out: Wire): void {
  const entries = [...bindings.entries()];
  out.push(entries.length);
  for (const [name, value] of entries) {
    out.push(name);
    writeAtom(value, out);
  }
}

export function readBindings(wire: Wire, at: { i: number }): Bindings {
  const n = wire[at.i++] as number;
  const map = new Map<string, Atom>();
  for (let k = 0; k < n; k++) {
    const name = wire[at.i++] as string;
    map.set(name, readAtom(wire, at));
  }
  return new Bindings(map);
}
