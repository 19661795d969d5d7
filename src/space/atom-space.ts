// The atom space: a multiset of atoms with insertion ids, indexed by the frozen trie.
//
// Writes never touch the frozen trie. An added atom joins a short "recent" list (scanned linearly
// by matchers); a removed atom is only marked dead in the store (matchers skip dead ids). The trie
// is rebuilt lazily: `snapshot()` at batch boundaries, and `view()` once the recent list grows long
// enough that scanning it would cost more than an amortised rebuild.

import type { Atom } from '../core/atoms.js';
import { atomEquals } from '../core/equality.js';
import { AtomStore } from './atom-store.js';
import { encodeAtom } from './encoding.js';
import { buildFlatTrie, emptyFlatTrie, type FlatTrie, idsWithTokens } from './flat-trie.js';

/** What a matcher reads: the frozen trie plus the atoms added since, and the liveness test. */
export interface SpaceView {
  readonly trie: FlatTrie;
  /** Ids added after the trie was built, ascending (all larger than any id in the trie). */
  readonly recent: readonly number[];
  readonly store: AtomStore;
}

/** An immutable, fully indexed state of the space (no recent atoms, no dead ids). */
export interface SpaceSnapshot extends SpaceView {
  /** Increases with every write to the space; equal versions mean equal contents. */
  readonly version: number;
}

/** Recent atoms tolerated before `view()` rebuilds the trie. */
const RECENT_LIMIT = 4096;

let spaceCounter = 0;
const NO_RECENT: readonly number[] = Object.freeze([]);

export class AtomSpace {
  readonly store = new AtomStore();
  constructor(
    /**
     * The number the space prints with (`GroundingSpace-N`). An environment numbers its own spaces
     * (so a program prints the same names however it is run); other spaces take a process-wide one.
     */
    readonly serial: number = ++spaceCounter,
  ) {}
  private trie: FlatTrie = emptyFlatTrie();
  private recent: number[] = [];
  private deadInTrie = 0;
  private writes = 0;
  private frozenAt = 0;
  /** The last view handed out and the write count it reflects (views are immutable). */
  private lastView: SpaceView | null = null;
  private viewAt = -1;

  get size(): number {
    return this.store.size;
  }

  /** Increases with every write. */
  get version(): number {
    return this.writes;
  }

  /** Adds one copy of `atom`; returns its insertion id. */
  add(atom: Atom): number {
    const id = this.store.add(atom);
    this.recent.push(id);
    this.writes++;
    return id;
  }

  /** Removes the oldest present copy of `atom` (structural equality); false if there is none. */
  remove(atom: Atom): boolean {
    const { tokens } = encodeAtom(atom);
    const candidates = idsWithTokens(this.trie, tokens);
    for (const id of this.recent) if (sameTokens(this.store.tokensOf(id), tokens)) candidates.push(id);
    for (const id of candidates) {
      if (this.store.isAlive(id) && atomEquals(this.store.atom(id), atom)) {
        this.removeId(id);
        return true;
      }
    }
    return false;
  }

  /** Removes the atom with insertion id `id`; false if it is not present. */
  removeId(id: number): boolean {
    if (!this.store.remove(id)) return false;
    const at = this.recent.indexOf(id);
    if (at >= 0) this.recent.splice(at, 1);
    else this.deadInTrie++;
    this.writes++;
    return true;
  }

  atom(id: number): Atom {
    return this.store.atom(id);
  }

  /** Present atoms in insertion order. */
  atoms(): Atom[] {
    const ids = this.store.liveIds();
    const out = new Array<Atom>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.store.atom(ids[i]!);
    return out;
  }

  ids(): Uint32Array {
    return this.store.liveIds();
  }

  /** The current contents for matching; may rebuild the trie when many writes piled up. */
  view(): SpaceView {
    if (this.viewAt === this.writes && this.lastView !== null) return this.lastView;
    if (this.recent.length > RECENT_LIMIT || this.deadInTrie > RECENT_LIMIT + (this.trie.atomCount >>> 1)) this.freeze();
    this.lastView = { trie: this.trie, recent: this.recent.length === 0 ? NO_RECENT : this.recent.slice(), store: this.store };
    this.viewAt = this.writes;
    return this.lastView;
  }

  /** A fully indexed snapshot, rebuilt only when the space changed since the last one. */
  snapshot(): SpaceSnapshot {
    if (this.frozenAt !== this.writes || this.recent.length > 0) this.freeze();
    return { trie: this.trie, recent: [], store: this.store, version: this.writes };
  }

  private freeze(): void {
    const { tokens, offsets } = this.store.rawTokens();
    this.trie = buildFlatTrie(tokens, offsets, this.store.liveIds());
    this.recent = [];
    this.deadInTrie = 0;
    this.frozenAt = this.writes;
  }
}

function sameTokens(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
