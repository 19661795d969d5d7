// Pure-call memoization: the full, ordered results of a compiled rule set's calls, kept per
// argument list. Exact by construction: a call kept wrote nothing (rule-set.ts keeps no call that
// queued a write), its arguments are ground normal forms, and its results depend only on them,
// on the rules — a memo lives in its tier, which is dropped whenever a rule, a type declaration
// or a built-in changes — and, when it queried the space, on the space's version, which its
// entry records. A call that bails caches nothing.
//
// A memo costs a lookup per call and an entry per new argument list. It is kept only while it
// pays: over each window of lookups, the calls its hits saved (each entry remembers how many
// calls computing it took) must outweigh the lookups. The table is bounded, and so is what an
// entry holds.

import type { Atom, GroundedAtom } from '../../core/index.js';
import { AtomKind } from '../../core/index.js';
import type { Vals } from './nodes.js';

/** Entries per rule set; past it the table keeps what it has and adds nothing. */
const MAX_ENTRIES = 1 << 16;
/** Results per entry at most: a call with more is not kept (a table of such lists would hold too much). */
const MAX_RESULTS = 256;
/** Lookups per judgement of whether the memo pays. */
const WINDOW = 4096;
/** Calls a window's hits must have saved per lookup (a lookup and an entry cost about two calls). */
const MIN_SAVED_PER_LOOKUP = 2;

/** The version of an entry that did not query the space: it holds whatever the space holds. */
export const PURE = -1;

export interface Entry {
  readonly vals: Vals;
  /** Compiled calls (this one and those it made) that computing it took. */
  readonly cost: number;
  /** The space's version when the call queried it; PURE when it did not. */
  readonly version: number;
}

/** Per argument position a map from the argument's key to the next level; the last level holds entries. */
type Level = Map<unknown, Level | Entry>;

export class Memo {
  private readonly root: Level = new Map();
  /** The entry of a call without arguments. */
  private constant: Entry | undefined = undefined;
  private size = 0;
  private lookups = 0;
  private saved = 0;
  /** False once a window of lookups saved too little: the owner drops the memo. */
  worthKeeping = true;

  /** The entry of the call with these arguments, if computed before. */
  get(args: readonly Atom[]): Entry | undefined {
    let entry: Entry | undefined;
    if (args.length === 0) entry = this.constant;
    else {
      let level: Level | Entry | undefined = this.root;
      for (let i = 0; i < args.length && level !== undefined; i++) {
        const key = argumentKey(args[i]!);
        level = key === null ? undefined : (level as Level).get(key);
      }
      entry = level as Entry | undefined;
    }
    if (entry !== undefined) this.saved += entry.cost;
    if (++this.lookups === WINDOW) {
      if (this.saved < WINDOW * MIN_SAVED_PER_LOOKUP) this.worthKeeping = false;
      this.lookups = 0;
      this.saved = 0;
    }
    return entry;
  }

  set(args: readonly Atom[], vals: Vals, cost: number, version: number): void {
    if (Array.isArray(vals) && vals.length > MAX_RESULTS) return;
    if (args.length === 0) {
      this.constant = { vals, cost, version };
      return;
    }
    if (this.size >= MAX_ENTRIES) return;
    let level = this.root;
    for (let i = 0; i < args.length; i++) {
      const key = argumentKey(args[i]!);
      if (key === null) return;
      if (i === args.length - 1) {
        level.set(key, { vals, cost, version });
        this.size++;
        return;
      }
      let next = level.get(key) as Level | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(key, next);
      }
      level = next;
    }
  }
}

/**
 * What two arguments share only when they are equal (so their calls have the same results): a
 * plain value's intern key (the equality rule patterns use), else the atom itself (symbols are
 * interned; an expression equal to another but not the same object merely misses). Null for a
 * grounded atom that is not a plain value.
 */
function argumentKey(atom: Atom): unknown {
  return atom.kind === AtomKind.Grounded ? (atom as GroundedAtom).internKey() : atom;
}
