// The atom space: a multiset of atoms with insertion ids.
//
// The space that owns its atoms keeps them indexed incrementally (atom-index.ts): every add and
// remove updates posting lists directly, and matchers read the live index (`view()`). The frozen
// trie (flat-trie.ts) is built only on demand, by `snapshot()`, for the readers that need one
// flat structure: the GPU, `metta query`'s pool, and the worker threads' replicas (`share`), which read
// the trie plus the short list of atoms added since it was built.

import type { Atom, SymbolAtom } from '../core/index.js';
import { atomEquals } from '../core/index.js';
import { AtomIndex } from './atom-index.js';
import { AtomStore, type SharedStore } from './atom-store.js';
import { encodeAtom, Tag, token } from './encoding.js';
import { buildFlatTrie, emptyFlatTrie, type FlatTrie, idsWithTokens } from './flat-trie.js';
import { candidateIds } from './index-candidates.js';

/** What a trie matcher reads: the frozen trie plus the atoms added since, and the liveness test. */
export interface FrozenView {
  readonly trie: FlatTrie;
  /** Ids added after the trie was built, ascending (all larger than any id in the trie). */
  readonly recent: readonly number[];
  readonly store: AtomStore;
}

/** The live contents of a space that owns its index; always current (it is not a copy). */
export interface IndexedView {
  readonly index: AtomIndex;
  readonly store: AtomStore;
}

/** What a matcher reads: the live index of the owning space, or a frozen trie (snapshots, replicas). */
export type SpaceView = FrozenView | IndexedView;

export function isIndexedView(view: SpaceView): view is IndexedView {
  return 'index' in view;
}

/** An immutable, fully indexed state of the space (no recent atoms; liveness is read live). */
export interface SpaceSnapshot extends FrozenView {
  /** Increases with every write to the space; equal versions mean equal contents. */
  readonly version: number;
}

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
  /** A replica of another thread's space: matching and reading only, through its frozen trie. */
  private readOnly = false;
  /** The incremental index; null on a replica. */
  private index: AtomIndex | null = new AtomIndex();
  private indexedView: IndexedView | null = { index: this.index!, store: this.store };

  /**
   * The current contents for another thread: the frozen trie and the store's arrays are shared,
   * not copied (only the ids added since the trie was built and the variable names are).
   */
  share(): SharedSpace {
    return { trie: this.trie, recent: this.unfrozenIds(), store: this.store.share(), serial: this.serial, version: this.writes };
  }

  /** A read-only space over what another thread shared; it prints and versions as the original. */
  static replica(shared: SharedSpace): AtomSpace {
    const space = new AtomSpace(shared.serial);
    (space as { store: AtomStore }).store = AtomStore.fromShared(shared.store);
    space.index = null;
    space.indexedView = null;
    space.trie = shared.trie;
    space.recent = [...shared.recent];
    space.writes = shared.version;
    space.frozenAt = shared.version;
    space.readOnly = true;
    return space;
  }
  /**
   * Makes this new, empty space the one a compiled image (`.mspace`) describes: `store` and
   * `index` as read back, nothing re-encoded. With `index` null the index is built here from the
   * store's token strings, one add per present atom (the bulk alternative to reading it back; the
   * benchmark measures both). The space exists before its contents so that atoms in the image
   * can refer to it (a rule mentioning `&self`).
   */
  loadImage(store: AtomStore, index: AtomIndex | null): void {
    if (this.readOnly || this.writes !== 0 || this.store.idLimit !== 0) throw new Error('loadImage: only a new, empty space can take an image');
    if (index === null) {
      index = new AtomIndex();
      const { tokens, offsets } = store.rawTokens();
      for (let id = 0; id < store.idLimit; id++) {
        if (store.isAlive(id)) index.add(id, tokens, offsets[id]!);
      }
    }
    (this as { store: AtomStore }).store = store;
    this.index = index;
    this.indexedView = { index, store };
    // The contents changed: caches keyed by the version (declared types) must see it.
    this.writes++;
  }

  /** The incremental index (null on a replica), for writing a compiled image of the space. */
  indexForImage(): AtomIndex | null {
    return this.index;
  }

  constructor(
    /**
     * The number the space prints with (`GroundingSpace-N`). An environment numbers its own spaces
     * (so a program prints the same names however it is run); other spaces take a process-wide one.
     */
    readonly serial: number = ++spaceCounter,
  ) {}
  private trie: FlatTrie = emptyFlatTrie();
  /** Ids below this existed when the trie was built (the owning space's "recent" are the rest). */
  private trieIdLimit = 0;
  /** A replica's ids added after its trie (the owning space derives them from trieIdLimit). */
  private recent: readonly number[] = NO_RECENT;
  private writes = 0;
  private frozenAt = 0;
  /** The frozen view of the current trie (replicas' view, and snapshots), made once per trie. */
  private frozen: SpaceSnapshot | null = null;

  get size(): number {
    return this.store.size;
  }

  /** Increases with every write. */
  get version(): number {
    return this.writes;
  }

  /** Atoms added since the trie was last built (what `share` would pass as a list). */
  get addedSinceSnapshot(): number {
    return this.index === null ? this.recent.length : this.store.idLimit - this.trieIdLimit;
  }

  /**
   * A number that changes whenever an atom that could match a pattern with the atomic head `head`
   * (a symbol) and `children` children is added or removed (on a replica: on any write). Caches
   * of such queries (declared types) keep across other writes.
   */
  headStamp(head: SymbolAtom, children: number): number {
    const index = this.index;
    if (index === null) return this.writes;
    const lists = index.lists;
    const own = index.allList(index.group(token(Tag.Sym, head.id), children, true));
    const varHead = index.varHeadList(children, true);
    const bare = index.bareVars;
    return lists.appended(own) + lists.removed(own) + lists.appended(varHead) + lists.removed(varHead) + lists.appended(bare) + lists.removed(bare);
  }

  /** Adds one copy of `atom`; returns its insertion id. */
  add(atom: Atom): number {
    if (this.readOnly) throw new Error('this space is a read-only replica of another thread\'s');
    const id = this.store.add(atom);
    this.index!.add(id, this.store.tokenArray(), this.store.tokenStart(id));
    this.writes++;
    return id;
  }

  /** `add` of the expression whose children are the symbols of ids `symbolIds[0, n)`, without making it (AtomStore.addSymbols). */
  addSymbols(symbolIds: Uint32Array, n: number): number {
    if (this.readOnly) throw new Error('this space is a read-only replica of another thread\'s');
    const id = this.store.addSymbols(symbolIds, n);
    this.index!.add(id, this.store.tokenArray(), this.store.tokenStart(id));
    this.writes++;
    return id;
  }

  /** Removes the oldest present copy of `atom` (structural equality); false if there is none. */
  remove(atom: Atom): boolean {
    const { tokens } = encodeAtom(atom);
    const candidates = this.index !== null ? this.indexCandidates(tokens) : this.trieCandidates(tokens);
    for (const id of candidates) {
      if (this.store.isAlive(id) && sameTokens(this.store.tokensOf(id), tokens) && atomEquals(this.store.atom(id), atom)) {
        this.removeId(id);
        return true;
      }
    }
    return false;
  }

  /** Present ids that may be `tokens` (a superset of the exact copies, ascending). */
  private indexCandidates(tokens: Uint32Array): number[] {
    return candidateIds(this.index!, tokens, this.store.liveness()) ?? [...this.store.liveIds()];
  }

  private trieCandidates(tokens: Uint32Array): number[] {
    const candidates = idsWithTokens(this.trie, tokens);
    for (const id of this.recent) candidates.push(id);
    return candidates;
  }

  /** Removes the atom with insertion id `id`; false if it is not present. */
  removeId(id: number): boolean {
    if (this.readOnly) throw new Error('this space is a read-only replica of another thread\'s');
    if (!this.store.remove(id)) return false;
    this.index!.remove(this.store.tokenArray(), this.store.tokenStart(id), this.store.liveness());
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

  /**
   * The current contents for matching: the live index (one object for the space's lifetime; it
   * follows every write), or on a replica its frozen trie and recent ids.
   */
  view(): SpaceView {
    if (this.indexedView !== null) return this.indexedView;
    return (this.frozen ??= { trie: this.trie, recent: this.recent, store: this.store, version: this.writes });
  }

  /** A fully indexed frozen snapshot, rebuilt only when the space changed since the last one. */
  snapshot(): SpaceSnapshot {
    if (this.frozen === null || this.frozenAt !== this.writes || this.recent.length > 0) this.freeze();
    return this.frozen!;
  }

  /** Present ids added after the trie was built, ascending. */
  private unfrozenIds(): number[] {
    if (this.index === null) return [...this.recent];
    const out: number[] = [];
    for (let id = this.trieIdLimit; id < this.store.idLimit; id++) if (this.store.isAlive(id)) out.push(id);
    return out;
  }

  /** Rebuilds the trie from the store (also on a replica: it reads the shared store, writes nothing shared). */
  private freeze(): void {
    const { tokens, offsets } = this.store.rawTokens();
    this.trie = buildFlatTrie(tokens, offsets, this.store.liveIds());
    this.trieIdLimit = this.store.idLimit;
    this.recent = NO_RECENT;
    this.frozenAt = this.writes;
    this.frozen = { trie: this.trie, recent: NO_RECENT, store: this.store, version: this.writes };
  }
}

function sameTokens(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
