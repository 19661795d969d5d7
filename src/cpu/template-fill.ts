// A `match` template filled in from one answer's variable values, without a Bindings: the atom
// `bindings.resolve(template)` gives when every value is ground (the usual answer, from a ground
// stored atom), since then no value mentions a variable to resolve further.

import type { Atom } from '../core/index.js';
import { AtomKind, isGroundAtom, substitute } from '../core/index.js';

/** The value of variable `level` (as the matcher numbers the pattern's variables) in the answer being filled; undefined: unbound (stays). */
export type LevelValue = (level: number) => Atom | undefined;

/** Fills `template` per answer, given the pattern's variable names by level. */
export function templateFiller(template: Atom, names: readonly string[]): (value: LevelValue) => Atom {
  if (template.kind === AtomKind.Variable) {
    const level = names.indexOf(template.name);
    return level < 0 ? () => template : (value) => value(level) ?? template;
  }
  if (template.kind !== AtomKind.Expression || isGroundAtom(template)) return () => template;
  const levels = new Map<string, number>();
  names.forEach((name, level) => levels.set(name, level));
  return (value) => substitute(template, (v) => {
    const level = levels.get(v.name);
    return level === undefined ? undefined : value(level);
  }, true);
}
