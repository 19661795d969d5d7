// Shared helpers for the core unit tests.

import { expect } from 'vitest';
import { type Atom, expr, formatAtom, MettaSyntaxError, Parser, parseAtom, sym, TokenRegistry } from '../../src/core/index.js';

export const p = (text: string): Atom => parseAtom(text);
export const show = (atom: Atom): string => formatAtom(atom);

/** Parses then prints: the canonical text of `text`. */
export const canon = (text: string): string => show(p(text));

/** `(f (f (f ... leaf)))`, `depth` levels, built without recursion. */
export function deepNest(depth: number, leaf: Atom, head: Atom = sym('f')): Atom {
  let a = leaf;
  for (let i = 0; i < depth; i++) a = expr([head, a]);
  return a;
}

/** `(((... leaf)))` as text: `depth` opening parens, leaf, `depth` closing parens. */
export function deepText(depth: number, leaf: string): string {
  return '(f '.repeat(depth) + leaf + ')'.repeat(depth);
}

/** Runs `fn`, asserts it throws a MettaSyntaxError, and returns it. */
export function syntaxError(fn: () => unknown): MettaSyntaxError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a MettaSyntaxError').toBeInstanceOf(MettaSyntaxError);
  return caught as MettaSyntaxError;
}

/** Every top-level item of `text`, as `!text` / `text`. */
export function items(text: string, tokens?: TokenRegistry): string[] {
  return new Parser(text, 't.metta', tokens).all().map((i) => (i.exec ? '!' : '') + show(i.atom));
}
