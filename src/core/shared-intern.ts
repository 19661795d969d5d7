// An intern table in shared memory: strings get dense integer ids that are the same in every
// thread attached to the table. Symbol ids and grounded-value ids are payloads of the token
// encoding, so with one table per kind the flat trie and the token strings a thread builds can
// be read by any other thread as they are (zero-copy), without translating ids.
//
// Layout (growable SharedArrayBuffers, viewed by length-tracking typed arrays, so growth made by
// one thread is visible to all):
//   control  Int32  [0] lock, [1] number of ids, [2] bytes used, [3] hash slots, [4] waiters
//   spans    Int32  [2 id] start and [2 id + 1] end of its UTF-8 bytes, end -1 for an id without a
//                   string (ids are published only after their bytes and span are written, so
//                   reading a known id needs no lock)
//   hashes   Int32  id -> hash of its string (to rehash and to compare quickly)
//   slots    Int32  open-addressing table of id + 1 (0 = empty), only touched under the lock
//   bytes    Uint8  the strings, UTF-8
// Ids made with `allocate()` have no string and are not in the hash (objects interned by identity).
//
// Every thread caches what it looked up, so the lock is taken only the first time a thread meets
// a string.

export interface SharedInternHandles {
  readonly control: SharedArrayBuffer;
  readonly spans: SharedArrayBuffer;
  readonly hashes: SharedArrayBuffer;
  readonly slots: SharedArrayBuffer;
  readonly bytes: SharedArrayBuffer;
}

const LOCK = 0;
const COUNT = 1;
const BYTES_USED = 2;
const SLOT_COUNT = 3;
/** Threads waiting for the lock (so that an uncontended unlock skips the notify). */
const WAITERS = 4;

const MAX_IDS = 1 << 26;
const MAX_BYTES = 1 << 30;
const INITIAL_SLOTS = 1 << 12;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** ES2024 growable shared buffers (Node 20 has them; the ES2022 lib we compile with does not type them). */
interface GrowableSharedArrayBuffer extends SharedArrayBuffer {
  readonly maxByteLength: number;
  grow(bytes: number): void;
}
const GrowableSAB = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => GrowableSharedArrayBuffer;

function growable(bytes: number, max: number): SharedArrayBuffer {
  return new GrowableSAB(bytes, { maxByteLength: max });
}

/** FNV-1a over UTF-16 code units: the same in every thread. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export class SharedInternTable {
  private readonly control: Int32Array;
  // Fixed-length views of the growable buffers, remade by `fitViews` when the table outgrew them
  // (here or in another thread): an element access through a length-tracking view costs several
  // times more (0.4 µs a lookup against 0.1).
  private spans: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private hashes: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private slots: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);

  private constructor(readonly handles: SharedInternHandles) {
    this.control = new Int32Array(handles.control);
    this.remakeViews();
  }

  static create(): SharedInternTable {
    const handles: SharedInternHandles = {
      control: new SharedArrayBuffer(32),
      spans: growable(8 * 1024, 8 * MAX_IDS),
      hashes: growable(4 * 1024, 4 * MAX_IDS),
      slots: growable(4 * INITIAL_SLOTS, 4 * 2 * MAX_IDS),
      bytes: growable(16 * 1024, MAX_BYTES),
    };
    new Int32Array(handles.control)[SLOT_COUNT] = INITIAL_SLOTS;
    return new SharedInternTable(handles);
  }

  static attach(handles: SharedInternHandles): SharedInternTable {
    return new SharedInternTable(handles);
  }

  /** Ids handed out so far. */
  count(): number {
    return Atomics.load(this.control, COUNT);
  }

  /** The string of `id`, or null for an id made by `allocate` (or not made yet). */
  keyOf(id: number): string | null {
    if (id < 0 || id >= this.count()) return null;
    if (2 * id + 1 >= this.spans.length) this.remakeViews();
    const start = this.spans[2 * id]!;
    const end = this.spans[2 * id + 1]!;
    if (end < 0) return null;
    if (end > this.bytes.length) this.remakeViews();
    return decoder.decode(this.bytes.slice(start, end));
  }

  /** The id of `key`, made if it has none. */
  intern(key: string): number {
    const h = hashOf(key);
    this.lock();
    try {
      const found = this.find(key, h);
      if (found >= 0) return found;
      return this.add(key, h);
    } finally {
      this.unlock();
    }
  }

  /**
   * `intern` of the string whose UTF-8 bytes are `utf8[from, to)`, every one of them ASCII (the caller
   * checked): hashed, compared and stored as bytes, so no JavaScript string is made. A loaded
   * symbol table goes through here (mspace.ts).
   */
  internAscii(utf8: Uint8Array, from = 0, to = utf8.length): number {
    this.lock();
    try {
      return this.internAsciiLocked(utf8, from, to);
    } finally {
      this.unlock();
    }
  }

  /**
   * `internAscii` of `count` strings at once, under one lock: string i is `utf8[spans[2i], spans[2i+1])`
   * and its id goes to `ids[i]`. A loaded symbol table of 100,000 names takes the lock once, not
   * 100,000 times.
   */
  internAsciiBatch(utf8: Uint8Array, spans: Uint32Array, count: number, ids: Uint32Array): void {
    let bytesNeeded = 0;
    for (let i = 0; i < count; i++) bytesNeeded += spans[2 * i + 1]! - spans[2 * i]!;
    this.lock();
    try {
      this.reserveLocked(count, bytesNeeded);
      // With the room reserved above nothing grows, and the new ids are published once, at the end.
      const first = this.control[COUNT]!;
      const slotCount = this.control[SLOT_COUNT]!;
      const used = this.control[BYTES_USED]!;
      const { spans: spanOf, hashes, slots, bytes } = this;
      const mask = slotCount - 1;
      let next = first;
      let end = used;
      for (let i = 0; i < count; i++) {
        const from = spans[2 * i]!;
        const to = spans[2 * i + 1]!;
        const length = to - from;
        let h = 0x811c9dc5;
        for (let k = from; k < to; k++) h = Math.imul(h ^ utf8[k]!, 0x01000193);
        h |= 0;
        let slot = h & mask;
        let id = -1;
        for (; ; slot = (slot + 1) & mask) {
          const s = slots[slot]!;
          if (s === 0) break;
          const candidate = s - 1;
          if (hashes[candidate] !== h) continue;
          const start = spanOf[2 * candidate]!;
          if (spanOf[2 * candidate + 1]! - start !== length) continue;
          let k = 0;
          while (k < length && bytes[start + k] === utf8[from + k]) k++;
          if (k === length) {
            id = candidate;
            break;
          }
        }
        if (id < 0) {
          id = next++;
          for (let k = 0; k < length; k++) bytes[end + k] = utf8[from + k]!;
          spanOf[2 * id] = end;
          spanOf[2 * id + 1] = end + length;
          end += length;
          hashes[id] = h;
          slots[slot] = id + 1;
        }
        ids[i] = id;
      }
      this.control[BYTES_USED] = end;
      Atomics.store(this.control, COUNT, next);
    } finally {
      this.unlock();
    }
  }

  private internAsciiLocked(utf8: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ utf8[i]!, 0x01000193);
    h |= 0;
    const found = this.findBytes(utf8, from, to, h);
    if (found >= 0) return found;
    const length = to - from;
    const id = this.reserve(length);
    const start = this.spans[2 * id]!;
    // Names are short: a loop, not set(subarray), which would make a view per name.
    for (let k = 0; k < length; k++) this.bytes[start + k] = utf8[from + k]!;
    this.spans[2 * id + 1] = start + length;
    this.hashes[id] = h;
    this.insertSlot(id, h);
    this.publish(id);
    return id;
  }

  /** The id of `key` if some thread interned it, else -1 (nothing is made). */
  lookup(key: string): number {
    const h = hashOf(key);
    this.lock();
    try {
      return this.find(key, h);
    } finally {
      this.unlock();
    }
  }

  /** A new id with no string (for values interned by identity). */
  allocate(): number {
    this.lock();
    try {
      const id = this.reserve(0);
      this.spans[2 * id + 1] = -1;
      this.publish(id);
      return id;
    } finally {
      this.unlock();
    }
  }

  private find(key: string, h: number): number {
    const mask = this.control[SLOT_COUNT]! - 1;
    const { slots, hashes, spans, bytes } = this;
    const length = key.length;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (hashes[id] !== h) continue;
      // UTF-8 is as long as UTF-16 exactly when every unit is ASCII: a stored string of the key's
      // length is compared byte by byte (an equal one is ASCII); a longer one may be the key
      // written with non-ASCII characters, and is decoded.
      const start = spans[2 * id]!;
      const end = spans[2 * id + 1]!;
      if (end - start === length) {
        let k = 0;
        for (let c = 0; k < length && (c = key.charCodeAt(k)) < 0x80 && bytes[start + k] === c; ) k++;
        if (k === length) return id;
      } else if (end - start > length && this.keyOf(id) === key) {
        return id;
      }
    }
  }

  private findBytes(utf8: Uint8Array, from: number, to: number, h: number): number {
    const mask = this.control[SLOT_COUNT]! - 1;
    const { slots, hashes, spans, bytes } = this;
    const length = to - from;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      const id = slot - 1;
      if (hashes[id] !== h) continue;
      const start = spans[2 * id]!;
      if (spans[2 * id + 1]! - start !== length) continue;
      let k = 0;
      while (k < length && bytes[start + k] === utf8[from + k]) k++;
      if (k === length) return id;
    }
  }

  private add(key: string, h: number): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit: reserve that, then encode in place (an ASCII key
    // byte by byte, without a view per key).
    const id = this.reserve(3 * key.length);
    const start = this.spans[2 * id]!;
    const bytes = this.bytes;
    let written = 0;
    while (written < key.length) {
      const c = key.charCodeAt(written);
      if (c >= 0x80) break;
      bytes[start + written] = c;
      written++;
    }
    if (written < key.length) written = encoder.encodeInto(key, bytes.subarray(start, start + 3 * key.length)).written;
    this.spans[2 * id + 1] = start + written;
    this.control[BYTES_USED] = start + written;
    this.hashes[id] = h;
    this.insertSlot(id, h);
    this.publish(id);
    return id;
  }

  /**
   * Room for `ids` more strings of `bytes` bytes in all, made at once: a loaded symbol table of
   * 100,000 names would otherwise grow the hash table six times, rehashing every id each time.
   */
  reserveCapacity(ids: number, bytes: number): void {
    this.lock();
    try {
      this.reserveLocked(ids, bytes);
    } finally {
      this.unlock();
    }
  }

  private reserveLocked(ids: number, bytes: number): void {
    const count = this.control[COUNT]! + ids;
    if (count > MAX_IDS) throw new RangeError(`more than ${MAX_IDS} interned values`);
    if (this.control[BYTES_USED]! + bytes > MAX_BYTES) throw new RangeError('interned strings exceed 1 GiB');
    this.fit(2 * count, count, this.control[BYTES_USED]! + bytes);
    let slots = this.control[SLOT_COUNT]!;
    while (2 * count > slots) slots *= 2;
    if (slots !== this.control[SLOT_COUNT]) this.rehash(slots);
  }

  /** Room for one more id with `length` bytes; returns the id (not yet published). */
  private reserve(length: number): number {
    const id = this.control[COUNT]!;
    if (id >= MAX_IDS) throw new RangeError(`more than ${MAX_IDS} interned values`);
    const used = this.control[BYTES_USED]!;
    if (used + length > MAX_BYTES) throw new RangeError('interned strings exceed 1 GiB');
    this.fit(2 * (id + 1), id + 1, used + length);
    this.spans[2 * id] = used;
    this.control[BYTES_USED] = used + length;
    return id;
  }

  /** Grows the buffers (under the lock) to hold `spans` span words, `hashes` hashes and `bytes` bytes. */
  private fit(spans: number, hashes: number, bytes: number): void {
    if (spans <= this.spans.length && hashes <= this.hashes.length && bytes <= this.bytes.length) return;
    ensure(this.handles.spans, 4 * spans);
    ensure(this.handles.hashes, 4 * hashes);
    ensure(this.handles.bytes, bytes);
    this.remakeViews();
  }

  private publish(id: number): void {
    Atomics.store(this.control, COUNT, id + 1);
    // Keep the load factor under one half.
    if (2 * (id + 1) > this.control[SLOT_COUNT]!) this.rehash(this.control[SLOT_COUNT]! * 2);
  }

  private insertSlot(id: number, h: number): void {
    const mask = this.control[SLOT_COUNT]! - 1;
    const slots = this.slots;
    let i = h & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = id + 1;
  }

  private rehash(slotCount: number): void {
    ensure(this.handles.slots, 4 * slotCount);
    this.remakeViews();
    this.slots.fill(0, 0, slotCount);
    this.control[SLOT_COUNT] = slotCount;
    const n = this.control[COUNT]!;
    for (let id = 0; id < n; id++) if (this.spans[2 * id + 1]! >= 0) this.insertSlot(id, this.hashes[id]!);
  }

  /** Views over the whole of each buffer as it is now. */
  private remakeViews(): void {
    const h = this.handles;
    this.spans = new Int32Array(h.spans, 0, h.spans.byteLength >> 2);
    this.hashes = new Int32Array(h.hashes, 0, h.hashes.byteLength >> 2);
    this.slots = new Int32Array(h.slots, 0, h.slots.byteLength >> 2);
    this.bytes = new Uint8Array(h.bytes, 0, h.bytes.byteLength);
  }

  /** Takes the lock, then makes sure the views cover what other threads may have added. */
  private lock(): void {
    while (Atomics.compareExchange(this.control, LOCK, 0, 1) !== 0) {
      Atomics.add(this.control, WAITERS, 1);
      Atomics.wait(this.control, LOCK, 1, 1);
      Atomics.sub(this.control, WAITERS, 1);
    }
    const count = this.control[COUNT]!;
    if (2 * count > this.spans.length || count > this.hashes.length || this.control[SLOT_COUNT]! > this.slots.length || this.control[BYTES_USED]! > this.bytes.length) {
      this.remakeViews();
    }
  }

  private unlock(): void {
    Atomics.store(this.control, LOCK, 0);
    if (Atomics.load(this.control, WAITERS) > 0) Atomics.notify(this.control, LOCK, 1);
  }
}

/** Grows a growable buffer (to at least `bytes`, doubling) when it is smaller. */
function ensure(shared: SharedArrayBuffer, bytes: number): void {
  const buffer = shared as GrowableSharedArrayBuffer;
  if (buffer.byteLength >= bytes) return;
  buffer.grow(Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2)));
}
