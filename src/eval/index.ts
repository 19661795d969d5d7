// Evaluation of `!` forms. This release evaluates `match` queries only; the full interpreter
// (SPEC §3, the standard library) replaces this module. Everything else is reported as not
// implemented rather than guessed at.

import { type Atom, expr, isExpression, sym } from '../core/atoms.js';
import { query } from '../cpu/index.js';
import type { AtomSpace } from '../space/atom-space.js';

export interface EvalContext {
  /** The program's space, `&self`. */
  readonly self: AtomSpace;
}

export class NotImplementedError extends Error {
  constructor(readonly atom: Atom, detail: string) {
    super(detail);
    this.name = 'NotImplementedError';
  }
}

const MATCH = sym('match');
const SELF = sym('&self');
const ERROR = sym('Error');

export function errorAtom(atom: Atom, message: Atom): Atom {
  return expr([ERROR, atom, message]);
}

/** Whether `atom` is an `(Error ...)` expression. */
export function isErrorAtom(atom: Atom): boolean {
  return isExpression(atom) && atom.children.length > 0 && atom.children[0] === ERROR;
}

/** The results of `!atom`, in the deterministic order of SPEC §4. */
export function evaluate(atom: Atom, ctx: EvalContext): Atom[] {
  if (isExpression(atom) && atom.children[0] === MATCH) return evaluateMatch(atom, ctx);
  throw new NotImplementedError(atom, 'only !(match &self PATTERN TEMPLATE) can be evaluated until the interpreter lands');
}

function evaluateMatch(call: Atom & { children: readonly Atom[] }, ctx: EvalContext): Atom[] {
  if (call.children.length !== 4) return [errorAtom(call, sym('IncorrectNumberOfArguments'))];
  const [, space, pattern, template] = call.children as [Atom, Atom, Atom, Atom];
  if (space !== SELF) {
    throw new NotImplementedError(call, 'match can only query &self until spaces become first-class values');
  }
  return query(ctx.self.view(), pattern).map((bindings) => bindings.resolve(template));
}

