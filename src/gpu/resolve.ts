// Turns the GPU's compact binding records into atoms. A record holds, for one (pattern, leaf), the
// binding of every pattern variable and of every variable of the stored atom, each a reference
// (offset * 2 + side) into the pattern's token string (side 0) or the stored atom's (side 1) —
// the same triangular form the CPU's TokenUnifier keeps, so resolving it gives the CPU's atoms.

import { type Atom, ExpressionAtom, symById, VariableAtom } from '../core/atoms.js';
import { groundedTable, PAYLOAD_MASK, TAG_SHIFT, Tag } from '../space/encoding.js';

export const UNBOUND = 0xffffffff;

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
  const frames: { children: Atom[]; arity: number }[] = [];
  // Jumps into a binding remember where to come back to and how many expressions were open.
  const returns: number[] = [];
  let side = 0;
  let at = offset;
  for (;;) {
    const t = side ? r.stored[at]! : r.pattern[at]!;
    at++;
    const tag = t >>> TAG_SHIFT;
    const payload = t & PAYLOAD_MASK;
    let done: Atom;
    if (tag === Tag.NewVar || tag === Tag.VarRef) {
      const bound = r.words[(side ? r.bind1 : r.bind0) + payload]!;
      if (bound !== UNBOUND) {
        const reuse = bound & 1 ? undefined : groundAtoms[bound >>> 1];
        if (reuse !== undefined) {
          done = reuse;
        } else {
          returns.push(side, at, frames.length);
          side = bound & 1;
          at = bound >>> 1;
          continue;
        }
      } else {
        done = side ? storedVariable(payload) : new VariableAtom(patternNames[payload]!);
      }
    } else if (tag === Tag.Expr) {
      if (payload > 0) {
        frames.push({ children: [], arity: payload });
        continue;
      }
      done = new ExpressionAtom([]);
    } else if (tag === Tag.Sym) {
      done = symById(payload);
    } else {
      done = groundedTable.atom(payload);
    }
    for (;;) {
      while (returns.length > 0 && returns[returns.length - 1] === frames.length) {
        returns.pop();
        at = returns.pop()!;
        side = returns.pop()!;
      }
      const frame = frames[frames.length - 1];
      if (frame === undefined) return done;
      frame.children.push(done);
      if (frame.children.length < frame.arity) break;
      frames.pop();
      done = new ExpressionAtom(frame.children);
    }
  }
}
