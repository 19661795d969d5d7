// Every atom ever added to a space, by insertion id: its token string in one growing array, the
// variable names of atoms that have variables, and whether it is still present. Insertion ids are
// dense and never reused, so id order is insertion order.

import type { Atom } from '../core/index.js';
import type { ExpressionAtom } from '../core/index.js';
import { decodeAtom, encodeAppend, encodeFlatInto, encodeSymbolsInto, flatGroundLength, namedVariables } from './encoding.js';

const NO_NAMES: readonly string[] = [];

/**
 * A store's arrays as another thread reads them (zero-copy: the arrays are in shared memory), with
 * the counts of the moment it was taken. Ids below `idCount` never change; the thread that owns the
 * store only appends (and flips liveness, which readers must not rely on across its writes).
 */
export interface SharedStore {
  readonly tokens: Uint32Array;
  readonly offsets: Uint32Array;
  readonly alive: Uint8Array;
  readonly idCount: number;
  readonly liveCount: number;
  readonly tokenCount: number;
  /** Variable names of the atoms that have variables. */
  readonly names: readonly (readonly [number, readonly string[]])[];
}

function sharedU8(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

function sharedU32(length: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(4 * length));
}

export class AtomStore {
  // In shared memory, so that worker threads read them without a copy (`share`).
  private tokens = sharedU32(1024);
  private tokenCount = 0;
  /** offsets[id] .. offsets[id + 1] is the token string of atom `id`. */
  private offsets = sharedU32(256);
  private alive = sharedU8(256);
  private idCount = 0;
  private liveCount = 0;
  private readonly names = new Map<number, readonly string[]>();
  /** A copy over another thread's arrays: reading only. */
  private readOnly = false;

  /** The arrays and counts as they are now, for another thread (`AtomStore.fromShared`). */
  share(): SharedStore {
    return {
      tokens: this.tokens,
      offsets: this.offsets,
      alive: this.alive,
      idCount: this.idCount,
      liveCount: this.liveCount,
      tokenCount: this.tokenCount,
      names: [...this.names],
    };
  }

  /** A read-only store over the arrays another thread shared. */
  static fromShared(shared: SharedStore): AtomStore {
    const store = new AtomStore();
    store.tokens = shared.tokens;
    store.offsets = shared.offsets;
    store.alive = shared.alive;
    store.idCount = shared.idCount;
    store.liveCount = shared.liveCount;
    store.tokenCount = shared.tokenCount;
    for (const [id, names] of shared.names) store.names.set(id, names);
    store.readOnly = true;
    return store;
  }

  /**
   * A writable store that takes over `image`'s arrays as they are (no copy; the arrays are the
   * caller's from now on): what a compiled space (`.mspace`) loads into. The arrays must be in
   * shared memory like the store's own (`share` hands them to worker threads), `offsets` at least
   * `idCount + 1` long, `alive` at least `idCount`, and `liveCount` the number of 1s in `alive`.
   * The next add past their end grows them by copying, as for any full array.
   */
  static fromImage(image: SharedStore): AtomStore {
    const store = AtomStore.fromShared(image);
    store.readOnly = false;
    return store;
  }
  /** Variable names of the atom being added (copied only when it has variables). */
  private readonly scratchNames: string[] = [];
  private readonly growTokens = (n: number): Uint32Array => {
    this.ensureTokens(n);
    return this.tokens;
  };

  /** Number of atoms present. */
  get size(): number {
    return this.liveCount;
  }

  /** One past the largest id ever handed out. */
  get idLimit(): number {
    return this.idCount;
  }

  add(atom: Atom): number {
    if (this.readOnly) throw new Error('this atom store is a read-only copy of another thread\'s');
    const flat = flatGroundLength(atom);
    if (flat >= 0) {
      // The common fact: written in place, nothing allocated.
      // Reserved first: growing replaces the token array.
      const at = this.reserveFlat(flat);
      encodeFlatInto(atom as ExpressionAtom, this.tokens, at);
      return this.commitFlat(flat);
    }
    const names = this.scratchNames;
    if (names.length > 0) names.length = 0;
    // Encoded in place, past the last atom: nothing is committed until the counts move.
    const end = encodeAppend(atom, this.tokens, this.tokenCount, this.growTokens, names);
    const id = this.idCount;
    this.ensureIds(id + 2);
    this.offsets[id] = this.tokenCount;
    this.tokenCount = end;
    this.offsets[id + 1] = end;
    this.alive[id] = 1;
    if (names.length > 0) this.names.set(id, names.slice());
    this.idCount++;
    this.liveCount++;
    return id;
  }

  /**
   * `add` of the expression whose children are the symbols of ids `symbolIds[0, n)` (a plain fact the parser read
   * without making its atom: Parser.nextSymbolFact); the same id and tokens as `add` gives it.
   */
  addSymbols(symbolIds: Uint32Array, n: number): number {
    if (this.readOnly) throw new Error('this atom store is a read-only copy of another thread\'s');
    const at = this.reserveFlat(n + 1);
    encodeSymbolsInto(symbolIds, n, this.tokens, at);
    return this.commitFlat(n + 1);
  }

  /** Room for a ground atom of `flat` tokens past the last one; returns where it starts. */
  private reserveFlat(flat: number): number {
    this.ensureIds(this.idCount + 2);
    this.ensureTokens(this.tokenCount + flat);
    return this.tokenCount;
  }

  /** Makes the `flat` tokens written at the end an atom; returns its id. */
  private commitFlat(flat: number): number {
    const id = this.idCount;
    this.offsets[id] = this.tokenCount;
    this.tokenCount += flat;
    this.offsets[id + 1] = this.tokenCount;
    this.alive[id] = 1;
    this.idCount++;
    this.liveCount++;
    return id;
  }

  /** Marks `id` removed; returns false when it was not present. */
  remove(id: number): boolean {
    if (this.readOnly) throw new Error('this atom store is a read-only copy of another thread\'s');
    if (!this.isAlive(id)) return false;
    this.alive[id] = 0;
    this.names.delete(id);
    this.liveCount--;
    return true;
  }

  isAlive(id: number): boolean {
    return id >= 0 && id < this.idCount && this.alive[id] === 1;
  }

  /** The token string of atom `id` (a view: do not keep it across adds). */
  tokensOf(id: number): Uint32Array {
    return this.tokens.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  /** The whole token array (a view of it is invalid after the next add). */
  tokenArray(): Uint32Array {
    return this.tokens;
  }

  /** Offset of atom `id`'s token string in `tokenArray()` (its end: `tokenStart(id + 1)`). */
  tokenStart(id: number): number {
    return this.offsets[id]!;
  }

  /** The whole token array and the offset table, for builders that read many atoms. */
  rawTokens(): { tokens: Uint32Array; offsets: Uint32Array } {
    return { tokens: this.tokens, offsets: this.offsets };
  }

  /** The liveness bytes by id (1: present), for index maintenance; do not keep across adds. */
  liveness(): Uint8Array {
    return this.alive;
  }

  varNamesOf(id: number): readonly string[] {
    return this.names.get(id) ?? NO_NAMES;
  }

  atom(id: number): Atom {
    const tokens = this.tokensOf(id);
    return decodeAtom(tokens, 0, namedVariables(this.varNamesOf(id)));
  }

  /** Ids of present atoms in insertion order. */
  liveIds(): Uint32Array {
    const out = new Uint32Array(this.liveCount);
    let k = 0;
    for (let id = 0; id < this.idCount; id++) if (this.alive[id] === 1) out[k++] = id;
    return out;
  }

  private ensureIds(n: number): void {
    if (n <= this.offsets.length) return;
    const cap = Math.max(n, this.offsets.length * 2);
    const offsets = sharedU32(cap);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const alive = sharedU8(cap);
    alive.set(this.alive);
    this.alive = alive;
  }

  private ensureTokens(n: number): void {
    if (n <= this.tokens.length) return;
    const tokens = sharedU32(Math.max(n, this.tokens.length * 2));
    // All of it: an atom being encoded lies past tokenCount.
    tokens.set(this.tokens);
    this.tokens = tokens;
  }
}
