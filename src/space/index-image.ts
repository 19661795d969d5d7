// An index image: the incremental index (atom-index.ts) as a few u32 arrays, written into a
// compiled space (.mspace, docs/mspace-format.md) so that loading does no per-atom index work.
//
//   indexToSections(index, mapKey)                        -> the arrays (keys' tokens through mapKey)
//   indexFromSections(sections, mapKey, idLimit, alive?)  -> the index (IndexImageError: what is wrong)
//
// Tokens in the keys (group heads, atomic arguments, expression signatures, atomic side lists)
// are process-specific; `mapKey` renumbers one token (to the file's numbering when writing, back
// when reading; tokens other than symbols and grounded values pass unchanged). The hash tables are
// rebuilt from the keys (per key, not per atom); the lists' ids are one block, which the loaded
// arena keeps as it is (a list moves out of it on its first write: posting-arena.ts).
//
// Sections (all u32, little-endian as the platform's typed arrays on the supported targets):
//   0 lists:  count, bareVars, empty, lengths[count], dead[count], removed[count]
//   1 ids:    every list's ids, list 0 first (lengths[h] each, ascending)
//   2 groups: groupCount, heads[g], arities[g], all-lists[g], first slots[g]
//   3 keys:   slotCount, slotVars[slotCount] (0xffffffff: none),
//             sideCount, (kind, key, list) × sideCount,
//             exprCount, (slot, arity, expression slot) × exprCount,
//             argsCount, (slot or expression slot, token or signature, list) × argsCount

import { isVarToken, PAYLOAD_MASK, TAG_SHIFT, Tag } from './encoding.js';
import { AtomIndex, indexedPositions, NONE, SIG_NONE, SIG_OPEN } from './atom-index.js';
import { PostingArena } from './posting-arena.js';

/** Number of arrays an index image has. */
export const INDEX_SECTION_COUNT = 4;

/** The arrays are not an index image of this build: what is wrong (section, entry). */
export class IndexImageError extends Error {
  constructor(
    readonly reason: string,
    /** The section (0 .. INDEX_SECTION_COUNT - 1) the problem was found in. */
    readonly section: number,
    /** The word of that section, where known. */
    readonly word: number | null,
  ) {
    super(`index section ${section}${word === null ? '' : ` (word ${word})`}: ${reason}`);
    this.name = 'IndexImageError';
  }
}

/** The image of `index`; `mapKey` renumbers the tokens in its keys. */
export function indexToSections(index: AtomIndex, mapKey: (token: number) => number): Uint32Array[] {
  const p = index.imageParts();
  const arena = p.lists;
  const n = arena.lists;
  const lists = new Uint32Array(3 + 3 * n);
  lists[0] = n;
  lists[1] = p.bareVars;
  lists[2] = p.empty;
  let total = 0;
  for (let h = 0; h < n; h++) {
    const len = arena.length(h);
    lists[3 + h] = len;
    lists[3 + n + h] = arena.dead(h);
    lists[3 + 2 * n + h] = arena.removed(h);
    total += len;
  }
  const ids = new Uint32Array(total);
  let at = 0;
  for (let h = 0; h < n; h++) {
    const len = arena.length(h);
    const s = arena.start(h);
    ids.set(arena.ids(h).subarray(s, s + len), at);
    at += len;
  }
  const g = p.groupHead.length;
  const groups = new Uint32Array(1 + 4 * g);
  groups[0] = g;
  for (let i = 0; i < g; i++) groups[1 + i] = mapKey(p.groupHead[i]!);
  groups.set(p.groupArity, 1 + g);
  groups.set(p.groupAll, 1 + 2 * g);
  groups.set(p.groupSlot, 1 + 3 * g);
  const slots = p.slotVars.length;
  const keys = new Uint32Array(4 + slots + p.side.length + p.exprSlots.length + p.args.length);
  let k = 0;
  keys[k++] = slots;
  for (let i = 0; i < slots; i++) keys[k++] = p.slotVars[i]! >>> 0;
  keys[k++] = p.side.length / 3;
  for (let i = 0; i < p.side.length; i += 3) {
    keys[k++] = p.side[i]!;
    keys[k++] = p.side[i] === SIDE_ATOMIC ? mapKey(p.side[i + 1]!) : p.side[i + 1]!;
    keys[k++] = p.side[i + 2]!;
  }
  keys[k++] = p.exprSlots.length / 3;
  keys.set(p.exprSlots, k);
  k += p.exprSlots.length;
  keys[k++] = p.args.length / 3;
  for (let i = 0; i < p.args.length; i += 3) {
    keys[k++] = p.args[i]!;
    keys[k++] = mapKey(p.args[i + 1]!);
    keys[k++] = p.args[i + 2]!;
  }
  return [lists, ids, groups, keys];
}

// The side table's kinds (atom-index.ts).
const SIDE_ATOMIC = 0;
const SIDE_COMPOUND_HEAD = 2;
const NONE_WORD = NONE >>> 0;

function isAtomicToken(t: number): boolean {
  const tag = t >>> TAG_SHIFT;
  return tag === Tag.Sym || tag === Tag.Gnd;
}

/**
 * The index an image describes, checked: every list's ids ascending and below `idLimit` (and, given
 * the store's liveness bytes `alive`, exactly `dead` of them absent), every list owned by exactly
 * one key, every slot by one group position or expression slot, keys of the right kinds and no key
 * twice. `mapKey` renumbers a key's token (and throws when it names nothing).
 */
export function indexFromSections(sections: readonly Uint32Array[], mapKey: (token: number) => number, idLimit: number, alive?: Uint8Array): AtomIndex {
  if (sections.length !== INDEX_SECTION_COUNT) throw new IndexImageError(`${sections.length} index sections, expected ${INDEX_SECTION_COUNT}`, 0, null);
  const [lists, ids, groups, keys] = sections as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  const fail = (section: number, word: number | null, reason: string): never => {
    throw new IndexImageError(reason, section, word);
  };

  // Lists.
  if (lists.length < 3) fail(0, null, 'too short for its header');
  const n = lists[0]!;
  if (lists.length !== 3 + 3 * n) fail(0, 0, `${lists.length} words for ${n} lists (expected ${3 + 3 * n})`);
  const bareVars = lists[1]!;
  const empty = lists[2]!;
  if (bareVars >= n || empty >= n || bareVars === empty) fail(0, 1, 'the variables\' and empty expression\'s lists are not two lists of the image');
  const lengths = lists.subarray(3, 3 + n);
  const dead = lists.subarray(3 + n, 3 + 2 * n);
  const removed = lists.subarray(3 + 2 * n, 3 + 3 * n);
  let at = 0;
  for (let h = 0; h < n; h++) {
    const len = lengths[h]!;
    if (len > ids.length - at) fail(1, at, `list ${h}'s ${len} ids run past the ${ids.length} ids`);
    if (dead[h]! > len || removed[h]! < dead[h]!) fail(0, 3 + n + h, `list ${h} counts ${dead[h]} dead of ${len} ids and ${removed[h]} removals`);
    let prev = -1;
    let absent = 0;
    for (let i = at; i < at + len; i++) {
      const id = ids[i]!;
      if (id <= prev || id >= idLimit) fail(1, i, `list ${h}: id ${id} is ${id >= idLimit ? `not below the id limit ${idLimit}` : 'out of order'}`);
      prev = id;
      if (alive !== undefined && alive[id] !== 1) absent++;
    }
    if (alive !== undefined && absent !== dead[h]) fail(0, 3 + n + h, `list ${h} counts ${dead[h]} dead ids, but ${absent} of its ids are not present`);
    at += len;
  }
  if (at !== ids.length) fail(1, at, `${ids.length - at} ids past the last list`);

  // Every list is owned once.
  const owned = new Uint8Array(n);
  const own = (l: number, section: number, word: number): void => {
    if (l >= n) fail(section, word, `list ${l} is not one of the ${n} lists`);
    if (owned[l] !== 0) fail(section, word, `list ${l} is filed under two keys`);
    owned[l] = 1;
  };
  own(bareVars, 0, 1);
  own(empty, 0, 2);

  // Groups.
  if (groups.length < 1) fail(2, null, 'too short for its header');
  const g = groups[0]!;
  if (groups.length !== 1 + 4 * g) fail(2, 0, `${groups.length} words for ${g} groups (expected ${1 + 4 * g})`);
  const heads = new Uint32Array(g);
  const arities = groups.subarray(1 + g, 1 + 2 * g);
  const alls = groups.subarray(1 + 2 * g, 1 + 3 * g);
  const firstSlots = groups.subarray(1 + 3 * g, 1 + 4 * g);

  // Slots: 1 per group position, 2 per expression slot.
  if (keys.length < 1) fail(3, null, 'too short for its header');
  const slotCount = keys[0]!;
  if (slotCount > keys.length - 1) fail(3, 0, `${slotCount} slots do not fit the section`);
  const slotKind = new Uint8Array(slotCount);
  for (let i = 0; i < g; i++) {
    const head = groups[1 + i]!;
    if (!isAtomicToken(head)) fail(2, 1 + i, `group ${i}'s head token 0x${head.toString(16)} is not a symbol or grounded value`);
    heads[i] = mapKey(head);
    const arity = arities[i]!;
    if (arity < 1 || arity > PAYLOAD_MASK) fail(2, 1 + g + i, `group ${i} has arity ${arity}`);
    own(alls[i]!, 2, 1 + 2 * g + i);
    const first = firstSlots[i]!;
    const positions = indexedPositions(arity);
    if (first > slotCount || positions > slotCount - first) fail(2, 1 + 3 * g + i, `group ${i}'s slots run past the ${slotCount} slots`);
    for (let s = first; s < first + positions; s++) {
      if (slotKind[s] !== 0) fail(2, 1 + 3 * g + i, `slot ${s} belongs to two owners`);
      slotKind[s] = 1;
    }
  }
  const slotVars = new Int32Array(slotCount);
  for (let s = 0; s < slotCount; s++) {
    const l = keys[1 + s]!;
    if (l === NONE_WORD) slotVars[s] = NONE;
    else {
      if (slotKind[s] !== 1) fail(3, 1 + s, `slot ${s} has a variables' list but is no group position`);
      own(l, 3, 1 + s);
      slotVars[s] = l;
    }
  }
  let k = 1 + slotCount;
  const triples = (what: string): Uint32Array => {
    if (k >= keys.length) fail(3, k, `the ${what} count is missing`);
    const c = keys[k]!;
    if (c > (keys.length - k - 1) / 3) fail(3, k, `${c} ${what} entries do not fit the section`);
    const out = keys.slice(k + 1, k + 1 + 3 * c);
    k += 1 + 3 * c;
    return out;
  };
  const sideAt = k + 1;
  const side = triples('side list');
  for (let i = 0; i < side.length; i += 3) {
    const kind = side[i]!;
    const key = side[i + 1]!;
    if (kind > SIDE_COMPOUND_HEAD) fail(3, sideAt + i, `side list kind ${kind}`);
    if (kind === SIDE_ATOMIC) {
      if (!isAtomicToken(key)) fail(3, sideAt + i + 1, `atomic side list key 0x${key.toString(16)} is not a symbol or grounded value`);
      side[i + 1] = mapKey(key);
    } else if (key < 1 || key > PAYLOAD_MASK) fail(3, sideAt + i + 1, `side list of arity ${key}`);
    own(side[i + 2]!, 3, sideAt + i + 2);
  }
  const exprAt = k + 1;
  const exprSlots = triples('expression slot');
  for (let i = 0; i < exprSlots.length; i += 3) {
    const slot = exprSlots[i]!;
    const es = exprSlots[i + 2]!;
    if (slot >= slotCount || slotKind[slot] !== 1) fail(3, exprAt + i, `expression slot key ${slot} is no group position`);
    if (exprSlots[i + 1]! > PAYLOAD_MASK) fail(3, exprAt + i + 1, `expression arity ${exprSlots[i + 1]}`);
    if (es >= slotCount || slotKind[es] !== 0) fail(3, exprAt + i + 2, `expression slot ${es} is out of range or has another owner`);
    slotKind[es] = 2;
  }
  for (let s = 0; s < slotCount; s++) if (slotKind[s] === 0) fail(3, null, `slot ${s} has no owner`);
  const argsAt = k + 1;
  const args = triples('argument list');
  if (k !== keys.length) fail(3, k, `${keys.length - k} words past the argument lists`);
  for (let i = 0; i < args.length; i += 3) {
    const slot = args[i]!;
    const key = args[i + 1]!;
    if (slot >= slotCount) fail(3, argsAt + i, `argument list slot ${slot} is out of range`);
    if (slotKind[slot] === 1) {
      if (!isAtomicToken(key)) fail(3, argsAt + i + 1, `atomic argument key 0x${key.toString(16)} is not a symbol or grounded value`);
    } else if (key !== SIG_OPEN && key !== SIG_NONE && (isVarToken(key) || (!isAtomicToken(key) && key >>> TAG_SHIFT !== Tag.Expr))) {
      fail(3, argsAt + i + 1, `expression signature 0x${key.toString(16)}`);
    }
    args[i + 1] = mapKey(key);
    own(args[i + 2]!, 3, argsAt + i + 2);
  }
  for (let h = 0; h < n; h++) if (owned[h] === 0) fail(0, null, `list ${h} is filed under no key`);

  const arena = PostingArena.fromImage(n, lengths, dead, removed, ids);
  return AtomIndex.fromImageParts(
    { lists: arena, bareVars, empty, groupHead: heads, groupArity: arities, groupAll: alls, groupSlot: firstSlots, slotVars, side, args, exprSlots },
    (reason) => fail(3, null, reason),
  );
}
