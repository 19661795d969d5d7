// The incremental index of a space: posting lists of insertion ids (posting-arena.ts), maintained
// on every add and remove (no rebuilds). An expression with an atomic head is filed
//
//   - under its group, (head, arity): the group's `all` list holds every atom of that head and arity;
//   - per argument position (1 .. arity-1, the first MAX_POSITIONS of them) under the argument's
//     signature: an atomic argument's token; for an expression argument its arity plus its first
//     child's token (a variable first child: SIG_OPEN; the empty expression: SIG_NONE); an argument
//     that is a variable goes to the position's `vars` list instead (it matches anything).
//
// A pattern with a variable head is answered from every group of its arity (index-candidates.ts):
// there are few heads per arity in practice, and a second copy of every list filed by arity alone
// would double the appends and the bytes of every add.
//
// Everything else goes to a side list: bare variables, atomic atoms (by token), the empty
// expression, expressions with a variable head and expressions with an expression head (by
// arity). A lookup merges in the side lists that could match (see index-candidates.ts).
//
// Lists, groups and argument positions are numbers, and the keys are hash tables of numbers
// (pair-table.ts): a position of a group is a "slot" (consecutive per group); an atomic argument's
// list is keyed (slot, token), an expression argument's (expression slot, first-child signature),
// where the expression slot is keyed (slot, arity) and numbered from the same counter, so the two
// kinds of key never collide.

import { isVarToken, PAYLOAD_MASK, skipTerm, TAG_SHIFT, Tag } from './encoding.js';
import { ABSENT, PairTable } from './pair-table.js';
import { grownU32, PostingArena } from './posting-arena.js';

/** Signature of an expression argument whose first child is a variable (matches any first child). */
export const SIG_OPEN = 0;
/** Signature of the empty expression `()` (no first child). */
export const SIG_NONE = 1;
/** Argument positions indexed per (head, arity); later ones are found through the head's list. */
export const MAX_POSITIONS = 16;
/** What the lookups return for a list, group or slot that does not exist (and was not created). */
export const NONE = -1;

// Kinds of side list (the first key of the side table).
const SIDE_ATOMIC = 0;
const SIDE_VAR_HEAD = 1;
const SIDE_COMPOUND_HEAD = 2;

function grownI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(n, a.length * 2)).fill(NONE);
  b.set(a);
  return b;
}

/** The signature (first-child part) of the expression argument at `o` whose arity is `arity`. */
export function firstChildSignature(tokens: ArrayLike<number>, o: number, arity: number): number {
  if (arity === 0) return SIG_NONE;
  const c = tokens[o + 1]!;
  return isVarToken(c) ? SIG_OPEN : c;
}

/** Positions indexed for an expression of `arity` children (the head is child 0). */
export function indexedPositions(arity: number): number {
  return Math.min(arity - 1, MAX_POSITIONS);
}

export class AtomIndex {
  /** Every list's ids; the handles below and those the lookups return are lists of this arena. */
  readonly lists: PostingArena;
  readonly bareVars: number;
  readonly empty: number;
  /** (kind, token or arity) → side list. */
  private readonly side = new PairTable();

  /** (head token, arity) → group. */
  private readonly groupTable = new PairTable();
  private groupAll = new Uint32Array(64);
  private groupSlot = new Uint32Array(64);
  private groupArity = new Uint32Array(64);
  private groupHead = new Uint32Array(64);
  private groupCount = 0;
  private readonly byArity = new Map<number, number[]>();
  /** The group of the last add (facts often come in runs of one head). */
  private lastHead = -1;
  private lastArity = -1;
  private lastGroup = NONE;

  /** (slot, token) and (expression slot, signature) → list. */
  private readonly args = new PairTable(1024);
  /** (slot, expression arity) → expression slot. */
  private readonly exprSlots = new PairTable();
  /** Per slot: the list of atoms with a variable there, or NONE. */
  private slotVars = new Int32Array(256).fill(NONE);
  private slotCount = 0;

  private readonly scratch = new Int32Array(MAX_POSITIONS + 1);

  constructor() {
    this.lists = new PostingArena();
    this.bareVars = this.lists.create();
    this.empty = this.lists.create();
  }

  /** The index's tables as plain numbers, for an index image (index-image.ts). */
  imageParts(): IndexParts {
    const table = (t: PairTable): Uint32Array => {
      const out = new Uint32Array(3 * t.size);
      let k = 0;
      t.forEach((a, b, v) => {
        out[k++] = a;
        out[k++] = b;
        out[k++] = v;
      });
      return out;
    };
    const g = this.groupCount;
    return {
      lists: this.lists,
      bareVars: this.bareVars,
      empty: this.empty,
      groupHead: this.groupHead.subarray(0, g),
      groupArity: this.groupArity.subarray(0, g),
      groupAll: this.groupAll.subarray(0, g),
      groupSlot: this.groupSlot.subarray(0, g),
      slotVars: this.slotVars.subarray(0, this.slotCount),
      side: table(this.side),
      args: table(this.args),
      exprSlots: table(this.exprSlots),
    };
  }

  /**
   * An index made of `parts` as imageParts gave them (the groups' table and `byArity` are derived
   * from the group arrays). The caller checked the parts (index-image.ts): every list a list of
   * `parts.lists`, slots below the slot count, no key twice.
   */
  static fromImageParts(parts: IndexParts, fail: (reason: string) => never): AtomIndex {
    const x = new AtomIndex();
    const self = x as unknown as { lists: PostingArena; bareVars: number; empty: number };
    self.lists = parts.lists;
    self.bareVars = parts.bareVars;
    self.empty = parts.empty;
    const g = parts.groupHead.length;
    const cap = Math.max(64, g);
    x.groupHead = new Uint32Array(cap);
    x.groupArity = new Uint32Array(cap);
    x.groupAll = new Uint32Array(cap);
    x.groupSlot = new Uint32Array(cap);
    x.groupHead.set(parts.groupHead);
    x.groupArity.set(parts.groupArity);
    x.groupAll.set(parts.groupAll);
    x.groupSlot.set(parts.groupSlot);
    x.groupCount = g;
    (x as unknown as { groupTable: PairTable }).groupTable = new PairTable(Math.ceil(g * 1.25) + 1);
    for (let i = 0; i < g; i++) {
      const arity = parts.groupArity[i]!;
      if (x.groupTable.get(parts.groupHead[i]!, arity) !== ABSENT) fail(`group ${i} repeats the head and arity of an earlier group`);
      x.groupTable.insert(parts.groupHead[i]!, arity, i);
      let same = x.byArity.get(arity);
      if (same === undefined) x.byArity.set(arity, (same = []));
      same.push(i);
    }
    x.slotCount = parts.slotVars.length;
    x.slotVars = new Int32Array(Math.max(256, x.slotCount)).fill(NONE);
    x.slotVars.set(parts.slotVars);
    // Each table sized for its keys up front: the triples come in the writer's slot order, which
    // is hash order, and linear probing into a smaller table in hash order clusters badly.
    const tables = x as unknown as { side: PairTable; args: PairTable; exprSlots: PairTable };
    tables.side = new PairTable(Math.ceil((parts.side.length / 3) * 1.25) + 1);
    tables.args = new PairTable(Math.max(1024, Math.ceil((parts.args.length / 3) * 1.25) + 1));
    tables.exprSlots = new PairTable(Math.ceil((parts.exprSlots.length / 3) * 1.25) + 1);
    const fill = (t: PairTable, e: Uint32Array, what: string): void => {
      for (let i = 0; i < e.length; i += 3) {
        if (t.get(e[i]!, e[i + 1]!) !== ABSENT) fail(`the ${what} table has the key (${e[i]}, ${e[i + 1]}) twice`);
        t.insert(e[i]!, e[i + 1]!, e[i + 2]!);
      }
    };
    fill(x.side, parts.side, 'side list');
    fill(x.args, parts.args, 'argument list');
    fill(x.exprSlots, parts.exprSlots, 'expression slot');
    return x;
  }

  /** Files atom `id`, whose token string starts at tokens[start], in its lists. */
  add(id: number, tokens: ArrayLike<number>, start: number): void {
    const n = this.listsOf(tokens, start, true);
    const lists = this.lists;
    const scratch = this.scratch;
    for (let i = 0; i < n; i++) lists.push(scratch[i]!, id);
  }

  /** Counts a removed atom dead in its lists (`alive`: the store's liveness bytes). */
  remove(tokens: ArrayLike<number>, start: number, alive: Uint8Array): void {
    const n = this.listsOf(tokens, start, false);
    for (let i = 0; i < n; i++) this.lists.noteDead(this.scratch[i]!, alive);
  }

  /** The group of (head token, arity), created when `create`; NONE when absent. */
  group(head: number, arity: number, create: boolean): number {
    if (head === this.lastHead && arity === this.lastArity) return this.lastGroup;
    let g = this.groupTable.get(head, arity);
    if (g === ABSENT) {
      if (!create) return NONE;
      g = this.newGroup(head, arity);
    }
    this.lastHead = head;
    this.lastArity = arity;
    this.lastGroup = g;
    return g;
  }

  /** The groups of `arity` (every atomic head filed with that many children), oldest first. */
  groupsOfArity(arity: number): readonly number[] {
    return this.byArity.get(arity) ?? NO_GROUPS;
  }

  /** Every atom of group `g`. */
  allList(g: number): number {
    return this.groupAll[g]!;
  }

  groupArityOf(g: number): number {
    return this.groupArity[g]!;
  }

  groupHeadOf(g: number): number {
    return this.groupHead[g]!;
  }

  /** Atoms of group `g` with a variable at position `i` (1-based, at most indexedPositions). */
  varsList(g: number, i: number, create: boolean): number {
    const slot = this.groupSlot[g]! + i - 1;
    let l = this.slotVars[slot]!;
    if (l === NONE && create) this.slotVars[slot] = l = this.lists.create();
    return l;
  }

  /** Atoms of group `g` with the atomic argument `t` at position `i`. */
  atomicArgList(g: number, i: number, t: number, create: boolean): number {
    return this.keyed(this.args, this.groupSlot[g]! + i - 1, t, create);
  }

  /** Atoms of group `g` whose argument `i` is an expression of `arity` with first-child signature `first`. */
  exprArgList(g: number, i: number, arity: number, first: number, create: boolean): number {
    const slot = this.groupSlot[g]! + i - 1;
    let es = this.exprSlots.get(slot, arity);
    if (es === ABSENT) {
      if (!create) return NONE;
      es = this.newSlots(1);
      this.exprSlots.insert(slot, arity, es);
    }
    return this.keyed(this.args, es, first, create);
  }

  varHeadList(arity: number, create: boolean): number {
    return this.keyed(this.side, SIDE_VAR_HEAD, arity, create);
  }

  compoundHeadList(arity: number, create: boolean): number {
    return this.keyed(this.side, SIDE_COMPOUND_HEAD, arity, create);
  }

  /** Symbols and grounded values stored as atoms, by token. */
  atomicList(t: number, create: boolean): number {
    return this.keyed(this.side, SIDE_ATOMIC, t, create);
  }

  /** Number of lists, the ids they hold, and bytes: ids reserved for lists, and everything the index holds. */
  stats(): { lists: number; ids: number; idBytes: number; bytes: number } {
    let ids = 0;
    for (let h = 0; h < this.lists.lists; h++) ids += this.lists.length(h);
    const tables = this.side.byteLength + this.groupTable.byteLength + this.args.byteLength + this.exprSlots.byteLength;
    const groups = this.groupAll.byteLength * 4 + this.slotVars.byteLength;
    return { lists: this.lists.lists, ids, idBytes: this.lists.reservedIdBytes, bytes: this.lists.byteLength + tables + groups };
  }

  private keyed(table: PairTable, a: number, b: number, create: boolean): number {
    let l = table.get(a, b);
    if (l === ABSENT) {
      if (!create) return NONE;
      l = this.lists.create();
      table.insert(a, b, l);
    }
    return l;
  }

  private newGroup(head: number, arity: number): number {
    const g = this.groupCount++;
    if (g === this.groupAll.length) {
      this.groupAll = grownU32(this.groupAll, g + 1);
      this.groupSlot = grownU32(this.groupSlot, g + 1);
      this.groupArity = grownU32(this.groupArity, g + 1);
      this.groupHead = grownU32(this.groupHead, g + 1);
    }
    this.groupAll[g] = this.lists.create();
    this.groupSlot[g] = this.newSlots(Math.max(0, indexedPositions(arity)));
    this.groupArity[g] = arity;
    this.groupHead[g] = head;
    this.groupTable.insert(head, arity, g);
    let same = this.byArity.get(arity);
    if (same === undefined) this.byArity.set(arity, (same = []));
    same.push(g);
    return g;
  }

  /** `n` consecutive new slots; the first one's number. */
  private newSlots(n: number): number {
    const first = this.slotCount;
    this.slotCount += n;
    if (this.slotCount > this.slotVars.length) this.slotVars = grownI32(this.slotVars, this.slotCount);
    return first;
  }

  /** The lists the atom at tokens[start] is filed in, into `scratch`; returns how many. */
  private listsOf(tokens: ArrayLike<number>, start: number, create: boolean): number {
    const out = this.scratch;
    const t0 = tokens[start]!;
    if (isVarToken(t0)) {
      out[0] = this.bareVars;
      return 1;
    }
    if (t0 >>> TAG_SHIFT !== Tag.Expr) return this.single(this.atomicList(t0, create));
    const arity = t0 & PAYLOAD_MASK;
    if (arity === 0) {
      out[0] = this.empty;
      return 1;
    }
    const head = tokens[start + 1]!;
    if (isVarToken(head)) return this.single(this.varHeadList(arity, create));
    if (head >>> TAG_SHIFT === Tag.Expr) return this.single(this.compoundHeadList(arity, create));
    const g = this.group(head, arity, create);
    if (g === NONE) return 0;
    out[0] = this.groupAll[g]!;
    let n = 1;
    const last = indexedPositions(arity);
    let o = start + 2; // offset of argument 1
    for (let i = 1; i <= last; i++) {
      const t = tokens[o]!;
      let l: number;
      if (isVarToken(t)) l = this.varsList(g, i, create);
      else if (t >>> TAG_SHIFT === Tag.Expr) {
        const m = t & PAYLOAD_MASK;
        l = this.exprArgList(g, i, m, firstChildSignature(tokens, o, m), create);
      } else l = this.atomicArgList(g, i, t, create);
      if (l !== NONE) out[n++] = l;
      if (i < last) o = t >>> TAG_SHIFT === Tag.Expr ? skipTerm(tokens, o) : o + 1;
    }
    return n;
  }

  private single(l: number): number {
    if (l === NONE) return 0;
    this.scratch[0] = l;
    return 1;
  }
}

const NO_GROUPS: readonly number[] = Object.freeze([]);

/**
 * An index's storage as numbers (AtomIndex.imageParts / fromImageParts). Groups by number: head
 * token, arity, `all` list, first slot. slotVars: per slot its variables' list or NONE. The
 * tables as (a, b, value) triples: side (kind, token or arity) → list, args (slot, token) and
 * (expression slot, signature) → list, exprSlots (slot, arity) → expression slot.
 */
export interface IndexParts {
  readonly lists: PostingArena;
  readonly bareVars: number;
  readonly empty: number;
  readonly groupHead: Uint32Array;
  readonly groupArity: Uint32Array;
  readonly groupAll: Uint32Array;
  readonly groupSlot: Uint32Array;
  readonly slotVars: Int32Array;
  readonly side: Uint32Array;
  readonly args: Uint32Array;
  readonly exprSlots: Uint32Array;
}
