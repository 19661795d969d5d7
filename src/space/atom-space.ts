// The atom space: a multiset of atoms with insertion ids, indexed by the frozen trie.
//
// Writes never touch the frozen trie. An added atom joins a short "recent" list (scanned linearly
// by matchers); a removed atom is only marked dead in the store (matchers skip dead ids). The trie
// is rebuilt lazily: `snapshot()` at batch boundaries, and `view()` once the recent list grows long
// enough that scanning it would cost more than an amortised rebuild.

import type { Atom } from '../core/atoms.js';
import { atomEquals } from '../core/equality.js';
import { AtomStore, type SharedStore } from './atom-store.js';
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

/** A space as another thread reads it without copies (`AtomSpace.share` / `AtomSpace.replica`). */
export interface SharedSpace {
  readonly trie: FlatTrie;
  readonly recent: readonly number[];
  readonly store: SharedStore;
  readonly serial: number;
  readonly version: number;
}

export class AtomSpace {
  readonly store: AtomStore = new AtomStore();
  /** A replica of another thread's space: matching and reading only. */
  private readOnly = false;

  /**
   * The current contents for another thread: the frozen trie and the store's arrays are shared,
   * not copied (only the short recent list and the variable names are).
   */
  share(): SharedSpace {
    const view = this.view();
    return { trie: view.trie, recent: view.recent, store: this.store.share(), serial: this.serial, version: this.writes };
  }

  /** A read-only space over what another thread shared; it prints and versions as the original. */
  static replica(shared: SharedSpace): AtomSpace {
    const space = new AtomSpace(shared.serial);
    (space as { store: AtomStore }).store = AtomStore.fromShared(shared.store);
    space.trie = shared.trie;
    space.recent = [...shared.recent];
    space.writes = shared.version;
    space.frozenAt = shared.version;
    space.readOnly = true;
    return space;
  }
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
    if (this.readOnly) throw new Error('this space is a read-only replica of another thread\'s');
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
    if (this.readOnly) throw new Error('this space is a read-only replica of another thread\'s');
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

  /** Rebuilds the trie from the store (also on a replica: it reads the shared store, writes nothing shared). */
  private freeze(): void {
    const { tokens, offsets } = this.store.rawTokens();
    this.trie = buildFlatTrie(tokens, offsets, this.store.liveIds());
    this.recent = [];
    this.deadInTrie = 0;
    this.frozenAt = this.writes;
    this.lastView = null; // a view of the same contents, but without the new trie
  }
}

function sameTokens(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
