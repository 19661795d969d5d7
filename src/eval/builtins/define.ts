// Helpers for declaring built-ins compactly: a name, a type written in MeTTa, and the code.

import { type Atom, isExpression, isSymbol, sym } from '../../core/index.js';
import { parseAtom } from '../../core/index.js';
import { formatAtom } from '../../core/index.js';
import { type Builtin, MettaError, type OpContext, type Outcome } from '../builtin.js';
import type { Environment } from '../environment.js';

export type Execute = (args: readonly Atom[], ctx: OpContext) => Outcome;

/** A built-in named `name` with the type written as MeTTa text (null: untyped, variadic). */
export function builtin(name: string, type: string | null, execute: Execute): Builtin {
  return { name, type: type === null ? null : parseAtom(type), execute };
}

export function registerAll(env: Environment, builtins: readonly Builtin[]): void {
  for (const b of builtins) env.registerBuiltin(sym(b.name), b);
}

/** Fails the call with `(Error <call> <message>)`; the message is a symbol, as the reference prints. */
export function fail(message: string): never {
  throw new MettaError(sym(message));
}

export function expectExpression(atom: Atom, what: string): readonly Atom[] {
  if (!isExpression(atom)) fail(`${what} expects an expression, got ${formatAtom(atom)}`);
  return atom.children;
}

export function expectSymbol(atom: Atom, what: string): string {
  if (!isSymbol(atom)) fail(`${what} expects a symbol, got ${formatAtom(atom)}`);
  return atom.name;
}
