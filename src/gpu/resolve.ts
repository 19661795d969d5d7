// Turns the GPU's compact binding records into atoms. A record holds, for one (pattern, leaf), the
// binding of every pattern variable and of every variable of the stored atom, each a reference
// (offset * 2 + side) into the pattern's token string (side 0) or the stored atom's (side 1) —
// the same triangular form the CPU's TokenUnifier keeps, so resolving it gives the CPU's atoms.

import type { Atom, VariableAtom } from '../core/index.js';
import { resolveReference } from '../cpu/index.js';

/** One record's view: the two token strings and where the two binding arrays start in `words`. */
export interface RecordSides {
  readonly pattern: Uint32Array;
  readonly stored: ArrayLike<number>;
  readonly words: Uint32Array;
  /** Index in `words` of bind0[0] (pattern variables). */
  readonly bind0: number;
  /** Index in `words` of bind1[0] (stored variables). */
  readonly bind1: number;
}

/**
 * The atom a pattern variable (first occurring at `offset`) stands for, fully resolved: bound
 * variables are followed, unbound pattern variables keep their names, unbound stored variables
 * become `storedVariable(level)`; a binding to a ground sub-term of the pattern returns the
 * caller's own atom (`groundAtoms`), as the CPU matcher does.
 */
export function resolveFromRecord(
  r: RecordSides,
  offset: number,
  patternNames: readonly string[],
  storedVariable: (level: number) => VariableAtom,
  groundAtoms: readonly (Atom | undefined)[],
): Atom {
  return resolveReference(r.pattern, r.stored, r.words, r.bind0, r.words, r.bind1, offset, patternNames, storedVariable, groundAtoms);
}
