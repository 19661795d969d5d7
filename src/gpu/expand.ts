// From binding records to hits, in the CPU matcher's order: each record's leaf expands into the
// present atoms stored under it; a pattern's atoms are ordered by insertion id (a leaf's atoms are
// already ascending, so only patterns that matched several leaves need a merge), and bindings are
// materialized in walk order so fresh variables are created in the CPU's order. Leaves that come
// in insertion order already (a posting list's, leaf-postings.ts) skip the merge.

import type { Atom } from '../core/index.js';
import { Bindings } from '../core/index.js';
import type { CompiledPattern, MatchHit, TrieMatcher } from '../cpu/index.js';
import { freshVariablesFor } from '../cpu/index.js';
import type { FrozenView } from '../space/index.js';
import { BindingRecord, UNBOUND } from './kernel-layout.js';
import { resolveFromRecord } from './resolve.js';
import type { CompactMatches, RawMatches } from './types.js';

/** Index in `words` of the record after the one at `at`, for a pattern of nv variables. */
function nextRecord(words: Uint32Array, at: number, nv: number): number {
  return at + BindingRecord.words(nv, words[at + BindingRecord.storedVars]!);
}

/** Atom ids (and their records) of every pattern, each pattern's ids ascending. */
export function expandRaw(view: FrozenView, patterns: readonly CompiledPattern[], raw: RawMatches): CompactMatches {
  const t0 = performance.now();
  const { recStart, recWords, words, fallback, metrics } = raw;
  const { tok, childStart } = view.trie;
  const store = view.store;
  const hitStart = new Uint32Array(patterns.length + 1);
  let ids = new Uint32Array(1024);
  let recs = new Uint32Array(1024);
  let n = 0;
  const push = (id: number, rec: number): void => {
    if (n === ids.length) {
      const grownIds = new Uint32Array(n * 2);
      grownIds.set(ids);
      ids = grownIds;
      const grownRecs = new Uint32Array(n * 2);
      grownRecs.set(recs);
      recs = grownRecs;
    }
    ids[n] = id;
    recs[n++] = rec;
  };
  let keys = new Float64Array(64);
  for (let p = 0; p < patterns.length; p++) {
    hitStart[p] = n;
    if (fallback.has(p)) continue;
    const nv = patterns[p]!.varNames.length;
    const from = n;
    let leaves = 0;
    for (let at = recStart[p]!, end = at + recWords[p]!; at < end; at = nextRecord(words, at, nv)) {
      const leaf = words[at + BindingRecord.leaf]!;
      leaves++;
      for (let c = childStart[leaf]!; c < childStart[leaf + 1]!; c++) {
        const id = tok[c]!;
        if (store.isAlive(id)) push(id, at);
      }
    }
    metrics.records += leaves;
    const count = n - from;
    let ascending = true;
    for (let k = from + 1; k < n && ascending; k++) ascending = ids[k - 1]! < ids[k]!;
    if (leaves > 1 && count > 1 && !ascending) {
      // Merge by insertion id: pack (id, ordinal) into one exact double and sort numerically.
      metrics.merged++;
      if (keys.length < count) keys = new Float64Array(Math.max(count, keys.length * 2));
      if (count < 1 << 24) {
        for (let k = 0; k < count; k++) keys[k] = ids[from + k]! * 16777216 + k;
        const sorted = keys.subarray(0, count).sort();
        const oldRecs = recs.slice(from, n);
        for (let k = 0; k < count; k++) {
          const key = sorted[k]!;
          const ordinal = key % 16777216;
          ids[from + k] = (key - ordinal) / 16777216;
          recs[from + k] = oldRecs[ordinal]!;
        }
      } else {
        const order = Array.from({ length: count }, (_, k) => k);
        const oldIds = ids.slice(from, n);
        const oldRecs = recs.slice(from, n);
        order.sort((a, b) => oldIds[a]! - oldIds[b]!);
        for (let k = 0; k < count; k++) {
          ids[from + k] = oldIds[order[k]!]!;
          recs[from + k] = oldRecs[order[k]!]!;
        }
      }
    }
  }
  hitStart[patterns.length] = n;
  metrics.results = n;
  metrics.hostMs += performance.now() - t0;
  return { patterns, hitStart, atomIds: ids.slice(0, n), recordAt: recs.slice(0, n), words, recStart, recWords, fallback, metrics };
}

/**
 * The hits of pattern p. Atoms are materialized in the CPU matcher's walk order (record order,
 * then ascending ids under each leaf) and then ordered by insertion id, exactly as the CPU
 * matcher does, so fresh variables for unbound stored variables are created in the same order
 * and get the same names. A fallback pattern is answered by `cpu`.
 */
export function hitsOf(view: FrozenView, m: CompactMatches, p: number, cpu: TrieMatcher): MatchHit[] {
  const pattern = m.patterns[p]!;
  if (m.fallback.has(p)) return cpu.match(view, pattern);
  const { tok, childStart } = view.trie;
  const store = view.store;
  const words = m.words;
  const names = pattern.varNames;
  const nv = names.length;
  const hits: MatchHit[] = [];
  let leaves = 0;
  for (let at = m.recStart[p]!, end = at + m.recWords[p]!; at < end; at = nextRecord(words, at, nv)) {
    leaves++;
    const leaf = words[at + BindingRecord.leaf]!;
    const sv = words[at + BindingRecord.storedVars]!;
    const bind0 = at + BindingRecord.bind0;
    for (let c = childStart[leaf]!; c < childStart[leaf + 1]!; c++) {
      const id = tok[c]!;
      if (!store.isAlive(id)) continue;
      const fresh = freshVariablesFor(sv > 0 ? store.varNamesOf(id) : []);
      const sides = { pattern: pattern.tokens, stored: store.tokensOf(id), words, bind0, bind1: bind0 + nv };
      const map = new Map<string, Atom>();
      for (let level = 0; level < nv; level++) {
        if (words[bind0 + level] === UNBOUND) continue;
        map.set(names[level]!, resolveFromRecord(sides, pattern.firstOffset[level]!, names, fresh, pattern.groundAtoms));
      }
      hits.push({ atomId: id, bindings: new Bindings(map) });
    }
  }
  if (leaves > 1 && !hits.every((h, k) => k === 0 || hits[k - 1]!.atomId < h.atomId)) hits.sort((a, b) => a.atomId - b.atomId);
  return hits;
}
