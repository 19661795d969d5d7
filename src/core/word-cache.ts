// The symbols the parser has read, found again from the text itself: a word is hashed while the
// reader scans it and looked up by its hash, length and characters, so a word read before costs
// no substring and no string-keyed Map lookup (a million-fact knowledge base reads two million
// such words). One table per thread, as symbols are: a word maps to its interned symbol id,
// whatever parser or text it came from.
//
// The table is laid out for the memory it touches, which is what a lookup in a table of 100,000
// names costs: one open-addressing array of four-word entries (hash, symbol id + 1, where the
// name's characters start in one shared character array, length), so a hit reads one entry and
// one run of characters, and no object.
//
// Only words that the reader made into symbols are filed (never True, False, numbers, variables
// or registered tokens), and the reader asks only about words that cannot be any of those now
// (see Parser.readWord), so a word bound by `bind!` later is not answered from here.

/** FNV-1a over UTF-16 units, step by step (the reader folds each unit in as it scans). */
export const WORD_HASH_SEED = 0x811c9dc5;
export function wordHashStep(h: number, unit: number): number {
  return Math.imul(h ^ unit, 0x01000193);
}

const HASH = 0;
const ID = 1;
const START = 2;
const LENGTH = 3;

let capacity = 1 << 12;
let entries = new Int32Array(4 * capacity);
let filed = 0;
let chars = new Uint16Array(1 << 16);
let charsUsed = 0;

/** The symbol id filed for text[from, to) (hash `h`), or -1. */
export function cachedWordId(text: string, from: number, to: number, h: number): number {
  const mask = capacity - 1;
  const length = to - from;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    const e = 4 * i;
    const id = entries[e + ID]!;
    if (id === 0) return -1;
    if (entries[e + HASH] !== h || entries[e + LENGTH] !== length) continue;
    const start = entries[e + START]!;
    let j = 0;
    while (j < length && chars[start + j] === text.charCodeAt(from + j)) j++;
    if (j === length) return id - 1;
  }
}

/** Files text[from, to) (hash `h`, not filed yet) as the word of symbol `id`. */
export function fileWordId(text: string, from: number, to: number, h: number, id: number): void {
  const length = to - from;
  if (charsUsed + length > chars.length) {
    const grown = new Uint16Array(Math.max(chars.length * 2, charsUsed + length));
    grown.set(chars.subarray(0, charsUsed));
    chars = grown;
  }
  for (let j = 0; j < length; j++) chars[charsUsed + j] = text.charCodeAt(from + j);
  // Load factor at most one half.
  if (2 * (filed + 1) > capacity) grow();
  place(h, id + 1, charsUsed, length);
  charsUsed += length;
  filed++;
}

function place(h: number, idPlusOne: number, start: number, length: number): void {
  const mask = capacity - 1;
  let i = h & mask;
  while (entries[4 * i + ID] !== 0) i = (i + 1) & mask;
  const e = 4 * i;
  entries[e + HASH] = h;
  entries[e + ID] = idPlusOne;
  entries[e + START] = start;
  entries[e + LENGTH] = length;
}

function grow(): void {
  const old = entries;
  capacity *= 2;
  entries = new Int32Array(4 * capacity);
  for (let e = 0; e < old.length; e += 4) if (old[e + ID] !== 0) place(old[e + HASH]!, old[e + ID]!, old[e + START]!, old[e + LENGTH]!);
}
