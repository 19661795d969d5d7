// Every posting list of an index in one arena. A list is a number (its handle), not an object: a
// space of a million facts has hundreds of thousands of lists of about ten ids, and an object plus
// a typed array per list cost more bytes than the ids and slowed every garbage collection.
//
// A list's ids are ascending (ids are handed out in increasing order and only appended) and lie
// contiguously in one block: `ids(h)` from `start(h)` for `length(h)` entries. Blocks of up to
// MAX_BLOCK words are carved from shared chunks, by size class (2, 3, 4, 6, 8, 12, ... words); a
// list that fills its block moves to a block of the next class and the old block goes to that
// class's free list. Longer lists have a typed array of their own (grown by 1.25x: few lists, long).
// Freed blocks are reused by lists growing into their class; when free blocks are a quarter of the
// chunks, every list is copied into fresh chunks (amortised: live words grow by a third between two
// such passes).
//
// A loaded index (fromImage) keeps its lists where the image has them: one block of every list's
// ids, shared with nothing else and never written. Such a list is class BASE, full (its capacity
// is its length), and moves to a block of its own on its first append or compaction: loading a
// million-fact space copies no ids, and touches no fresh memory for them.
//
// Removal does not touch a list: the store marks the id dead, the list counts it, and once dead ids
// are half of a list of at least COMPACT_MIN_DEAD of them the list drops them in one pass (and moves
// to a smaller block when it shrank to a quarter of its capacity).

/** Lists with fewer dead ids are never compacted: skipping a few dead ids costs less. */
export const COMPACT_MIN_DEAD = 8;

const CHUNK_BITS = 16;
const CHUNK_WORDS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_WORDS - 1;
/** The largest block carved from a chunk; longer lists get an array of their own. */
const MAX_BLOCK = 4096;
/**
 * Block sizes by class: 4, 8, 12, 16, 24, 32, 48, ... MAX_BLOCK (1.5x apart from 8 on). The first
 * steps are large because every list's first few appends would otherwise each move it (a million
 * facts make 200,000 lists of about ten ids: two moves each, not five).
 */
const CLASS_WORDS: readonly number[] = (() => {
  const sizes = [4];
  for (let s = 8; s <= MAX_BLOCK; s *= 2) {
    sizes.push(s);
    if (s * 1.5 <= MAX_BLOCK) sizes.push(s * 1.5);
  }
  return sizes;
})();
/** Class of a list still in the loaded image's block (`start` indexes `base`), full. */
const BASE = 253;
/** Class of a list that has no ids yet (no block). */
const NO_BLOCK = 254;
/** Class of a list with an array of its own (`start` indexes `large`). */
const LARGE = 255;
const NIL = 0xffffffff;

/** A copy of `a` at least `n` long (and at least twice as long). */
export function grownU32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** Smallest class whose block holds `n` words (n <= MAX_BLOCK). */
function classFor(n: number, from = 0): number {
  let c = from;
  while (CLASS_WORDS[c]! < n) c++;
  return c;
}

// A list's record in `meta`: four words together, so an append touches one cache line there
// (parallel arrays cost one miss each; indexes of a million atoms do not fit in the caches).
const START = 0; // global address of its block, or its index in `large`
const LENGTH = 1;
const CLASS = 2;
const DEAD = 3;

export class PostingArena {
  /** meta[4h .. 4h + 4): list h's START, LENGTH, CLASS, DEAD. */
  private meta = new Uint32Array(4 * 1024);
  /** Removals counted per list (read only by stamps, so kept apart). */
  private removedOf = new Uint32Array(1024);
  private count = 0;

  private chunks: Uint32Array[] = [];
  /** Global address (chunk << CHUNK_BITS | offset) of the next unused word of the last chunk. */
  private top = 0;
  private topEnd = 0;
  /** Head of each class's free list (the next link is a freed block's first word). */
  private readonly freeHead = new Array<number>(CLASS_WORDS.length).fill(NIL);
  private freeWords = 0;
  private readonly large: Uint32Array[] = [];
  /** The loaded image's ids (lists of class BASE), read only. */
  private base: Uint32Array = EMPTY;

  /** Number of lists. */
  get lists(): number {
    return this.count;
  }

  /** A new empty list. */
  create(): number {
    const h = this.count++;
    if (h === this.removedOf.length) {
      this.meta = grownU32(this.meta, 4 * (h + 1));
      this.removedOf = grownU32(this.removedOf, h + 1);
    }
    this.meta[4 * h + CLASS] = NO_BLOCK;
    return h;
  }

  /** Ids in list `h`, dead ones still there included. */
  length(h: number): number {
    return this.meta[4 * h + LENGTH]!;
  }

  /** Ids of list `h` counted dead and not yet dropped. */
  dead(h: number): number {
    return this.meta[4 * h + DEAD]!;
  }

  /** Present ids of list `h` (its length less its dead). */
  liveLength(h: number): number {
    return this.meta[4 * h + LENGTH]! - this.meta[4 * h + DEAD]!;
  }

  /** Every id ever appended to `h` (never decreases, also across compactions): a change stamp. */
  appended(h: number): number {
    // Compaction drops exactly the dead ids, so length + (removed - dead) counts every append.
    return this.meta[4 * h + LENGTH]! + this.removedOf[h]! - this.meta[4 * h + DEAD]!;
  }

  /** Every removal counted in `h` (never decreases): with `appended`, a stamp that sees removals. */
  removed(h: number): number {
    return this.removedOf[h]!;
  }

  /** The array holding list `h` (from `start(h)`); invalid after the next write to the arena. */
  ids(h: number): Uint32Array {
    const c = this.meta[4 * h + CLASS]!;
    if (c === LARGE) return this.large[this.meta[4 * h + START]!]!;
    if (c === NO_BLOCK) return EMPTY;
    if (c === BASE) return this.base;
    return this.chunks[this.meta[4 * h + START]! >>> CHUNK_BITS]!;
  }

  /** Offset of list `h`'s first id in `ids(h)`. */
  start(h: number): number {
    const c = this.meta[4 * h + CLASS]!;
    if (c === BASE) return this.meta[4 * h + START]!;
    return c === LARGE || c === NO_BLOCK ? 0 : this.meta[4 * h + START]! & CHUNK_MASK;
  }

  /** Appends `id` (larger than every id in the list). */
  push(h: number, id: number): void {
    const meta = this.meta;
    const r = 4 * h;
    const n = meta[r + LENGTH]!;
    const c = meta[r + CLASS]!;
    if (c < CLASS_WORDS.length && n < CLASS_WORDS[c]!) {
      const a = meta[r + START]! + n;
      this.chunks[a >>> CHUNK_BITS]![a & CHUNK_MASK] = id;
    } else if (c === LARGE) {
      let arr = this.large[this.meta[4 * h + START]!]!;
      if (n === arr.length) {
        const grown = new Uint32Array(n + (n >>> 2));
        grown.set(arr);
        this.large[this.meta[4 * h + START]!] = arr = grown;
      }
      arr[n] = id;
    } else {
      this.resize(h, n + 1);
      this.ids(h)[this.start(h) + n] = id;
    }
    this.meta[4 * h + LENGTH] = n + 1;
  }

  /** Counts one id of `h` as dead; drops the dead ids once they are half the list. */
  noteDead(h: number, alive: Uint8Array): void {
    const dead = ++this.meta[4 * h + DEAD]!;
    this.removedOf[h]!++;
    if (dead >= COMPACT_MIN_DEAD && dead * 2 >= this.meta[4 * h + LENGTH]!) this.compact(h, alive);
  }

  /** Keeps only the ids of `h` whose liveness byte is 1, in order; gives memory back when it shrank a lot. */
  compact(h: number, alive: Uint8Array): void {
    // The image's block is never written: the list moves to a block of its own first.
    if (this.meta[4 * h + CLASS] === BASE) this.resize(h, this.meta[4 * h + LENGTH]!);
    const arr = this.ids(h);
    const s = this.start(h);
    const n = this.meta[4 * h + LENGTH]!;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const id = arr[s + i]!;
      if (alive[id] === 1) arr[s + k++] = id;
    }
    this.meta[4 * h + LENGTH] = k;
    this.meta[4 * h + DEAD] = 0;
    if (k * 4 < this.capacity(h) && this.capacity(h) > 16) this.resize(h, Math.max(2, k * 2));
  }

  /** Words reserved for list `h`'s ids. */
  capacity(h: number): number {
    const c = this.meta[4 * h + CLASS]!;
    if (c === NO_BLOCK) return 0;
    if (c === BASE) return this.meta[4 * h + LENGTH]!;
    return c === LARGE ? this.large[this.meta[4 * h + START]!]!.length : CLASS_WORDS[c]!;
  }

  /**
   * An arena holding `count` lists as an index image describes them: list h has lengths[h] ids, taken
   * in order from `ids` (one block, every list's ids one after the other), dead[h] of them counted
   * dead and removed[h] removals counted. The lists stay in `ids` (class BASE), which the arena
   * owns from now on and never writes; the caller checked the numbers (index-image.ts).
   */
  static fromImage(count: number, lengths: Uint32Array, dead: Uint32Array, removed: Uint32Array, ids: Uint32Array): PostingArena {
    const a = new PostingArena();
    a.meta = new Uint32Array(4 * Math.max(count, 1024));
    a.removedOf = new Uint32Array(Math.max(count, 1024));
    a.count = count;
    a.base = ids;
    let from = 0;
    for (let h = 0; h < count; h++) {
      const n = lengths[h]!;
      const r = 4 * h;
      a.meta[r + LENGTH] = n;
      a.meta[r + DEAD] = dead[h]!;
      a.removedOf[h] = removed[h]!;
      a.meta[r + CLASS] = n === 0 ? NO_BLOCK : BASE;
      a.meta[r + START] = from;
      from += n;
    }
    return a;
  }

  /** Bytes held by the arena: chunks, own arrays of long lists and the per-list tables. */
  get byteLength(): number {
    let b = this.chunks.length * CHUNK_WORDS * 4;
    for (const a of this.large) b += a.byteLength;
    return b + this.base.byteLength + this.meta.byteLength + this.removedOf.byteLength;
  }

  /** Bytes of the ids' blocks that are reserved for lists (free blocks and chunk tails aside). */
  get reservedIdBytes(): number {
    let b = 0;
    for (let h = 0; h < this.count; h++) b += this.capacity(h) * 4;
    return b;
  }

  /** Moves list `h` to a block (or array) that holds at least `need` ids. */
  private resize(h: number, need: number): void {
    const oldArr = this.ids(h);
    const oldStart = this.start(h);
    const n = this.meta[4 * h + LENGTH]!;
    const oldClass = this.meta[4 * h + CLASS]!;
    const oldAddr = this.meta[4 * h + START]!;
    if (need > MAX_BLOCK) {
      const arr = new Uint32Array(Math.max(need, MAX_BLOCK + (MAX_BLOCK >>> 1)));
      arr.set(oldArr.subarray(oldStart, oldStart + n));
      if (oldClass === LARGE) this.large[oldAddr] = arr;
      else {
        if (oldClass < CLASS_WORDS.length) this.release(oldAddr, oldClass);
        this.meta[4 * h + START] = this.large.length;
        this.large.push(arr);
        this.meta[4 * h + CLASS] = LARGE;
      }
      return;
    }
    // Growing by one (the common case) starts the search at the list's own class.
    const c = classFor(need, oldClass < CLASS_WORDS.length && CLASS_WORDS[oldClass]! < need ? oldClass + 1 : 0);
    const addr = this.allocate(c);
    const chunk = this.chunks[addr >>> CHUNK_BITS]!;
    const at = addr & CHUNK_MASK;
    // `allocate` may have compacted the chunks and moved `h`: read its ids again.
    const src = oldClass === LARGE ? oldArr : this.ids(h);
    const from = oldClass === LARGE ? oldStart : this.start(h);
    for (let i = 0; i < n; i++) chunk[at + i] = src[from + i]!;
    if (oldClass === LARGE) {
      // The array's slot stays in `large`, empty: long lists that shrink are rare.
      this.large[oldAddr] = EMPTY;
    } else if (oldClass < CLASS_WORDS.length) this.release(this.meta[4 * h + START]!, oldClass);
    this.meta[4 * h + START] = addr;
    this.meta[4 * h + CLASS] = c;
  }

  /** Address of a free block of class `c`. */
  private allocate(c: number): number {
    const head = this.freeHead[c]!;
    if (head !== NIL) {
      this.freeHead[c] = this.chunks[head >>> CHUNK_BITS]![head & CHUNK_MASK]!;
      this.freeWords -= CLASS_WORDS[c]!;
      return head;
    }
    if (this.freeWords * 4 > this.chunks.length * CHUNK_WORDS && this.chunks.length >= 4) this.repack();
    const size = CLASS_WORDS[c]!;
    if (this.top + size > this.topEnd) this.newChunk();
    const addr = this.top;
    this.top += size;
    return addr;
  }

  private release(addr: number, c: number): void {
    this.chunks[addr >>> CHUNK_BITS]![addr & CHUNK_MASK] = this.freeHead[c]!;
    this.freeHead[c] = addr;
    this.freeWords += CLASS_WORDS[c]!;
  }

  /** Starts a chunk; the last one's unused tail goes to the free lists (largest blocks first). */
  private newChunk(): void {
    for (let c = CLASS_WORDS.length - 1; c >= 0; c--) {
      while (this.top + CLASS_WORDS[c]! <= this.topEnd) {
        this.release(this.top, c);
        this.top += CLASS_WORDS[c]!;
      }
    }
    const index = this.chunks.length;
    this.chunks.push(new Uint32Array(CHUNK_WORDS));
    this.top = index << CHUNK_BITS;
    this.topEnd = this.top + CHUNK_WORDS;
  }

  /** Copies every chunk-held list into fresh chunks, leaving no free blocks. */
  private repack(): void {
    const old = this.chunks;
    this.chunks = [];
    this.freeHead.fill(NIL);
    this.freeWords = 0;
    this.top = 0;
    this.topEnd = 0;
    for (let h = 0; h < this.count; h++) {
      const c = this.meta[4 * h + CLASS]!;
      if (c >= CLASS_WORDS.length) continue;
      const size = CLASS_WORDS[c]!;
      if (this.top + size > this.topEnd) this.newChunk();
      const from = this.meta[4 * h + START]!;
      const src = old[from >>> CHUNK_BITS]!;
      const dst = this.chunks[this.top >>> CHUNK_BITS]!;
      const s = from & CHUNK_MASK;
      const d = this.top & CHUNK_MASK;
      const n = this.meta[4 * h + LENGTH]!;
      for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
      this.meta[4 * h + START] = this.top;
      this.top += size;
    }
  }
}

const EMPTY = new Uint32Array(0);
