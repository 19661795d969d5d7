// The token string of a pattern, as `encodeInto` (space/encoding.ts) writes it, made with fewer
// allocations: a pattern is usually compiled for one match, so the compile is a visible share of a
// match's cost (a Map per call for the variable levels, a number[] grown token by token, then
// copied). Here the work buffers are reused and a few variables are looked up by a linear scan.

import { type Atom, AtomKind } from '../core/index.js';
import { EncodingLimitError, groundedToken, MAX_PAYLOAD, symbolToken, Tag, TAG_SHIFT, token } from '../space/index.js';

export interface EncodedPattern {
  readonly tokens: Uint32Array;
  readonly varNames: readonly string[];
}

/** Above this many variables a Map finds levels faster than a scan of the names. */
const SCAN_LIMIT = 8;

// Reused between calls (encodePattern calls nothing that could re-enter it), written by index:
// resetting an array's length is a runtime call, a visible cost at millions of patterns.
let out = new Uint32Array(64);
const stack: (Atom | undefined)[] = [];

export function encodePattern(atom: Atom): EncodedPattern {
  let n = 0;
  let sp = 0;
  let high = 1;
  const names: string[] = [];
  let levels: Map<string, number> | null = null;
  stack[sp++] = atom;
  while (sp > 0) {
    const a = stack[--sp]!;
    if (n === out.length) out = grown(out);
    switch (a.kind) {
      case AtomKind.Variable: {
        let level = -1;
        if (levels !== null) level = levels.get(a.name) ?? -1;
        else for (let i = 0; i < names.length; i++) if (names[i] === a.name) { level = i; break; }
        if (level < 0) {
          out[n++] = token(Tag.NewVar, names.length);
          if (levels !== null) levels.set(a.name, names.length);
          names.push(a.name);
          if (levels === null && names.length > SCAN_LIMIT) levels = new Map(names.map((name, i) => [name, i]));
        } else {
          out[n++] = token(Tag.VarRef, level);
        }
        break;
      }
      case AtomKind.Symbol:
        out[n++] = symbolToken(a);
        break;
      case AtomKind.Grounded:
        out[n++] = groundedToken(a);
        break;
      case AtomKind.Expression: {
        const k = a.children.length;
        if (k > MAX_PAYLOAD) throw new EncodingLimitError(`expression arity ${k} exceeds the encoding limit ${MAX_PAYLOAD}`);
        out[n++] = token(Tag.Expr, k);
        for (let i = k - 1; i >= 0; i--) stack[sp++] = a.children[i]!;
        if (sp > high) high = sp;
        break;
      }
    }
  }
  // Let go of the pattern's atoms: the stack must not keep a caller's data alive.
  for (let i = 0; i < high; i++) stack[i] = undefined;
  return { tokens: out.slice(0, n), varNames: names };
}

/**
 * Offset of the first occurrence of each variable level in the token string `tokens`: levels are
 * numbered in order of first occurrence, so the k-th NEWVAR token is level k's.
 */
export function firstOffsets(tokens: Uint32Array, variables: number): Uint32Array {
  const firsts = new Uint32Array(variables);
  let level = 0;
  for (let i = 0; i < tokens.length && level < variables; i++) if (tokens[i]! >>> TAG_SHIFT === Tag.NewVar) firsts[level++] = i;
  return firsts;
}

function grown(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
