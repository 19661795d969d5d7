// Compact results of one pattern against the live index: the matching atom ids and, per hit, the
// binding record of the unification (refs into the stored token array or the pattern, see
// token-unify.ts), with no atom, Map or Bindings made until a caller asks for one. Matching a
// pattern with ten results used to allocate a Bindings and a Map per hit (and the GC that
// follows); this is two typed arrays per pattern.
//
// The stored token array is the store's own, captured at match time: the store only appends (a
// grown array is a copy, the old one is left as it was), so the refs stay valid after later adds
// and removes.

import type { Atom, VariableAtom } from '../core/index.js';
import { Bindings, symById } from '../core/index.js';
import { groundedTable, TAG_SHIFT, Tag, PAYLOAD_MASK } from '../space/index.js';
import { freshVariablesFor, resolveReference } from './token-unify.js';
import type { CompiledPattern, MatchHit } from './trie-match.js';

/** A ground stored atom has no variables to make fresh. */
const NO_STORED_VARIABLES = (level: number): VariableAtom => {
  throw new RangeError(`stored variable ${level} in a ground atom`);
};

export const UNBOUND_REF = -1;

export class CompactResults {
  constructor(
    readonly pattern: CompiledPattern,
    /** The store's token array the stored refs point into. */
    readonly stored: Uint32Array,
    /** Atom ids of the hits, ascending (insertion order, SPEC §4). */
    readonly ids: Uint32Array,
    /**
     * Binding records: hit i's pattern variables at binds[start(i) + level], then its stored
     * variables' (when the atom has any). A binding is a ref offset * 2 + side (1: `stored`, 0:
     * the pattern's tokens), UNBOUND_REF when the match left the variable free.
     */
    private readonly binds: Int32Array,
    /** Record starts (count + 1 of them), or null when every record is the pattern's variables only. */
    private readonly starts: Uint32Array | null,
    /** Variable names of the stored atoms of hits that have stored variables, by hit (kept: a removal forgets them). */
    private readonly storedNames: readonly (readonly string[] | undefined)[] | null,
  ) {}

  get count(): number {
    return this.ids.length;
  }

  atomId(i: number): number {
    return this.ids[i]!;
  }

  private recordAt(i: number): number {
    return this.starts === null ? i * this.pattern.varNames.length : this.starts[i]!;
  }

  private storedVarsAt(i: number): number {
    return this.starts === null ? 0 : this.starts[i + 1]! - this.starts[i]! - this.pattern.varNames.length;
  }

  /** The binding of pattern variable `level` in hit i: a ref (offset * 2 + side), or UNBOUND_REF. */
  refAt(i: number, level: number): number {
    return this.binds[this.recordAt(i) + level]!;
  }

  /**
   * Whether hit i's atom had no variables: its bindings are then plain sub-terms of the stored
   * atom, at stored offset refAt(i, level) >>> 1, every variable bound.
   */
  isGroundHit(i: number): boolean {
    return this.storedVarsAt(i) === 0;
  }

  /**
   * The bindings of hit i, as the Bindings-building matcher gives them. Unbound stored variables
   * become fresh variables, made at this call: materialize each hit once, in order, to get the
   * names the eager path gives.
   */
  bindingsAt(i: number): Bindings {
    const names = this.pattern.varNames;
    if (names.length === 0) return new Bindings();
    const at = this.recordAt(i);
    const storedVars = this.storedVarsAt(i);
    const fresh = storedVars > 0 ? freshVariablesFor(this.storedNames![i]!) : NO_STORED_VARIABLES;
    const map = new Map<string, Atom>();
    for (let level = 0; level < names.length; level++) {
      if (this.binds[at + level] === UNBOUND_REF) continue;
      map.set(names[level]!, this.resolve(at, level, storedVars, fresh));
    }
    return new Bindings(map);
  }

  /** The value of pattern variable `level` in hit i (undefined when unbound); fresh variables as in bindingsAt. */
  valueAt(i: number, level: number): Atom | undefined {
    const at = this.recordAt(i);
    if (this.binds[at + level] === UNBOUND_REF) return undefined;
    const storedVars = this.storedVarsAt(i);
    return this.resolve(at, level, storedVars, storedVars > 0 ? freshVariablesFor(this.storedNames![i]!) : NO_STORED_VARIABLES);
  }

  private resolve(at: number, level: number, storedVars: number, fresh: (level: number) => VariableAtom): Atom {
    const ref = this.binds[at + level]!;
    // The common case, a variable bound to a stored symbol or grounded value: that atom, directly.
    if (ref & 1) {
      const t = this.stored[ref >>> 1]!;
      const tag = t >>> TAG_SHIFT;
      if (tag === Tag.Sym) return symById(t & PAYLOAD_MASK);
      if (tag === Tag.Gnd) return groundedTable.atom(t & PAYLOAD_MASK);
    }
    const p = this.pattern;
    // Only a stored variable can bind a pattern variable to a sub-term of the pattern itself, so
    // the pattern's ground sub-atoms (computed on demand) are needed only then.
    const ground = storedVars > 0 ? p.groundAtoms : undefined;
    return resolveReference(p.tokens, this.stored, this.binds, at, this.binds, at + p.varNames.length, p.firstOffset[level]!, p.varNames, fresh, ground);
  }

  /** Every hit with its Bindings, in order (the MatchHit API). */
  hits(): MatchHit[] {
    const out: MatchHit[] = new Array(this.count);
    for (let i = 0; i < out.length; i++) out[i] = { atomId: this.ids[i]!, bindings: this.bindingsAt(i) };
    return out;
  }

  /** Every hit's Bindings, in order. */
  bindings(): Bindings[] {
    const out: Bindings[] = new Array(this.count);
    for (let i = 0; i < out.length; i++) out[i] = this.bindingsAt(i);
    return out;
  }
}
