// The contract between the interpreter and built-in operations.
//
// A built-in never evaluates anything itself and never queries a space itself: it returns an
// outcome, and when it needs an evaluation or a query it returns a request with a continuation.
// That keeps evaluation on the interpreter's explicit stack (no JavaScript recursion per MeTTa
// call) and makes every space query a value the interpreter can batch.

import { type Atom, expr, type ExpressionAtom, sym } from '../core/index.js';
import type { Bindings } from '../core/index.js';
import type { AtomSpace } from '../space/index.js';
import type { Environment } from './environment.js';

/** One alternative of an evaluation: an atom and the bindings it was found under. */
export interface Result {
  readonly atom: Atom;
  readonly bindings: Bindings;
}

export type Outcome =
  /**
   * Final values; each is evaluated again unless the op's declared return type is `Atom`. `frames`:
   * how deep below the call the reference evaluates them, for `max-stack-depth` (stack-depth.ts;
   * 13 when absent: a rule's body; `let` is a rule whose body is a `unify`, 26).
   */
  | { readonly kind: 'values'; readonly results: readonly Result[]; readonly frames?: number }
  /** The op does not apply to these arguments: the call is returned unreduced. */
  | { readonly kind: 'not-reducible' }
  /** Evaluate `atom` (expected type `type`) under `bindings`, then continue with its results. */
  | {
      readonly kind: 'eval';
      readonly atom: Atom;
      readonly type: Atom;
      readonly bindings: Bindings;
      /** The space for rules and types; the caller's when absent. */
      readonly space?: AtomSpace;
      /** How deep below the call the reference evaluates `atom`, for `max-stack-depth` (14 when absent, as `case`). */
      readonly frames?: number;
      readonly then: (results: Result[]) => Outcome;
    }
  /** Query `space` with `pattern` (conjunctions allowed), then continue with the bindings found. */
  | {
      readonly kind: 'query';
      readonly space: AtomSpace;
      readonly pattern: Atom;
      readonly then: (answers: Bindings[]) => Outcome;
    };

export interface OpContext {
  readonly env: Environment;
  /** The whole call, arguments reduced, for error messages. */
  readonly call: ExpressionAtom;
  /** Bindings of the branch the call belongs to. */
  readonly bindings: Bindings;
  /** The space the evaluation draws rules and types from (`context-space`). */
  readonly space: AtomSpace;
}

export interface Builtin {
  readonly name: string;
  /**
   * A minimal MeTTa instruction's form as the reference's interpreter states it (`(eval <atom>)`):
   * a call with the wrong number or kind of arguments is then `(Error call expected: <shape>,
   * found: <call>)`, the reference's message, instead of IncorrectNumberOfArguments / BadArgType.
   */
  readonly shape?: string;
  /**
   * The declared type, e.g. `(-> Number Number Number)`; arguments typed `Atom` (or a matching
   * meta-type) arrive unevaluated. Null: untyped and variadic, every argument is evaluated.
   */
  readonly type: Atom | null;
  /**
   * No side effects, and the outcome is always values (or not-reducible, or a thrown error): the
   * interpreter may then run a call with ready arguments inline, without frames.
   */
  readonly pure?: boolean;
  /**
   * For a pure built-in of two arguments: the value `execute` would give as its one result,
   * without an outcome, or null where it would not be reducible. May throw where `execute` does.
   */
  readonly binary?: (a: Atom, b: Atom) => Atom | null;
  /**
   * The one result `execute` would give for `call` (its arguments are `call.children` after the
   * head), with the call's bindings unchanged, or null where only `execute` can say. No side
   * effects: the interpreter may then skip `execute`.
   */
  readonly direct?: (call: ExpressionAtom) => Atom | null;
  execute(args: readonly Atom[], ctx: OpContext): Outcome;
}

/** Thrown by a built-in to produce `(Error <call> <message>)`. */
export class MettaError extends Error {
  constructor(readonly payload: Atom) {
    super(typeof (payload as { name?: string }).name === 'string' ? (payload as { name: string }).name : 'MettaError');
  }
}

export const ERROR = sym('Error');

export function errorAtom(atom: Atom, message: Atom): ExpressionAtom {
  return expr([ERROR, atom, message]);
}

export function values(ctx: OpContext, ...atoms: Atom[]): Outcome {
  if (atoms.length === 1) return { kind: 'values', results: [{ atom: atoms[0]!, bindings: ctx.bindings }] };
  return { kind: 'values', results: atoms.map((atom) => ({ atom, bindings: ctx.bindings })) };
}

export function noValues(): Outcome {
  return { kind: 'values', results: [] };
}

export const NOT_REDUCIBLE: Outcome = { kind: 'not-reducible' };
