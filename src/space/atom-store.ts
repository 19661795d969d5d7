// Every atom ever added to a space, by insertion id: its token string in one growing array, the
// variable names of atoms that have variables, and whether it is still present. Insertion ids are
// dense and never reused, so id order is insertion order.

import type { Atom } from '../core/atoms.js';
import { decodeAtom, encodeInto, namedVariables } from './encoding.js';

const NO_NAMES: readonly string[] = [];

export class AtomStore {
  private tokens = new Uint32Array(1024);
  private tokenCount = 0;
  /** offsets[id] .. offsets[id + 1] is the token string of atom `id`. */
  private offsets = new Uint32Array(256);
  private alive = new Uint8Array(256);
  private idCount = 0;
  private liveCount = 0;
  private readonly names = new Map<number, readonly string[]>();
  private readonly scratch: number[] = [];

  /** Number of atoms present. */
  get size(): number {
    return this.liveCount;
  }

  /** One past the largest id ever handed out. */
  get idLimit(): number {
    return this.idCount;
  }

  add(atom: Atom): number {
    const scratch = this.scratch;
    scratch.length = 0;
    const varNames = encodeInto(atom, scratch);
    const id = this.idCount;
    this.ensureIds(id + 2);
    this.ensureTokens(this.tokenCount + scratch.length);
    this.tokens.set(scratch, this.tokenCount);
    this.offsets[id] = this.tokenCount;
    this.tokenCount += scratch.length;
    this.offsets[id + 1] = this.tokenCount;
    this.alive[id] = 1;
    if (varNames.length > 0) this.names.set(id, varNames);
    this.idCount++;
    this.liveCount++;
    return id;
  }

  /** Marks `id` removed; returns false when it was not present. */
  remove(id: number): boolean {
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

  /** The whole token array and the offset table, for builders that read many atoms. */
  rawTokens(): { tokens: Uint32Array; offsets: Uint32Array } {
    return { tokens: this.tokens, offsets: this.offsets };
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
    const offsets = new Uint32Array(cap);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
  }

  private ensureTokens(n: number): void {
    if (n <= this.tokens.length) return;
    const tokens = new Uint32Array(Math.max(n, this.tokens.length * 2));
    tokens.set(this.tokens.subarray(0, this.tokenCount));
    this.tokens = tokens;
  }
}
