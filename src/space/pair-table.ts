// A hash table from a pair of u32 keys to a u32 value, in typed arrays (open addressing, linear
// probing, no deletion). The index keys its lists by (slot, token): a `Map` of `Map`s per slot
// cost an object and a hash table per key set and a pointer chase per lookup.

/** What `get` returns for an absent pair. */
export const ABSENT = -1;

const MIN_CAPACITY = 16;

export class PairTable {
  /**
   * Slot i: entries[3i], entries[3i + 1] the pair, entries[3i + 2] its value + 1 (0: the slot is
   * empty). Interleaved, so a lookup reads one cache line, not one per array.
   */
  private entries: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    let cap = MIN_CAPACITY;
    while (cap < capacity) cap *= 2;
    this.entries = new Uint32Array(3 * cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of (a, b), or ABSENT. */
  get(a: number, b: number): number {
    const e = this.entries;
    const mask = this.mask;
    let i = hash(a, b) & mask;
    for (;;) {
      const v = e[3 * i + 2]!;
      if (v === 0) return ABSENT;
      if (e[3 * i] === a && e[3 * i + 1] === b) return v - 1;
      i = (i + 1) & mask;
    }
  }

  /** Sets (a, b), which must be absent, to `value` (below 2^32 - 1). */
  insert(a: number, b: number, value: number): void {
    // Grown at 80% full: linear probing stays short, and a table of 200,000 keys fits 2^18 slots.
    if ((this.count + 1) * 5 > (this.mask + 1) * 4) this.grow();
    this.place(a >>> 0, b >>> 0, value + 1);
    this.count++;
  }

  /** Calls `f` with every pair and its value (in slot order). */
  forEach(f: (a: number, b: number, value: number) => void): void {
    const e = this.entries;
    for (let i = 0; i <= this.mask; i++) if (e[3 * i + 2] !== 0) f(e[3 * i]!, e[3 * i + 1]!, e[3 * i + 2]! - 1);
  }

  get byteLength(): number {
    return this.entries.byteLength;
  }

  private place(a: number, b: number, stored: number): void {
    const e = this.entries;
    let i = hash(a, b) & this.mask;
    while (e[3 * i + 2] !== 0) i = (i + 1) & this.mask;
    e[3 * i] = a;
    e[3 * i + 1] = b;
    e[3 * i + 2] = stored;
  }

  private grow(): void {
    const old = this.entries;
    const oldCap = this.mask + 1;
    this.entries = new Uint32Array(6 * oldCap);
    this.mask = 2 * oldCap - 1;
    for (let i = 0; i < oldCap; i++) if (old[3 * i + 2] !== 0) this.place(old[3 * i]!, old[3 * i + 1]!, old[3 * i + 2]!);
  }
}

/** A 32-bit mix of the pair (murmur3's finaliser over a multiplicative combination). */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
