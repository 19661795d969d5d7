// The CPU matcher: walks the frozen trie with a pattern, then unifies exactly at the leaves.
//
// The walk over-approximates: concrete pattern tokens descend one child, a pattern variable spans
// any whole stored sub-term, and a stored variable spans the whole pattern sub-term in front of
// it. Only concrete-token mismatches prune. At a leaf the full token strings are unified (repeated
// variables, stored variables, occurs check), once per leaf for all atoms stored there.

import type { Atom } from '../core/index.js';
import { Bindings } from '../core/index.js';
import { encodeInto, isVarToken, PAYLOAD_MASK, Tag, TAG_SHIFT } from '../space/index.js';
import { encodePattern, firstOffsets } from './pattern-encode.js';
import type { FrozenView } from '../space/index.js';
import { freshVariablesFor, TokenUnifier } from './token-unify.js';

export interface MatchHit {
  /** Insertion id of the matching atom. */
  readonly atomId: number;
  /** Values of the pattern's variables that the match bound, fully resolved. */
  readonly bindings: Bindings;
}

/**
 * A pattern encoded once for many matches. Compiling is on the path of every match (a pattern is
 * usually matched once), so only the token string, the variable names and their first offsets are
 * made up front; the sub-term ends (the trie walk, the GPU) and the pattern's ground sub-atoms
 * (binding resolution through a stored variable) are computed when first asked for.
 */
export class CompiledPattern {
  readonly tokens: Uint32Array;
  readonly varNames: readonly string[];
  private firstOffsetMemo: Uint32Array | null = null;
  private endsMemo: Uint32Array | null = null;
  private groundMemo: (Atom | undefined)[] | null = null;

  constructor(readonly atom: Atom) {
    const encoded = encodePattern(atom);
    this.tokens = encoded.tokens;
    this.varNames = encoded.varNames;
  }

  /** Offset of the first occurrence of each variable level (made when first asked: ground hits never need it). */
  get firstOffset(): Uint32Array {
    return (this.firstOffsetMemo ??= firstOffsets(this.tokens, this.varNames.length));
  }

  /** ends[i]: offset just past the sub-term starting at i. */
  get ends(): Uint32Array {
    return (this.endsMemo ??= subtermEnds(this.tokens));
  }

  /**
   * The pattern's own sub-atoms that are ground, by start offset: a binding to one of them is
   * returned as the very atom the caller passed in, not a decoded copy (large data passed to a
   * rule costs nothing to bind).
   */
  get groundAtoms(): (Atom | undefined)[] {
    if (this.groundMemo !== null) return this.groundMemo;
    const atoms: Atom[] = [];
    encodeInto(this.atom, [], atoms);
    const ends = this.ends;
    const ground = new Array<Atom | undefined>(this.tokens.length);
    // A sub-term is ground when no variable token lies inside it.
    const varsBefore = new Uint32Array(this.tokens.length + 1);
    for (let i = 0; i < this.tokens.length; i++) varsBefore[i + 1] = varsBefore[i]! + (isVarToken(this.tokens[i]!) ? 1 : 0);
    for (let i = 0; i < this.tokens.length; i++) {
      if (varsBefore[ends[i]!] === varsBefore[i]) ground[i] = atoms[i];
    }
    return (this.groundMemo = ground);
  }
}

/** ends[i] = offset just past the sub-term starting at i, for every i, in one backward pass. */
function subtermEnds(tokens: Uint32Array): Uint32Array {
  const ends = new Uint32Array(tokens.length);
  // Scanning backwards, a stack holds the start offsets of complete sub-terms to the right.
  const starts: number[] = [];
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    const arity = t >>> TAG_SHIFT === Tag.Expr ? t & PAYLOAD_MASK : 0;
    let end = i + 1;
    for (let k = 0; k < arity; k++) end = ends[starts.pop()!]!;
    ends[i] = end;
    starts.push(i);
  }
  return ends;
}

function countVars(tokens: ArrayLike<number>, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if (tokens[i]! >>> TAG_SHIFT === Tag.NewVar) n++;
  return n;
}

/** Reusable matcher state (walk stack, path buffer, unifier). Not re-entrant. */
export class TrieMatcher {
  private stack = new Int32Array(256);
  private sp = 0;
  private path = new Uint32Array(64);
  private readonly unifier = new TokenUnifier();

  /** Every atom of `view` that unifies with `pattern`, ordered by insertion id. */
  match(view: FrozenView, pattern: CompiledPattern): MatchHit[] {
    const hits: MatchHit[] = [];
    this.walk(view, pattern, hits);
    hits.sort((a, b) => a.atomId - b.atomId);
    const store = view.store;
    for (const id of view.recent) {
      if (!store.isAlive(id)) continue;
      const tokens = store.tokensOf(id);
      this.collect(pattern, tokens, tokens.length, null, id, id + 1, view, hits);
    }
    return hits;
  }

  private walk(view: FrozenView, pattern: CompiledPattern, hits: MatchHit[]): void {
    const { tok, childStart } = view.trie;
    const P = pattern.tokens;
    const ends = pattern.ends;
    const plen = P.length;
    // Stack entries: pattern offset, node, depth, stored sub-terms still open for a pattern
    // variable being spanned (0 when not spanning).
    this.sp = 0;
    this.push(0, 0, 0, 0);
    while (this.sp > 0) {
      const stack = this.stack;
      const skip = stack[--this.sp]!;
      const depth = stack[--this.sp]!;
      const node = stack[--this.sp]!;
      const p = stack[--this.sp]!;
      if (depth > 0) {
        if (depth > this.path.length) {
          const grown = new Uint32Array(this.path.length * 2);
          grown.set(this.path);
          this.path = grown;
        }
        this.path[depth - 1] = tok[node]!;
      }
      const first = childStart[node]!;
      const last = childStart[node + 1]!;
      if (skip === 0 && p === plen) {
        this.collect(pattern, this.path, depth, tok, first, last, view, hits);
        continue;
      }
      if (skip > 0 || isVarToken(P[p]!)) {
        // Spanning one stored sub-term for the pattern variable at p.
        const open = skip > 0 ? skip : 1;
        for (let c = last - 1; c >= first; c--) {
          const t = tok[c]!;
          const left = open - 1 + (t >>> TAG_SHIFT === Tag.Expr ? t & PAYLOAD_MASK : 0);
          if (left === 0) this.push(p + 1, c, depth + 1, 0);
          else this.push(p, c, depth + 1, left);
        }
        continue;
      }
      const want = P[p]!;
      // The exact child, by binary search (children are sorted by token).
      let lo = first;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tok[mid]! < want) lo = mid + 1;
        else hi = mid;
      }
      if (lo < last && tok[lo] === want) this.push(p + 1, lo, depth + 1, 0);
      // Stored variables (sorted first) span the whole pattern sub-term at p.
      for (let c = first; c < last && isVarToken(tok[c]!); c++) this.push(ends[p]!, c, depth + 1, 0);
    }
  }

  private push(p: number, node: number, depth: number, skip: number): void {
    if (this.sp + 4 > this.stack.length) {
      const grown = new Int32Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    const stack = this.stack;
    stack[this.sp++] = p;
    stack[this.sp++] = node;
    stack[this.sp++] = depth;
    stack[this.sp++] = skip;
  }

  /**
   * Unifies the pattern with one stored token string and records a hit for every present atom
   * stored under it: ids are atomIds[from..to) when `atomIds` is given, else the single id `from`.
   */
  private collect(
    pattern: CompiledPattern,
    stored: ArrayLike<number>,
    storedLength: number,
    atomIds: Uint32Array | null,
    from: number,
    to: number,
    view: FrozenView,
    hits: MatchHit[],
  ): void {
    const store = view.store;
    let anyAlive = false;
    for (let k = from; k < to; k++) {
      if (store.isAlive(atomIds === null ? k : atomIds[k]!)) {
        anyAlive = true;
        break;
      }
    }
    if (!anyAlive) return;
    const storedVars = countVars(stored, storedLength);
    if (!this.unifier.unify(pattern.tokens, pattern.varNames.length, stored, storedVars)) return;
    const names = pattern.varNames;
    for (let k = from; k < to; k++) {
      const id = atomIds === null ? k : atomIds[k]!;
      if (!store.isAlive(id)) continue;
      const fresh = freshVariablesFor(storedVars > 0 ? store.varNamesOf(id) : []);
      const map = new Map<string, Atom>();
      for (let level = 0; level < names.length; level++) {
        if (!this.unifier.isPatternVarBound(level)) continue;
        map.set(names[level]!, this.unifier.resolvePatternVar(pattern.firstOffset[level]!, names, fresh, pattern.groundAtoms));
      }
      hits.push({ atomId: id, bindings: new Bindings(map) });
    }
  }
}
