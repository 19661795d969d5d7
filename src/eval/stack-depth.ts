// The depth that `pragma! max-stack-depth N` limits, counted as the reference interpreter
// (hyperon-experimental 0.2.10, lib/src/metta/interpreter.rs) counts it: in frames of its minimal
// interpreter's stack, where one MeTTa call takes a dozen or more. The reference stops with
// StackOverflow when a `(metta …)` instruction is reached at a depth of N or more; `metta_impl`,
// `interpret_expression`, `interpret_tuple` / `interpret_function`, `interpret_args` and
// `metta_call` each push their `function`, `call-native` and `chain` frames, which puts, for an
// expression whose own `metta` is at depth d:
//
// - its element i (the head is 0) at d + 10 + 2i, on the tuple path and on the typed-function path
//   alike; every element is evaluated there (a symbol or an `Atom` argument too, trivially), so the
//   expression overflows as soon as d + 8 + 2n reaches N, n its number of elements;
// - the evaluation of a call's result (a rule's body, a built-in's value) at d + 13
//   (`metta_call_return`'s `metta`), a value's too;
// - the atom a `function`-bodied stdlib rule evaluates first (`case`, `collapse`: the `metta` inside
//   their `collapse-bind`) at d + 14.
//
// Our frames are not the reference's, so the machine adds these offsets where its own frames stand
// for the same evaluations. Without the pragma a depth is one evaluation (the fan-out depth of the
// parallel drivers counts those), and none of this costs anything.

import type { EvalSettings } from './environment.js';

/** From a call's `metta` to the `metta` of its result. */
export const RESULT_FRAMES = 13;
/** From a call's `metta` to the `metta` of the atom a built-in asks to evaluate (as `case` does). */
export const EVAL_FRAMES = 14;
/** From an expression's `metta` to the `metta` of its head; element i is 2i further. */
const ELEMENT_FRAMES = 10;

/** The depth `frames` reference frames below `depth`; one evaluation below it without the pragma. */
export function deeper(settings: EvalSettings, depth: number, frames: number): number {
  return settings.maxStackDepth === null ? depth + 1 : depth + frames;
}

/** The depth of element `index` of an expression evaluated at `depth`. */
export function elementDepth(settings: EvalSettings, depth: number, index: number): number {
  return settings.maxStackDepth === null ? depth + 1 : depth + ELEMENT_FRAMES + 2 * index;
}

/**
 * Whether a `metta` `extra` frames below `depth` overflows. Depth 0 is the reference's 1 (the
 * runner's `(metta <atom> %Undefined% <space>)`, the first frame of its stack).
 */
export function overflows(settings: EvalSettings, depth: number, extra = 0): boolean {
  const max = settings.maxStackDepth;
  return max !== null && depth + 1 + extra >= max;
}

/** Whether evaluating an expression of `arity` elements at `depth` overflows (at its deepest element). */
export function expressionOverflows(settings: EvalSettings, depth: number, arity: number): boolean {
  return overflows(settings, depth, ELEMENT_FRAMES - 2 + 2 * arity);
}
